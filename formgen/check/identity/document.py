"""Find and check an identity document (ID card or passport) on a scanned or photographed page.

``analyse_id_page`` first locates the print on the page (OpenCV, on an 800-px copy: dark strokes
on lighter paper, specks left out). When the print covers at most 45 % of the page (a document
copied or photographed on a sheet), only that part is read, at a size that suits the text
detector: at least 800 px long, enlarged up to 3x for a small document on a coarse scan. This is
faster (text detection costs in proportion to the area read) and finds small documents, whose
MRZ rows are too small to detect on a reduced copy of the whole page. When that reading gives no
valid MRZ, the whole page is read as before.

Text detection then runs once on a reduced copy of that part, turns it upright
(90/180/270 degrees) from the shape of the detected lines and a vote of the angle classifier,
straightens a skewed page and detects again, recognises the lines (within a time
budget), and picks out the machine readable zone (MRZ). Each MRZ row is then cut from the
full-resolution page and read in pieces of six characters: the character pitch and the cell
borders are fitted to the ink of the rows (a comb of 30 or 44 cells, so trailing fillers the
detector missed are read too), cells under a black bar become unknown characters, and the name
row (no check digit) is read three times with different cuts and voted on unless the pieces agree
with the whole-line reading. The rows are checked with :mod:`formgen.check.identity.mrz`;
if the result still does not validate, the whole band is detected and read again at full
resolution. When nothing MRZ-like is found, the page is read once more turned by 180 degrees.
When all that gives no valid MRZ on what looks like an ID, the MRZ rows may be bent by a fold
in the page (which makes the text detector drop them): they are then looked for in the
detector's text map, straightened and read (:mod:`formgen.check.identity.fold`).

Identity documents are personal data: nothing here logs, prints or writes the page or what was
read from it; it only lands in the returned :class:`IdDocumentResult` (whose ``repr`` leaves the
personal fields out).
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from formgen.check.identity import fold, ocr
from formgen.check.identity.mrz import UNKNOWN as UNKNOWN_CHAR
from formgen.check.identity.mrz import MrzResult, normalize_line, parse_mrz, text_has_bsn
from formgen.check.identity.ocr import OcrLine

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
    located: bool = False  # page is only the part of the page given that holds print
    work: np.ndarray | None = None  # the upright work copy the lines were detected on
    pending: list[np.ndarray] = field(default_factory=list)  # boxes not recognised yet


def _recognised(work: np.ndarray, boxes: list[np.ndarray]) -> list[OcrLine]:
    texts = ocr.recognize([ocr.crop_box(work, b) for b in boxes])
    return [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(boxes, texts, strict=True)
        if text.strip() and score >= 0.4
    ]


def _mrz_candidate(box: np.ndarray, boxes: Sequence[np.ndarray]) -> bool:
    """A long line with another of its width stacked on it: what an MRZ row looks like."""
    w, h = _box_size(box)
    return w > 10 * max(h, 1.0) and _stacked(box, boxes)


def _mrz_zone(boxes: Sequence[np.ndarray]) -> Callable[[np.ndarray], bool]:
    """Whether a box lies where the MRZ candidates are (a row the detector split in pieces,
    at a black bar, lies there too), one row height around them."""
    found = [b for b in boxes if _mrz_candidate(b, boxes)]
    if not found:
        return lambda box: False
    points = np.vstack(found)
    h = max(_box_size(b)[1] for b in found)
    (x0, y0), (x1, y1) = points.min(axis=0) - (h, 1.5 * h), points.max(axis=0) + (h, 1.5 * h)

    def inside(box: np.ndarray) -> bool:
        cx, cy = box.mean(axis=0)
        return bool(x0 <= cx <= x1 and y0 <= cy <= y1)

    return inside


def _read_rest(read: _PageRead) -> bool:
    """Recognise the lines of a page read that were left for when they are needed (not MRZ
    candidates); whether any were."""
    if not read.pending or read.work is None:
        return False
    read.lines = read.lines + _recognised(read.work, read.pending)
    read.pending = []
    return True


MAX_SKEW_DEGREES = 1.0  # straighter than this, the MRZ reader copes as it is


def _skew_degrees(boxes: Sequence[np.ndarray]) -> float:
    """Median angle (degrees, clockwise positive) of the long text lines' top edges."""
    angles, weights = [], []
    for box in boxes:
        width, height = _box_size(box)
        if width > 3 * height:
            dx, dy = box[1] - box[0]
            angles.append(float(np.degrees(np.arctan2(dy, dx))))
            weights.append(width)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _straighten(page: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate by -degrees around the centre, growing the canvas so no corner is cut off; also
    returns the 2x3 matrix used."""
    h, w = page.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(page, matrix, (nw, nh), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE), matrix


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
    return _sort_boxes([b + offset for b in ocr.detect(work[y0:y1, x0:x1])])


LOCATE_SIDE = 800  # longest side of the page copy on which the ink is first located
LOCATE_INK = 25  # grey levels darker than the paper around it: print, not a tint or a shadow
LOCATE_SPECK = 0.012  # clusters of ink smaller than this share of the page side are specks
LOCATE_MAX_AREA = 0.45  # ink spread over more of the page than this: read the whole page
REGION_SIDE = 800  # a located region is read at least this long (work pixels), at most 3x
# print is letters: a cluster of ink in fewer separate pieces than this is a line, a corner
# mark, a pair of specks or the dark wedge a folded page shows at its edge, not print
LOCATE_MIN_PIECES = 3


def _ink_pieces(ink: np.ndarray, labels: np.ndarray, n: int) -> np.ndarray:
    """Per cluster label (0..n-1): how many separate pieces of ink (2 pixels or more) it holds."""
    m, pieces, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    at = ink > 0
    pairs = np.unique(labels[at].astype(np.int64) * m + pieces[at])
    cluster, piece = pairs // m, pairs % m
    big = stats[piece, cv2.CC_STAT_AREA] >= 2
    return np.bincount(cluster[big], minlength=n)


def _ink_region(page: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box (x0, y0, x1, y1, page pixels) around all print on the page, with a margin
    (specks, lines, corner marks and the dark wedges a folded page shows at its edges left
    out); None when there is none or it covers most of the page."""
    h, w = page.shape[:2]
    s = min(1.0, LOCATE_SIDE / max(h, w))
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    if s < 1.0:
        grey = cv2.resize(grey, (max(1, int(round(w * s))), max(1, int(round(h * s)))),
                          interpolation=cv2.INTER_AREA)
    ink = (cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, np.ones((9, 9), np.uint8))
           > LOCATE_INK).astype(np.uint8)
    side = max(grey.shape)
    k = max(3, int(0.02 * side) | 1)
    blobs = cv2.dilate(ink, np.ones((k, k), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(blobs, connectivity=8)
    speck = LOCATE_SPECK * side + k
    pieces = _ink_pieces(ink, labels, n)
    keep = [st for st, count in zip(stats[1:n], pieces[1:n], strict=True)
            if max(st[2], st[3]) > speck and count >= LOCATE_MIN_PIECES]
    if not keep:
        return None
    x0 = min(st[0] for st in keep) / s
    y0 = min(st[1] for st in keep) / s
    x1 = max(st[0] + st[2] for st in keep) / s
    y1 = max(st[1] + st[3] for st in keep) / s
    margin = 0.02 * max(h, w)
    x0, y0 = max(0, int(x0 - margin)), max(0, int(y0 - margin))
    x1, y1 = min(w, int(x1 + margin)), min(h, int(y1 + margin))
    if (x1 - x0) * (y1 - y0) > LOCATE_MAX_AREA * w * h or min(x1 - x0, y1 - y0) < 16:
        return None
    return x0, y0, x1, y1


def _resized(page: np.ndarray, scale: float) -> np.ndarray:
    if abs(scale - 1.0) < 1e-6:
        return page
    h, w = page.shape[:2]
    return cv2.resize(page, (max(1, int(round(w * scale))), max(1, int(round(h * scale)))),
                      interpolation=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC)


def _read_page(image: np.ndarray, *, vote: bool = True, locate: bool = True,
               scale: float | None = None) -> _PageRead:
    """Detect and recognise the text of a page; ``vote``: let the angle classifier decide
    whether the page is upside down (otherwise it is taken as it comes); ``locate``: read only
    the part of the page with print on it (text detection costs in proportion to the area
    read), at a size that suits the detector; ``scale``: read the page as it is, reduced by
    this factor."""
    page = _as_rgb(image)
    h, w = page.shape[:2]
    located = _ink_region(page) if locate and scale is None else None
    if scale is None:
        scale = min(1.0, WORK_MAX_SIDE / max(h, w))
    if located is not None:
        x0, y0, x1, y1 = located
        page = page[y0:y1, x0:x1]
        h, w = page.shape[:2]
        # a small document on a coarse page is enlarged for the detector (at most 3x)
        scale = min(ZOOM_MAX_FACTOR, WORK_MAX_SIDE / max(h, w), max(scale, REGION_SIDE / max(h, w)))
    work = _resized(page, scale)
    rotation = 0
    boxes = ocr.detect(work)
    if boxes and _mostly_vertical(boxes):
        rotation = 90
        work = _rotate(work, 90)
        boxes = ocr.detect(work)  # sideways text is detected poorly: no region to go by
    skew = _skew_degrees(boxes)
    if abs(skew) > MAX_SKEW_DEGREES:
        # a phone photo or a crooked scan: straighten the page, then detect again where the
        # text was (turning the detected boxes along instead of detecting again would be
        # faster still, but read phone photos worse: 58/64 instead of 64/64 on a seeded set)
        page, matrix = _straighten(_rotate(page, rotation), skew)
        rotation = 0
        h, w = page.shape[:2]
        work = _resized(page, scale)
        moved = [(np.column_stack([b / scale, np.ones(len(b))]) @ matrix.T * scale)
                 .astype(np.float32) for b in boxes]
        boxes = _detect_near(work, moved)

    # 0 or 180 degrees: let the angle classifier vote on the longest lines
    longest = sorted(boxes, key=lambda b: -_box_size(b)[0])[:10]
    sample = [ocr.crop_box(work, b) for b in longest if _box_size(b)[0] > 3 * _box_size(b)[1]]
    votes = ocr.upside_down(sample) if vote else []
    flipped = sum(s for up, s in votes if up)
    upright = sum(s for up, s in votes if not up)
    if flipped > upright:
        rotation = (rotation + 180) % 360
        work = _rotate(work, 180)
        boxes = _sort_boxes(_rotate_boxes_180(boxes, work.shape[1], work.shape[0]))

    boxes = _within_budget([b for b in boxes if min(_box_size(b)) >= 4])
    # the MRZ candidates first; the other lines only when a check needs them
    zone = _mrz_zone(boxes)
    first = [b for b in boxes if zone(b)]
    rest = [b for b in boxes if not zone(b)]
    return _PageRead(_rotate(page, rotation), scale, _recognised(work, first),
                     rotation, located is not None, work, rest)  # rotation: of 90s


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
    box: np.ndarray


def _segments(lines: Sequence[OcrLine]) -> list[_Segment]:
    """MRZ-like lines, with x/y measured along / across the (slightly skewed) text direction."""
    picked = [(t, np.asarray(line.box, dtype=np.float32)) for line in lines
              if (t := _mrz_like(line.text)) is not None]
    if not picked:
        return []
    angles = [float(np.arctan2(*(b[1] - b[0])[::-1])) for _, b in picked]
    a = float(np.median(angles))
    cos, sin = np.cos(a), np.sin(a)
    out = []
    for t, box in picked:
        along = box[:, 0] * cos + box[:, 1] * sin
        across = -box[:, 0] * sin + box[:, 1] * cos
        out.append(_Segment(t, float(along.min()), float(along.max()), float(across.mean()),
                            float(across.max() - across.min()), box))
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


CHUNK_CHARS = 6  # characters per recognition when reading an MRZ row piece by piece
PIECE_MIN_WIDTH = 0  # recogniser padding for those pieces: none beyond the piece itself


def _row_quad(row: list[_Segment], block: list[list[_Segment]], n: int) -> np.ndarray:
    """A quadrilateral (work coordinates) along this row's text direction, from the block's left
    edge to well past where ``n`` characters end (trailing fillers are often not detected)."""
    base = max(row, key=lambda s: s.x1 - s.x0).box
    u = base[1] - base[0]
    u = u / max(float(np.linalg.norm(u)), 1e-6)
    pts = np.concatenate([s.box for r in block for s in r])
    t = (pts - base[0]) @ u
    t_min, t_max = float(t.min()), float(t.max())
    pitch = _pitch_estimate(block)
    t_max = max(t_max, t_min + (n + 2) * pitch * 1.15)
    top, bottom = base[0], base[3]
    return np.array([top + t_min * u, top + t_max * u, bottom + t_max * u, bottom + t_min * u],
                    dtype=np.float32)


def _pitch_estimate(block: list[list[_Segment]]) -> float:
    """Character pitch (work pixels) from the recognised text lengths; a little high, as the
    recogniser drops characters and boxes have some margin."""
    segs = sorted((s for r in block for s in r), key=lambda s: -len(s.text))
    widths = [(s.x1 - s.x0) / len(s.text) for s in segs[:3] if len(s.text) >= 5]
    return float(np.median(widths)) if widths else 1.0


def _fit_comb(profiles: list[np.ndarray], lefts: list[int], pitch_guess: float,
              n: int) -> tuple[float, list[float]]:
    """Character pitch and per-row start of the first cell: the comb of ``n`` cells whose
    centres hold the most ink and whose borders (the gaps between letters) the least.

    All candidate pitches (81) and start offsets (10 per row) are scored at once; ties go to
    the smallest pitch and offset, as a loop over them in that order would decide."""
    pitches = np.linspace(0.72, 1.12, 81) * pitch_guess  # (P,)
    fracs = np.linspace(0.0, 0.45, 10)  # (F,)
    k = np.arange(n + 1, dtype=np.float64)
    total = np.zeros(len(pitches))
    row_starts = []
    for prof, left in zip(profiles, lefts, strict=True):
        o = left - fracs[None, :] * pitches[:, None]  # (P, F)
        edge_pos = o[..., None] + k * pitches[:, None, None]  # (P, F, n+1)
        centre_pos = o[..., None] + (k[:-1] + 0.5) * pitches[:, None, None]  # (P, F, n)
        last = len(prof) - 1
        edges = np.clip(np.round(edge_pos).astype(int), 0, last)
        centres = np.clip(np.round(centre_pos).astype(int), 0, last)
        score = prof[centres].mean(axis=-1) - prof[edges].mean(axis=-1)  # (P, F)
        pick = np.argmax(score, axis=1)  # first best offset per pitch
        total += score[np.arange(len(pitches)), pick]
        row_starts.append(o[np.arange(len(pitches)), pick])
    best = int(np.argmax(total))  # first best pitch
    return float(pitches[best]), [float(r[best]) for r in row_starts]


def _fit_chunk(text: str, size: int, cell_ink: Sequence[float] = ()) -> str:
    """Bring the recognised text of a ``size``-character piece to exactly ``size`` characters.

    ``cell_ink``: amount of ink per character cell; a filler ``<`` has far less ink than a letter
    or digit, which tells where a character went missing in a piece read as fillers only."""
    t = normalize_line(text)
    t = "".join(ch if (ch.isascii() and (ch.isalnum() or ch == "<")) else "?" for ch in t)
    if len(t) == size:
        return t
    if not t:
        return UNKNOWN_CHAR * size
    if len(t) < size and set(t) == {"<"}:
        if len(cell_ink) == size:
            low = float(np.median(cell_ink))
            return "".join(UNKNOWN_CHAR if v > 1.7 * low else "<" for v in cell_ink)
        return "<" * size
    if len(t) < size:
        run = t.rfind("<<")
        if run >= 0:  # CTC most often loses a filler inside a run
            return t[: run + 1] + "<" * (size - len(t)) + t[run + 1:]
        return t + UNKNOWN_CHAR * (size - len(t))
    extra = len(t) - size
    run = t.find("<" * (extra + 1))
    return t[:run] + t[run + extra:] if run >= 0 else t[:size]


BAR_FILL = 0.7  # share of a character cell covered with ink: a black bar, not a letter


def _read_rows_chunked(read: _PageRead, block: list[list[_Segment]], n: int | None = None,
                       whole_name: str | None = None) -> list[str] | None:
    """Read each MRZ row from the full-resolution page in pieces of a few characters.

    The MRZ font is monospaced and every row fills all its positions, so the ink pattern of a
    row gives the character pitch and the cell borders; cutting between characters and
    recognising short pieces avoids the characters a recogniser drops in long lines, and keeps
    every character at its position. Cells under a black bar become unknown characters.
    ``whole_name``: the name row as read in one piece; unless the pieces agree with it, the name
    row is read twice more and voted on."""
    n = n or (30 if len(block) == 3 else 44)
    crops = []
    for row in block:
        crop = ocr.crop_box(read.page, _row_quad(row, block, n), scale=read.scale)
        if crop.shape[0] < 6 or crop.shape[1] < n:
            return None
        crops.append(crop)
    inks, lefts, profiles, bands = [], [], [], []
    for crop in crops:
        gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
        _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        col_ink = ink.sum(axis=0).astype(np.float32)
        cols = np.flatnonzero(col_ink > max(1, ink.shape[0] // 10))
        if cols.size == 0:
            return None
        row_ink = ink.sum(axis=1)
        band = int(np.count_nonzero(row_ink > 0.03 * ink.shape[1])) or ink.shape[0]
        inks.append(col_ink)
        lefts.append(int(cols[0]))
        bands.append(band)
    pitch_guess = _pitch_estimate(block) / read.scale
    for col_ink in inks:
        k = max(1, int(round(pitch_guess * 0.15)))
        profiles.append(np.convolve(col_ink, np.ones(k) / k, mode="same"))
    pitch, starts = _fit_comb(profiles, lefts, pitch_guess, n)
    cells = []
    for crop, col_ink, start, band in zip(crops, inks, starts, bands, strict=True):
        edges = [int(round(start + j * pitch)) for j in range(n + 1)]
        if edges[-1] > crop.shape[1] or edges[0] < -pitch:
            return None
        fill = [float(col_ink[max(0, a):max(0, b)].sum()) / max(1.0, (b - a) * band)
                for a, b in itertools.pairwise(edges)]
        cells.append(_RowCells(crop, col_ink, edges, [f > BAR_FILL for f in fill], band))
    rows = _read_cells(cells, [(i, 0) for i in range(len(cells))])
    name_row = 2 if n == 30 else 0
    if name_row < len(rows) and not (whole_name and UNKNOWN_CHAR not in whole_name
                                     and whole_name == rows[name_row]):
        # the name has no check digit: read its row twice more, cut elsewhere, and vote
        again = _read_cells(cells, [(name_row, 2), (name_row, 4)])
        rows[name_row] = _vote([rows[name_row], *again])
    return rows


@dataclass
class _RowCells:
    crop: np.ndarray  # full resolution, straightened along the row
    col_ink: np.ndarray
    edges: list[int]  # n + 1 cell borders (columns of crop)
    bar: list[bool]  # cell covered by a black bar
    band: int  # height of the inked band


def _vote(readings: list[str]) -> str:
    """Per position, the character most readings agree on (unknown without a majority)."""
    out = []
    for chars in zip(*readings, strict=True):
        best = max(set(chars), key=chars.count)
        out.append(best if chars.count(best) * 2 > len(chars) else UNKNOWN_CHAR)
    return "".join(out)


def _read_cells(cells: list[_RowCells], jobs: list[tuple[int, int]]) -> list[str]:
    """Recognise rows piece by piece; job (row, offset): pieces of CHUNK_CHARS characters, the
    first one ``offset`` characters long. Cells under a bar are unknown and not recognised."""
    pieces: list[np.ndarray] = []
    plans: list[list[tuple[int, list[bool]]]] = []  # per job: (piece size, bar mask) per chunk
    for row, offset in jobs:
        rc = cells[row]
        n = len(rc.edges) - 1
        bounds = [0, *range(offset or CHUNK_CHARS, n, CHUNK_CHARS), n]
        plan = []
        for k0, k1 in itertools.pairwise(bounds):
            bar = rc.bar[k0:k1]
            keep = [j for j in range(k1 - k0) if not bar[j]]
            if keep and keep != list(range(keep[0], keep[-1] + 1)):
                keep, bar = list(range(k1 - k0)), [False] * (k1 - k0)
            if not keep:
                plan.append((0, bar))
                continue
            first, last = k0 + keep[0], k0 + keep[-1]
            a = max(0, rc.edges[first])
            b = min(rc.crop.shape[1], rc.edges[last + 1])
            piece = rc.crop[:, a:max(b, a + 2)]
            solid = rc.col_ink[a:a + piece.shape[1]] > 0.6 * rc.band
            if first > 0 and rc.bar[first - 1] or last + 1 < n and rc.bar[last + 1]:
                piece = piece.copy()
                light = np.percentile(piece, 90, axis=(0, 1)).astype(piece.dtype)
                j = 0
                while first > 0 and rc.bar[first - 1] and j < len(solid) and solid[j]:
                    piece[:, j] = light
                    j += 1
                j = len(solid) - 1
                while last + 1 < n and rc.bar[last + 1] and j >= 0 and solid[j]:
                    piece[:, j] = light
                    j -= 1
            pieces.append(piece)
            plan.append((len(keep), bar))
        plans.append(plan)
    texts = iter(ocr.recognize(pieces, min_width=PIECE_MIN_WIDTH))
    out = []
    for plan in plans:
        text = ""
        for size, bar in plan:
            chars = iter(_fit_chunk(next(texts)[0], size) if size else "")
            text += "".join(UNKNOWN_CHAR if b else next(chars) for b in bar)
        out.append(text)
    return out


def _best_parse(options: list[list[str]], today: dt.date) -> MrzResult | None:
    best: MrzResult | None = None
    best_key: tuple[tuple[int, int], int] | None = None
    for picks in itertools.product(*[range(len(o)) for o in options]):
        result = parse_mrz([o[i] for o, i in zip(options, picks, strict=True)], today=today)
        if result is None:
            continue
        key = (_quality(result), -sum(picks))
        if best_key is None or key > best_key:
            best, best_key = result, key
    return best


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


def _compatible(a: str, b: str) -> bool:
    """Same length and equal wherever both are known."""
    return len(a) == len(b) and all(x == y or UNKNOWN_CHAR in (x, y)
                                    for x, y in zip(a, b, strict=True))


def _read_mrz(read: _PageRead, today: dt.date) -> tuple[MrzResult | None, list[list[_Segment]]]:
    """The MRZ on a read page, from the MRZ candidates first; without a valid one, the other
    lines are recognised too (a row the detector split or cut short) and the MRZ read again."""
    result, block = _read_mrz_lines(read, today)
    if not (result is not None and result.valid) and read.pending:
        known = len(read.lines)
        _read_rest(read)
        if _segments(read.lines[known:]):
            again, again_block = _read_mrz_lines(read, today)
            if _quality(again) >= _quality(result):
                result, block = again, again_block
    return result, block


def _read_mrz_lines(read: _PageRead,
                    today: dt.date) -> tuple[MrzResult | None, list[list[_Segment]]]:
    """The MRZ in a page's recognised lines: the whole-line reading, the piecewise one, the
    band read again."""
    result, block = _mrz_from_lines(read.lines, today)
    rows = None
    if len(block) in (2, 3) and sum(len(s.text) for r in block for s in r) >= 30:
        name_row = 2 if len(block) == 3 else 0
        whole_name = (result.lines[name_row] if result is not None
                      and len(result.lines) == len(block) else None)
        rows = _read_rows_chunked(read, block, whole_name=whole_name)
        if rows:
            # per row, the piecewise reading is preferred (it is the more exact one, and names
            # have no check digit); the whole-line reading may stand in where it checks better,
            # but for the name row only where it agrees with the piecewise reading
            options = [[row] for row in rows]
            if result is not None and len(result.lines) == len(rows):
                for k, (opt, line) in enumerate(zip(options, result.lines, strict=True)):
                    if line != opt[0] and (k != name_row or _compatible(line, opt[0])):
                        opt.append(line)
            chunked = _best_parse(options, today)
            if chunked is not None and (result is not None or _quality(chunked)[1] > 0):
                result = chunked
    if block and len(block) >= 2 and not (result is not None and result.valid):
        again = _reread_band(read, block, today)
        if again is not None and rows and len(again.lines) == len(rows):
            name_row = 2 if len(rows) == 3 else 0
            if not _compatible(again.lines[name_row], rows[name_row]):
                again = None  # a name without check digit, read differently: not trusted
        if _quality(again) > _quality(result):
            result = again
    return result, block


def _keywords_found(lines: Sequence[OcrLine]) -> bool:
    flat = re.sub(r"[^A-Z]", "", " ".join(line.text for line in lines).upper())
    if any(k in flat for k in ID_KEYWORDS):
        return True
    return sum(1 for k in ID_LABELS if k in flat) >= 2


HINT_SIMILARITY = 0.85  # a line this like a keyword (difflib ratio) is that keyword misread


def _id_hints(lines: Sequence[OcrLine]) -> bool:
    """Weaker signs of an identity document than :func:`_keywords_found`: also a keyword read
    with a letter or two wrong, or a piece of an MRZ."""
    if _keywords_found(lines) or any(_mrz_like(line.text) for line in lines):
        return True
    for line in lines:
        flat = re.sub(r"[^A-Z]", "", line.text.upper())
        if len(flat) >= 8 and any(
                difflib.SequenceMatcher(None, flat, k).ratio() >= HINT_SIMILARITY
                for k in ID_KEYWORDS):
            return True
    return False


UPRIGHT_MIN_SCORE = 0.9  # mean recognition score of a page that is surely read the right way up


def _maybe_upside_down(lines: Sequence[OcrLine]) -> bool:
    """An upside-down MRZ reads as '>>>'; upside-down text in general reads with low scores."""
    if not lines:
        return True
    if any(">>" in line.text for line in lines):
        return True
    return float(np.mean([line.score for line in lines])) < UPRIGHT_MIN_SCORE


ZOOM_MAX_AREA = 0.4  # text on at most this share of the page: read that region again, larger
ZOOM_MAX_FACTOR = 3.0


def _text_region(read: _PageRead) -> np.ndarray | None:
    """The part of the (upright, full-resolution) page around the text found, enlarged to the
    working size; None when the text covers most of the page or none was found."""
    if not read.lines:
        return None
    points = np.vstack([np.asarray(line.box, np.float32) for line in read.lines]) / read.scale
    h, w = read.page.shape[:2]
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    margin = 0.4 * max(x1 - x0, y1 - y0) + 20  # the MRZ may not have been found yet
    x0, y0 = max(0, int(x0 - margin)), max(0, int(y0 - margin))
    x1, y1 = min(w, int(x1 + margin)), min(h, int(y1 + margin))
    if (x1 - x0) * (y1 - y0) > ZOOM_MAX_AREA * w * h or min(x1 - x0, y1 - y0) < 16:
        return None
    region = read.page[y0:y1, x0:x1]
    factor = min(ZOOM_MAX_FACTOR, WORK_MAX_SIDE / max(region.shape[:2]))
    if factor > 1.05:
        region = cv2.resize(region, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(region)


def _either_way_up(read: _PageRead, today: dt.date) -> tuple[_PageRead, MrzResult | None]:
    """The MRZ of a page reading, or of the page turned 180 degrees when nothing MRZ-like was
    found and the text reads badly (the angle classifier may have been wrong)."""
    result, _ = _read_mrz(read, today)
    if result is None and _maybe_upside_down(read.lines):
        turned = _read_page(_rotate(read.page, 180), vote=False, scale=read.scale)
        turned.rotation = (read.rotation + 180) % 360
        turned.located = read.located
        turned_result, _ = _read_mrz(turned, today)
        if _quality(turned_result) > _quality(result):
            return turned, turned_result
    return read, result


def _read_document(image: np.ndarray, today: dt.date, *,
                   locate: bool) -> tuple[_PageRead, MrzResult | None]:
    """Read a page and its MRZ, either way up; when no valid MRZ comes out, read the region
    with text again, enlarged."""
    read, result = _either_way_up(_read_page(image, locate=locate), today)
    if result is None or not result.valid:
        # a small document on a big page (a low-resolution scan, a card far from the camera):
        # read the region with text again, enlarged, the way up it was found
        region = _text_region(read)
        if region is not None:
            closer, result2 = _either_way_up(_read_page(region, locate=False), today)
            if _quality(result2) > _quality(result):
                closer.rotation = (read.rotation + closer.rotation) % 360
                closer.lines = read.lines + closer.lines  # keywords and BSN seen on either
                closer.located = read.located
                read, result = closer, result2
    return read, result


BENT_MARGIN = 0.4  # the MRZ is looked for this share of the text's extent around it


def _read_bent(read: _PageRead, today: dt.date) -> MrzResult | None:
    """The MRZ of a document on a folded page: its rows found bent in the detector's text map
    (where the detector dropped them), straightened, and read. None when no bent zone of
    stacked rows is found or nothing MRZ-like is read from it."""
    work = _resized(read.page, read.scale)
    h, w = work.shape[:2]
    x0, y0, x1, y1 = 0, 0, w, h
    if read.lines:
        points = np.vstack([np.asarray(line.box, np.float32) for line in read.lines])
        (lx0, ly0), (lx1, ly1) = points.min(axis=0), points.max(axis=0)
        margin = BENT_MARGIN * max(lx1 - lx0, ly1 - ly0) + 20
        x0, y0 = max(0, int(lx0 - margin)), max(0, int(ly0 - margin))
        x1, y1 = min(w, int(lx1 + margin)), min(h, int(ly1 + margin))
    rows = fold.mrz_rows(fold.find_rows(ocr.text_map(work[y0:y1, x0:x1]), origin=(x0, y0)))
    if not rows or fold.bend(rows) < fold.MIN_BEND:
        return None  # no zone, or a straight one: the readings so far have seen it as it is
    band = fold.straighten(read.page, rows, read.scale)
    # the rows' boxes are known: no detection on the band (the detector is unsure of rows
    # this close to the edge of an image)
    texts = ocr.recognize([ocr.crop_box(band.image, box) for box in band.boxes])
    lines = [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(band.boxes, texts, strict=True)
        if text.strip()
    ]
    result, _ = _read_mrz(_PageRead(band.image, 1.0, lines, read.rotation), today)
    return result


def analyse_id_page(image: np.ndarray, *, today: dt.date | None = None) -> IdDocumentResult:
    """Look for an identity document on a page image and check its MRZ.

    ``image``: RGB uint8 HxWx3 (grayscale or RGBA accepted), any resolution; the page may be turned
    by 90/180/270 degrees or slightly skewed. ``today`` (default: the current date) decides
    ``expired``.
    """
    today = today or dt.date.today()
    read, result = _read_document(image, today, locate=True)
    if (read.located and (result is None or not result.valid)
            and (result is not None or _keywords_found(read.lines))):
        # an ID document, but no valid MRZ read in the part with print: read the whole page
        # as well (on a tuning set, one page in 48 was read right only that way). A page with
        # nothing like an ID on it, such as a letter, is not read twice.
        again, result2 = _read_document(image, today, locate=False)
        seen = read.lines + again.lines  # keywords and BSN seen on either
        if _quality(result2) > _quality(result):
            read, result = again, result2
        read.lines = seen
    if (result is None or not result.valid) and (result is not None or _id_hints(read.lines)):
        # an ID document (or a piece of an MRZ was seen) but no valid MRZ read: on a folded
        # page its rows may be bent, and then the text detector drops them
        bent = _read_bent(read, today)
        if _quality(bent) > _quality(result):
            result = bent

    if result is not None and result.valid and result.bsn_masked:
        _read_rest(read)  # the MRZ hides the BSN: is it printed in the clear elsewhere?
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
