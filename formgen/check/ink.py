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


@dataclass(frozen=True)
class Ink:
    pixels: int  # ink pixels in the box that are not on the blank form
    fraction: float  # of the box interior
    span: float  # width of the inked part as a fraction of the box width
    faint_fraction: float = 0.0  # the same for faint marks (pencil), ink included
    contrast: float = 0.0  # median darkness of the ink against the paper (grey levels)


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


def measure(page: np.ndarray, printed: np.ndarray, rect: Rect, inset: int = 3) -> Ink:
    """Ink inside rect (form points) on a page warped to CHECK_DPI (grey, uint8).

    The paper's own brightness is estimated around each pixel (a morphological closing wipes
    out thin strokes), so shadows and uneven light in phone photos do not count as ink.
    """
    x0, y0, x1, y1 = _px(rect)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    box = page[y0:y1, x0:x1]
    if box.size == 0:
        return Ink(0, 0.0, 0.0)
    paper = cv2.morphologyEx(box, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contrast = paper.astype(np.int16) - box.astype(np.int16)
    blank = ~printed[y0:y1, x0:x1]
    ink = _strokes((contrast > INK_CONTRAST) & blank)
    faint = _strokes((contrast > FAINT_CONTRAST) & blank)
    pixels = int(ink.sum())
    faint_fraction = float(faint.sum()) / box.size
    if not pixels:
        return Ink(0, 0.0, 0.0, faint_fraction)
    columns = np.flatnonzero(ink.any(axis=0))
    return Ink(pixels, pixels / box.size, (columns[-1] - columns[0] + 1) / box.shape[1],
               faint_fraction, float(np.median(contrast[ink])))


def crop(page: np.ndarray, rect: Rect, pad: int = 6) -> np.ndarray:
    x0, y0, x1, y1 = _px(rect)
    return page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
