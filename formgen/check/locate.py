"""Find a form page by its print, when neither its corner marks nor its QR code can be read.

A letterpress copy mottles the marks' black and a dirty drum speckles them: on generated
letterpress + dirty-drum copies at 150 dpi the marks detector keeps fewer than two marks on
about a third of the pages, and the QR code is often lost with them. The rest of the print
(the title, the labels, the boxes) still shows. SIFT features of the page are matched with
those of each blank page; a homography that enough matches agree on places the page, and
the blank page whose print it covers best tells which page it is, as for any page whose code
cannot be read.

It costs about half a second a page, so it runs only for the pages nothing else recognised,
and only when the submission lacks a form page (see ``check.submission``).
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.check.align import Alignment
from formgen.form.layout import Rect
from formgen.form.template import FormTemplate

LOCATE_DPI = 100  # the blank pages and the page are compared at about this resolution
A4_HEIGHT = 842  # points: the page's long side is scaled to A4 at LOCATE_DPI
FEATURES = 3000
RATIO = 0.75  # Lowe's ratio test
RANSAC_PX = 4.0
# Matches that agree on the page's place before it counts as placed by its print
# (benchmarks/tuning-placement.md#a-page-placed-by-its-print-min_inliers).
MIN_INLIERS = 60
MIN_AREA = 0.2  # the placed page covers at least this share of the image


@cache
def _features(pdf: bytes) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Keypoint positions and descriptors of each blank page, rendered at LOCATE_DPI."""
    sift = cv2.SIFT.create(nfeatures=FEATURES)
    pages: list[tuple[np.ndarray, np.ndarray]] = []
    for page in pdfium.PdfDocument(pdf):
        grey = np.asarray(page.render(scale=LOCATE_DPI / 72, grayscale=True).to_pil().convert("L"))
        keypoints, descriptors = sift.detectAndCompute(grey, None)
        pages.append((np.array([k.pt for k in keypoints], np.float32), descriptors))
    return tuple(pages)


def locate_by_print(image: np.ndarray, template: FormTemplate) -> Alignment | None:
    """The alignment of a form page found by its print, or None. The pages of the form share
    their frame (title, marks, footer), so the alignment holds whichever page it is; which one
    is for the caller to tell (``form_pages._guess_number``)."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    factor = LOCATE_DPI / 72 * A4_HEIGHT / max(grey.shape)
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    keypoints, descriptors = cv2.SIFT.create(nfeatures=FEATURES).detectAndCompute(small, None)
    if descriptors is None or len(keypoints) < 8:
        return None
    points = np.array([k.pt for k in keypoints], np.float32)
    matcher = cv2.BFMatcher(cv2.NORM_L2)
    placed: list[tuple[int, np.ndarray | None]] = []
    for blank_points, blank_descriptors in _features(template.pdf):
        if blank_descriptors is None:
            placed.append((0, None))
            continue
        pairs = matcher.knnMatch(blank_descriptors, descriptors, k=2)
        good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < RATIO * p[1].distance]
        if len(good) < 8:
            placed.append((0, None))
            continue
        src = blank_points[[m.queryIdx for m in good]]
        dst = points[[m.trainIdx for m in good]]
        found, inliers = cv2.findHomography(src, dst, cv2.USAC_ACCURATE, RANSAC_PX)
        placed.append((int(inliers.sum()) if inliers is not None else 0, found))
    count, homography = max(placed, key=lambda p: p[0])
    if homography is None or count < MIN_INLIERS:
        return None
    to_blank = np.diag([LOCATE_DPI / 72, LOCATE_DPI / 72, 1.0])
    form_to_image = np.diag([1 / factor, 1 / factor, 1.0]) @ homography @ to_blank
    if not _plausible(form_to_image, template, grey.shape):
        return None
    return Alignment(form_to_image, 0)


def _plausible(form_to_image: np.ndarray, template: FormTemplate,
               shape: tuple[int, ...]) -> bool:
    """The page maps to a convex quadrilateral that covers a fair part of the image."""
    page = template.layout.page(1)
    quad = Alignment(form_to_image, 0).image_quad(Rect(0, 0, page.width, page.height))
    quad = quad.astype(np.float32)
    return bool(cv2.isContourConvex(quad)) and \
        cv2.contourArea(quad) >= MIN_AREA * shape[0] * shape[1]
