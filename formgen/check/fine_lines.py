"""A line of a box cut from the scan at its own resolution, not from the page warped to
CHECK_DPI.

Every box is measured on the page warped to CHECK_DPI (150 dpi). The marks of a typed letter
(ả or á, ỹ or ÿ) are two or three pixels there; a scan at 200 or 300 dpi shows them with more
pixels, which the warp throws away. The lines of a value are found on the warped page as
before (the layout and every other measure stay as they are); then each line is cut again
from the scan itself, through the same alignment, at FINE_DPI. A scanned PDF page is rendered
at its own resolution only when a line is first cut from it (intake.pdf.FineRender).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from formgen.check.identity.ocr import padded_quad
from formgen.check.ink import CHECK_DPI, paper

# A line is cut at this resolution (pixels per inch of the form) from a scan that has at least
# FINE_MIN_DPI: below it the scan holds little more than the warped page.
FINE_DPI = 300
FINE_MIN_DPI = 180


class Later(Protocol):
    """A scan made only when first asked for (intake.pdf.FineRender)."""

    size: tuple[int, int]  # (width, height) in pixels

    def image(self) -> np.ndarray | None:
        """Grey; None when it cannot be made."""
        ...


@dataclass(frozen=True)
class FineSource:
    """The scan (grey, at its own resolution, or to be rendered so) and where each pixel of
    the warped page lies on it."""

    scan: np.ndarray | Later
    page_to_image: np.ndarray  # homography: warped page pixel -> scan pixel

    @property
    def image(self) -> np.ndarray | None:
        """The scan's pixels (rendered now if they were not yet); None if it cannot be."""
        return self.scan if isinstance(self.scan, np.ndarray) else self.scan.image()

    def moved(self, dx: float, dy: float) -> FineSource:
        """The source of the page moved as placement.moved moves it (what lies at (dx, dy)
        comes to the box's place)."""
        shift = np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], dtype=np.float64)
        return FineSource(self.scan, self.page_to_image @ shift)

    def cut(self, quad: np.ndarray, printed: np.ndarray, *,
            pad: float = 0.0) -> np.ndarray | None:
        """The quadrilateral quad (pixels of the warped page, clockwise from top-left) as an
        upright line at FINE_DPI, grown by pad of its height on every side (as
        identity.ocr.crop_box does), the form's print (printed, on the warped page) wiped off
        as text_lines wipes it; None when the scan cannot be rendered."""
        image = self.image
        if image is None:
            return None
        pts, w, h = padded_quad(np.asarray(quad, dtype=np.float64), pad)
        k = FINE_DPI / CHECK_DPI
        wi, hi = max(int(round(w * k)), 2), max(int(round(h * k)), 2)
        dst = np.array([[0, 0], [wi, 0], [wi, hi], [0, hi]], dtype=np.float32)
        on_image = cv2.perspectiveTransform(pts[None], self.page_to_image)[0]
        line = cv2.warpPerspective(
            image, cv2.getPerspectiveTransform(on_image.astype(np.float32), dst),
            (wi, hi), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
        on_form = cv2.warpPerspective(
            printed.astype(np.uint8), cv2.getPerspectiveTransform(pts.astype(np.float32), dst),
            (wi, hi), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT) > 0
        if on_form.any():
            line[on_form] = paper(line)[on_form]
        return line


def fine_source(image: np.ndarray, form_to_image: np.ndarray, size: tuple[int, int], *,
                finer: np.ndarray | Later | None = None) -> FineSource | None:
    """The scan to cut lines from: image (the page as decoded, which form_to_image maps form
    points onto) or finer (the same page decoded, or to be rendered, at more pixels); None
    when it has less than FINE_MIN_DPI on the form. size: the warped page's (width, height)."""
    source = image if finer is None else finer
    width = source.shape[1] if isinstance(source, np.ndarray) else source.size[0]
    factor = width / image.shape[1]
    page_to_image = np.diag([factor, factor, 1.0]) @ form_to_image @ np.diag(
        [72 / CHECK_DPI, 72 / CHECK_DPI, 1.0])
    if _dpi(page_to_image, size) < FINE_MIN_DPI:
        return None
    if not isinstance(source, np.ndarray):
        return FineSource(source, page_to_image)
    grey = cv2.cvtColor(source, cv2.COLOR_RGB2GRAY) if source.ndim == 3 else source
    return FineSource(np.ascontiguousarray(grey), page_to_image)


def _dpi(page_to_image: np.ndarray, size: tuple[int, int]) -> float:
    """The scan's pixels per inch of the form, in the middle of the page."""
    x, y = size[0] / 2, size[1] / 2
    points = np.array([[[x, y], [x + 10, y], [x, y + 10]]], dtype=np.float64)
    on_image = cv2.perspectiveTransform(points, page_to_image)[0]
    step = np.linalg.norm(on_image[1] - on_image[0]) + np.linalg.norm(on_image[2] - on_image[0])
    return float(step / 20 * CHECK_DPI)
