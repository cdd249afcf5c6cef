"""Rewrite the OCR models' hard-swish into fewer operators when they are loaded.

PP-OCR's ONNX models (exported by paddle2onnx at opset 12) spell hard-swish
``x * clip(x + 3, 0, 6) / 6`` as four operators, which onnxruntime does not fuse;
``x * HardSigmoid(x)`` (alpha 1/6, beta 1/2) is the same function in two (outputs equal within
1e-6), and on one core the detector runs about 8 % and the recogniser about 9 % faster.

The rewrite works on the model's protobuf encoding directly: only the graph's node list changes,
and the ``onnx`` package would cost more to import (0.4 s CPU) than the rewrite saves on a
page. It is done in memory, once per process; nothing is written to disk.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

# protobuf field numbers (onnx.proto3)
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER = 1, 5
NODE_INPUT, NODE_OUTPUT, NODE_NAME, NODE_OP_TYPE, NODE_ATTRIBUTE = 1, 2, 3, 4, 5
ATTR_NAME, ATTR_FLOAT, ATTR_TENSOR, ATTR_TYPE = 1, 2, 5, 20
ATTR_TYPE_FLOAT = 1
TENSOR_DATA_TYPE, TENSOR_FLOAT_DATA, TENSOR_NAME, TENSOR_RAW_DATA = 2, 4, 8, 9
FLOAT = 1  # TensorProto.DataType


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _fields(data: bytes) -> Iterator[tuple[int, int, bytes | int, bytes]]:
    """(field number, wire type, value, the field's own bytes) for each field of a message."""
    pos = 0
    while pos < len(data):
        start = pos
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: bytes | int
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(data, pos)
            value, pos = data[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"protobuf wire type {wire} not supported")
        yield number, wire, value, data[start:pos]


def _field(number: int, value: bytes) -> bytes:
    """A length-delimited field."""
    return _encode_varint(number << 3 | 2) + _encode_varint(len(value)) + value


def _float_field(number: int, value: float) -> bytes:
    return _encode_varint(number << 3 | 5) + struct.pack("<f", value)


def _scalar(tensor: bytes) -> tuple[str, float | None]:
    """A TensorProto's name and its value when it is a single float."""
    name, data_type, values = "", 0, []
    for number, wire, value, _ in _fields(tensor):
        if number == TENSOR_NAME and isinstance(value, bytes):
            name = value.decode()
        elif number == TENSOR_DATA_TYPE and isinstance(value, int):
            data_type = value
        elif number == TENSOR_RAW_DATA and isinstance(value, bytes) and len(value) == 4:
            values.append(struct.unpack("<f", value)[0])
        elif number == TENSOR_FLOAT_DATA and isinstance(value, bytes):
            values.extend(struct.unpack(f"<{len(value) // 4}f", value) if wire == 2
                          else struct.unpack("<f", value))
    return name, values[0] if data_type == FLOAT and len(values) == 1 else None


@dataclass
class _Node:
    raw: bytes
    op: str = ""
    name: str = ""
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    value: float | None = None  # a Constant node's single float


def _node(raw: bytes) -> _Node:
    node = _Node(raw)
    for number, _, value, _ in _fields(raw):
        if not isinstance(value, bytes):
            continue
        if number == NODE_INPUT:
            node.inputs.append(value.decode())
        elif number == NODE_OUTPUT:
            node.outputs.append(value.decode())
        elif number == NODE_OP_TYPE:
            node.op = value.decode()
        elif number == NODE_NAME:
            node.name = value.decode()
        elif number == NODE_ATTRIBUTE:
            for a_number, _, a_value, _ in _fields(value):
                if a_number == ATTR_TENSOR and isinstance(a_value, bytes):
                    node.value = _scalar(a_value)[1]
    return node


def _new_node(op: str, name: str, inputs: list[str], output: str,
              floats: dict[str, float] | None = None) -> bytes:
    raw = b"".join(_field(NODE_INPUT, i.encode()) for i in inputs)
    raw += _field(NODE_OUTPUT, output.encode()) + _field(NODE_NAME, name.encode())
    raw += _field(NODE_OP_TYPE, op.encode())
    for key, value in (floats or {}).items():
        attribute = (_field(ATTR_NAME, key.encode()) + _float_field(ATTR_FLOAT, value)
                     + _encode_varint(ATTR_TYPE << 3) + _encode_varint(ATTR_TYPE_FLOAT))
        raw += _field(NODE_ATTRIBUTE, attribute)
    return raw


def _fuse_graph(graph: bytes) -> tuple[bytes, int]:
    items = list(_fields(graph))
    nodes = [_node(value) for number, _, value, _ in items
             if number == GRAPH_NODE and isinstance(value, bytes)]
    constants: dict[str, float | None] = {}
    for number, _, value, _ in items:
        if number == GRAPH_INITIALIZER and isinstance(value, bytes):
            name, scalar = _scalar(value)
            constants[name] = scalar
    for node in nodes:
        if node.op == "Constant" and node.outputs:
            constants[node.outputs[0]] = node.value
    producer = {out: node for node in nodes for out in node.outputs}
    users: dict[str, list[_Node]] = {}
    for node in nodes:
        for name in node.inputs:
            users.setdefault(name, []).append(node)

    def only_user(node: _Node, op: str) -> _Node | None:
        found = users.get(node.outputs[0], [])
        return found[0] if len(found) == 1 and found[0].op == op else None

    dropped: set[int] = set()
    replaced: dict[int, list[bytes]] = {}  # id of the final Div -> the nodes replacing it
    for clip in nodes:
        if (clip.op != "Clip" or len(clip.inputs) < 3 or constants.get(clip.inputs[1]) != 0
                or constants.get(clip.inputs[2]) != 6):
            continue
        add = producer.get(clip.inputs[0])
        if add is None or add.op != "Add" or len(add.inputs) != 2 or not only_user(add, "Clip"):
            continue
        x = next((a for a, b in (add.inputs, add.inputs[::-1]) if constants.get(b) == 3), None)
        mul = only_user(clip, "Mul")
        div = only_user(mul, "Div") if mul is not None else None
        if (x is None or mul is None or x not in mul.inputs or div is None
                or constants.get(div.inputs[1]) != 6):
            continue
        gate = f"{div.outputs[0]}__hard_sigmoid"
        replaced[id(div)] = [
            _new_node("HardSigmoid", gate, [x], gate, {"alpha": 1 / 6, "beta": 0.5}),
            _new_node("Mul", f"{div.outputs[0]}__hard_swish", [x, gate], div.outputs[0])]
        dropped.update({id(add), id(clip), id(mul)})
    out = bytearray()
    node_iter = iter(nodes)
    for number, _, _, raw in items:
        if number != GRAPH_NODE:
            out += raw
            continue
        node = next(node_iter)
        if id(node) in replaced:
            out += b"".join(_field(GRAPH_NODE, n) for n in replaced[id(node)])
        elif id(node) not in dropped:
            out += raw
    return bytes(out), len(replaced)


def fuse_hard_swish(model: bytes) -> tuple[bytes, int]:
    """The ONNX model ``model`` (its bytes) with each ``x * clip(x + 3, 0, 6) / 6`` written as
    ``x * HardSigmoid(x)``, and how many were rewritten."""
    out = bytearray()
    count = 0
    for number, _, value, raw in _fields(model):
        if number == MODEL_GRAPH and isinstance(value, bytes):
            graph, count = _fuse_graph(value)
            out += _field(MODEL_GRAPH, graph)
        else:
            out += raw
    return bytes(out), count
