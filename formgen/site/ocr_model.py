"""The validator's PP-OCR recogniser made small enough for the scan check's browser (issue 30).

The help center's scan check reads the printed BSN and its label on an ID copy with the same
recogniser the validator uses (rapidocr's ``ch_PP-OCRv4_rec_infer.onnx``), run in the browser by
onnxruntime-web on lines the page cuts out itself (no text detector). At build time the model
is made smaller, on its protobuf encoding (as ``formgen.check.identity.onnx_graphs`` does):

- the last layer (120 x 6625: 3.2 of its 10.8 MB) keeps only the classes a BSN, a date or a
  label can hold (OUTPUT_CHARS: digits, Latin letters, space, a few signs) and the CTC blank;
- every larger weight is stored as float16 with a Cast back to float32 after it (onnxruntime
  folds the casts when it loads the model; the arithmetic stays float32).

Both are gzip-compressed for the site (the browser unpacks them with DecompressionStream), as is
onnxruntime-web's wasm. Agreement with the full model is measured by `benchmarks/bench_scan_check.py
--ocr-model` (tuning note `benchmarks/tuning-scan-check.md`).
"""

from __future__ import annotations

import gzip
import string
from pathlib import Path
from typing import Any

import numpy as np

from formgen.check.identity import onnx_graphs as g

# what the browser's recogniser may answer (the rest of the model's 6623 characters are Chinese)
OUTPUT_CHARS = string.digits + string.ascii_letters + " .-:/<,"
FP16_MIN_VALUES = 256  # smaller weights (biases, scales) stay float32
MODEL_OUTPUT = 14  # ModelProto.metadata_props: the character list goes into the site's JSON
GRAPH_OUTPUT = 12
NODE_ATTRIBUTE_INT, ATTR_TYPE_INT = 3, 2
TENSOR_DIMS, FLOAT16 = 1, 10


def _tensor(raw: bytes) -> tuple[list[int], int, str, np.ndarray | None]:
    dims: list[int] = []
    data_type, name, raw_floats = 0, "", None
    for number, _, value, _ in g._fields(raw):
        if number == TENSOR_DIMS:
            if isinstance(value, int):
                dims.append(value)
            else:  # packed
                pos = 0
                while pos < len(value):
                    v, pos = g._varint(value, pos)
                    dims.append(v)
        elif number == g.TENSOR_DATA_TYPE and isinstance(value, int):
            data_type = value
        elif number == g.TENSOR_NAME and isinstance(value, bytes):
            name = value.decode()
        elif number in (g.TENSOR_RAW_DATA, g.TENSOR_FLOAT_DATA) and isinstance(value, bytes):
            raw_floats = value  # float32 where data_type says FLOAT (the caller checks)
    values = (np.frombuffer(raw_floats, "<f4") if data_type == g.FLOAT and raw_floats is not None
              and len(raw_floats) % 4 == 0 else None)
    return dims, data_type, name, values


def _tensor_bytes(dims: list[int], data_type: int, name: str, data: bytes) -> bytes:
    raw = b"".join(g._encode_varint(TENSOR_DIMS << 3) + g._encode_varint(d) for d in dims)
    raw += g._encode_varint(g.TENSOR_DATA_TYPE << 3) + g._encode_varint(data_type)
    if name:
        raw += g._field(g.TENSOR_NAME, name.encode())
    return raw + g._field(g.TENSOR_RAW_DATA, data)


def _constant(output: str, tensor: bytes) -> bytes:
    attribute = (g._field(g.ATTR_NAME, b"value") + g._field(g.ATTR_TENSOR, tensor)
                 + g._encode_varint(g.ATTR_TYPE << 3) + g._encode_varint(4))  # TENSOR
    return (g._field(g.NODE_OUTPUT, output.encode()) + g._field(g.NODE_NAME, output.encode())
            + g._field(g.NODE_OP_TYPE, b"Constant") + g._field(g.NODE_ATTRIBUTE, attribute))


def _cast(source: str, output: str) -> bytes:
    attribute = (g._field(g.ATTR_NAME, b"to") + g._encode_varint(NODE_ATTRIBUTE_INT << 3)
                 + g._encode_varint(1) + g._encode_varint(g.ATTR_TYPE << 3)
                 + g._encode_varint(ATTR_TYPE_INT))
    return (g._field(g.NODE_INPUT, source.encode()) + g._field(g.NODE_OUTPUT, output.encode())
            + g._field(g.NODE_NAME, f"{output}__cast".encode())
            + g._field(g.NODE_OP_TYPE, b"Cast") + g._field(g.NODE_ATTRIBUTE, attribute))


def _constant_tensor(node: g._Node) -> bytes | None:
    for number, _, value, _ in g._fields(node.raw):
        if number == g.NODE_ATTRIBUTE and isinstance(value, bytes):
            for a_number, _, a_value, _ in g._fields(value):
                if a_number == g.ATTR_TENSOR and isinstance(a_value, bytes):
                    return a_value
    return None


def _output_dims(value_info: bytes, old: int, new: int) -> bytes:
    """A graph output's ValueInfoProto with the dimension ``old`` written as ``new``."""
    path = (2, 1, 2, 1)  # type, tensor_type, shape, dim; then dim_value (1)

    def walk(raw: bytes, depth: int) -> bytes:
        out = bytearray()
        for number, wire, value, field_raw in g._fields(raw):
            if depth < len(path) and number == path[depth] and isinstance(value, bytes):
                out += g._field(number, walk(value, depth + 1))
            elif depth == len(path) and number == 1 and wire == 0 and value == old:
                out += g._encode_varint(1 << 3) + g._encode_varint(new)
            else:
                out += field_raw
        return bytes(out)
    return walk(value_info, 0)


def _last_layer(nodes: list[g._Node]) -> tuple[str, str]:
    """The names of the last MatMul's weight and the Add's bias before the Softmax."""
    softmax = nodes[-1]
    producer = {out: node for node in nodes for out in node.outputs}
    add = producer[softmax.inputs[0]]
    matmul = producer[add.inputs[0]]
    if softmax.op != "Softmax" or add.op != "Add" or matmul.op != "MatMul":
        raise ValueError("the recogniser does not end in MatMul, Add, Softmax")
    return matmul.inputs[1], add.inputs[1]


def browser_model(model: bytes, characters: list[str]) -> tuple[bytes, list[str]]:
    """The recogniser ``model`` (bytes; ``characters[i]`` is class i, 0 the CTC blank) with its
    last layer cut to the blank and OUTPUT_CHARS, and its larger weights stored as float16;
    and the kept classes' characters (index 0: the blank)."""
    keep = [0] + [i for i, c in enumerate(characters) if i and c in OUTPUT_CHARS]
    out = bytearray()
    for number, _, value, raw in g._fields(model):
        if number == MODEL_OUTPUT:
            continue
        if number != g.MODEL_GRAPH or not isinstance(value, bytes):
            out += raw
            continue
        items = list(g._fields(value))
        nodes = [g._node(v) for n, _, v, _ in items if n == g.GRAPH_NODE and isinstance(v, bytes)]
        weight, bias = _last_layer(nodes)
        graph = bytearray()
        for n, _, v, field_raw in items:
            if n == GRAPH_OUTPUT and isinstance(v, bytes):
                graph += g._field(n, _output_dims(v, len(characters), len(keep)))
                continue
            if n != g.GRAPH_NODE or not isinstance(v, bytes):
                graph += field_raw
                continue
            node = g._node(v)
            tensor = _constant_tensor(node) if node.op == "Constant" else None
            if tensor is None:
                graph += field_raw
                continue
            dims, data_type, name, values = _tensor(tensor)
            if values is None or data_type != g.FLOAT:
                graph += field_raw
                continue
            if node.outputs[0] == weight:
                values = values.reshape(dims)[:, keep].ravel()
                dims = [dims[0], len(keep)]
            elif node.outputs[0] == bias:
                values = values[keep]
                dims = [len(keep)]
            if values.size < FP16_MIN_VALUES:
                graph += g._field(g.GRAPH_NODE, _constant(
                    node.outputs[0], _tensor_bytes(dims, g.FLOAT, name, values.tobytes())))
                continue
            half = f"{node.outputs[0]}__f16"
            graph += g._field(g.GRAPH_NODE, _constant(
                half, _tensor_bytes(dims, FLOAT16, name, values.astype("<f2").tobytes())))
            graph += g._field(g.GRAPH_NODE, _cast(half, node.outputs[0]))
        out += g._field(g.MODEL_GRAPH, bytes(graph))
    return bytes(out), [characters[i] for i in keep]


def validator_model() -> tuple[bytes, list[str]]:
    """The validator's recogniser (its bytes, as shipped in rapidocr-onnxruntime) and its
    characters (index 0: the CTC blank, as rapidocr's decoder numbers them)."""
    import rapidocr_onnxruntime

    root = Path(rapidocr_onnxruntime.__file__).parent
    model = (root / "models" / "ch_PP-OCRv4_rec_infer.onnx").read_bytes()
    return model, ["blank", *_metadata_characters(model), " "]


def _metadata_characters(model: bytes) -> list[str]:
    for number, _, value, _ in g._fields(model):
        if number == MODEL_OUTPUT and isinstance(value, bytes):
            entry = {n: v for n, _, v, _ in g._fields(value)}
            text = entry.get(2)
            if entry.get(1) == b"character" and isinstance(text, bytes):
                return text.decode().splitlines()
    raise ValueError("the recogniser carries no character list")


def gzipped(data: bytes) -> bytes:
    """gzip without a time stamp (the same bytes on every build)."""
    return gzip.compress(data, compresslevel=9, mtime=0)



def read_line(session: Any, characters: list[str], line: np.ndarray) -> str:
    """One cut-out line (an H x W x 3 array in the channel order the validator gives rapidocr,
    or H x W grey, as the page has it) read by ``session`` (an onnxruntime session of
    browser_model's model) as controle-ocr.js reads it: 48 px high, unpadded, greedy CTC."""
    import cv2

    h, w = line.shape[:2]
    width = max(8, int(48 * w / h))  # rapidocr: int(height * ratio) when unpadded
    small = cv2.resize(line, (width, 48)).astype(np.float32) / 127.5 - 1
    x = (np.repeat(small[None], 3, axis=0) if small.ndim == 2 else small.transpose(2, 0, 1))
    probs = session.run(None, {session.get_inputs()[0].name: x[None]})[0][0]
    text, last = "", 0
    for c in probs.argmax(axis=1):
        if c and c != last:
            text += characters[c]
        last = c
    return text
