"""Find and check an identity document (ID card or passport) on a scanned or photographed page.

``analyse_id_page`` runs text detection once on a reduced copy of the page, turns the page upright
(90/180/270 degrees) from the shape and orientation of the detected lines, recognises the lines,
picks out the machine readable zone (MRZ) and checks it with :mod:`formgen.mrz`. When that first
reading does not validate, the MRZ band is cut from the full-resolution page and read again.

Identity documents are personal data: nothing here logs, prints or writes the page or what was
read from it; it only lands in the returned :class:`IdDocumentResult` (whose ``repr`` leaves the
personal fields out).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from formgen import ocr
from formgen.mrz import MrzResult, normalize_line, parse_mrz, text_has_bsn
from formgen.ocr import OcrLine

WORK_MAX_SIDE = 1280  # longest side of the page copy used for text detection
MAX_RECOGNISED_LINES = 60
# summed width/height ratio of the lines recognised per page; about 8 ms each on one core
RECOGNITION_BUDGET = 260.0

ID_KEYWORDS = (
    "IDENTITEITSKAART", "IDENTITYCARD", "CARTEDIDENTITE", "PASPOORT", "PASSPORT", "PASSEPORT",
    "REISDOCUMENT", "KONINKRIJKDERNEDERLANDEN", "KINGDOMOFTHENETHERLANDS", "REISEPASS",
    "PERSONALAUSWEIS",
)
ID_LABELS = (
    "GELDIGTOT", "DATEOFEXPIRY", "GEBOORTEDATUM", "DATEOFBIRTH", "VOORNAMEN", "GIVENNAMES",
    "SURNAME", "PERSOONSNUMMER", "PERSONALNO", "DOCUMENTNUMMER", "DOCUMENTNO", "NATIONALITEIT",
    "NATIONALITY", "DATUMVANAFGIFTE", "DATEOFISSUE",
)

_MRZ_CHARS = re.compile(r"[A-Z0-9<]+")


@dataclass
class IdDocumentResult:
    """What was found on one page. Personal fields are left out of ``repr``."""

    looks_like_id: bool
    mrz_found: bool
    mrz_valid: bool
    doc_type: Literal["TD1", "TD3"] | None = None
    document_kind: str | None = None  # "ID-kaart" / "paspoort"
    issuing_country: str | None = None
    expiry: dt.date | None = None
    expired: bool | None = None
    check_failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bsn_masked: bool | None = None
    bsn_unmasked_visible: bool = False
    rotation: int = 0  # degrees the page was turned clockwise to read it
    surname: str | None = field(default=None, repr=False)  # words separated by spaces
    given_names: str | None = field(default=None, repr=False)
    mrz: MrzResult | None = field(default=None, repr=False)


# --------------------------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------------------------


def _as_rgb(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 4:
        return image[:, :, :3]
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f"unsupported image shape {image.shape}")


def _rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn clockwise by a multiple of 90 degrees."""
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
            270: cv2.ROTATE_90_COUNTERCLOCKWISE}.get(degrees % 360)
    return image if code is None else cv2.rotate(image, code)


def _box_size(box: np.ndarray) -> tuple[float, float]:
    w = float(np.linalg.norm(box[0] - box[1]))
    h = float(np.linalg.norm(box[0] - box[3]))
    return w, h


def _mostly_vertical(boxes: Sequence[np.ndarray]) -> bool:
    """Most detected text (by area) sits in boxes much taller than wide: page turned 90/270."""
    tall = wide = 0.0
    for b in boxes:
        xs, ys = b[:, 0], b[:, 1]
        bw, bh = float(xs.max() - xs.min()), float(ys.max() - ys.min())
        if bh > 1.5 * bw:
            tall += bw * bh
        elif bw > 1.5 * bh:
            wide += bw * bh
    return tall > wide


def _rotate_boxes_180(boxes: Sequence[np.ndarray], width: int, height: int) -> list[np.ndarray]:
    out = []
    for b in boxes:
        p = np.stack([width - b[:, 0], height - b[:, 1]], axis=1).astype(np.float32)
        out.append(p[[2, 3, 0, 1]])  # keep clockwise-from-top-left order
    return out


def _sort_boxes(boxes: list[np.ndarray]) -> list[np.ndarray]:
    return sorted(boxes, key=lambda b: (round(float(b[:, 1].mean()) / 8), float(b[:, 0].min())))


def _stacked(box: np.ndarray, others: Sequence[np.ndarray]) -> bool:
    """Another line of about the same width sits just above or below, left-aligned (MRZ rows)."""
    w, h = _box_size(box)
    x0, yc = float(box[:, 0].min()), float(box[:, 1].mean())
    for other in others:
        if other is box:
            continue
        ow, _ = _box_size(other)
        if (abs(ow - w) < 0.12 * w and abs(float(other[:, 0].min()) - x0) < 0.06 * w
                and 0 < abs(float(other[:, 1].mean()) - yc) < 2.6 * h):
            return True
    return False


def _within_budget(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Limit recognition work (its cost grows with the summed width/height of the lines):
    stacked long lines (MRZ candidates) first, then the rest in reading order."""
    def aspect(b: np.ndarray) -> float:
        w, h = _box_size(b)
        return w / max(h, 1.0)

    ordered = sorted(boxes, key=lambda b: not (aspect(b) > 10 and _stacked(b, boxes)))
    chosen, used = [], 0.0
    for b in ordered[:MAX_RECOGNISED_LINES]:
        if used + aspect(b) > RECOGNITION_BUDGET:
            continue
        chosen.append(b)
        used += aspect(b)
    return _sort_boxes(chosen)


# --------------------------------------------------------------------------------------------
# page reading
# --------------------------------------------------------------------------------------------


@dataclass
class _PageRead:
    page: np.ndarray  # full resolution, upright
    scale: float  # work / page
    lines: list[OcrLine]  # in work coordinates (upright)
    rotation: int


def _read_page(image: np.ndarray) -> _PageRead:
    page = _as_rgb(image)
    h, w = page.shape[:2]
    scale = min(1.0, WORK_MAX_SIDE / max(h, w))
    work = page if scale >= 1.0 else cv2.resize(page, (int(round(w * scale)),
                                                      int(round(h * scale))),
                                                interpolation=cv2.INTER_AREA)
    rotation = 0
    boxes = ocr.detect(work)
    if boxes and _mostly_vertical(boxes):
        rotation = 90
        work = _rotate(work, 90)
        boxes = ocr.detect(work)

    # 0 or 180 degrees: let the angle classifier vote on the longest lines
    longest = sorted(boxes, key=lambda b: -_box_size(b)[0])[:10]
    sample = [ocr.crop_box(work, b) for b in longest if _box_size(b)[0] > 3 * _box_size(b)[1]]
    votes = ocr.upside_down(sample)
    flipped = sum(s for up, s in votes if up)
    upright = sum(s for up, s in votes if not up)
    if flipped > upright:
        rotation = (rotation + 180) % 360
        work = _rotate(work, 180)
        boxes = _sort_boxes(_rotate_boxes_180(boxes, work.shape[1], work.shape[0]))

    boxes = _within_budget([b for b in boxes if min(_box_size(b)) >= 4])
    crops = [ocr.crop_box(work, b) for b in boxes]
    texts = ocr.recognize(crops)
    lines = [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(boxes, texts, strict=True)
        if text.strip() and score >= 0.4
    ]
    return _PageRead(_rotate(page, rotation), scale, lines, rotation)


# --------------------------------------------------------------------------------------------
# MRZ assembly
# --------------------------------------------------------------------------------------------


def _mrz_like(text: str) -> str | None:
    t = normalize_line(text)
    if len(t) < 5 or not _MRZ_CHARS.fullmatch(t):
        return None
    digits = sum(ch.isdigit() for ch in t)
    if t.count("<") >= 1 or (len(t) >= 25 and digits >= 10):
        return t
    return None


@dataclass
class _Segment:
    text: str
    x0: float
    x1: float
    yc: float
    h: float


def _segments(lines: Sequence[OcrLine]) -> list[_Segment]:
    out = []
    for line in lines:
        t = _mrz_like(line.text)
        if t is None:
            continue
        xs = [p[0] for p in line.box]
        ys = [p[1] for p in line.box]
        out.append(_Segment(t, min(xs), max(xs), sum(ys) / 4, max(ys) - min(ys)))
    return out


def _rows(segs: list[_Segment]) -> list[list[_Segment]]:
    rows: list[list[_Segment]] = []
    for s in sorted(segs, key=lambda s: s.yc):
        if rows and abs(rows[-1][0].yc - s.yc) < 0.5 * max(rows[-1][0].h, s.h):
            rows[-1].append(s)
        else:
            rows.append([s])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _best_block(rows: list[list[_Segment]]) -> list[list[_Segment]]:
    """The run of adjacent MRZ-like rows holding the most characters (at most 3 rows)."""
    best: list[list[_Segment]] = []
    best_chars = 0
    i = 0
    while i < len(rows):
        block = [rows[i]]
        j = i + 1
        while j < len(rows):
            gap = rows[j][0].yc - block[-1][0].yc
            hmax = max(block[-1][0].h, rows[j][0].h)
            if gap > 2.6 * hmax:
                break
            block.append(rows[j])
            j += 1
        if len(block) > 3:  # keep the 3 (or 2) consecutive rows with most characters
            cands = [block[k:k + n] for n in (3, 2) for k in range(len(block) - n + 1)]
            block = max(cands, key=lambda b: sum(len(s.text) for r in b for s in r))
        chars = sum(len(s.text) for r in block for s in r)
        if chars > best_chars:
            best, best_chars = block, chars
        i = j
    return best


def _assemble(block: list[list[_Segment]]) -> list[str]:
    """Join the pieces of each MRZ row by position (monospaced font): a gap between pieces, such
    as a black bar over the BSN, becomes unknown characters."""
    longest = max((s for r in block for s in r), key=lambda s: len(s.text))
    pitch = (longest.x1 - longest.x0) / max(len(longest.text), 1)
    x_left = min(r[0].x0 for r in block)
    out = []
    for row in block:
        if len(row) == 1:
            out.append(row[0].text)
            continue
        text = ""
        for seg in row:
            pos = int(round((seg.x0 - x_left) / pitch)) if pitch > 0 else len(text)
            if pos > len(text):
                text += "?" * (pos - len(text))
            text = text[: max(pos, 0)] + seg.text if pos < len(text) else text + seg.text
        out.append(text)
    return out


def _mrz_from_lines(lines: Sequence[OcrLine], today: dt.date) -> tuple[MrzResult | None,
                                                                       list[list[_Segment]]]:
    block = _best_block(_rows(_segments(lines)))
    if len(block) < 2 or sum(len(s.text) for r in block for s in r) < 40:
        return None, block
    texts = _assemble(block)
    result = parse_mrz(texts, today=today)
    if result is None and len(texts) == 3:  # a stray line next to a TD3 zone
        for pair in (texts[:2], texts[1:]):
            result = parse_mrz(pair, today=today)
            if result is not None:
                break
    return result, block


def _quality(result: MrzResult | None) -> tuple[int, int]:
    if result is None:
        return (-1, -99)
    score = sum(1 if s == "ok" else -1 if s == "fout" else 0 for s in result.checks.values())
    return (int(result.valid), score - len(result.check_failures))


def _reread_band(read: _PageRead, block: list[list[_Segment]], today: dt.date) -> MrzResult | None:
    """OCR the MRZ band again, cut from the full-resolution page."""
    segs = [s for r in block for s in r]
    h = max(s.h for s in segs)
    x0 = min(s.x0 for s in segs) - 1.5 * h
    x1 = max(s.x1 for s in segs) + 1.5 * h
    y0 = min(s.yc for s in segs) - 1.5 * h
    y1 = max(s.yc for s in segs) + 1.5 * h
    page = read.page
    ph, pw = page.shape[:2]
    px0, px1 = max(0, int(x0 / read.scale)), min(pw, int(x1 / read.scale))
    py0, py1 = max(0, int(y0 / read.scale)), min(ph, int(y1 / read.scale))
    if px1 - px0 < 20 or py1 - py0 < 10:
        return None
    band = page[py0:py1, px0:px1]
    # characters about 40 px high are plenty for the recogniser
    char_h = h / read.scale
    if char_h > 48:
        f = 40.0 / char_h
        band = cv2.resize(band, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    boxes = [b for b in ocr.detect(band) if min(_box_size(b)) >= 4]
    texts = ocr.recognize([ocr.crop_box(band, b) for b in boxes])
    lines = [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(boxes, texts, strict=True)
        if text.strip()
    ]
    result, _ = _mrz_from_lines(lines, today)
    return result


# --------------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------------


def _keywords_found(lines: Sequence[OcrLine]) -> bool:
    flat = re.sub(r"[^A-Z]", "", " ".join(line.text for line in lines).upper())
    if any(k in flat for k in ID_KEYWORDS):
        return True
    return sum(1 for k in ID_LABELS if k in flat) >= 2


def analyse_id_page(image: np.ndarray, *, today: dt.date | None = None) -> IdDocumentResult:
    """Look for an identity document on a page image and check its MRZ.

    ``image``: RGB uint8 HxWx3 (grayscale or RGBA accepted), any resolution; the page may be turned
    by 90/180/270 degrees or slightly skewed. ``today`` (default: the current date) decides
    ``expired``.
    """
    today = today or dt.date.today()
    read = _read_page(image)
    result, block = _mrz_from_lines(read.lines, today)
    if block and len(block) >= 2 and not (result is not None and result.valid):
        again = _reread_band(read, block, today)
        if _quality(again) > _quality(result):
            result = again

    text_bsn = any(text_has_bsn(line.text) for line in read.lines
                   if _mrz_like(line.text) is None)
    looks_like_id = result is not None or _keywords_found(read.lines)
    if result is None:
        return IdDocumentResult(
            looks_like_id=looks_like_id, mrz_found=False, mrz_valid=False,
            bsn_unmasked_visible=text_bsn, rotation=read.rotation,
            check_failures=["geen leesbare MRZ gevonden"] if looks_like_id else [],
        )
    return IdDocumentResult(
        looks_like_id=True,
        mrz_found=True,
        mrz_valid=result.valid,
        doc_type=result.doc_type,
        document_kind=result.document_kind,
        issuing_country=result.issuing_country,
        expiry=result.expiry,
        expired=result.expired(today),
        check_failures=list(result.check_failures),
        notes=list(result.notes),
        bsn_masked=result.bsn_masked,
        bsn_unmasked_visible=result.bsn_unmasked_visible or text_bsn,
        rotation=read.rotation,
        surname=result.surname.replace("<", " "),
        given_names=result.given_names,
        mrz=result,
    )
