"""A photocopy cleaned for a second reading of its MRZ: toner specks read as marks in the rows
(or break a character), and a drum's grey band lowers the contrast of the rows under it.

Only used when the normal reading found no valid MRZ (see
:func:`formgen.check.identity.document.analyse_id_page`), so a clean page pays nothing.
Tuning note: benchmarks/tuning-copier.md.
"""

from __future__ import annotations

import cv2
import numpy as np

PAPER_WINDOW = 1 / 40  # of the page's longer side: wider than any MRZ stroke, so ink goes
SPECK_SIDE = 1 / 450  # of the longer side: a dark blob no wider nor taller is a toner speck
SPECK_NEIGHBOURS = 0  # a speck stands alone; a piece of a character touches the rest
INK_LEVEL = 0.6  # of the paper's brightness: darker is ink


def flattened(image: np.ndarray) -> np.ndarray:
    """The page (RGB or grey uint8) as grey float32 (0-255) divided by its own paper: a
    drum's band and uneven light go, ink keeps its contrast."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    side = max(grey.shape)
    k = max(15, int(side * PAPER_WINDOW)) | 1
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((k // 4 | 1, k // 4 | 1), np.uint8))
    paper = cv2.resize(cv2.GaussianBlur(paper, (0, 0), 2), (grey.shape[1], grey.shape[0]),
                       interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(grey.astype(np.float32) / np.maximum(paper, 1) * 255, 0, 255)


def clean_copy(image: np.ndarray) -> np.ndarray:
    """The page (RGB or grey uint8) as grey RGB, divided by its own paper (so a drum's band and
    uneven light go), with the toner specks painted out in paper white."""
    flat = flattened(image)
    side = max(flat.shape)
    ink = (flat < INK_LEVEL * 255).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    speck = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) \
        <= max(2, round(side * SPECK_SIDE))
    speck[0] = False
    wipe = cv2.dilate(speck[labels].astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    flat[wipe] = 255
    out = flat.astype(np.uint8)
    return np.ascontiguousarray(np.repeat(out[..., None], 3, axis=2))
