"""Sample the modules of a QR code that no longer lies on one straight grid.

A fold through the code bends it: each side of the crease is tilted its own way, so the one
projective grid a decoder fits through the finder patterns (zxing-cpp, zbar) puts whole columns of
sample points between modules and the error correction gives up. Two ways to find where each
module lies, both ending in a clean module matrix that the decoder reads with its own error
correction (a wrong grid gives a matrix that fails that check, never a wrong text):

* ``bent_matrices``: a fold line crosses the code, so the bend depends on one coordinate only.
  The grid is fitted one module column at a time, from the edges of that whole column (its row
  boundaries give the column's offset and tilt, its side boundaries its place), moving away from
  the finder patterns that anchor it. Tried across the code (a vertical fold) and along it (the
  view transposed: a horizontal fold), and from either side.
* ``known_matrices``: where the page's code is one of a few known codes (the blank form's), the
  known code is matched to the view with a smooth optical flow, which follows any bend.

All views are the code cut out upright (see ``qr.read_upright``): ``quiet`` pixels of margin, then
the code, ``side`` pixels square.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import cv2
import numpy as np

SIZES = (25, 29, 33, 37, 41)  # module counts of QR versions 2 to 6 (7 and up carry version blocks)
STEP = 0.35  # a column's top and bottom edge move at most this share of a module from the last
REACH = 3.0  # modules: how far the first finder pattern is looked for around its place
QUIET_WEIGHT = 0.3  # weight of "paper above and below the code" against the edge score
SHIFT_COST = 0.05  # score lost per module that a column moves from the last one
FLOW_SMOOTH = 1.5  # modules: the flow to a known code is smoothed over this width


# a finder pattern with its separator, 9 x 9 modules: 0 dark, 1 light (rings 0, 1 and 3 dark)
_FINDER = np.where(np.isin(np.maximum(*np.abs(np.mgrid[-4:5, -4:5])), (0, 1, 3)), 0,
                   1).astype(np.uint8)


def function_patterns(n: int) -> np.ndarray:
    """n x n: 0 where every code of this size is dark, 255 light, 128 data (finder patterns with
    their separators, timing patterns, alignment patterns, the dark module)."""
    version = (n - 17) // 4
    grid = np.full((n, n), 128, np.uint8)
    finder = _FINDER * 255
    for r0, c0 in ((0, 0), (0, n - 7), (n - 7, 0)):
        top, left = r0 - 1, c0 - 1
        t, lft = max(top, 0), max(left, 0)
        b, rgt = min(top + 9, n), min(left + 9, n)
        grid[t:b, lft:rgt] = finder[t - top:b - top, lft - left:rgt - left]
    k = np.arange(8, n - 8)
    grid[6, k] = grid[k, 6] = np.where(k % 2 == 0, 0, 255)
    if version >= 2:
        at = n - 7  # versions 2 to 6 have one alignment pattern
        small = np.maximum(*np.abs(np.mgrid[-2:3, -2:3]))
        grid[at - 2:at + 3, at - 2:at + 3] = np.where(small == 1, 255, 0)
    grid[4 * version + 9, 8] = 0
    return grid


def _finder_kernel(m: float) -> np.ndarray:
    return cv2.resize(_FINDER.astype(np.float32), None, fx=m, fy=m,
                      interpolation=cv2.INTER_NEAREST)


def _find_finder(view: np.ndarray, m: float, x: float, y: float,
                 reach: float) -> tuple[float, float, float] | None:
    """Centre and match score of the finder pattern best matching near (x, y)."""
    kernel = _finder_kernel(m)
    h = kernel.shape[0]
    x0, y0 = int(max(0, x - h / 2 - reach)), int(max(0, y - h / 2 - reach))
    x1 = int(min(view.shape[1], x + h / 2 + reach))
    y1 = int(min(view.shape[0], y + h / 2 + reach))
    window = view[y0:y1, x0:x1]
    if window.shape[0] <= h or window.shape[1] <= h:
        return None
    scores = cv2.matchTemplate(window, kernel, cv2.TM_CCOEFF_NORMED)
    _, score, _, (px, py) = cv2.minMaxLoc(scores)
    return x0 + px + h / 2, y0 + py + h / 2, float(score)


def _finders(view: np.ndarray, n: int, quiet: float, m: float,
             right_side: bool) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Module coordinates and view pixels of three finder centres: top-left, top-right and
    bottom-left (bottom-right in a mirrored view), with their mean match score. The first is
    looked for widely; the others where the first says they should be."""
    expected = np.array([[3.5, 3.5], [n - 3.5, 3.5], [n - 3.5 if right_side else 3.5, n - 3.5]])
    left = view.shape[1] - quiet - n * m if right_side else quiet
    found, scores = [], []
    shift = np.zeros(2)
    for k, (col, row) in enumerate(expected):
        x, y = left + col * m + shift[0], quiet + row * m + shift[1]
        hit = _find_finder(view, m, x, y, (REACH if k == 0 else REACH - 1) * m)
        if hit is None:
            return None
        found.append(hit[:2])
        scores.append(hit[2])
        if k == 0:
            shift = np.array(hit[:2]) - (x, y)
    return expected, np.array(found), float(np.mean(scores))


def _sample(view: np.ndarray, xs: np.ndarray, ys: np.ndarray, m: float) -> np.ndarray:
    """Modules (0 dark, 255 light) from the view averaged over about half a module at each
    centre, split at Otsu's threshold."""
    smooth = cv2.blur(view, (max(1, int(m / 2)),) * 2)
    values = cv2.remap(smooth, xs.astype(np.float32), ys.astype(np.float32), cv2.INTER_LINEAR)
    level, _ = cv2.threshold(np.clip(values, 0, 255).astype(np.uint8), 0, 255,
                             cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.where(values > level, 255, 0).astype(np.uint8)


def with_function_patterns(modules: np.ndarray) -> np.ndarray:
    """The sampled modules with the fixed patterns of their size set as the standard has them."""
    fixed = function_patterns(modules.shape[0])
    return np.where(fixed == 128, modules, fixed).astype(np.uint8)


def _column_fit(view: np.ndarray, n: int, quiet: float, m: float,
                right_side: bool) -> np.ndarray | None:
    """Module matrix sampled on a grid fitted column by column (see the module docstring)."""
    finders = _finders(view, n, quiet, m, right_side)
    if finders is None:
        return None
    expected, found, _ = finders
    affine = cv2.getAffineTransform(expected.astype(np.float32), found.astype(np.float32))

    def place(cols: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (affine[0, 0] * cols + affine[0, 1] * rows + affine[0, 2],
                affine[1, 0] * cols + affine[1, 1] * rows + affine[1, 2])

    height, width = view.shape
    edges_x = np.abs(cv2.Sobel(view, cv2.CV_32F, 1, 0, ksize=3))
    edges_y = np.abs(cv2.Sobel(view, cv2.CV_32F, 0, 1, ksize=3))
    scale = max(1.0, float(np.percentile(edges_y, 99)))

    def at(image: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        xi = np.clip(np.rint(xs).astype(int), 0, width - 1)
        yi = np.clip(np.rint(ys).astype(int), 0, height - 1)
        return image[yi, xi]

    moves = np.arange(-STEP * m, STEP * m + 1e-6, 0.5)
    top, bottom = (a.ravel() for a in np.meshgrid(moves, moves, indexing="ij"))
    boundaries = np.arange(n + 1, dtype=float) - n / 2  # row boundaries, from the middle
    along = np.arange(0, n, 0.25) + 0.125  # points down a column boundary (module rows)
    offset_x = np.zeros(n + 1)
    offset_y, tilt = np.zeros(n), np.zeros(n)
    last_x = last_y = last_tilt = 0.0
    for j in range(n):
        cols = j + np.array([0.2, 0.4, 0.6, 0.8])
        bx, by = place(cols[None, :], boundaries[:, None] + n / 2)
        qx, qy = place(cols[None, :], np.array([-0.5, n + 0.5])[:, None])
        # every (top, bottom) move of this column's grid at once: shift and tilt
        shift = (top + bottom) / 2
        tilts = last_tilt + (bottom - top) / n
        dy = last_y + shift[:, None, None] + tilts[:, None, None] * boundaries[None, :, None]
        dq = last_y + shift[:, None, None] + tilts[:, None, None] * np.array(
            [-0.5 - n / 2, n / 2 + 0.5])[None, :, None]
        edge = at(edges_y, bx[None] + last_x, by[None] + dy).mean(axis=(1, 2)) / scale
        paper = at(view, qx[None] + last_x, qy[None] + dq).mean(axis=(1, 2)) / 255
        score = edge + QUIET_WEIGHT * paper - SHIFT_COST * (np.abs(top) + np.abs(bottom)) / m
        best = int(np.argmax(score))
        last_y, last_tilt = last_y + float(shift[best]), float(tilts[best])
        offset_y[j], tilt[j] = last_y, last_tilt
        # the boundary right of this column: its sideways place
        sx, sy = place(np.full_like(along, j + 1.0), along)
        sy = sy + last_y + last_tilt * (along - n / 2)
        side_moves = last_x + moves
        side_edges = at(edges_x, sx[None, :] + side_moves[:, None],
                        np.broadcast_to(sy, (len(moves), len(sy))))
        side_score = side_edges.mean(axis=1) - SHIFT_COST * scale * np.abs(moves) / m
        last_x = float(side_moves[int(np.argmax(side_score))])
        offset_x[j + 1] = last_x
    centre_x = (offset_x[:-1] + offset_x[1:]) / 2
    centre_x[0] = offset_x[1]  # the code's left edge has no boundary on the paper side to go by
    cols, rows = np.meshgrid(np.arange(n) + 0.5, np.arange(n) + 0.5)
    xs, ys = place(cols, rows)
    xs = xs + centre_x[None, :]
    ys = ys + offset_y[None, :] + tilt[None, :] * (rows - n / 2)
    return _sample(view, xs, ys, m)


def _likely_sizes(view: np.ndarray, side: float, quiet: float) -> list[int]:
    """The module counts worth trying, best finder match first."""
    scored = []
    for n in SIZES:
        finders = _finders(view, n, quiet, side / n, False)
        if finders is not None:
            scored.append((finders[2], n))
    return [n for _, n in sorted(scored, reverse=True)]


def bent_matrices(view: np.ndarray, side: float, quiet: float) -> Iterator[np.ndarray]:
    """Module matrices (0 dark, 255 light) of a code bent by a fold, most likely first."""
    grey = cv2.GaussianBlur(view.astype(np.float32), (0, 0), 0.75)
    for n in _likely_sizes(grey, side, quiet):
        m = side / n
        for transposed in (False, True):
            v = np.ascontiguousarray(grey.T) if transposed else grey
            for right_side in (False, True):
                w = np.ascontiguousarray(v[:, ::-1]) if right_side else v
                modules = _column_fit(w, n, quiet, m, right_side)
                if modules is None:
                    continue
                if right_side:
                    modules = modules[:, ::-1]
                if transposed:
                    modules = modules.T
                yield with_function_patterns(np.ascontiguousarray(modules))


def known_matrices(view: np.ndarray, side: float, quiet: float,
                   known: Sequence[np.ndarray]) -> Iterator[np.ndarray]:
    """Module matrices sampled where each known code (n x n, 0 dark, 255 light) is found on the
    view after a smooth optical flow from the code as printed to the view."""
    grey = view.astype(np.float32)
    normal = cv2.normalize(grey, np.empty_like(grey), 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    for code in known:
        n = code.shape[0]
        m = side / n
        paper = np.full(view.shape, 255, np.uint8)
        big = cv2.resize(code, (round(side), round(side)), interpolation=cv2.INTER_NEAREST)
        at = round(quiet)
        paper[at:at + big.shape[0], at:at + big.shape[1]] = big[:view.shape[0] - at,
                                                                 :view.shape[1] - at]
        printed = cv2.GaussianBlur(paper, (0, 0), m / 4)
        raw = cv2.calcOpticalFlowFarneback(printed, normal, np.zeros((*view.shape, 2), np.float32),
                                           0.5, 3, int(2 * m) | 1, 10, 7, 1.5, 0)
        flow = cv2.GaussianBlur(raw, (0, 0), FLOW_SMOOTH * m)
        centres = quiet + (np.arange(n) + 0.5) * m
        xs, ys = np.meshgrid(centres, centres)
        fx = cv2.remap(flow[..., 0], xs.astype(np.float32), ys.astype(np.float32),
                       cv2.INTER_LINEAR)
        fy = cv2.remap(flow[..., 1], xs.astype(np.float32), ys.astype(np.float32),
                       cv2.INTER_LINEAR)
        yield with_function_patterns(_sample(grey, xs + fx, ys + fy, m))
