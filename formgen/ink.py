"""Is there writing in a box? Compare the scanned box with the blank form as it was sent out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.layout import Rect

CHECK_DPI = 150  # pages are warped to this resolution before any box is measured
MIN_COMPONENT = 8  # px at CHECK_DPI: smaller specks are scanner noise or JPEG artefacts


@dataclass(frozen=True)
class Ink:
    pixels: int  # ink pixels in the box that are not on the blank form
    fraction: float  # of the box interior
    span: float  # width of the inked part as a fraction of the box width


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


def measure(page: np.ndarray, printed: np.ndarray, rect: Rect, inset: int = 3) -> Ink:
    """Ink inside rect (form points) on a page warped to CHECK_DPI (grey, uint8)."""
    x0, y0, x1, y1 = _px(rect)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    box = page[y0:y1, x0:x1]
    if box.size == 0:
        return Ink(0, 0.0, 0.0)
    paper = float(np.percentile(page[max(0, y0 - 12):y1 + 12, max(0, x0 - 12):x1 + 12], 90))
    threshold = paper - max(45.0, 0.28 * paper)
    ink = (box < threshold) & ~printed[y0:y1, x0:x1]
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                               connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_COMPONENT
    ink = keep[labels]
    pixels = int(ink.sum())
    if not pixels:
        return Ink(0, 0.0, 0.0)
    columns = np.flatnonzero(ink.any(axis=0))
    return Ink(pixels, pixels / box.size, (columns[-1] - columns[0] + 1) / box.shape[1])


def crop(page: np.ndarray, rect: Rect, pad: int = 6) -> np.ndarray:
    x0, y0, x1, y1 = _px(rect)
    return page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
