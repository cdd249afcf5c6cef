"""Where a document's print lies on a page covered with a worn copier's dots (drum stipple,
toner specks).

There the text detector takes rows of stipple for lines of text and finds no box of a small ID
card, and :func:`~formgen.check.identity.locate.ink_region` sees ink all over the page. Letter
strokes differ from the dots by shape: a stroke is thin (hardly anything of it survives a 3x3
erosion) and has some length; a stipple cluster is compact and a speck is tiny. The thin pieces
cluster where the print is, and the cluster with most pieces is the document's text.
Tuning note: benchmarks/tuning-copier.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formgen.check.identity.copy_clean import INK_LEVEL, flattened

# a piece of ink of which more than this share survives an erosion is a dot, not a stroke; the
# erosion is 3x3 on a page up to CORE_SIDE px long (a phone photo or a 200-dpi scan), 5x5 on a
# larger one (a 300-dpi scan's print is thicker)
STROKE_MAX_CORE = 0.25
CORE_SIDE = 2600
STROKE_MIN_SIDE = 1 / 300  # of the page's longer side: a shorter piece of ink is a speck
# a thin piece longer than this share of the page's side and this many times longer than wide
# is a line (a drum streak, a card's edge), not a letter
LINE_MIN_SIDE = 1 / 40
LINE_MIN_ASPECT = 6
# dots per letter stroke on the page: clean print, scanned or photographed, has 0.2-0.5 (a lone
# ID card up to 1.7: its photo and guilloche); drum stipple and heavy copier specks 2.9-60
STIPPLED_DOTS_PER_STROKE = 2.0
CLUSTER_GAP = 0.0125  # of the page's longer side: strokes this close are one cluster of print
CLUSTER_MIN_STROKES = 30  # fewer letter strokes than this is not a document's text
MARGIN = 0.35  # of the cluster's longer side, around it: the rest of the document


@dataclass
class StippledText:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (page pixels) of the text, with a margin
    strokes: np.ndarray  # the page in grey RGB with only the letter strokes left (the rest paper)


def find_text(image: np.ndarray) -> StippledText | None:
    """The document's text on a page covered with dots; None when the page is not (clean
    print, a light copy) or no cluster of letter strokes is found."""
    flat = flattened(image)
    side = max(flat.shape)
    ink = (flat < INK_LEVEL * 255).astype(np.uint8)
    erosion = np.ones((3, 3) if side <= CORE_SIDE else (5, 5), np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    core = np.bincount(labels[cv2.erode(ink, erosion) > 0], minlength=n)
    area = stats[:, cv2.CC_STAT_AREA]
    longer = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    shorter = np.minimum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    dot = (core > STROKE_MAX_CORE * area) | (longer < side * STROKE_MIN_SIDE)
    line = (longer > side * LINE_MIN_SIDE) & (longer > LINE_MIN_ASPECT * shorter)
    dot[0] = line[0] = False
    stroke = ~dot & ~line
    stroke[0] = False
    if dot.sum() < STIPPLED_DOTS_PER_STROKE * max(int(stroke.sum()), 1):
        return None
    kept = stroke[labels].astype(np.uint8)
    k = max(3, int(side * CLUSTER_GAP)) | 1
    m, clusters, boxes, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(kept, np.ones((k, k), np.uint8)), connectivity=8)
    at = kept > 0
    pairs = np.unique(clusters[at].astype(np.int64) * n + labels[at])
    count = np.bincount(pairs // n, minlength=m)
    count[0] = 0
    best = int(np.argmax(count))
    if count[best] < CLUSTER_MIN_STROKES:
        return None
    x, y, w, h = (int(v) for v in boxes[best, :4])
    margin = int(MARGIN * max(w, h))
    box = (max(0, x - margin), max(0, y - margin),
           min(flat.shape[1], x + w + margin), min(flat.shape[0], y + h + margin))
    strokes = np.where(at, flat, 255).astype(np.uint8)
    return StippledText(box, np.repeat(strokes[..., None], 3, axis=2))
