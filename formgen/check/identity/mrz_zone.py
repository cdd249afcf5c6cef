"""The MRZ among recognised lines: MRZ-like lines grouped into rows, the best block of two or
three adjacent rows, its pieces joined by position (monospaced font), parsed and checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from formgen.check.identity.mrz import MrzResult, normalize_line, parse_mrz
from formgen.check.identity.ocr import OcrLine

_MRZ_CHARS = re.compile(r"[A-Z0-9<]+")


def mrz_like(text: str) -> str | None:
    t = normalize_line(text)
    if "<<" in t and not _MRZ_CHARS.fullmatch(t):  # a row (fillers), specks read as dots in it
        t = normalize_line(text, specks=True)
    if len(t) < 5 or not _MRZ_CHARS.fullmatch(t):
        return None
    digits = sum(ch.isdigit() for ch in t)
    if t.count("<") >= 1 or (len(t) >= 25 and digits >= 10):
        return t
    return None


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    yc: float
    h: float
    box: np.ndarray


def segments(lines: Sequence[OcrLine]) -> list[Segment]:
    """MRZ-like lines, with x/y measured along / across the (slightly skewed) text direction."""
    picked = [(t, np.asarray(line.box, dtype=np.float32)) for line in lines
              if (t := mrz_like(line.text)) is not None]
    if not picked:
        return []
    angles = [float(np.arctan2(*(b[1] - b[0])[::-1])) for _, b in picked]
    a = float(np.median(angles))
    cos, sin = np.cos(a), np.sin(a)
    out = []
    for t, box in picked:
        along = box[:, 0] * cos + box[:, 1] * sin
        across = -box[:, 0] * sin + box[:, 1] * cos
        out.append(Segment(t, float(along.min()), float(along.max()), float(across.mean()),
                            float(across.max() - across.min()), box))
    return out


def _rows(segs: list[Segment]) -> list[list[Segment]]:
    rows: list[list[Segment]] = []
    for s in sorted(segs, key=lambda s: s.yc):
        if rows and abs(rows[-1][0].yc - s.yc) < 0.5 * max(rows[-1][0].h, s.h):
            rows[-1].append(s)
        else:
            rows.append([s])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _best_block(rows: list[list[Segment]]) -> list[list[Segment]]:
    """The run of adjacent MRZ-like rows holding the most characters (at most 3 rows)."""
    best: list[list[Segment]] = []
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


def _assemble(block: list[list[Segment]]) -> list[str]:
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


def mrz_from_lines(lines: Sequence[OcrLine], today: dt.date) -> tuple[MrzResult | None,
                                                                       list[list[Segment]]]:
    block = _best_block(_rows(segments(lines)))
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


def quality(result: MrzResult | None) -> tuple[int, int]:
    if result is None:
        return (-1, -99)
    score = sum(1 if s == "ok" else -1 if s == "fout" else 0 for s in result.checks.values())
    return (int(result.valid), score - len(result.check_failures))
