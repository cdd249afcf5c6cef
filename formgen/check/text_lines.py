"""Does a text detector see writing in a box? A second opinion for the ink rules on copies
whose noise looks like the writing to them.

The ink rules (:mod:`formgen.check.ink`) judge a box by its dark pixels against the noise of
the paper around it. On a copy full of texture (dirty drum, bad photocopy) the writing sinks
in that noise, or a patch of it looks like writing. A text detector (PP-OCR's, through
:mod:`formgen.check.identity.ocr`) was trained on the shape of text lines and tells the two
apart far better: it is asked where the ink rules are least sure, with the printed form wiped
off the box and its surroundings so that only what was added to the paper is left.

For a new value the stronger question is asked: does PP-OCR's recogniser read letters or digits
there (:func:`read_box`)? Toner clumps, specks and smudges read as nothing, or as a few
characters of another script (the model also knows Chinese).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.check.identity import ocr
from formgen.check.ink import paper, pixel_box
from formgen.form.layout import Rect

SURROUNDINGS = 40  # px at CHECK_DPI around the box given to the detector with it
TEXT_LEVEL = 0.3  # the detector's own threshold on its text map
INSET = 3  # px: the box's interior starts this far inside its printed border
# What counts as a line of text (data: benchmarks/tuning-text-lines.md#line-detection); long
# thin strips are the toner of a dirty drum along a row of the form.
LINE_MIN_AREA = 400
LINE_MAX_ASPECT = 25
LINE_INSIDE_SHARE = 0.5
# A box is enlarged READ_SCALE times before it is read (benchmarks/tuning-text-lines.md).
READ_SCALE = 1.5
# A light answer that reads as nothing is read once more at CLOSER_SCALE: thin strokes break
# up at the smaller size (benchmarks/tuning-text-lines.md#closer-scale).
CLOSER_SCALE = 2.5
# A reading that shares PRINT_RUN letters and digits in a row with the form's own print is that
# print, not a value (benchmarks/tuning-text-lines.md#form-print).
PRINT_RUN = 10


@dataclass(frozen=True)
class TextSeen:
    line_width: int  # px: the widest compact line of text that lies mostly in the box (0: none)
    box_width: int  # px: the width of the box's interior

    @property
    def line(self) -> bool:
        return self.line_width > 0


def _surroundings(page: np.ndarray, printed: np.ndarray, rect: Rect, *, wipe_print: bool
                  ) -> tuple[np.ndarray, int, int] | None:
    """The box with SURROUNDINGS px around it (a copy), the print wiped off when wipe_print,
    and where that region starts on the page (x, y); None when the box is off the page."""
    x0, y0, x1, y1 = pixel_box(rect)
    cx0, cy0 = max(0, x0 - SURROUNDINGS), max(0, y0 - SURROUNDINGS)
    region = page[cy0:y1 + SURROUNDINGS, cx0:x1 + SURROUNDINGS].copy()
    on_form = printed[cy0:y1 + SURROUNDINGS, cx0:x1 + SURROUNDINGS]
    if region.size == 0 or min(region.shape) < 8 or on_form.shape != region.shape:
        return None
    if wipe_print:
        region[on_form] = paper(region)[on_form]
    return region, cx0, cy0


def text_in_box(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                wipe_print: bool = True) -> TextSeen:
    """What the text detector sees in rect (form points) on a page warped to CHECK_DPI (grey,
    uint8); printed: the blank form's (widened) ink on that page, wiped off first when
    wipe_print."""
    x0, y0, x1, y1 = pixel_box(rect)
    box_width = max(0, x1 - x0 - 2 * INSET)
    found = _surroundings(page, printed, rect, wipe_print=wipe_print)
    if found is None:
        return TextSeen(0, box_width)
    region, cx0, cy0 = found
    text = (ocr.text_map(region) > TEXT_LEVEL).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    interior = labels[y0 - cy0 + INSET:y1 - cy0 - INSET, x0 - cx0 + INSET:x1 - cx0 - INSET]
    inside = np.bincount(interior.ravel(), minlength=count)
    line_width = 0
    for k in range(1, count):
        area_in = int(inside[k])
        width, height, area = (int(v) for v in stats[k, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT,
                                                         cv2.CC_STAT_AREA]])
        if area_in >= LINE_MIN_AREA and area_in >= LINE_INSIDE_SHARE * area \
                and width < LINE_MAX_ASPECT * height:
            line_width = max(line_width, width)
    return TextSeen(line_width, box_width)


def read_box(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
             scale: float = READ_SCALE) -> str:
    """What PP-OCR reads in rect (form points) on a page warped to CHECK_DPI (grey, uint8),
    with the print wiped off: the text lines the detector finds in the box, enlarged scale
    times (handwriting at CHECK_DPI is too thin for it), each recognised; lines joined by a
    space."""
    return " ".join(text for text, _ in read_box_lines(page, printed, rect, scale=scale))


@dataclass(frozen=True)
class BoxLine:
    text: str
    confidence: float  # the recogniser's, 0..1
    quad: np.ndarray  # 4x2 corners (x, y) on the page, px at CHECK_DPI


@dataclass(frozen=True)
class BoxDetection:
    """The box and its surroundings with the print wiped off, enlarged; the text lines the
    detector finds whose centre lies in the box (corners in ``big``'s pixels)."""

    big: np.ndarray
    quads: list[np.ndarray]
    origin: np.ndarray  # (x, y) on the page of big's top left corner, px at CHECK_DPI


def detect_box_lines(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                     scale: float = READ_SCALE) -> BoxDetection | None:
    """What every reading of a box starts with (see :class:`BoxDetection`); None when the box
    lies off the page."""
    found = _surroundings(page, printed, rect, wipe_print=True)
    if found is None:
        return None
    region, cx0, cy0 = found
    x0, y0, x1, y1 = pixel_box(rect)
    big = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    quads = [quad for quad in ocr.detect(big)
             if x0 <= quad[:, 0].mean() / scale + cx0 <= x1
             and y0 <= quad[:, 1].mean() / scale + cy0 <= y1]
    return BoxDetection(big, quads, np.array([cx0, cy0], np.float32))


def read_box_quads(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                   scale: float = READ_SCALE) -> list[BoxLine]:
    """Each line :func:`read_box` reads, with the recogniser's confidence and where it lies."""
    found = detect_box_lines(page, printed, rect, scale=scale)
    if found is None:
        return []
    read = ocr.recognize([ocr.crop_box(found.big, quad) for quad in found.quads])
    return [BoxLine(text, float(score), quad / scale + found.origin)
            for quad, (text, score) in zip(found.quads, read, strict=True)]


def read_box_lines(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                   scale: float = READ_SCALE) -> list[tuple[str, float]]:
    """Each line :func:`read_box` reads, with the recogniser's confidence (0..1)."""
    return [(line.text, line.confidence)
            for line in read_box_quads(page, printed, rect, scale=scale)]


def letters_and_digits(text: str) -> int:
    """How many Latin letters and digits text holds (a box's reading in another script is
    noise: the recogniser also knows Chinese)."""
    return sum(1 for c in text if c.isalnum() and (
        c.isdigit() and c.isascii() or unicodedata.name(c, "").startswith("LATIN ")))


def _plain(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


@cache
def _form_print(pdf: bytes) -> tuple[str, ...]:
    """The text printed on each page of the blank form, letters and digits only, lower case."""
    return tuple(_plain(page.get_textpage().get_text_range()) for page in pdfium.PdfDocument(pdf))


def is_form_print(reading: str, pdf: bytes, page: int) -> bool:
    """Whether a box's reading is the form's own print from page (see PRINT_RUN)."""
    plain, printed = _plain(reading), _form_print(pdf)[page - 1]
    if len(plain) < PRINT_RUN:
        return False
    match = SequenceMatcher(None, plain, printed, autojunk=False).find_longest_match()
    return match.size >= PRINT_RUN
