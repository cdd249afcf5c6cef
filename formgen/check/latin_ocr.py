"""A second recogniser for typed words in Latin script: PP-OCRv6's, as the `rapidocr` package
ships it (its model with its dictionary inside, Apache-2.0).

The engine of :mod:`formgen.check.identity.ocr` (PP-OCRv4, Chinese and English) does not know
Ł or Ø and often drops an accent; PP-OCRv6's dictionary holds some 400 Latin letters (Ł, Ş, Ø,
ğ, ę). It is run only on the words of a typed value in a box for names, streets and places,
so its cost stays small, and its per-step probabilities score a known name against a
handwritten name box (:mod:`formgen.check.identity.name_score`). Created on first use and
shared; calls are serialised with a lock. Nothing recognised here is logged.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from formgen.check.identity import ocr

_engine: Any = None
_lock = threading.Lock()
_known: frozenset[str] | None = None
_characters: tuple[str, ...] | None = None


def _recogniser() -> Any:
    global _engine
    if _engine is None:
        from formgen.parts import require

        (rapidocr,) = require("rapidocr")
        params: dict[str, Any] = {"Global.log_level": "error", "Global.use_det": False,
                                  "Global.use_cls": False}
        threads = os.environ.get("FORMGEN_OCR_THREADS", "").strip()
        if threads.isdigit():
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = int(threads)
            params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        _engine = rapidocr.RapidOCR(params=params)
    return _engine


def known() -> frozenset[str]:
    """The letters the recogniser knows (its dictionary); a letter not among them (ễ, ị) it
    drops or reads as another."""
    global _known
    if _known is None:
        with _lock:
            # the recogniser is built on its first call; rapidocr has no public way to it
            recogniser = _recogniser()._load_rec_model()
            _known = frozenset(recogniser.postprocess_op.character)
    return _known


def recognize(crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
    """Each crop (an RGB or grey line or word) read: its text and the recogniser's score."""
    if not crops:
        return []
    with _lock:
        engine = _recogniser()
        read = []
        for crop in crops:
            result = engine(ocr._to_bgr(crop), use_det=False, use_cls=False, use_rec=True)
            texts, scores = result.txts or ("",), result.scores or (0.0,)
            read.append((str(texts[0]), float(scores[0])))
    return read


def char_probs(crop: np.ndarray) -> tuple[np.ndarray, Sequence[str]]:
    """The recogniser's raw output for one cropped, upright line (as ``ocr.char_probs``): per
    time step a probability over its characters (steps x characters; index 0 the CTC blank)
    and the characters (one tuple, the same on every call)."""
    global _characters
    bgr = ocr._to_bgr(crop)
    with _lock:
        recogniser = _recogniser()._load_rec_model()
        _, height, width = recogniser.rec_image_shape[:3]
        ratio = max(width / height, bgr.shape[1] / max(bgr.shape[0], 1))
        tensor = recogniser.resize_norm_img(bgr, ratio)[np.newaxis].astype(np.float32)
        probs = recogniser.session(tensor)
        if _characters is None:
            _characters = tuple(recogniser.postprocess_op.character)
    return np.asarray(probs[0], np.float32), _characters
