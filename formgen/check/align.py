"""Map a photographed or scanned page back onto the form with the four corner marks.

The marks are ArUco markers with ids 0-3, one per corner, so any rotation is resolved by the
ids alone; a homography from their 16 corners also removes skew and perspective.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from formgen.form import marks
from formgen.form.layout import PageLayout, Rect

WORK_LONG_SIDE = 1600  # detection runs on a copy no larger than this (~135 dpi for A4)
MIN_MARKS = 2  # eight corners of two marks fix a homography; one mark could be chance


@dataclass(frozen=True)
class Alignment:
    """Homography from form points (origin top-left) to pixels of the original image."""

    form_to_image: np.ndarray
    markers: int  # how many of the four marks were found (0 when aligned on the QR code)

    def warp(self, image: np.ndarray, dpi: float, size: tuple[int, int]) -> np.ndarray:
        """The page as it would look rendered at dpi, upright, from the scan or photo.

        size (width, height in pixels) is the caller's: the blank form it will be compared
        with decides it, so the two arrays always have the same shape.
        """
        scale = np.diag([72 / dpi, 72 / dpi, 1.0])
        return cv2.warpPerspective(image, self.form_to_image @ scale, size,
                                   flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                                   borderMode=cv2.BORDER_REPLICATE)

    def image_quad(self, rect: Rect) -> np.ndarray:
        corners = np.array([[rect.x, rect.y], [rect.x + rect.width, rect.y],
                            [rect.x + rect.width, rect.y + rect.height],
                            [rect.x, rect.y + rect.height]], dtype=np.float64)
        return cv2.perspectiveTransform(corners[None], self.form_to_image)[0]


def _gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image


def find_marks(image: np.ndarray) -> dict[int, np.ndarray]:
    """Corner points (4x2, image pixels) of each mark found, by id."""
    gray = _gray(image)
    factor = min(1.0, WORK_LONG_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) \
        if factor < 1 else gray
    found: dict[int, np.ndarray] = {}
    detector = marks.detector()
    for candidate in _looks(small):
        corners, ids, _ = detector.detectMarkers(candidate)
        if ids is None:
            continue
        for quad, marker_id in zip(corners, ids.ravel(), strict=True):
            if 0 <= marker_id < len(marks.CORNERS) and marker_id not in found:
                found[int(marker_id)] = quad.reshape(4, 2) / factor
        if len(found) >= 3:
            break
    return found


def _looks(small: np.ndarray) -> Iterator[np.ndarray]:
    """The page as it is, with more contrast, and with thin light lines closed: low-ink lines,
    letterpress speckle and a black-and-white copier's white streaks break a mark's black
    border, which the detector needs whole."""
    yield small
    yield cv2.equalizeHist(small)
    yield cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def align_on_marks(image: np.ndarray, layout: PageLayout) -> Alignment | None:
    """The homography from at least MIN_MARKS marks, or None when too few were found."""
    fits = marks_alignments(image, layout)
    return fits[0] if fits else None


def marks_alignments(image: np.ndarray, layout: PageLayout,
                     found: dict[int, np.ndarray] | None = None) -> tuple[Alignment, ...]:
    """The ways the marks found place the page: the homography from their corners, and with
    fewer than four marks also the similarity (a turn, one scale and a shift: a flat scan).

    A homography from two or three marks rests on corners a few millimetres apart; on a worn
    or speckled copy their noise tilts it (two marks along one edge leave the scale across
    the page to a mark's own height). Tuning side (the tuning half of the external corpus and
    the 150 dpi dirty-drum set cd3, 112 pages with two or three marks, against the alignment
    by the page's print): the homography was more than 8 px (at 150 dpi) off on 24 pages,
    up to 35 px; the similarity on 1 (a folded page). A phone photo in perspective needs the
    homography: the caller keeps the fit that the page's print agrees with best. found: the
    marks already found on the image (see :func:`find_marks`)."""
    if found is None:
        found = find_marks(image)
    if len(found) < MIN_MARKS:
        return ()
    src, dst = [], []
    for mark in layout.marks:
        if mark.id in found:
            r = mark.rect
            src += [[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height],
                    [r.x, r.y + r.height]]
            dst += found[mark.id].tolist()
    points, pixels = np.array(src, np.float64), np.array(dst, np.float64)
    fits = []
    matrix, _ = cv2.findHomography(points, pixels, cv2.RANSAC, 8.0)
    if matrix is not None:
        fits.append(Alignment(matrix, len(found)))
    if len(found) < len(layout.marks):
        fits += _similarity(points, pixels, len(found))
    return tuple(fits)


def _similarity(points: np.ndarray, pixels: np.ndarray, markers: int) -> list[Alignment]:
    """The turn, scale and shift that map points best onto pixels (none when they cannot)."""
    similar, _ = cv2.estimateAffinePartial2D(points, pixels, method=cv2.LMEDS)
    return [] if similar is None else [Alignment(np.vstack([similar, [0.0, 0.0, 1.0]]), markers)]


def align_on_qr(qr_corners: np.ndarray, layout: PageLayout) -> Alignment:
    """A fallback when marks are cut off: map the QR code's four corners onto its rectangle."""
    return qr_alignments(qr_corners, layout)[0]


def qr_alignments(qr_corners: np.ndarray, layout: PageLayout) -> tuple[Alignment, ...]:
    """The ways the QR code's four corners place the page: the homography that maps them onto
    its rectangle, and the similarity. Both rest on one code a few centimetres wide (see
    :func:`marks_alignments`); tuning side (cd3), on the 3 pages aligned on the code alone, the
    homography put boxes 36 to 134 px off (at 150 dpi), the similarity 3 to 5 px."""
    r = layout.qr
    src = np.array([[r.x, r.y], [r.x + r.width, r.y], [r.x + r.width, r.y + r.height],
                    [r.x, r.y + r.height]], np.float64)
    matrix = cv2.getPerspectiveTransform(src.astype(np.float32), qr_corners.astype(np.float32))
    return (Alignment(matrix.astype(np.float64), 0),
            *_similarity(src, qr_corners.astype(np.float64), 0))
