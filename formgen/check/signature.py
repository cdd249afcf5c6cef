"""Is the signature handwriting? A typed name or a stamp in the signature box is not.

A name typed in a script font (the "type your signature" tools of PDF viewers), printed text
and a company stamp read as clean lines of letters to PP-OCR's recogniser; a pen signature
reads as a few symbols at most, or as one glyph again and again where it loops. A stamp with a
pen signature across it is a signature: beside the stamp's text lines and its frame or ring,
the pen leaves long strokes of its own. This module measures (the lines read, with the
recogniser's confidence and where they lie; the ink beside them); the rules are
:func:`formgen.check.decision.machine_text` and :func:`formgen.check.decision.pen_across`, and
the data their thresholds were chosen on, and the family they are reported on, is in
benchmarks/tuning-signature.md.

It also measures whether a pen went through the box at all where a dirty drum's stipple fills
it (:func:`longest_pen_curve`; the rule is :func:`formgen.check.decision.stipple_dense`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from skimage.morphology import skeletonize

from formgen.check.ink import INK_CONTRAST, MIN_COMPONENT, darker_than_paper, pixel_box
from formgen.check.text_lines import INSET, BoxLine, read_box_quads
from formgen.form.layout import Rect

# Ink beside the text: outside the lines read (widened by TEXT_MARGIN px), less the stamp's
# straight frame (runs of FRAME_RUN px) and its rings (pieces of RING_MIN_EXTENT px or more that
# lie on an ellipse: median and 90th percentile of |r/R - 1| under RING_FIT). px at CHECK_DPI.
TEXT_MARGIN = 2
FRAME_RUN = 25
RING_FIT = 0.06, 0.12
RING_MIN_EXTENT = 15
# A pen line amid a drum's stipple: ridges of darkness (curved strongly across, hardly along: a
# line, not a dot) at pen widths (Gaussian scales PEN_RIDGE_SIGMAS px), stronger than
# PEN_RIDGE_LEVEL grey levels (scale-normalised), thinned to one pixel and cut at every
# junction. A pen leaves long smooth pieces between its crossings; stipple leaves a mesh of
# short crooked ones (benchmarks/tuning-ink.md#stipple-denser-in-the-box-session-16).
PEN_RIDGE_SIGMAS = (1.0, 1.5, 2.0)
PEN_RIDGE_LEVEL = 25
RIDGE_MARGIN = 20  # px of the page around the box that the filters see


@dataclass(frozen=True)
class Beside:
    pixels: int  # ink pixels beside the text, its frame and rings
    longest: int  # px: the longest piece of that ink
    line_height: float  # px: the median height of the text lines


def read_lines(page: np.ndarray, printed: np.ndarray, rect: Rect) -> list[BoxLine]:
    """The lines PP-OCR reads in the signature box with its confidence (0..1) and place; page
    warped to CHECK_DPI, printed the blank form's ink."""
    return read_box_quads(page, printed, rect)


def _on_a_ring(ys: np.ndarray, xs: np.ndarray) -> bool:
    """Whether the pixels of one piece of ink lie on an ellipse: a stamp's ring or oval."""
    points = np.stack([xs, ys], axis=1).astype(np.float32)
    (cx, cy), (d1, d2), angle = cv2.fitEllipse(points)
    if min(d1, d2) < 2:
        return False
    t = np.radians(angle)
    dx, dy = xs - cx, ys - cy
    u, v = dx * np.cos(t) + dy * np.sin(t), -dx * np.sin(t) + dy * np.cos(t)
    off = np.abs(np.hypot(u / (d1 / 2), v / (d2 / 2)) - 1)
    return bool(np.median(off) < RING_FIT[0] and np.percentile(off, 90) < RING_FIT[1])


def ink_beside_text(page: np.ndarray, printed: np.ndarray, rect: Rect,
                    lines: Sequence[BoxLine]) -> Beside:
    """Ink in the box that is neither the lines of text, nor a straight frame, nor a ring."""
    height = float(np.median([np.linalg.norm(line.quad[3] - line.quad[0]) for line in lines])) \
        if lines else 0.0
    x0, y0, x1, y1 = pixel_box(rect)
    x0, y0, x1, y1 = x0 + INSET, y0 + INSET, x1 - INSET, y1 - INSET
    box = page[y0:y1, x0:x1]
    if box.size == 0:
        return Beside(0, 0, height)
    ink = (darker_than_paper(box) >= INK_CONTRAST) & ~printed[y0:y1, x0:x1]
    quads = np.zeros(box.shape, np.uint8)
    for line in lines:
        cv2.fillPoly(quads, [np.round(line.quad - [x0, y0]).astype(np.int32)], 1)
    text = cv2.dilate(quads, np.ones((2 * TEXT_MARGIN + 1,) * 2, np.uint8))
    beside = (ink & (text == 0)).astype(np.uint8)
    frame = np.maximum(
        cv2.morphologyEx(beside, cv2.MORPH_OPEN, np.ones((1, FRAME_RUN), np.uint8)),
        cv2.morphologyEx(beside, cv2.MORPH_OPEN, np.ones((FRAME_RUN, 1), np.uint8)))
    rest = (beside & (cv2.dilate(frame, np.ones((3, 3), np.uint8)) == 0)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
    pixels, longest = 0, 0
    for k in range(1, count):
        area = int(stats[k, cv2.CC_STAT_AREA])
        extent = int(max(stats[k, cv2.CC_STAT_WIDTH], stats[k, cv2.CC_STAT_HEIGHT]))
        if area < MIN_COMPONENT:
            continue
        if extent >= RING_MIN_EXTENT and _on_a_ring(*np.nonzero(labels == k)):
            continue
        pixels += area
        longest = max(longest, extent)
    return Beside(pixels, longest, height)


def _ridge(dark: np.ndarray, sigma: float) -> np.ndarray:
    """How much a dark line of about this width runs through each pixel: the Hessian's
    stronger curvature across the line less the weaker one along it (a dot curves both ways),
    scale-normalised."""
    g = cv2.GaussianBlur(dark, (0, 0), sigma)
    dxx = cv2.Sobel(g, cv2.CV_32F, 2, 0, ksize=3)
    dyy = cv2.Sobel(g, cv2.CV_32F, 0, 2, ksize=3)
    dxy = cv2.Sobel(g, cv2.CV_32F, 1, 1, ksize=3)
    mean, spread = (dxx + dyy) / 2, np.sqrt(((dxx - dyy) / 2) ** 2 + dxy ** 2)
    across, along = mean - spread, mean + spread
    return np.clip(-across - np.abs(along), 0, None) * sigma ** 2


def longest_pen_curve(page: np.ndarray, printed: np.ndarray, rect: Rect) -> float:
    """px at CHECK_DPI: the longest smooth piece of dark line in the box, off the form's print
    (the diagonal of its bounding box; see PEN_RIDGE_LEVEL). page warped to CHECK_DPI, printed
    the blank form's (widened) ink. The help center's scan check measures the same in the
    browser (controle-pen.js; test_scan_check keeps the two equal)."""
    x0, y0, x1, y1 = pixel_box(rect)
    x0, y0, x1, y1 = x0 + INSET, y0 + INSET, x1 - INSET, y1 - INSET
    h, w = page.shape[:2]
    rx0, ry0 = max(0, x0 - RIDGE_MARGIN), max(0, y0 - RIDGE_MARGIN)
    rx1, ry1 = min(w, x1 + RIDGE_MARGIN), min(h, y1 + RIDGE_MARGIN)
    if x1 <= x0 or y1 <= y0 or rx1 <= rx0 or ry1 <= ry0:
        return 0.0
    dark = np.clip(darker_than_paper(page[ry0:ry1, rx0:rx1]), 0, 255).astype(np.float32)
    ridges = np.max([_ridge(dark, s) for s in PEN_RIDGE_SIGMAS], axis=0) > PEN_RIDGE_LEVEL
    thin = skeletonize(ridges)
    junctions = cv2.dilate((thin & (_neighbours(thin) >= 3)).astype(np.uint8),
                           np.ones((3, 3), np.uint8))
    inside = np.zeros(thin.shape, bool)
    inside[y0 - ry0:y1 - ry0, x0 - rx0:x1 - rx0] = True
    pieces = thin & (junctions == 0) & inside & ~printed[ry0:ry1, rx0:rx1]
    count, _, stats, _ = cv2.connectedComponentsWithStats(pieces.astype(np.uint8),
                                                          connectivity=8)
    if count < 2:
        return 0.0
    return float(np.hypot(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]).max())


def _neighbours(thin: np.ndarray) -> np.ndarray:
    """Per pixel of a one-pixel-wide line: how many of its 8 neighbours are on it too."""
    return cv2.filter2D(thin.astype(np.uint8), -1, np.ones((3, 3), np.float32),
                        borderType=cv2.BORDER_CONSTANT) - thin.astype(np.uint8)
