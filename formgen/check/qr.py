"""Find and decode the page token's QR code (zxing-cpp behind a small adapter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import cv2
import numpy as np
import zxingcpp

from formgen.check.qr_grid import bent_matrices, known_matrices
from formgen.form.qr import qr_rows
from formgen.token import PREFIX

UPRIGHT_SCALE = 3.0  # pixels per point of the upright cut-out: ~8 px per module of a blank form
UPRIGHT_QUIET = 0.1  # white margin kept around the code, as a share of its side
UPRIGHT_BLURS = (5, 3, 7)  # smoothing windows tried (px): about half a module, less, more


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


def read_upright(image: np.ndarray, form_to_image: np.ndarray, x: float, y: float,
                 side: float, known: Sequence[str] = ()) -> list[QrHit]:
    """The code cut out upright through the corner marks' homography (form points to image
    pixels), for when it could not be read where it lies: faded or speckled modules, as a
    letterpress copy leaves them. The upright code is smoothed over about half a module and
    thresholded. Failing that, its modules are looked for on a bent grid (a fold through the
    code; see qr_grid): first as one of the known codes (their texts), then as any code.
    x, y, side: the code's square on the form, in points."""
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    pad = side * UPRIGHT_QUIET
    size = round((side + 2 * pad) * UPRIGHT_SCALE)
    to_view = np.array([[1 / UPRIGHT_SCALE, 0, x - pad], [0, 1 / UPRIGHT_SCALE, y - pad],
                        [0, 0, 1]])
    view_to_image = form_to_image @ to_view
    view = cv2.warpPerspective(gray, view_to_image, (size, size),
                               flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REPLICATE)
    for k in UPRIGHT_BLURS:
        smooth = cv2.blur(view, (k, k))
        _, binary = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        for candidate in (binary, smooth):
            hits = _read(candidate)
            if hits:
                return [QrHit(h.text, cv2.perspectiveTransform(h.corners[None], view_to_image)[0])
                        for h in hits]
    code_px, quiet_px = side * UPRIGHT_SCALE, pad * UPRIGHT_SCALE
    codes = [_modules(text) for text in known]
    for modules in chain(known_matrices(view, code_px, quiet_px, codes),
                         bent_matrices(view, code_px, quiet_px)):
        texts = [h.text for h in _read(_render(modules))]
        if texts:  # where the code is on the page: its square as the marks place it
            square = np.array([[quiet_px, quiet_px], [quiet_px + code_px, quiet_px],
                               [quiet_px + code_px, quiet_px + code_px],
                               [quiet_px, quiet_px + code_px]])
            corners = cv2.perspectiveTransform(square[None], view_to_image)[0]
            return [QrHit(text, corners) for text in texts]
    return []


def _modules(text: str) -> np.ndarray:
    """The module matrix of a code as the form prints it (0 dark, 255 light)."""
    return np.where(np.array([list(row) for row in qr_rows(text)]) > 0, 255, 0).astype(np.uint8)


def _render(modules: np.ndarray) -> np.ndarray:
    """A clean image of a module matrix, for the decoder: 4 px per module, 4 modules quiet."""
    big = cv2.resize(modules, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    return cv2.copyMakeBorder(big, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)


def _close_light_lines(gray: np.ndarray) -> np.ndarray:
    return cv2.morphologyEx(gray, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))


def _binarise(gray: np.ndarray) -> np.ndarray:
    block = max(15, (min(gray.shape) // 40) | 1)
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY,
                                 block, 10)
