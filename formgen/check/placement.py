"""Is a box where the page's placement says? Find its printed border nearby.

The corner marks (or the QR code, or the print) place a page as a whole. A fold, a curled
photo or a placement found on the print alone can leave one part of the page a few pixels
off: a box's border then lies inside the box, and what is read there may belong to the box
above or below it. Each box's own printed border is looked for around where it should be (the
blank form's thin print matched with the dark pixels of the page); the box is then measured
and read where its border was found.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formgen.check.decision import border_found, border_whole
from formgen.check.ink import darker_than_paper, pixel_box
from formgen.form.layout import Rect

MARGIN = 6  # px at CHECK_DPI around the box: its four sides, not the next box (10 px away)
SEARCH = 12  # px: how far from its place a box's border is looked for
# Not found within SEARCH (a bowed photo moves the middle of a page further), the border is
# looked for again up to FOLLOW px and taken only beyond SEARCH: stacked boxes' borders are
# 52 px apart, so a box moved up to 31 px is not taken for the next one; and the print
# around it (CONTEXT) must match there too, so the end of a block of boxes is not taken
# for a box (benchmarks/tuning-placement.md#follow).
FOLLOW = 20
CONTEXT = 26  # px above and below the box: a border followed must match with the print there
# Dark is darker than the paper by DARK grey levels, or on a faded copy by DARK_SHARE of the
# darkest ink around the box (its 99th percentile), but at least FAINT: print faded to 30 %
# is about 28 grey levels darker than the paper.
DARK, DARK_SHARE, FAINT = 30, 0.4, 14
# The border is found (border_found in formgen/check/decision.py, FOUND_SCORE, FOUND_COVER)
# when the print matches well; data: benchmarks/tuning-placement.md.
IN_PLACE = 2  # px: a box found this close to its place is where the placement says


@dataclass(frozen=True)
class Offset:
    dx: int  # px at CHECK_DPI: where the box's border was found, from where it should be
    dy: int
    score: float  # how well the print matched there (0-1)
    cover: float = 0.0  # the share of the border's print dark there, in the half with least
    search: int = SEARCH  # px: how far the border was looked for

    @property
    def found(self) -> bool:
        """The border matched well enough, and not at the edge of the search (where the best
        place may lie beyond it)."""
        return border_found(self.score, self.cover, max(abs(self.dx), abs(self.dy)),
                            self.search)

    @property
    def in_place(self) -> bool:
        return self.found and max(abs(self.dx), abs(self.dy)) <= IN_PLACE


def find_box(page: np.ndarray, print_mask: np.ndarray, rect: Rect) -> Offset:
    """Where the box's printed border lies on the page (grey, warped to CHECK_DPI), from
    where the placement puts it; print_mask is the page's
    :func:`formgen.check.ink.thin_print`. Looked for up to FOLLOW px where it is not found
    whole (border_whole) within SEARCH: a box's sides match at any height, so a border found
    with little cover may be one found a line off."""
    near = _find_box(page, print_mask, rect, SEARCH)
    if near.found and border_whole(near.cover):
        return near
    far = _find_box(page, print_mask, rect, FOLLOW)
    if far.found and border_whole(far.cover) and max(abs(far.dx), abs(far.dy)) >= SEARCH:
        around = _find_box(page, print_mask, rect, FOLLOW, CONTEXT)
        if max(abs(around.dx - far.dx), abs(around.dy - far.dy)) <= 1:
            return far
    return near


def _find_box(page: np.ndarray, print_mask: np.ndarray, rect: Rect, search: int,
              above: int = MARGIN) -> Offset:
    """The search itself; above: px of print above and below the box matched with it."""
    x0, y0, x1, y1 = pixel_box(rect)
    reach, tall = MARGIN + search, above + search
    h, w = page.shape[:2]
    if x0 - reach < 0 or y0 - tall < 0 or x1 + reach > w or y1 + tall > h:
        return Offset(0, 0, 0.0)
    pad = 8  # paper around the region, so the paper's brightness is judged at its edges too
    ry0, rx0 = max(0, y0 - tall - pad), max(0, x0 - reach - pad)
    region = page[ry0:min(h, y1 + tall + pad), rx0:min(w, x1 + reach + pad)]
    contrast = darker_than_paper(region)[y0 - tall - ry0:y1 + tall - ry0,
                                         x0 - reach - rx0:x1 + reach - rx0]
    level = min(DARK, max(FAINT, DARK_SHARE * float(np.percentile(contrast, 99))))
    dark = (contrast > level).astype(np.float32)
    template = print_mask[y0 - above:y1 + above, x0 - MARGIN:x1 + MARGIN].astype(np.float32)
    if not dark.any() or not template.any():
        return Offset(0, 0, 0.0)
    scores = cv2.matchTemplate(dark, template, cv2.TM_CCORR_NORMED)
    _, best, _, (bx, by) = cv2.minMaxLoc(scores)
    there = cv2.dilate(dark, np.ones((3, 3), np.uint8))[by:by + template.shape[0],
                                                      bx:bx + template.shape[1]] > 0
    return Offset(bx - search, by - search, float(best), _covered(template > 0, there), search)


def _covered(template: np.ndarray, there: np.ndarray) -> float:
    """The share of the print that is dark on the page (give or take a pixel), in the half of
    the box where less of it is: the top and the bottom border must both be there. A box
    whose top border lies on the bottom border of the box above, where a fold moved part of
    the page, matches well on that one line and on the sides, which all boxes of a column
    share."""
    half = template.shape[0] // 2
    shares = [float(there[part][template[part]].mean()) if template[part].any() else 0.0
              for part in (slice(0, half), slice(half, None))]
    return min(shares)


def moved(page: np.ndarray, offset: Offset) -> np.ndarray:
    """The page moved so that what lies at the offset comes to the box's place."""
    matrix = np.array([[1, 0, -offset.dx], [0, 1, -offset.dy]], np.float32)
    return cv2.warpAffine(page, matrix, (page.shape[1], page.shape[0]),
                          flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
