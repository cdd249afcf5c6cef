"""Read the MRZ of a page reading: its rows again from the full-resolution page, piece by piece.

The MRZ font is monospaced and every row fills all its positions, so the ink of a row gives the
character pitch and the cell borders (a comb of 30 or 44 cells, so trailing fillers the
detector missed are read too); the row is recognised in pieces of six characters, cells under
a black bar become unknown characters, and the name row (no check digit) is read three times
with different cuts and voted on unless the pieces agree with the whole-line reading. When
that does not validate, the whole band is detected and read again at full resolution.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from formgen.check.identity import ocr
from formgen.check.identity.geometry import box_size
from formgen.check.identity.mrz import UNKNOWN as UNKNOWN_CHAR
from formgen.check.identity.mrz import MrzResult, as_letters, normalize_line, parse_mrz
from formgen.check.identity.mrz_zone import Segment, mrz_from_lines, quality, segments
from formgen.check.identity.ocr import OcrLine
from formgen.check.identity.page_read import PageRead, read_rest

CHUNK_CHARS = 6  # characters per recognition when reading an MRZ row piece by piece
PIECE_MIN_WIDTH = 0  # recogniser padding for those pieces: none beyond the piece itself


def _row_quad(row: list[Segment], block: list[list[Segment]], n: int) -> np.ndarray:
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


def _pitch_estimate(block: list[list[Segment]]) -> float:
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


def _read_rows_chunked(read: PageRead, block: list[list[Segment]], n: int | None = None,
                       whole_name: str | None = None,
                       checked: Sequence[str] | None = None) -> list[str] | None:
    """Read each MRZ row from the full-resolution page in pieces of a few characters.

    The MRZ font is monospaced and every row fills all its positions, so the ink pattern of a
    row gives the character pitch and the cell borders; cutting between characters and
    recognising short pieces avoids the characters a recogniser drops in long lines, and keeps
    every character at its position. Cells under a black bar become unknown characters.
    ``whole_name``: the name row as read in one piece; unless the pieces agree with it, the name
    row is read twice more and voted on. ``checked``: the rows as read in one piece, when all
    their check digits hold: then only the name row (which has none) is read in pieces."""
    n = n or (30 if len(block) == 3 else 44)
    cells = _row_cells(read, block, n)
    if cells is None:
        return None
    name_row = 2 if n == 30 else 0
    if checked is not None and len(checked) == len(cells) and name_row < len(cells):
        rows = list(checked)
        rows[name_row] = _read_cells(cells, [(name_row, 0)])[0]
    else:
        rows = _read_cells(cells, [(i, 0) for i in range(len(cells))])
    if name_row < len(rows) and not (whole_name and UNKNOWN_CHAR not in whole_name
                                     and as_letters(whole_name) == as_letters(rows[name_row])):
        # the name has no check digit: unless the two readings agree (a name row holds no
        # digits, so a 0 in one is the O of the other), read its row twice more and vote
        again = _read_cells(cells, [(name_row, 2), (name_row, 4)])
        rows[name_row] = _vote([rows[name_row], *again])
    if name_row < len(rows):  # a passport's name row starts with its code and country
        rows[name_row] = _as_fillers(cells[name_row], rows[name_row], 0 if n == 30 else 5)
    return rows


def _row_cells(read: PageRead, block: list[list[Segment]], n: int) -> list[_RowCells] | None:
    """Each row of the zone cut from the full-resolution page, with its comb of ``n``
    character cells (see :func:`_fit_comb`); None when a row is too small or has no ink."""
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
    return cells


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
        key = (quality(result), -sum(picks))
        if best_key is None or key > best_key:
            best, best_key = result, key
    return best


def _reread_band(read: PageRead, block: list[list[Segment]], today: dt.date) -> MrzResult | None:
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
    boxes = [b for b in ocr.detect(band) if min(box_size(b)) >= 4]
    texts = ocr.recognize([ocr.crop_box(band, b) for b in boxes])
    lines = [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(boxes, texts, strict=True)
        if text.strip()
    ]
    result, _ = mrz_from_lines(lines, today)
    return result


def _compatible(a: str, b: str) -> bool:
    """Same length and equal wherever both are known."""
    return len(a) == len(b) and all(x == y or UNKNOWN_CHAR in (x, y)
                                    for x, y in zip(a, b, strict=True))


def read_mrz(read: PageRead, today: dt.date) -> tuple[MrzResult | None, list[list[Segment]]]:
    """The MRZ on a read page, from the MRZ candidates first; without a valid one, the other
    lines are recognised too (a row the detector split or cut short) and the MRZ read again."""
    result, block = _read_mrz_lines(read, today)
    if not (result is not None and result.valid) and read.pending:
        known = len(read.lines)
        read_rest(read)
        if segments(read.lines[known:]):
            again, again_block = _read_mrz_lines(read, today)
            if quality(again) >= quality(result):
                result, block = again, again_block
    if result is not None and result.name_row is None:
        _keep_name_row(read, block, result)
    return result, block


def _keep_name_row(read: PageRead, block: list[list[Segment]], result: MrzResult) -> None:
    """Keep the name row of the zone the result was read from (grey, full resolution,
    straightened) and its character cells on the result; nothing when the zone's rows are not
    the document type's or its cells are not found."""
    rows, n, name_row = (3, 30, 2) if result.doc_type == "TD1" else (2, 44, 0)
    cells = _row_cells(read, block, n) if len(block) == rows else None
    if cells is None:
        return
    crop = cells[name_row].crop
    result.name_row = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    result.name_edges = tuple(cells[name_row].edges)


# A name-row cell read as a letter (or not read) is a filler where its ink has the shape of the
# row's cells read as fillers (correlation, best of small shifts) and about their amount: the
# recogniser reads OCR-B's < as K or C on some photos, and the name has no check digit
# (data: benchmarks/tuning-id-reader.md, session 23).
FILLER_LIKENESS = 0.94
FILLER_INK = 1.25
_CELL = (16, 32)  # a cell's ink resized to this (width, height) to be compared


def _cell_inks(row: np.ndarray, edges: Sequence[int], shift: int = 0) -> list[np.ndarray]:
    """Each cell's ink (darkness below the row's paper), resized to ``_CELL``."""
    grey = row.astype(np.float32)
    ink = np.clip(float(np.percentile(grey, 90)) - grey, 0, None)
    out = []
    for a, b in itertools.pairwise(edges):
        a, b = max(0, a + shift), min(row.shape[1], b + shift)
        out.append(cv2.resize(ink[:, a:b], _CELL, interpolation=cv2.INTER_AREA) if b - a >= 2
                   else np.zeros(_CELL[::-1], np.float32))
    return out


def _likeness(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / norm if norm > 0 else 0.0


def filler_cells(row: np.ndarray, edges: Sequence[int], text: str) -> list[bool]:
    """Per character of a name row's reading (``text``, one per cell): a letter or an unread
    character whose cell looks like the row's fillers (FILLER_LIKENESS, FILLER_INK); all False
    with fewer than three cells read as fillers to compare with."""
    cells = _cell_inks(row, edges)
    fillers = [k for k, ch in enumerate(text) if ch == "<"]
    if len(fillers) < 3 or len(cells) != len(text):
        return [False] * len(text)
    shape = np.median(np.stack([cells[k] for k in fillers]), axis=0)
    ink = float(shape.sum())
    pitch = (edges[-1] - edges[0]) / max(1, len(edges) - 1)
    reach = max(1, round(pitch / 6))
    shifted = [_cell_inks(row, edges, d) for d in range(-reach, reach + 1)]
    return [ch != "<" and 0 < float(cells[k].sum()) <= FILLER_INK * ink
            and max(_likeness(s[k], shape) for s in shifted) >= FILLER_LIKENESS
            for k, ch in enumerate(text)]


def _as_fillers(cells: _RowCells, text: str, start: int) -> str:
    """A name row's reading (one character per cell) with its cells from ``start`` on that look
    like the row's fillers (filler_cells) read as fillers."""
    grey = cv2.cvtColor(cells.crop, cv2.COLOR_RGB2GRAY) if cells.crop.ndim == 3 else cells.crop
    seen = filler_cells(grey, cells.edges, text)
    return "".join("<" if seen[j] and j >= start else ch for j, ch in enumerate(text))


def _read_mrz_lines(read: PageRead,
                    today: dt.date) -> tuple[MrzResult | None, list[list[Segment]]]:
    """The MRZ in a page's recognised lines: the whole-line reading, the piecewise one, the
    band read again."""
    result, block = mrz_from_lines(read.lines, today)
    rows = None
    if len(block) in (2, 3) and sum(len(s.text) for r in block for s in r) >= 30:
        name_row = 2 if len(block) == 3 else 0
        whole_name = (result.lines[name_row] if result is not None
                      and len(result.lines) == len(block) else None)
        checked = (result.lines if result is not None and result.valid
                   and len(result.lines) == len(block) else None)
        rows = _read_rows_chunked(read, block, whole_name=whole_name, checked=checked)
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
            if chunked is not None and (result is not None or quality(chunked)[1] > 0):
                result = chunked
    if block and len(block) >= 2 and not (result is not None and result.valid):
        again = _reread_band(read, block, today)
        if again is not None and rows and len(again.lines) == len(rows):
            name_row = 2 if len(rows) == 3 else 0
            if not _compatible(again.lines[name_row], rows[name_row]):
                again = None  # a name without check digit, read differently: not trusted
        if quality(again) > quality(result):
            result = again
    return result, block
