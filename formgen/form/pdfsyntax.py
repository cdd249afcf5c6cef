"""PDF syntax for the objects of a prefilled form's update, written fast.

pypdf's writer escapes every name character by character and renumbers references; for the
few object types an update holds (dictionaries, arrays, names, numbers, strings, streams)
this module writes the same syntax in a fraction of the time.
"""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

_PLAIN_NAME = re.compile(r"^/[A-Za-z0-9_.+-]+$")
_PLAIN_TEXT = re.compile(r"^[ -~]*$")  # printable ASCII: the same bytes in PDFDocEncoding
_NAMES: dict[str, bytes] = {}


def serialize(obj: PdfObject | bytes) -> bytes:
    """PDF syntax of obj (bytes are taken as already written)."""
    if isinstance(obj, bytes):
        return obj
    if isinstance(obj, StreamObject):
        data = obj._data
        entries = {**obj, NameObject("/Length"): NumberObject(len(data))}
        return b"%b\nstream\n%b\nendstream" % (dictionary(entries), data)
    if isinstance(obj, DictionaryObject):
        return dictionary(obj)
    if isinstance(obj, ArrayObject):
        return b"[" + b" ".join(serialize(item) for item in obj) + b"]"
    if isinstance(obj, IndirectObject):
        return b"%d %d R" % (obj.idnum, obj.generation)
    if isinstance(obj, NameObject):
        return _name(obj)
    if isinstance(obj, NumberObject):
        return b"%d" % obj
    if isinstance(obj, TextStringObject) and _PLAIN_TEXT.match(obj):
        return b"(" + obj.encode("ascii").replace(b"\\", b"\\\\").replace(
            b"(", b"\\(").replace(b")", b"\\)") + b")"
    buffer = io.BytesIO()
    obj.write_to_stream(buffer)
    return buffer.getvalue()


def dictionary(entries: dict[Any, Any], *, close: bool = True) -> bytes:
    """<< /Key value ... >>; without the closing >> when close is False (to append to)."""
    body = b"".join(_name(k) + b" " + serialize(v) + b"\n" for k, v in entries.items())
    return b"<<" + body + (b">>" if close else b"")


def _name(name: str) -> bytes:
    written = _NAMES.get(name)
    if written is None:
        if _PLAIN_NAME.match(name):
            written = name.encode("ascii")
        else:
            buffer = io.BytesIO()
            NameObject(name).write_to_stream(buffer)
            written = buffer.getvalue()
        _NAMES[name] = written
    return written
