"""Straighten the MRZ rows of a document on a folded (bent) page.

A fold bends the page: the print near the fold line is shifted up or down, so a text row that
crosses the fold is no longer straight (a tent-shaped kink; two with two folds). The text
detector still marks such a row as one band in its text map, but the straight box it fits
around the band holds too much background, and the row is dropped. Here the rows are taken
from the text map itself: each long, thin band is followed column by column (its centre line),
the stacked bands of the machine readable zone are picked out, and the zone is cut from the
full-resolution page with every column moved up or down so that each row's centre line becomes
straight again (``cv2.remap``). Between rows the shift is interpolated, above and below the
zone it is that of the nearest row.

Pure geometry on arrays; nothing is logged or kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TEXT_LEVEL = 0.3  # the detector's own threshold on its text map
MIN_ASPECT = 12.0  # a band at least this many times longer than thick: a long text row
PIECE_ASPECT = 2.5  # pieces of a row (a few characters) are at least this long
JOIN_GAP = 4.0  # pieces of one row lie at most this many row heights apart
JOIN_STEP = 0.8  # ... and where one ends and the next begins, this close in height
ROW_OVERLAP = 0.7  # stacked MRZ rows cover at least this share of the shorter one's columns
ROW_LENGTHS = 0.75  # ... and the shorter is at least this share of the longer one's length
ROW_GAP = (1.1, 4.0)  # distance between the centre lines of stacked rows, in row heights
ROW_PIXELS = 16.0  # rows of the text map thinner than this (page pixels) are read enlarged
MIN_BEND = 0.25  # a zone whose rows stray less than this (in row heights) is not bent


@dataclass
class Row:
    """A long band of the text map: columns x0..x1 (inclusive), centre line per column."""

    x0: int
    x1: int
    centre: np.ndarray  # float, one value per column x0..x1
    height: float

    @property
    def length(self) -> int:
        return self.x1 - self.x0 + 1

    @property
    def level(self) -> float:
        return float(np.median(self.centre))

    def at(self, xs: np.ndarray) -> np.ndarray:
        """Centre line at columns ``xs``, held at its end values beyond the band."""
        return np.interp(xs, np.arange(self.x0, self.x1 + 1), self.centre)


def find_rows(text_map: np.ndarray, origin: tuple[int, int] = (0, 0)) -> list[Row]:
    """The long thin bands of a text map (bent or not), their centre lines smoothed; pieces of
    a row that the fold broke apart are joined. ``origin``: where the map's top left corner
    lies in the coordinates wanted."""
    rows: list[Row] = []
    for piece in sorted(_pieces(text_map, origin), key=lambda r: r.x0):
        best, best_cost = None, 0.0
        for k, row in enumerate(rows):
            gap = piece.x0 - row.x1
            height = max(row.height, piece.height)
            step = abs(float(piece.centre[0] - row.centre[-1]))
            if (-height <= gap <= JOIN_GAP * height and step < JOIN_STEP * height
                    and min(row.height, piece.height) > 0.6 * height):
                cost = abs(gap) + 4 * step
                if best is None or cost < best_cost:
                    best, best_cost = k, cost
        if best is None:
            rows.append(piece)
        else:
            rows[best] = _join(rows[best], piece)
    return [r for r in rows if r.length >= MIN_ASPECT * r.height]


def _join(a: Row, b: Row) -> Row:
    """Row a continued by piece b (to its right), the gap between them bridged straight."""
    start = max(b.x0, a.x1 + 1)
    tail = b.centre[start - b.x0:]
    gap = np.linspace(a.centre[-1], b.centre[start - b.x0], start - a.x1, endpoint=False)[1:]
    centre = np.concatenate([a.centre, gap, tail])
    height = (a.height * a.length + b.height * b.length) / (a.length + b.length)
    return Row(a.x0, a.x0 + len(centre) - 1, centre, height)


def _pieces(text_map: np.ndarray, origin: tuple[int, int]) -> list[Row]:
    mask = (text_map > TEXT_LEVEL).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w < 8 or area < w * 2 or w < PIECE_ASPECT * area / w:
            continue
        own = labels[y:y + h, x:x + w] == i
        count = own.sum(axis=0).astype(np.float64)
        ys = np.arange(h, dtype=np.float64)[:, None]
        filled = count > 0
        centre = np.where(filled, (own * ys).sum(axis=0) / np.maximum(count, 1), np.nan) + y
        cols = np.arange(w)
        centre = np.interp(cols, cols[filled], centre[filled])
        height = float(np.median(count[filled]))
        k = max(3, int(round(height)) | 1)  # smooth over about a character
        padded = np.pad(centre, k // 2, mode="edge")
        centre = np.convolve(padded, np.ones(k) / k, mode="valid")
        out.append(Row(x + origin[0], x + w - 1 + origin[0], centre + origin[1], height))
    return out


def _stack(a: Row, b: Row) -> bool:
    """b is the next MRZ row below a."""
    overlap = min(a.x1, b.x1) - max(a.x0, b.x0) + 1
    shorter, longer = sorted((a.length, b.length))
    if overlap < ROW_OVERLAP * shorter or shorter < ROW_LENGTHS * longer:
        return False
    xs = np.arange(max(a.x0, b.x0), min(a.x1, b.x1) + 1)
    gap = float(np.median(b.at(xs) - a.at(xs)))
    height = max(a.height, b.height)
    return ROW_GAP[0] * height < gap < ROW_GAP[1] * height


def mrz_rows(rows: list[Row]) -> list[Row]:
    """The 2 or 3 stacked long rows covering the most columns (the MRZ), top to bottom; an
    empty list when there are none."""
    ordered = sorted(rows, key=lambda r: r.level)
    best: list[Row] = []
    for i, first in enumerate(ordered):
        group = [first]
        for row in ordered[i + 1:]:
            if len(group) == 3:
                break
            if _stack(group[-1], row):
                group.append(row)
        if len(group) >= 2 and sum(r.length for r in group) > sum(r.length for r in best):
            best = group
    return best


def bend(rows: list[Row]) -> float:
    """How far (in row heights) the rows stray from a straight line at most."""
    worst = 0.0
    for row in rows:
        xs = np.arange(row.x0, row.x1 + 1, dtype=np.float64)
        fit = np.polyval(np.polyfit(xs, row.centre, 1), xs)
        worst = max(worst, float(np.abs(row.centre - fit).max()) / max(row.height, 1.0))
    return worst


@dataclass
class Band:
    """The straightened zone: the image and, per row, its box (4 corners, clockwise from the
    top left, image pixels) as the text detector would have drawn it."""

    image: np.ndarray
    boxes: list[np.ndarray]


UNCLIP = 0.8  # the detector grows a band of its map by this share of its height on each side


def straighten(page: np.ndarray, rows: list[Row], scale: float) -> Band:
    """The zone of ``rows`` (found on a copy of ``page`` reduced by ``scale``) cut from the
    full-resolution ``page`` with the rows made straight and level, enlarged where its rows
    are small (so that a row is at least ``ROW_PIXELS`` high, at most 3x)."""
    height = max(r.height for r in rows)
    zoom = float(np.clip(ROW_PIXELS * scale / height, 1.0, 3.0))
    x0 = min(r.x0 for r in rows) - 2.0 * height
    x1 = max(r.x1 for r in rows) + 2.0 * height
    levels = np.array([r.level for r in rows])
    y0, y1 = levels.min() - 3.5 * height, levels.max() + 3.5 * height
    ph, pw = page.shape[:2]
    xs = np.arange(max(0.0, x0 / scale), min(pw - 1.0, x1 / scale), 1.0 / zoom)
    ys = np.arange(max(0.0, y0 / scale), min(ph - 1.0, y1 / scale), 1.0 / zoom)
    # per row, how far its centre line lies below its level, per page column
    shifts = np.stack([(r.at(xs * scale) - r.level) / scale for r in rows])  # (rows, cols)
    page_levels = levels / scale
    # between rows the shift is interpolated; beyond the outer rows it is theirs
    weights = np.stack([_hat(ys, page_levels, k) for k in range(len(rows))])  # (rows, ys)
    shift = weights.T @ shifts  # (ys, cols)
    map_x = np.broadcast_to(xs[None, :], shift.shape).astype(np.float32)
    map_y = (ys[:, None] + shift).astype(np.float32)
    image = cv2.remap(page, map_x, map_y, cv2.INTER_CUBIC if zoom > 1.05 else cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REPLICATE)
    boxes = []
    for r in rows:
        f = zoom / scale  # work pixels to band pixels
        grow = UNCLIP * r.height
        bx0 = max(0.0, (r.x0 - grow) * f - xs[0] * zoom)
        bx1 = min(image.shape[1] - 1.0, (r.x1 + grow) * f - xs[0] * zoom)
        yc = r.level * f - ys[0] * zoom
        half = (0.5 * r.height + grow) * f
        by0, by1 = max(0.0, yc - half), min(image.shape[0] - 1.0, yc + half)
        boxes.append(np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], np.float32))
    return Band(image, boxes)


def _hat(ys: np.ndarray, levels: np.ndarray, k: int) -> np.ndarray:
    """Weight of row k at heights ``ys``: linear interpolation between the row levels."""
    basis = np.zeros(len(levels))
    basis[k] = 1.0
    return np.interp(ys, levels, basis)
