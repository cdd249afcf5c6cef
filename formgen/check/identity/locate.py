"""Where the print is on a page: the part worth reading, found cheaply on a small copy.

Dark strokes on lighter paper (a black-hat filter on an 800-px copy), grown into clusters;
specks, lines, corner marks and the dark wedges a folded page shows at its edges are left out
(a cluster of print holds at least a few separate pieces of ink).
"""

from __future__ import annotations

import cv2
import numpy as np

LOCATE_SIDE = 800  # longest side of the page copy on which the ink is first located
LOCATE_INK = 25  # grey levels darker than the paper around it: print, not a tint or a shadow
LOCATE_SPECK = 0.012  # clusters of ink smaller than this share of the page side are specks
LOCATE_MAX_AREA = 0.45  # ink spread over more of the page than this: read the whole page
# a located region is read at least this long (work pixels), at most 3x: an ID card's MRZ
# letters are then about 15 px high, enough for the detector, whose cost grows with the area
REGION_SIDE = 640
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


def ink_region(page: np.ndarray) -> tuple[int, int, int, int] | None:
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
