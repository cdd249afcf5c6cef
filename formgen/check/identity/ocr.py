"""Small adapter around the OCR engine (rapidocr-onnxruntime), so another engine can be swapped in.

The engine is created lazily on first use (loading the ONNX models takes a second or two) and is
shared by all callers; calls are serialised with a lock, so the module is safe to use from several
threads. Nothing recognised here is logged.

The number of CPU threads the engine uses can be set with :func:`configure` (before first use) or
with the environment variable ``FORMGEN_OCR_THREADS``; by default onnxruntime decides.

onnxruntime's telemetry is switched off when this module is imported: otherwise onnxruntime
(1.2x on Linux) writes a telemetry database and a device id under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime/`` as soon as it is imported, and a check must
write nothing outside the folders it was given.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

Point = tuple[float, float]

# Read by onnxruntime once, when it is imported, so it must be set before that; worker processes
# inherit it. "1" turns telemetry off completely: no uploader, no events, no device id file.
TELEMETRY_SWITCH = "ORT_DISABLE_TELEMETRY"


def _telemetry_off() -> None:
    os.environ[TELEMETRY_SWITCH] = "1"
    onnxruntime = sys.modules.get("onnxruntime")
    if onnxruntime is not None:  # imported by someone else first: stop what can still be stopped
        onnxruntime.disable_telemetry_events()


_telemetry_off()


@dataclass(frozen=True)
class OcrLine:
    """One recognised text line.

    ``box`` holds four corner points (x, y) in pixel coordinates of the image passed in,
    clockwise starting top-left as the engine saw the text.
    """

    text: str
    box: tuple[Point, Point, Point, Point]
    score: float

    @property
    def center(self) -> Point:
        xs = [p[0] for p in self.box]
        ys = [p[1] for p in self.box]
        return (sum(xs) / 4.0, sum(ys) / 4.0)

    @property
    def width(self) -> float:
        (x0, y0), (x1, y1) = self.box[0], self.box[1]
        return float(np.hypot(x1 - x0, y1 - y0))

    @property
    def height(self) -> float:
        (x0, y0), (x3, y3) = self.box[0], self.box[3]
        return float(np.hypot(x3 - x0, y3 - y0))


class OcrEngine(Protocol):
    """What the rest of formgen needs from an OCR engine."""

    def read_lines(self, image: np.ndarray, *, use_cls: bool = True) -> list[OcrLine]:
        """Detect and recognise text lines in an RGB (or grayscale) uint8 image."""
        ...

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Only detect text lines at the image's own resolution; 4x2 float32 corner arrays."""
        ...

    def text_map(self, image: np.ndarray) -> np.ndarray:
        """Where text is: a float32 map (same height and width as ``image``, values 0..1) of how
        likely each pixel belongs to a text line, as the detector sees it before it draws boxes
        (a bent line is still one band here, where the detector may drop its box)."""
        ...

    def recognize(self, crops: Sequence[np.ndarray], *,
                  min_width: int | None = None) -> list[tuple[str, float]]:
        """Recognise already cropped, upright single text lines (RGB or grayscale).

        ``min_width``: pad each line (scaled to the recogniser's height) to at least this many
        pixels instead of the engine's default; less padding is faster for short pieces."""
        ...

    def upside_down(self, crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
        """For each cropped text line: (looks rotated by 180 degrees, confidence)."""
        ...

    def char_probs(self, crop: np.ndarray) -> tuple[np.ndarray, Sequence[str]]:
        """The recogniser's raw output for one cropped, upright text line: per time step
        (left to right) a probability over its characters (float32, steps x characters), and
        the characters (index 0 is the CTC blank). For scoring a known text against the line
        instead of reading it."""
        ...


def _to_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[:, :, None], 3, axis=2))
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image[:, :, ::-1])
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, 2::-1])
    raise ValueError(f"unsupported image shape {image.shape}")


_build_lock = threading.Lock()


@contextmanager
def _fused_models() -> Iterator[None]:
    """While rapidocr builds its sessions, build each from its model with hard-swish in fewer
    operators (:mod:`formgen.check.identity.onnx_graphs`: the same results, about 8 % faster),
    read once, so no session is built twice."""
    from rapidocr_onnxruntime.utils import infer_engine

    from formgen.check.identity.onnx_graphs import fuse_hard_swish

    plain = infer_engine.InferenceSession

    def fused(model: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(model, (str, os.PathLike)):
            with open(model, "rb") as f:
                model, _ = fuse_hard_swish(f.read())
        return plain(model, *args, **kwargs)

    with _build_lock:
        infer_engine.InferenceSession = fused
        try:
            yield
        finally:
            infer_engine.InferenceSession = plain


def _normalise_by_table(det: Any) -> None:
    """The detector scales each pixel to the network's range in float64 (0.3 s for a page at
    150 dpi); a table of the same 256 values per channel gives the same float32 input in 15 ms."""
    import cv2

    plain = det.get_preprocess

    def prepared(max_wh: int) -> Any:
        pre = plain(max_wh)
        by_arithmetic = pre.normalize
        values = np.arange(256, dtype=np.uint8)[:, None, None].repeat(3, axis=2)
        table = by_arithmetic(values).astype(np.float32).reshape(256, 1, 3)
        pre.normalize = lambda image: cv2.LUT(image, table) if image.dtype == np.uint8 \
            and image.ndim == 3 and image.shape[2] == 3 else by_arithmetic(image)
        return pre

    det.get_preprocess = prepared


class RapidOcrEngine:
    """:class:`OcrEngine` backed by rapidocr-onnxruntime (PP-OCRv4 det/rec + angle classifier)."""

    def __init__(self, threads: int | None = None) -> None:
        _telemetry_off()  # again: the environment may have been changed since the import
        from formgen.parts import require

        # heavy import: only when needed; a missing system library is one Dutch line
        (rapidocr,) = require("rapidocr_onnxruntime")

        kwargs: dict[str, Any] = {"print_verbose": False}
        if threads:
            # rapidocr copies the global values to the det/cls/rec sessions
            kwargs["intra_op_num_threads"] = threads
            kwargs["inter_op_num_threads"] = 1
        with _fused_models():
            self._ocr = rapidocr.RapidOCR(**kwargs)
        # one line per recogniser run: measured faster than batches of 6 (long lines get padded,
        # and rapidocr disables the onnxruntime memory arena)
        self._ocr.text_rec.rec_batch_num = 1
        _normalise_by_table(self._ocr.text_det)
        self._lock = threading.Lock()

    def read_lines(self, image: np.ndarray, *, use_cls: bool = True) -> list[OcrLine]:
        bgr = _to_bgr(image)
        with self._lock:
            result, _ = self._ocr(bgr, use_cls=use_cls)
        lines: list[OcrLine] = []
        for box, text, score in result or []:
            pts = tuple((float(x), float(y)) for x, y in box)
            lines.append(OcrLine(str(text), pts, float(score)))  # type: ignore[arg-type]
        return lines

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        bgr = _to_bgr(image)
        det = self._ocr.text_det
        with self._lock:
            saved = (det.limit_type, det.limit_side_len)
            det.limit_type, det.limit_side_len = "max", max(bgr.shape[:2])
            try:
                boxes, _ = det(bgr)
            finally:
                det.limit_type, det.limit_side_len = saved
        if boxes is None or len(boxes) == 0:
            return []
        return [np.asarray(b, dtype=np.float32) for b in self._ocr.sorted_boxes(boxes)]

    def text_map(self, image: np.ndarray) -> np.ndarray:
        import cv2

        bgr = _to_bgr(image)
        det = self._ocr.text_det
        h, w = bgr.shape[:2]
        with self._lock:
            prepared = det.get_preprocess(max(h, w))
            prepared.limit_type, prepared.limit_side_len = "max", max(h, w)
            tensor = prepared(bgr)
            if tensor is None:
                return np.zeros((h, w), np.float32)
            pred = det.infer(tensor)[0]
        return cv2.resize(np.asarray(pred[0, 0], np.float32), (w, h),
                          interpolation=cv2.INTER_LINEAR)

    def recognize(self, crops: Sequence[np.ndarray], *,
                  min_width: int | None = None) -> list[tuple[str, float]]:
        if not crops:
            return []
        bgr = [_to_bgr(c) for c in crops]
        rec = self._ocr.text_rec
        with self._lock:
            # rapidocr pads every line to [3, 48, 320]: a piece of a few characters then costs
            # as much as a line of twenty (measured: 11 instead of 21 ms for a 150-px piece)
            saved = list(rec.rec_image_shape)
            if min_width is not None:
                rec.rec_image_shape = [*saved[:2], max(8, int(min_width))]
            try:
                res, _ = rec(bgr)
            finally:
                rec.rec_image_shape = saved
        return [(str(r[0]), float(r[1])) for r in res]

    def upside_down(self, crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
        if not crops:
            return []
        bgr = [_to_bgr(c) for c in crops]
        with self._lock:
            _, res, _ = self._ocr.text_cls(bgr)
        return [(str(label) == "180", float(score)) for label, score in res]

    def char_probs(self, crop: np.ndarray) -> tuple[np.ndarray, Sequence[str]]:
        rec = self._ocr.text_rec
        bgr = _to_bgr(crop)
        with self._lock:
            _, height, width = rec.rec_image_shape
            # the line at its own width (as recognize() pads it), at least the engine's default
            ratio = max(width / height, bgr.shape[1] / max(bgr.shape[0], 1))
            tensor = rec.resize_norm_img(bgr, ratio)[np.newaxis].astype(np.float32)
            probs = rec.session(tensor)[0]
        return np.asarray(probs[0], np.float32), rec.postprocess_op.character


_engine: OcrEngine | None = None
_engine_lock = threading.Lock()
_threads: int | None = None


def configure(threads: int | None = None) -> None:
    """Set the number of CPU threads for the engine created on first use (None: automatic).

    Has no effect once the engine exists, except through :func:`set_engine` (None resets it).
    """
    global _threads
    _threads = threads


def set_engine(engine: OcrEngine | None) -> None:
    """Install another engine (or None to fall back to the lazily created default)."""
    global _engine
    with _engine_lock:
        _engine = engine
    with _detections_lock:
        _detections.clear()


def get_engine() -> OcrEngine:
    """The shared engine, created on first call (thread-safe)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                threads = _threads
                env = os.environ.get("FORMGEN_OCR_THREADS", "").strip()
                if threads is None and env.isdigit():
                    threads = int(env)
                _engine = RapidOcrEngine(threads=threads)
    return _engine


def read_lines(image: np.ndarray, *, use_cls: bool = True) -> list[OcrLine]:
    """Detect and recognise text lines in ``image`` (RGB uint8 HxWx3, or grayscale HxW)."""
    return get_engine().read_lines(image, use_cls=use_cls)


# A box is detected when it is checked and again when its value is read, from the same pixels:
# the last few detections are kept by the image's content (a hash) and the engine.
DETECTIONS_KEPT = 32
_detections: OrderedDict[tuple[int, bytes], list[np.ndarray]] = OrderedDict()
_detections_lock = threading.Lock()


def detect(image: np.ndarray) -> list[np.ndarray]:
    """Only detect text lines in ``image``; returns 4x2 corner arrays (x, y)."""
    engine = get_engine()
    content = hashlib.blake2b(repr((image.shape, image.dtype.str)).encode(), digest_size=16)
    content.update(np.ascontiguousarray(image).data)
    key = (id(engine), content.digest())
    with _detections_lock:
        if (kept := _detections.get(key)) is not None:
            _detections.move_to_end(key)
            return [quad.copy() for quad in kept]
    quads = engine.detect(image)
    with _detections_lock:
        _detections[key] = [quad.copy() for quad in quads]
        while len(_detections) > DETECTIONS_KEPT:
            _detections.popitem(last=False)
    return quads


def text_map(image: np.ndarray) -> np.ndarray:
    """How likely each pixel of ``image`` belongs to a text line (float32 HxW, 0..1)."""
    return get_engine().text_map(image)


def recognize(crops: Sequence[np.ndarray], *,
              min_width: int | None = None) -> list[tuple[str, float]]:
    """Recognise cropped, upright single text lines; (text, score) per crop. ``min_width``:
    pad lines to at least this width at the recogniser's height (default: the engine's own)."""
    return get_engine().recognize(crops, min_width=min_width)


def upside_down(crops: Sequence[np.ndarray]) -> list[tuple[bool, float]]:
    """For cropped text lines: (rotated by 180 degrees, confidence) per crop."""
    return get_engine().upside_down(crops)


def char_probs(crop: np.ndarray) -> tuple[np.ndarray, Sequence[str]]:
    """The recogniser's probabilities per time step and character for one cropped text line,
    and its characters (index 0: the CTC blank)."""
    return get_engine().char_probs(crop)


def padded_quad(pts: np.ndarray, pad: float) -> tuple[np.ndarray, float, float]:
    """The quadrilateral pts (4 points, clockwise from top-left) grown by pad of its height on
    every side, with its width and height."""
    w = float(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[3] - pts[2])))
    h = float(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    if pad:
        ux = (pts[1] - pts[0]) / max(w, 1.0)
        uy = (pts[3] - pts[0]) / max(h, 1.0)
        d = pad * h
        pts = pts + np.array([-ux - uy, ux - uy, ux + uy, -ux + uy], dtype=pts.dtype) * d
        w, h = w + 2 * d, h + 2 * d
    return pts, w, h


def crop_box(image: np.ndarray, box: np.ndarray | Sequence[Point], *,
             scale: float = 1.0, pad: float = 0.0) -> np.ndarray:
    """Cut the quadrilateral ``box`` (4 points, clockwise from top-left, coordinates divided by
    ``scale`` first) out of ``image`` as an upright rectangle; ``pad`` grows it by that fraction
    of its height on every side."""
    import cv2

    pts, w, h = padded_quad(np.asarray(box, dtype=np.float32) / scale, pad)
    wi, hi = max(int(round(w)), 2), max(int(round(h)), 2)
    dst = np.array([[0, 0], [wi, 0], [wi, hi], [0, hi]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(pts, dst)
    return cv2.warpPerspective(image, matrix, (wi, hi), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)


def join_text(lines: Sequence[OcrLine]) -> str:
    """All recognised text, one line per OCR line (for keyword searches)."""
    return "\n".join(line.text for line in lines)
