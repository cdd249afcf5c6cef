"""One reading of a page: detect the text lines, turn the page upright, straighten it, and
recognise the lines of the MRZ zone; the other lines wait until a check needs them (all of
them: :func:`read_rest`; only those that can hold a number: :func:`read_numbers`).

Text detection runs on a reduced copy (at most ``WORK_MAX_SIDE`` long), or on the part of the
page with print on it (:mod:`formgen.check.identity.locate`), enlarged for a small document on
a coarse scan. The page is turned by 90 degrees when most text stands upright, by 180 when the
angle classifier votes so on the longest lines, and straightened when its lines slope (then
only its MRZ band is detected again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from formgen.check.identity import ocr
from formgen.check.identity.geometry import (
    MAX_SKEW_DEGREES,
    as_rgb,
    box_size,
    mostly_vertical,
    resized,
    rotate,
    rotate_boxes_180,
    skew_degrees,
    sort_boxes,
    stacked,
    straighten,
)
from formgen.check.identity.locate import REGION_SIDE, ink_region
from formgen.check.identity.mrz_zone import mrz_like
from formgen.check.identity.ocr import OcrLine

WORK_MAX_SIDE = 1280  # longest side of the page copy used for text detection
MAX_RECOGNISED_LINES = 60
MIN_LINE_SCORE = 0.4  # a line recognised less surely than this is left out
# summed width/height ratio of the lines recognised per page; about 8 ms each on one core
RECOGNITION_BUDGET = 260.0


def _within_budget(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Limit recognition work (its cost grows with the summed width/height of the lines):
    stacked long lines (MRZ candidates) first, then the rest in reading order."""
    def aspect(b: np.ndarray) -> float:
        w, h = box_size(b)
        return w / max(h, 1.0)

    ordered = sorted(boxes, key=lambda b: not (aspect(b) > 10 and stacked(b, boxes)))
    chosen, used = [], 0.0
    for b in ordered[:MAX_RECOGNISED_LINES]:
        if used + aspect(b) > RECOGNITION_BUDGET:
            continue
        chosen.append(b)
        used += aspect(b)
    return sort_boxes(chosen)


@dataclass
class PageRead:
    page: np.ndarray  # full resolution, upright
    scale: float  # work / page
    lines: list[OcrLine]  # in work coordinates (upright)
    rotation: int
    located: bool = False  # page is only the part of the page given that holds print
    work: np.ndarray | None = None  # the upright work copy the lines were detected on
    pending: list[np.ndarray] = field(default_factory=list)  # boxes not recognised yet


def _recognised(work: np.ndarray, boxes: list[np.ndarray]) -> list[OcrLine]:
    texts = ocr.recognize([ocr.crop_box(work, b) for b in boxes])
    return [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(boxes, texts, strict=True)
        if text.strip() and score >= MIN_LINE_SCORE
    ]


def _mrz_candidate(box: np.ndarray, boxes: Sequence[np.ndarray]) -> bool:
    """A long line with another of its width stacked on it: what an MRZ row looks like."""
    w, h = box_size(box)
    return w > 10 * max(h, 1.0) and stacked(box, boxes)


def _mrz_zone(boxes: Sequence[np.ndarray]) -> Callable[[np.ndarray], bool]:
    """Whether a box lies where the MRZ candidates are (a row the detector split in pieces,
    at a black bar, lies there too), one row height around them."""
    found = [b for b in boxes if _mrz_candidate(b, boxes)]
    if not found:
        return lambda box: False
    points = np.vstack(found)
    h = max(box_size(b)[1] for b in found)
    (x0, y0), (x1, y1) = points.min(axis=0) - (h, 1.5 * h), points.max(axis=0) + (h, 1.5 * h)

    def inside(box: np.ndarray) -> bool:
        cx, cy = box.mean(axis=0)
        return bool(x0 <= cx <= x1 and y0 <= cy <= y1)

    return inside


def read_rest(read: PageRead) -> bool:
    """Recognise the lines of a page read that were left for when they are needed (not MRZ
    candidates); whether any were."""
    if not read.pending or read.work is None:
        return False
    read.lines = read.lines + _recognised(read.work, read.pending)
    read.pending = []
    return True


# the BSN question: a line narrower than this many heights cannot hold a nine-digit number (a
# BSN printed as 1234.56.789 measures 5.5 on the generated documents)
NINE_DIGITS_MIN_ASPECT = 3.0


def read_numbers(read: PageRead, wanted: Callable[[str], bool]) -> bool:
    """Recognise, of the lines left for later, those wide enough to hold a nine-digit number,
    one at a time and unpadded (a short line costs less), until one holds what ``wanted``
    looks for; whether one did. The other lines stay unread."""
    if read.work is None:
        return False
    pending, read.pending = read.pending, []
    for k, box in enumerate(pending):
        w, h = box_size(box)
        if w < NINE_DIGITS_MIN_ASPECT * h:
            read.pending.append(box)
            continue
        (text, score), = ocr.recognize([ocr.crop_box(read.work, box)], min_width=0)
        if not text.strip() or score < MIN_LINE_SCORE:
            continue
        corners = tuple((float(x), float(y)) for x, y in box)
        read.lines.append(OcrLine(text, corners, score))  # type: ignore[arg-type]
        if wanted(text):
            read.pending.extend(pending[k + 1:])
            return True
    return False


def _detect_near(work: np.ndarray, hint: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Detect text only in the region around earlier boxes (the document), which is faster
    than the whole page; falls back to the whole page without boxes."""
    if not hint:
        return ocr.detect(work)
    points = np.vstack(hint)
    h, w = work.shape[:2]
    margin = 0.04 * max(h, w) + 16
    x0, y0 = np.maximum(points.min(axis=0) - margin, 0).astype(int)
    x1 = int(min(w, points[:, 0].max() + margin))
    y1 = int(min(h, points[:, 1].max() + margin))
    if (x1 - x0) * (y1 - y0) > 0.8 * w * h:
        return ocr.detect(work)
    offset = np.array([x0, y0], np.float32)
    return sort_boxes([b + offset for b in ocr.detect(work[y0:y1, x0:x1])])


BAND_MARGIN = 3.0  # row heights around the MRZ candidates detected again on a straightened page


def _detect_band(work: np.ndarray, moved: list[np.ndarray]) -> list[np.ndarray]:
    """Boxes on a straightened page: its MRZ band (the candidates' rows, ``BAND_MARGIN`` row
    heights around them) detected again, where a turned box would cut the rows' characters;
    the other lines keep their first boxes, turned along (they are read only when a check
    needs them). Without MRZ candidates, the text's region is detected again."""
    found = [b for b in moved if _mrz_candidate(b, moved)]
    if not found:
        return _detect_near(work, moved)
    points = np.vstack(found)
    margin = BAND_MARGIN * max(box_size(b)[1] for b in found)
    h, w = work.shape[:2]
    x0, y0 = np.maximum(points.min(axis=0) - margin, 0).astype(int)
    x1 = int(min(w, points[:, 0].max() + margin))
    y1 = int(min(h, points[:, 1].max() + margin))
    offset = np.array([x0, y0], np.float32)
    band = [b + offset for b in ocr.detect(work[y0:y1, x0:x1])]

    def outside(box: np.ndarray) -> bool:
        cx, cy = box.mean(axis=0)
        return not (x0 <= cx <= x1 and y0 <= cy <= y1)

    return sort_boxes([b for b in moved if outside(b)] + band)

ZOOM_MAX_FACTOR = 3.0  # a small document is enlarged at most this much


def read_page(image: np.ndarray, *, locate: bool = True) -> PageRead:
    """Detect and recognise the text of a page (the angle classifier decides whether it is
    upside down); ``locate``: read only the part of the page with print on it (text detection
    costs in proportion to the area read), at a size that suits the detector."""
    page = as_rgb(image)
    h, w = page.shape[:2]
    located = ink_region(page) if locate else None
    scale = min(1.0, WORK_MAX_SIDE / max(h, w))
    if located is not None:
        x0, y0, x1, y1 = located
        page = page[y0:y1, x0:x1]
        h, w = page.shape[:2]
        # a small document on a coarse page is enlarged for the detector (at most 3x)
        scale = min(ZOOM_MAX_FACTOR, WORK_MAX_SIDE / max(h, w), max(scale, REGION_SIDE / max(h, w)))
    work = resized(page, scale)
    rotation = 0
    boxes = ocr.detect(work)
    if boxes and mostly_vertical(boxes):
        rotation = 90
        work = rotate(work, 90)
        boxes = ocr.detect(work)  # sideways text is detected poorly: no region to go by
    skew = skew_degrees(boxes)
    if abs(skew) > MAX_SKEW_DEGREES:
        # a phone photo or a crooked scan: straighten the page and detect its MRZ band again
        # (the other lines keep their boxes, turned along; turning the MRZ rows' boxes too
        # read phone photos worse: 58/64 instead of 64/64 on a seeded set)
        page, matrix = straighten(rotate(page, rotation), skew)
        rotation = 0
        h, w = page.shape[:2]
        work = resized(page, scale)
        moved = [(np.column_stack([b / scale, np.ones(len(b))]) @ matrix.T * scale)
                 .astype(np.float32) for b in boxes]
        boxes = _detect_band(work, moved)

    # 0 or 180 degrees: let the angle classifier vote on the longest lines
    longest = sorted(boxes, key=lambda b: -box_size(b)[0])[:10]
    sample = [ocr.crop_box(work, b) for b in longest if box_size(b)[0] > 3 * box_size(b)[1]]
    votes = ocr.upside_down(sample)
    flipped = sum(s for up, s in votes if up)
    upright = sum(s for up, s in votes if not up)
    if flipped > upright:
        rotation = (rotation + 180) % 360
        work = rotate(work, 180)
        boxes = sort_boxes(rotate_boxes_180(boxes, work.shape[1], work.shape[0]))

    boxes = _within_budget([b for b in boxes if min(box_size(b)) >= 4])
    lines, rest = _zone_read(work, boxes)
    if 0 < len(lines) <= ZONE_MAX_LINES and not any(mrz_like(line.text) for line in lines):
        # the angle classifier's votes on an MRZ left alone (a copy that blackened the rest of
        # the document) are few and weak: its letters look much alike either way up. Read the
        # other way up too, and keep that where only it reads as an MRZ
        other = rotate(work, 180)
        turned = sort_boxes(rotate_boxes_180(boxes, other.shape[1], other.shape[0]))
        other_lines, other_rest = _zone_read(other, turned)
        if any(mrz_like(line.text) for line in other_lines):
            rotation = (rotation + 180) % 360
            work, lines, rest = other, other_lines, other_rest
    return PageRead(rotate(page, rotation), scale, lines,
                     rotation, located is not None, work, rest)  # rotation: of 90s


# lines of an MRZ zone read the other way up when they hold no MRZ: two or three rows, each
# split in two by the detector at most (a page of text has more lines stacked alike)
ZONE_MAX_LINES = 6


def _zone_read(work: np.ndarray, boxes: list[np.ndarray]
               ) -> tuple[list[OcrLine], list[np.ndarray]]:
    """The lines of the MRZ zone recognised, and the boxes of the other lines (recognised only
    when a check needs them)."""
    zone = _mrz_zone(boxes)
    return (_recognised(work, [b for b in boxes if zone(b)]),
            [b for b in boxes if not zone(b)])
