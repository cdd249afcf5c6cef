"""Alignment marks: four ArUco markers (4x4, ids 0-3) in the page corners.

Distinct ids tell the validator which corner is which, so a scan rotated by any angle, skewed
or photographed at an angle maps back onto the page with one homography.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import cv2

CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")  # marker ids 0..3
SIZE_PT = 36.0  # 12.7 mm: 6 modules of 2.1 mm, ~12 px per module at 150 dpi
INSET_PT = 20.0  # distance from the paper edge; inside the printable area of office printers


@cache
def marker_modules(marker_id: int) -> np.ndarray:
    """6x6 array (border included), True where the module is black."""
    from formgen.parts import require

    # not imported with the module: making forms from the shipped template needs no OpenCV
    (opencv,) = require("cv2")
    dictionary = opencv.aruco.getPredefinedDictionary(opencv.aruco.DICT_4X4_50)
    image = opencv.aruco.generateImageMarker(dictionary, marker_id, 6)
    return np.asarray(image) < 128


def detector() -> cv2.aruco.ArucoDetector:
    import cv2

    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    return cv2.aruco.ArucoDetector(dictionary, params)


def run_rects(modules: np.ndarray) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules as (row, first column, length): few rectangles to draw."""
    runs = []
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs
