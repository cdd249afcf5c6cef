"""Geometry of pages and text boxes for the ID reader: turning, straightening, box shapes.

Boxes are 4x2 float32 corner arrays (x, y), clockwise from the top left, as the text detector
gives them.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np


def as_rgb(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 4:
        return image[:, :, :3]
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    raise ValueError(f"unsupported image shape {image.shape}")


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """Turn clockwise by a multiple of 90 degrees."""
    code = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
            270: cv2.ROTATE_90_COUNTERCLOCKWISE}.get(degrees % 360)
    return image if code is None else cv2.rotate(image, code)


def box_size(box: np.ndarray) -> tuple[float, float]:
    w = float(np.linalg.norm(box[0] - box[1]))
    h = float(np.linalg.norm(box[0] - box[3]))
    return w, h


def mostly_vertical(boxes: Sequence[np.ndarray]) -> bool:
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


def rotate_boxes_180(boxes: Sequence[np.ndarray], width: int, height: int) -> list[np.ndarray]:
    out = []
    for b in boxes:
        p = np.stack([width - b[:, 0], height - b[:, 1]], axis=1).astype(np.float32)
        out.append(p[[2, 3, 0, 1]])  # keep clockwise-from-top-left order
    return out


def sort_boxes(boxes: list[np.ndarray]) -> list[np.ndarray]:
    return sorted(boxes, key=lambda b: (round(float(b[:, 1].mean()) / 8), float(b[:, 0].min())))


def stacked(box: np.ndarray, others: Sequence[np.ndarray]) -> bool:
    """Another line of about the same width sits just above or below, left-aligned (MRZ rows)."""
    w, h = box_size(box)
    x0, yc = float(box[:, 0].min()), float(box[:, 1].mean())
    for other in others:
        if other is box:
            continue
        ow, _ = box_size(other)
        if (abs(ow - w) < 0.12 * w and abs(float(other[:, 0].min()) - x0) < 0.06 * w
                and 0 < abs(float(other[:, 1].mean()) - yc) < 2.6 * h):
            return True
    return False

MAX_SKEW_DEGREES = 1.0  # straighter than this, the MRZ reader copes as it is


def skew_degrees(boxes: Sequence[np.ndarray]) -> float:
    """Median angle (degrees, clockwise positive) of the long text lines' top edges."""
    angles, weights = [], []
    for box in boxes:
        width, height = box_size(box)
        if width > 3 * height:
            dx, dy = box[1] - box[0]
            angles.append(float(np.degrees(np.arctan2(dy, dx))))
            weights.append(width)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def straighten(page: np.ndarray, degrees: float) -> tuple[np.ndarray, np.ndarray]:
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


def resized(page: np.ndarray, scale: float) -> np.ndarray:
    if abs(scale - 1.0) < 1e-6:
        return page
    h, w = page.shape[:2]
    return cv2.resize(page, (max(1, int(round(w * scale))), max(1, int(round(h * scale)))),
                      interpolation=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_CUBIC)
