"""PDF syntax for the objects of a prefilled form's update, written directly.

A prefilled form is the template plus a few KB of new objects. Writing them through pypdf
cost a third of the time per form and importing pypdf most of a batch's start-up; these
few lines write the same syntax from plain Python values.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable


class Name(str):
    """A PDF name, written as /Name."""


class Ref(int):
    """A reference to object number n (generation 0)."""


_PLAIN_TEXT = re.compile(r"\A[ -~]*\Z")  # printable ASCII: the same bytes in PDFDocEncoding
_NAME = re.compile(r"\A[A-Za-z0-9_.+-]+\Z")  # \Z: "$" lets a final newline through


def value(v: object) -> bytes:
    """Syntax of a Python value: dict, list/tuple, Name, Ref, bool, int, float, str, bytes
    (bytes are taken as already written)."""
    if isinstance(v, bytes):
        return v
    if isinstance(v, Name):
        if not _NAME.fullmatch(v):
            raise ValueError(f"PDF name {v!r}")
        return b"/" + v.encode("ascii")
    if isinstance(v, Ref):
        return b"%d 0 R" % v
    if isinstance(v, bool):
        return b"true" if v else b"false"
    if isinstance(v, int):
        return b"%d" % v
    if isinstance(v, float):
        return (f"{v:.3f}".rstrip("0").rstrip(".") or "0").encode("ascii")
    if isinstance(v, str):
        return text(v)
    if isinstance(v, dict):
        return b"<<" + b"".join(b"/%b %b" % (k.encode("ascii"), value(x))
                                for k, x in v.items()) + b">>"
    if isinstance(v, (list, tuple)):
        return b"[" + b" ".join(value(x) for x in v) + b"]"
    raise TypeError(f"no PDF syntax for {type(v).__name__}")


def text(s: str) -> bytes:
    """A text string: literal when plain ASCII, else UTF-16BE with a byte order mark."""
    if _PLAIN_TEXT.fullmatch(s):
        escaped = s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + s.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def stream(entries: dict[str, object], data: bytes) -> bytes:
    """A Flate-compressed stream object's syntax."""
    packed = zlib.compress(data)
    head = value({**entries, "Filter": Name("FlateDecode"), "Length": len(packed)})
    return head + b"\nstream\n" + packed + b"\nendstream"


def form_xobject(bbox: Iterable[float], content: bytes, fonts: dict[str, int]) -> bytes:
    """A Form XObject (an appearance or the QR code) using fonts {resource name: object}."""
    entries: dict[str, object] = {
        "Type": Name("XObject"), "Subtype": Name("Form"),
        "BBox": [float(round(v, 3)) for v in bbox]}
    if fonts:
        entries["Resources"] = {"Font": {k: Ref(n) for k, n in fonts.items()}}
    return stream(entries, content)
