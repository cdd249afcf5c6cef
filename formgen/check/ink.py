"""Is there writing in a box? Compare the scanned box with the blank form as it was sent out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.form.layout import Rect

CHECK_DPI = 150  # pages are warped to this resolution before any box is measured
MIN_COMPONENT = 8  # px at CHECK_DPI: smaller specks are scanner noise or JPEG artefacts


INK_CONTRAST = 45  # grey levels darker than the paper around it: pen or typed text
FAINT_CONTRAST = 14  # pencil or a nearly empty pen: something a person should look at
NOISE_STRIP = 16  # px at CHECK_DPI: the paper just outside a box, looked at for scanner noise
NOISE_STRIP_MIN_PIXELS = 150  # blank paper a strip must have to count
RULE_LENGTH = 0.5  # a straight thin line over half the box or more is a streak, not writing
RULE_THICKNESS = 4  # px at CHECK_DPI: thinner than this (measured across the line)


@dataclass(frozen=True)
class Ink:
    pixels: int  # ink pixels in the box that are not on the blank form
    fraction: float  # of the box interior
    span: float  # width of the inked part as a fraction of the box width
    faint_fraction: float = 0.0  # the same for faint marks (pencil), ink included
    contrast: float = 0.0  # median darkness of the ink against the paper (grey levels)
    noise: float = 0.0  # ink fraction expected from the noise just outside the box


@cache
def reference_pages(pdf: bytes) -> tuple[np.ndarray, ...]:
    """The blank form rendered at CHECK_DPI, grey, with its printed ink slightly widened."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    pages = []
    for page in document:
        grey = np.asarray(page.render(scale=CHECK_DPI / 72, may_draw_forms=True,
                                      grayscale=True).to_pil().convert("L"))
        printed = (grey < 200).astype(np.uint8)
        pages.append(cv2.dilate(printed, np.ones((7, 7), np.uint8)).astype(bool))
    return tuple(pages)


def _px(rect: Rect) -> tuple[int, int, int, int]:
    s = CHECK_DPI / 72
    return (round(rect.x * s), round(rect.y * s), round((rect.x + rect.width) * s),
            round((rect.y + rect.height) * s))


def _strokes(mask: np.ndarray) -> np.ndarray:
    """Drop specks smaller than MIN_COMPONENT (noise, JPEG artefacts)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                               connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_COMPONENT
    return keep[labels]


def _ink_mask(region: np.ndarray, printed: np.ndarray, threshold: int, specks: bool = False
              ) -> tuple[np.ndarray, np.ndarray]:
    """Marks darker than the paper around them by threshold, off the printed form (specks
    dropped unless asked for); and the contrast."""
    paper = cv2.morphologyEx(region, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contrast = paper.astype(np.int16) - region.astype(np.int16)
    marks = (contrast > threshold) & ~printed
    return (marks if specks else _strokes(marks)), contrast


@cache
def boxes_mask(shape: tuple[int, int], rects: tuple[Rect, ...]) -> np.ndarray:
    """Pixels inside any of the rects (the form's boxes) on a page warped to CHECK_DPI."""
    mask = np.zeros(shape, bool)
    for rect in rects:
        x0, y0, x1, y1 = _px(rect)
        mask[max(0, y0):y1, max(0, x0):x1] = True
    return mask


def _noise_around(page: np.ndarray, printed: np.ndarray, boxes: np.ndarray | None,
                  box: tuple[int, int, int, int]) -> float:
    """The density of ink on the blank paper in four strips just outside the box.

    Pen writing stays in its box; dirty-drum streaks, low-ink lines, speckle, bleed-through,
    shadow edges and fold lines do not stop at the box border. A streak that crosses the box
    crosses the strips on both sides of it as well, so the densest strip is what the box
    holds of such noise; noise along one side only (a page edge) does not reach into the box.
    """
    x0, y0, x1, y1 = box
    m, tall = NOISE_STRIP, 3 * NOISE_STRIP  # above and below: through the gaps between boxes
    h, w = page.shape[:2]
    ox0, oy0, ox1, oy1 = max(0, x0 - m), max(0, y0 - tall), min(w, x1 + m), min(h, y1 + tall)
    # raw marks, specks included: a strip cuts speckle clusters short, so the speck filter
    # would make a narrow strip look cleaner than the box
    mask = _drop_rules(_ink_mask(page[oy0:oy1, ox0:ox1], printed[oy0:oy1, ox0:ox1],
                                 INK_CONTRAST, specks=True)[0])
    blank = ~printed[oy0:oy1, ox0:ox1]
    if boxes is not None:  # writing in the other boxes is no noise
        blank &= ~boxes[oy0:oy1, ox0:ox1]
    bx0, by0, bx1, by1 = x0 - ox0, y0 - oy0, x1 - ox0, y1 - oy0
    strips = [(slice(by0, by1), slice(0, max(0, bx0 - 2))),  # left
              (slice(by0, by1), slice(bx1 + 2, None)),  # right
              (slice(0, max(0, by0 - 2)), slice(bx0, bx1)),  # above
              (slice(by1 + 2, None), slice(bx0, bx1))]  # below
    density: list[float | None] = []
    for rows, cols in strips:
        paper = blank[rows, cols]
        usable = int(paper.sum()) >= NOISE_STRIP_MIN_PIXELS
        density.append(float(mask[rows, cols][paper].mean()) if usable else None)
    # a streak or band crosses both sides; noise on one side only (a page edge, writing that
    # runs over the box border) does not
    pairs = [(density[0], density[1]), (density[2], density[3])]
    return max([min(a, b) for a, b in pairs if a is not None and b is not None], default=0.0)


def _drop_rules(ink: np.ndarray) -> np.ndarray:
    """Drop straight hair-lines along a whole box: low-ink streaks, or the box's own border
    when the page is a few pixels off (also slanted). Writing is never one such thin line."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                               connectivity=8)
    h, w = ink.shape
    long = (stats[:, cv2.CC_STAT_WIDTH] >= RULE_LENGTH * w) | (
        stats[:, cv2.CC_STAT_HEIGHT] >= RULE_LENGTH * h)
    keep = np.ones(count, bool)
    keep[0] = False
    for i in np.flatnonzero(long[1:]) + 1:
        ys, xs = np.nonzero(labels == i)
        (_, _), (a, b), _ = cv2.minAreaRect(np.column_stack([xs, ys]).astype(np.float32))
        if min(a, b) <= RULE_THICKNESS:
            keep[i] = False
    return keep[labels]


def measure(page: np.ndarray, printed: np.ndarray, rect: Rect, inset: int = 3,
            boxes: np.ndarray | None = None) -> Ink:
    """Ink inside rect (form points) on a page warped to CHECK_DPI (grey, uint8).

    The paper's own brightness is estimated around each pixel (a morphological closing wipes
    out thin strokes), so shadows and uneven light in phone photos do not count as ink. When
    the box holds ink, the paper just outside it is measured too (``noise``), leaving out the
    form's other boxes (``boxes``: a mask of them all, from :func:`boxes_mask`).
    """
    x0, y0, x1, y1 = _px(rect)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    box = page[y0:y1, x0:x1]
    if box.size == 0:
        return Ink(0, 0.0, 0.0)
    ink, contrast = _ink_mask(box, printed[y0:y1, x0:x1], INK_CONTRAST)
    ink = _drop_rules(ink)
    faint, _ = _ink_mask(box, printed[y0:y1, x0:x1], FAINT_CONTRAST)
    pixels = int(ink.sum())
    faint_fraction = float(faint.sum()) / box.size
    if not pixels:
        return Ink(0, 0.0, 0.0, faint_fraction)
    columns = np.flatnonzero(ink.any(axis=0))
    raw = _drop_rules((contrast > INK_CONTRAST) & ~printed[y0:y1, x0:x1]).mean()
    around = _noise_around(page, printed, boxes, (x0 - inset, y0 - inset, x1 + inset, y1 + inset))
    fraction = pixels / box.size
    # the noise density outside (raw marks) as a share of the raw marks inside, applied to
    # the ink that counts
    noise = fraction * min(1.0, around / raw) if raw > 0 else 0.0
    return Ink(pixels, fraction, (columns[-1] - columns[0] + 1) / box.shape[1],
               faint_fraction, float(np.median(contrast[ink])), noise)


def crop(page: np.ndarray, rect: Rect, pad: int = 6) -> np.ndarray:
    x0, y0, x1, y1 = _px(rect)
    return page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
