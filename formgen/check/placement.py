"""Is a box where the page's placement says? Find its printed border nearby.

The corner marks (or the QR code, or the print) place a page as a whole. A fold, a curled
photo or a placement found on the print alone can leave one part of the page a few pixels
off: a box's border then lies inside the box, and what is read there may belong to the box
above or below it. Each box's own printed border is looked for around where it should be (the
blank form's thin print matched with the dark pixels of the page); the box is then measured
and read where its border was found.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
# A fold or a crease bends a box's border: its top and bottom lines are followed column by
# column (together, up to BEND_REACH px, a pixel per column at most, BEND_STEP_COST a step),
# and the box is measured straightened where the path lies BEND_MIN px or more off in places,
# holds both lines on BEND_GAIN more of the columns than the straight border (at its best
# row), and on BEND_HELD of the columns where it lies off (a bent border is whole; a path
# through broken lines and writing is not). Only columns where the lines are dark at no more
# than BEND_LINE_SHIFTS rows in a row tell (a line, not a copier's blob nor a crease's
# shadow), at least BEND_CLEAR of them (benchmarks/tuning-placement.md#bent-borders-session-25).
BEND_REACH, BEND_STEP_COST, BEND_MIN, BEND_GAIN = 20, 0.25, 3, 0.05
BEND_LINE_SHIFTS, BEND_CLEAR, BEND_HELD = 6, 0.5, 0.9


@dataclass(frozen=True)
class Offset:
    dx: int  # px at CHECK_DPI: where the box's border was found, from where it should be
    dy: int
    score: float  # how well the print matched there (0-1)
    cover: float = 0.0  # the share of the border's print dark there, in the half with least
    search: int = SEARCH  # px: how far the border was looked for
    bend: tuple[int, ...] = ()  # px: a bent border's rows beyond dy, a column each (_bent)
    x0: int = 0  # px: the first column of bend

    @property
    def bent(self) -> int:
        """How far (px) a bent border lies off the straight one at most: 0 when straight."""
        return max((abs(d) for d in self.bend), default=0)

    @property
    def found(self) -> bool:
        """The border matched well enough, and not at the edge of the search (where the best
        place may lie beyond it)."""
        return border_found(self.score, self.cover, max(abs(self.dx), abs(self.dy)),
                            self.search)

    @property
    def in_place(self) -> bool:
        return self.found and max(abs(self.dx), abs(self.dy)) <= IN_PLACE and not self.bend


def find_box(page: np.ndarray, print_mask: np.ndarray, rect: Rect) -> Offset:
    """Where the box's printed border lies on the page (grey, warped to CHECK_DPI), from
    where the placement puts it; print_mask is the page's
    :func:`formgen.check.ink.thin_print`. Looked for up to FOLLOW px where it is not found
    whole (border_whole) within SEARCH: a box's sides match at any height, so a border found
    with little cover may be one found a line off."""
    near = _find_box(page, print_mask, rect, SEARCH)
    if near.found and border_whole(near.cover):
        return _bent(page, print_mask, rect, near)
    far = _find_box(page, print_mask, rect, FOLLOW)
    if far.found and border_whole(far.cover) and max(abs(far.dx), abs(far.dy)) >= SEARCH:
        around = _find_box(page, print_mask, rect, FOLLOW, CONTEXT)
        if max(abs(around.dx - far.dx), abs(around.dy - far.dy)) <= 1:
            return _bent(page, print_mask, rect, far)
    return _bent(page, print_mask, rect, near) if near.found else near


def _bent(page: np.ndarray, print_mask: np.ndarray, rect: Rect, offset: Offset) -> Offset:
    """The offset with its border's bend, where the border found is bent (BEND_MIN, BEND_GAIN):
    the rows of the box's top and bottom lines followed together along its columns."""
    x0, y0, x1, y1 = pixel_box(rect)
    rows = print_mask[y0 - MARGIN:y1 + MARGIN, x0:x1].sum(axis=1)
    half = len(rows) // 2
    if x1 - x0 < 2 or not rows[:half].any() or not rows[half:].any():
        return offset
    top = y0 - MARGIN + int(np.argmax(rows[:half])) + offset.dy
    bottom = y0 - MARGIN + half + int(np.argmax(rows[half:])) + offset.dy
    x0, x1 = x0 + offset.dx, x1 + offset.dx
    pad = 8
    ry0, ry1 = top - BEND_REACH - 1, bottom + BEND_REACH + 2
    h, w = page.shape[:2]
    if ry0 - pad < 0 or x0 - pad < 0 or ry1 + pad > h or x1 + pad > w:
        return offset
    contrast = darker_than_paper(page[ry0 - pad:ry1 + pad, x0 - pad:x1 + pad])[pad:-pad, pad:-pad]
    level = min(DARK, max(FAINT, DARK_SHARE * float(np.percentile(contrast, 99))))
    dark = cv2.dilate((contrast > level).astype(np.uint8), np.ones((3, 1), np.uint8))
    shifts = np.arange(-BEND_REACH, BEND_REACH + 1)
    # a column holds the border at a shift where both its lines are dark there
    held = np.minimum(dark[top - ry0 + shifts], dark[bottom - ry0 + shifts]).astype(np.float32)
    lines = _longest_run(held) <= BEND_LINE_SHIFTS  # columns where the border is a line
    if lines.mean() < BEND_CLEAR:
        return offset
    held *= lines
    straight = float(held.mean(axis=1).max())  # the border straight, at its best row
    if float(held.max(axis=0).mean()) - straight < BEND_GAIN:  # no path can gain enough
        return offset
    path = _follow(held)
    columns = np.arange(held.shape[1])
    gain = float(held[path, columns].mean()) - straight
    bend = shifts[path] - int(np.median(shifts[path]))  # the straight part stays where found
    off = (np.abs(bend) >= BEND_MIN) & lines
    if not off.any() or gain < BEND_GAIN or held[path, columns][off].mean() < BEND_HELD:
        return offset
    return replace(offset, bend=tuple(int(d) for d in bend), x0=x0)


def _longest_run(held: np.ndarray) -> np.ndarray:
    """Per column of held (shifts x columns, 0 or 1), its longest run of held shifts."""
    run = np.zeros(held.shape[1], np.float32)
    longest = run.copy()
    for row in held:
        run = (run + 1) * row
        np.maximum(longest, run, out=longest)
    return longest


def _follow(held: np.ndarray) -> np.ndarray:
    """The path through held (shifts x columns) that holds most, a shift per column, moving a
    row per column at most, each move costing BEND_STEP_COST (dynamic programming)."""
    count, width = held.shape
    total = held[:, 0].copy()
    came = np.zeros((width, count), np.int8)
    for x in range(1, width):
        options = np.stack([total, np.r_[-np.inf, total[:-1]] - BEND_STEP_COST,
                            np.r_[total[1:], -np.inf] - BEND_STEP_COST])
        came[x] = np.argmax(options, axis=0)
        total = options[came[x], np.arange(count)] + held[:, x]
    path = np.empty(width, np.intp)
    path[-1] = int(np.argmax(total))
    for x in range(width - 1, 0, -1):
        path[x - 1] = path[x] - (1 if came[x, path[x]] == 1 else -1 if came[x, path[x]] == 2
                                 else 0)
    return path


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
    """The page moved so that what lies at the offset comes to the box's place; a bent
    border's columns each moved by their own rows (the bend's ends carried on to the page's
    edges)."""
    if not offset.bend:
        matrix = np.array([[1, 0, -offset.dx], [0, 1, -offset.dy]], np.float32)
        return cv2.warpAffine(page, matrix, (page.shape[1], page.shape[0]),
                              flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    h, w = page.shape[:2]
    xs = np.arange(w, dtype=np.float32) + offset.dx  # where each column of the view comes from
    bend = np.asarray(offset.bend, np.float32)
    rows = offset.dy + bend[np.clip(xs.astype(np.intp) - offset.x0, 0, len(bend) - 1)]
    map_x = np.broadcast_to(xs, (h, w))
    map_y = np.arange(h, dtype=np.float32)[:, None] + rows[None, :]
    return cv2.remap(page, np.ascontiguousarray(map_x), np.ascontiguousarray(map_y),
                     cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
