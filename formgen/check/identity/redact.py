"""Black out the BSN on an identity document page, everywhere it shows.

Dutch ID cards and passports show the BSN twice: printed as the personal number
("Persoonsnummer / Personal No.", often with dots: 1234.56.782) and in the machine readable
zone, in the optional data (TD1 line 1, positions 16-30; TD3 line 2, the personal number in
positions 29-43). This module reads the page's text itself (the OCR adapter's detector and
recogniser: it needs the place of every line, which the document reader does not return),
paints each of those places black with a margin, and reads the painted MRZ rows again (a row
that still shows a BSN is painted out whole). A page on which the document reader saw an MRZ or
a BSN that this reading did not find comes back as not safe: then no copy is made of it.

What is painted out:
- every text line holding a nine-digit number (dots, spaces or dashes between the digits
  allowed), and every line holding one that passes the eleven-test once the letters OCR
  confuses with digits (O for 0, S for 5, ...) are read as digits;
- the line right after a "Persoonsnummer" / "Personal No." label, whatever was read there;
- in the MRZ row that holds the optional data: from that position to the end of the row (the
  character cells found from the row's ink at the MRZ's fixed pitch), one cell earlier as a
  margin; an MRZ row whose place in the zone cannot be told is painted out whole.

Identity documents are personal data: nothing here logs or keeps what was read; the result
holds the painted image and counts only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from formgen.check.identity import ocr
from formgen.check.identity.document import IdDocumentResult
from formgen.check.identity.mrz import bsn_is_valid, iter_bsn_candidates, normalize_line

WORK_SIDE = 1600  # longest side of the page copy on which text lines are detected
MARGIN = 0.25  # painted around a line, as a share of its height (ink outside the box)
MRZ_MARGIN = 0.12  # the same above and below an MRZ row: the rows stand close together
MRZ_MIN_CHARS = 20  # an MRZ row (or the part the detector saw) holds at least this many
MRZ_MIN_DIGITS = 8  # a row piece without fillers: dates and numbers, at least this many digits
MRZ_LINE_STEP = 2.6  # rows of one zone are at most this many row heights apart
CELL_EDGE = 0.55  # painting starts this many cells before the first cell's centre
OPTIONAL_START = {"TD1": (0, 15), "TD3": (1, 28)}  # (row, first position) of the BSN, 0-based
ROW_LENGTH = {"TD1": 30, "TD3": 44}
LABELS = ("PERSOONSNUMMER", "PERSONALNO", "PERSONALNUMBER", "NUMEROPERSONNEL")
# letters OCR reads for digits: a number that passes the eleven-test once they are read as
# digits is painted out too
_AS_DIGIT = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1",
                           "L": "1", "|": "1", "S": "5", "s": "5", "B": "8", "Z": "2",
                           "z": "2", "G": "6", "b": "6", "g": "9", "q": "9"})
_MRZ_TEXT = re.compile(r"[A-Z0-9<]+")

Quad = np.ndarray  # 4x2 float32, clockwise from top-left as the text reads


@dataclass
class Redaction:
    """The page with the BSN painted out, and what was done (counts only: no personal data)."""

    image: np.ndarray
    printed: int  # text lines painted out because they hold (or follow the label of) a BSN
    mrz_rows: int  # MRZ rows whose optional data was painted out
    safe: bool  # False: the document reader saw an MRZ or a BSN that nothing here painted out


@dataclass
class _Line:
    text: str
    quad: Quad  # in the coordinates of the page as given


# --------------------------------------------------------------------------------------------
# reading the page (upright copy; line quads mapped back to the page as given)
# --------------------------------------------------------------------------------------------


def _rgb(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    return np.ascontiguousarray(image)


def _turn(image: np.ndarray, degrees: int) -> np.ndarray:
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
            270: cv2.ROTATE_90_COUNTERCLOCKWISE}.get(degrees % 360)
    return image if code is None else cv2.rotate(image, code)


def _unturn(points: np.ndarray, degrees: int, width: int, height: int) -> np.ndarray:
    """Points of the page turned clockwise by ``degrees`` back onto the page as given
    (``width`` x ``height``)."""
    x, y = points[:, 0], points[:, 1]
    d = degrees % 360
    if d == 90:
        back = np.stack([y, height - 1 - x], axis=1)
    elif d == 180:
        back = np.stack([width - 1 - x, height - 1 - y], axis=1)
    elif d == 270:
        back = np.stack([width - 1 - y, x], axis=1)
    else:
        back = points
    return back.astype(np.float32)


def _size(quad: Quad) -> tuple[float, float]:
    return (float(np.linalg.norm(quad[1] - quad[0])), float(np.linalg.norm(quad[3] - quad[0])))


def _mostly_vertical(boxes: Sequence[Quad]) -> bool:
    tall = wide = 0.0
    for b in boxes:
        bw, bh = float(np.ptp(b[:, 0])), float(np.ptp(b[:, 1]))
        if bh > 1.5 * bw:
            tall += bw * bh
        elif bw > 1.5 * bh:
            wide += bw * bh
    return tall > wide


LOCATE_SIDE = 800  # the print is first located on a copy this long
LOCATE_INK = 25  # grey levels darker than the paper around it: print, not a tint
LOCATE_MAX_AREA = 0.6  # print over more of the page than this: the whole page is read


def _print_region(page: np.ndarray) -> tuple[int, int, int, int]:
    """The part of the page with print on it (x0, y0, x1, y1), with a margin; the whole page
    when the print covers most of it. Text detection costs in proportion to the area read."""
    h, w = page.shape[:2]
    s = min(1.0, LOCATE_SIDE / max(h, w))
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    if s < 1.0:
        grey = cv2.resize(grey, (max(1, round(w * s)), max(1, round(h * s))),
                          interpolation=cv2.INTER_AREA)
    ink = cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, np.ones((9, 9), np.uint8)) > LOCATE_INK
    ys, xs = np.nonzero(cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN,
                                         np.ones((2, 2), np.uint8)))
    if len(xs) == 0:
        return 0, 0, w, h
    margin = 0.03 * max(h, w)
    x0, x1 = max(0, int(xs.min() / s - margin)), min(w, int((xs.max() + 1) / s + margin))
    y0, y1 = max(0, int(ys.min() / s - margin)), min(h, int((ys.max() + 1) / s + margin))
    if (x1 - x0) * (y1 - y0) > LOCATE_MAX_AREA * w * h:
        return 0, 0, w, h
    return x0, y0, x1, y1


def _read(page: np.ndarray, rotation: int) -> list[_Line]:
    """Every text line on the page, with its quad on the page as given. ``rotation``: the
    degrees (clockwise) the page is best turned to read it, when known; otherwise the shape of
    the detected lines and the angle classifier decide."""
    x0, y0, x1, y1 = _print_region(page)
    part = page[y0:y1, x0:x1]
    h, w = part.shape[:2]
    scale = min(1.0, WORK_SIDE / max(h, w))
    small = cv2.resize(part, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA) if scale < 1.0 else part
    turned = _turn(small, rotation)
    boxes = [b for b in ocr.detect(turned) if min(_size(b)) >= 4]
    if rotation % 180 == 0 and boxes and _mostly_vertical(boxes):
        rotation = (rotation + 90) % 360
        turned = _turn(small, rotation)
        boxes = [b for b in ocr.detect(turned) if min(_size(b)) >= 4]
    long_lines = sorted((b for b in boxes if _size(b)[0] > 3 * _size(b)[1]),
                        key=lambda b: -_size(b)[0])[:10]
    votes = ocr.upside_down([ocr.crop_box(turned, b) for b in long_lines])
    if sum(s for up, s in votes if up) > sum(s for up, s in votes if not up):
        rotation = (rotation + 180) % 360
        turned = _turn(small, rotation)
        boxes = [b for b in ocr.detect(turned) if min(_size(b)) >= 4]
    full = _turn(part, rotation)  # recognised at full resolution: small print stays legible
    texts = ocr.recognize([ocr.crop_box(full, b, scale=scale) for b in boxes])
    offset = np.array([x0, y0], np.float32)
    lines = []
    for box, (text, _score) in zip(boxes, texts, strict=True):
        # the corner order stays the text's own (clockwise from its top-left)
        on_small = _unturn(np.asarray(box, np.float32), rotation, small.shape[1],
                           small.shape[0])
        lines.append(_Line(text, on_small / scale + offset))
    return lines


# --------------------------------------------------------------------------------------------
# what to paint out
# --------------------------------------------------------------------------------------------


def holds_bsn(text: str) -> bool:
    """A nine-digit number as it is read (any nine digits: a BSN read with one digit wrong
    still shows the rest), or one that passes the eleven-test with OCR's letter-for-digit
    confusions read as digits."""
    if any(True for _ in iter_bsn_candidates(text)):
        return True
    return any(bsn_is_valid(c) for c in iter_bsn_candidates(text.translate(_AS_DIGIT)))


def _is_label(text: str) -> bool:
    flat = re.sub(r"[^A-Z]", "", text.upper())
    return any(label in flat for label in LABELS)


def _mrz_text(text: str) -> str | None:
    """The line in the MRZ's alphabet when it looks like (a piece of) an MRZ row: fillers in
    it, or many digits (the part of a row before a bar a customer drew over the BSN)."""
    t = normalize_line(text)
    if len(t) >= MRZ_MIN_CHARS and _MRZ_TEXT.fullmatch(t) and (
            "<" in t or sum(ch.isdigit() for ch in t) >= MRZ_MIN_DIGITS):
        return t
    return None


def _frame(quad: Quad) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors along and across a line."""
    along = quad[1] - quad[0]
    along = along / max(float(np.linalg.norm(along)), 1e-6)
    return along, np.array([-along[1], along[0]], np.float32)


def _after_label(label: _Line, lines: Sequence[_Line]) -> _Line | None:
    """The line right below a label (or right after it on the same line), if any."""
    along, across = _frame(label.quad)
    lw, lh = _size(label.quad)
    origin = label.quad[0]
    best, best_key = None, None
    for line in lines:
        if line is label:
            continue
        rel = (line.quad - origin) @ np.stack([along, across], axis=1)
        x0, y0 = float(rel[:, 0].min()), float(rel[:, 1].mean())
        below = 0.5 * lh < y0 < 3.5 * lh and -lh < x0 < lw
        beside = abs(y0 - lh / 2) < 0.5 * lh and lw - lh < x0 < lw + 6 * lh
        if below or beside:
            key = (y0, x0)
            if best_key is None or key < best_key:
                best, best_key = line, key
    return best


@dataclass
class _Row:
    text: str
    quad: Quad  # from the first segment's left edge to the last one's right edge
    height: float
    lines: list[_Line]


def _mrz_rows(lines: Sequence[_Line]) -> list[_Row]:
    """The MRZ rows on the page, top to bottom (segments of one row joined)."""
    picked = [(t, line) for line in lines if (t := _mrz_text(line.text)) is not None]
    if not picked:
        return []
    along, across = _frame(picked[0][1].quad)
    segs = []
    for t, line in picked:
        q = line.quad
        segs.append((float((q @ across).mean()), float((q @ along).min()), t, line))
    segs.sort(key=lambda s: s[0])
    groups: list[list[tuple[float, float, str, _Line]]] = []
    for s in segs:
        h = _size(s[3].quad)[1]
        if groups and abs(groups[-1][0][0] - s[0]) < 0.5 * h:
            groups[-1].append(s)
        else:
            groups.append([s])
    rows = []
    for group in groups:
        group.sort(key=lambda s: s[1])
        first, last = group[0][3].quad, group[-1][3].quad
        quad = np.array([first[0], last[1], last[2], first[3]], np.float32)
        rows.append(_Row("".join(s[2] for s in group), quad,
                         float(np.mean([_size(s[3].quad)[1] for s in group])),
                         [s[3] for s in group]))
    return rows


def _zone(rows: list[_Row]) -> list[_Row]:
    """The last run of rows stacked closely (the zone sits at the bottom of the document)."""
    if not rows:
        return []
    along, across = _frame(rows[0].quad)
    zone = [rows[-1]]
    for row in reversed(rows[:-1]):
        gap = float((zone[0].quad @ across).mean() - (row.quad @ across).mean())
        if gap < MRZ_LINE_STEP * max(row.height, zone[0].height) and len(zone) < 3:
            zone.insert(0, row)
        else:
            break
    return zone


def _bsn_row(zone: list[_Row], doc_type: str | None) -> tuple[_Row, int] | None:
    """The row holding the optional data (the BSN) and the position it starts at; None when
    the zone's rows cannot be told apart."""
    kind = doc_type
    if kind is None:
        if len(zone) == 3 or any(r.text[:1] in "IAC" and len(r.text) <= 34 for r in zone[:1]):
            kind = "TD1"
        elif len(zone) == 2 and zone[0].text.startswith("P"):
            kind = "TD3"
    if kind not in OPTIONAL_START:
        return None
    index, start = OPTIONAL_START[kind]
    if kind == "TD1" and len(zone) == 3:
        return zone[0], start
    if kind == "TD3" and len(zone) == 2:
        return zone[1], start
    # fewer rows seen than the zone has: tell the row by how it begins
    for row in zone:
        if kind == "TD1" and row.text[:1] in "IAC" and row.text[2:5].isalpha():
            return row, start
        if kind == "TD3" and index == 1 and not row.text.startswith("P") and \
                row.text[:9].replace("<", "").isalnum() and sum(c.isdigit() for c in row.text) > 10:
            return row, start
    return None


# --------------------------------------------------------------------------------------------
# painting
# --------------------------------------------------------------------------------------------


def _grown(quad: Quad, margin: float) -> np.ndarray:
    along, across = _frame(quad)
    d = margin * _size(quad)[1]
    shift = np.array([-along - across, along - across, along + across, -along + across])
    return (quad + shift * d).astype(np.float32)


def _paint(image: np.ndarray, quad: np.ndarray) -> None:
    cv2.fillPoly(image, [np.round(quad).astype(np.int32)], (0, 0, 0))


def _cells(page: np.ndarray, row: _Row) -> tuple[float, float] | None:
    """(centre of the row's first character, pitch), both along the row from its quad's left
    edge, from the ink of the row: MRZ characters are single pieces of ink at a fixed pitch."""
    quad = row.quad
    width, height = _size(quad)
    if width < 10 or height < 4:
        return None
    wi, hi = int(round(width)), int(round(height))
    dst = np.array([[0, 0], [wi, 0], [wi, hi], [0, hi]], np.float32)
    strip = cv2.warpPerspective(page, cv2.getPerspectiveTransform(quad, dst), (wi, hi),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    grey = cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    centres = sorted(float(centroids[i][0]) for i in range(1, n)
                     if 0.25 * hi <= stats[i, cv2.CC_STAT_HEIGHT] <= hi
                     and stats[i, cv2.CC_STAT_WIDTH] <= 1.2 * hi)
    gaps = np.diff(centres)
    gaps = gaps[(gaps > 0.3 * hi) & (gaps < 1.5 * hi)]
    if len(gaps) < 5:
        return None
    # each piece is a character cell: number the cells from the median pitch, then fit the
    # first centre and the pitch to all of them (a pitch off by 1 % would be off by a third of
    # a cell at the BSN)
    at = np.asarray(centres)
    index = np.round((at - at[0]) / float(np.median(gaps)))
    pitch, first = np.polyfit(index, at, 1)
    return float(first), float(pitch)


def _paint_optional(page: np.ndarray, canvas: np.ndarray, row: _Row, start: int,
                    length: int) -> None:
    """Paint the row from cell ``start`` to its end (and past the detected box, for fillers
    the detector may not have seen). When the row was not read whole (``length`` characters),
    its first cell may lie outside the box: then from one cell earlier."""
    along, across = _frame(row.quad)
    width, height = _size(row.quad)
    cells = _cells(page, row)
    if cells is None:  # no character cells found: the whole row
        first, pitch = 0.0, width / max(len(row.text), 1)
        begin = 0.0
    else:
        first, pitch = cells
        earlier = 0 if len(row.text) == length else 1
        begin = first + (start - earlier - CELL_EDGE) * pitch
    end = max(width, first + (length - 0.5) * pitch) + pitch
    pad = MRZ_MARGIN * height
    tl = row.quad[0] + along * begin - across * pad
    quad = np.array([tl, tl + along * (end - begin), tl + along * (end - begin)
                     + across * (height + 2 * pad), tl + across * (height + 2 * pad)],
                    np.float32)
    _paint(canvas, quad)


def _find(page: np.ndarray, lines: list[_Line], doc_type: str | None,
          canvas: np.ndarray) -> tuple[int, int]:
    """Paint every place the BSN shows onto ``canvas``; (printed lines, MRZ rows painted). An
    MRZ zone whose BSN row cannot be told is painted out whole."""
    printed = 0
    rows = _mrz_rows(lines)
    zone = _zone(rows)
    zone_ids = {id(r) for r in zone}
    in_zone = {id(line) for row in zone for line in row.lines}
    for line in lines:  # the zone's own rows hold the BSN in a run of digits: see below
        if id(line) not in in_zone and holds_bsn(line.text):
            _paint(canvas, _grown(line.quad, MARGIN))
            printed += 1
        if _is_label(line.text):
            value = _after_label(line, lines)
            if value is not None and id(value) not in in_zone:
                _paint(canvas, _grown(value.quad, MARGIN))
                printed += 1
    painted_rows = 0
    if zone:
        found = _bsn_row(zone, doc_type)
        if found is None:
            for row in zone:
                _paint_optional(page, canvas, row, 1, len(row.text))
                painted_rows += 1
        else:
            row, start = found
            kind = doc_type or ("TD1" if start == OPTIONAL_START["TD1"][1] else "TD3")
            _paint_optional(page, canvas, row, start, ROW_LENGTH.get(kind, len(row.text)))
            painted_rows += 1
    for row in rows:  # MRZ-like rows outside the zone (a second copy of the document)
        if id(row) not in zone_ids and _row_has_bsn(row.text):
            _paint(canvas, _grown(row.quad, MARGIN))
            painted_rows += 1
    return printed, painted_rows


def _row_has_bsn(text: str) -> bool:
    """Nine digits in a row of MRZ text that pass the eleven-test, anywhere in a run of digits
    as read (letters are not read as digits here: next to a date, LD or NLD would then make
    nine digits that pass by chance, one time in eleven)."""
    for run in re.findall(r"\d{9,}", text):
        if any(bsn_is_valid(run[i:i + 9]) for i in range(len(run) - 8)):
            return True
    return False


def _verified(canvas: np.ndarray, lines: list[_Line]) -> bool:
    """Read the MRZ rows of the painted page again (the printed lines painted out are black):
    True when none shows a BSN; a row that still does is painted out whole."""
    rows = _mrz_rows(lines)
    if not rows:
        return True
    texts = ocr.recognize([ocr.crop_box(canvas, row.quad, pad=0.1) for row in rows])
    clean = True
    for row, (text, _score) in zip(rows, texts, strict=True):
        if _row_has_bsn(normalize_line(text)):
            _paint(canvas, _grown(row.quad, MRZ_MARGIN))
            clean = False
    return clean


def redact_bsn(image: np.ndarray, found: IdDocumentResult | None = None) -> Redaction:
    """The page with the BSN painted out wherever it shows.

    ``found``: what the document reader found on this page, when known: the way the page is
    turned, the kind of MRZ (which row holds the BSN), and whether it saw an MRZ or a printed
    BSN. The result is not ``safe`` when the reader saw an MRZ that this reading did not find,
    or a BSN that nothing here painted out: then no copy is to be made of it."""
    page = _rgb(image)
    canvas = page.copy()
    rotation = found.rotation if found is not None else 0
    doc_type = found.doc_type if found is not None else None
    lines = _read(page, rotation)
    printed, rows = _find(page, lines, doc_type, canvas)
    _verified(canvas, lines)
    safe = True
    if found is not None:
        mrz_bsn = found.mrz is not None and found.mrz.bsn is not None
        if found.mrz_found and rows == 0:
            safe = False  # an MRZ the reader saw and this reading did not find
        elif found.bsn_unmasked_visible and not mrz_bsn and printed == 0:
            safe = False  # a printed BSN the reader saw and this reading did not
    return Redaction(canvas, printed, rows, safe)
