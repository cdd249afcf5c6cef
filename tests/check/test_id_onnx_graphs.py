"""The OCR models' hard-swish rewritten as HardSigmoid·x: same outputs, fewer operators.

Runs on the models rapidocr ships (the ones the ID reader loads), through onnxruntime.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formgen.check.identity import ocr
from formgen.check.identity.onnx_graphs import (
    GRAPH_NODE,
    MODEL_GRAPH,
    _fields,
    fuse_hard_swish,
)

ort = pytest.importorskip("onnxruntime")
rapidocr = pytest.importorskip("rapidocr_onnxruntime")
MODELS = Path(rapidocr.__file__).parent / "models"


def _session(model: bytes) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.log_severity_level = 4
    return ort.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def _node_count(model: bytes) -> int:
    """How many nodes the model's graph holds (read from its protobuf fields)."""
    graph = next(v for n, _, v, _ in _fields(model) if n == MODEL_GRAPH)
    assert isinstance(graph, bytes)
    return sum(1 for n, _, _, _ in _fields(graph) if n == GRAPH_NODE)


@pytest.mark.parametrize(("name", "shape", "expected"), [
    ("ch_PP-OCRv4_det_infer.onnx", (1, 3, 320, 480), 24),
    ("ch_PP-OCRv4_rec_infer.onnx", (1, 3, 48, 320), 28),
    ("ch_ppocr_mobile_v2.0_cls_infer.onnx", (1, 3, 48, 192), 18),
])
def test_rewritten_model_gives_the_same_outputs(name: str, shape: tuple[int, ...],
                                                expected: int) -> None:
    original = (MODELS / name).read_bytes()
    fused, count = fuse_hard_swish(original)
    assert count == expected
    # each hard-swish: Add, Clip, Mul, Div (4 nodes) became HardSigmoid, Mul (2)
    assert _node_count(fused) == _node_count(original) - 2 * count
    x = np.random.default_rng(0).random(shape, dtype=np.float32) * 2 - 0.5
    before, after = _session(original), _session(fused)
    feed = {before.get_inputs()[0].name: x}
    for a, b in zip(before.run(None, feed), after.run(None, feed), strict=True):
        assert a.shape == b.shape
        assert float(np.abs(a - b).max()) < 1e-4


def test_a_model_without_hard_swish_is_left_as_it_is() -> None:
    fused, count = fuse_hard_swish(b"")
    assert (fused, count) == (b"", 0)


def test_engine_reads_with_the_rewritten_models() -> None:
    from PIL import Image, ImageDraw, ImageFont

    engine = ocr.RapidOcrEngine(threads=1)
    # a session built from bytes has no model file: the rewritten one replaced rapidocr's
    assert not getattr(engine._ocr.text_rec.session.session, "_model_path", None)
    line = "P<NLDJANSEN<<ANOUK<<<<<<"
    font = ImageFont.truetype("/usr/share/fonts/opentype/ocr-b/OCRB.otf", 40)
    image = Image.new("L", (720, 64), 255)
    ImageDraw.Draw(image).text((12, 8), line, font=font, fill=0)
    ((text, score),) = engine.recognize([np.asarray(image)])
    assert text.replace(" ", "") == line and score > 0.9


@pytest.mark.parametrize("limit", [900, 1400, 2400])
def test_detector_input_by_table_is_the_library_s_own(limit: int) -> None:
    """The detector's input scaled by a table of the 256 grey levels is the float32 input
    rapidocr computes in float64, value for value (limit: the page's longest side, which
    picks the preprocessing)."""
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    det = ocr.get_engine()._ocr.text_det  # type: ignore[attr-defined]
    table = det.get_preprocess(limit)
    plain = DetPreProcess(table.limit_side_len, table.limit_type, det.mean, det.std)
    image = np.random.default_rng(limit).integers(0, 256, (limit * 2 // 3, limit, 3), np.uint8)
    assert np.array_equal(table(image), plain(image))
    assert "LUT" in table.normalize.__code__.co_names  # the table's, not the library's
