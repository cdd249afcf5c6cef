"""Find and decode the page token's QR code (zxing-cpp behind a small adapter)."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from formgen.token import PREFIX


@dataclass(frozen=True)
class QrHit:
    text: str
    corners: np.ndarray  # 4x2 image pixels: top-left, top-right, bottom-right, bottom-left


def _read(gray: np.ndarray, offset: tuple[float, float] = (0, 0),
          scale: float = 1.0) -> list[QrHit]:
    hits = []
    for result in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode,  # type: ignore[arg-type]
                                         try_rotate=True, try_downscale=True):
        if not result.valid or not result.text.startswith(PREFIX + ":"):
            continue
        p = result.position
        pts = np.array([[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                        [p.bottom_right.x, p.bottom_right.y],
                        [p.bottom_left.x, p.bottom_left.y]], np.float64)
        hits.append(QrHit(result.text, pts / scale + np.array(offset)))
    return hits


def read_tokens(image: np.ndarray, hint: np.ndarray | None = None) -> list[QrHit]:
    """All form tokens on an image. hint: quad (image pixels) where the code should be."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    if hint is not None:
        x0, y0 = np.maximum(hint.min(axis=0) - 0.35 * np.ptp(hint, axis=0), 0).astype(int)
        x1, y1 = (hint.max(axis=0) + 0.35 * np.ptp(hint, axis=0)).astype(int)
        crop = gray[y0:y1, x0:x1]
        if crop.size:
            side = max(crop.shape)
            scale = min(4.0, max(1.0, 480 / side))
            if scale > 1:
                crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
            # thin light lines (low ink, letterpress speckle) break the modules: closed last
            for candidate in (crop, _binarise(crop), _binarise(_close_light_lines(crop))):
                hits = _read(candidate, (x0, y0), scale)
                if hits:
                    return hits
    hits = _read(gray)
    if hits or hint is None:
        # without marks and without a code at first sight, this is not a form page: a second,
        # binarised look is only worth its time where the marks say the code must be
        return hits
    return _read(_binarise(gray))


def _close_light_lines(gray: np.ndarray) -> np.ndarray:
    return cv2.morphologyEx(gray, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _binarise(gray: np.ndarray) -> np.ndarray:
    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY,
                                 block, 10)
