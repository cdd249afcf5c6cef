"""Checks on filled-in PDFs shared by the viewer tests: which font drew a field's text."""

from __future__ import annotations

import io
import re

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from formgen.form.fonts import field_font


def _appearance_runs(widget) -> list[tuple[object, bytes]]:  # type: ignore[no-untyped-def]
    """(font dictionary, string bytes) of every Tj/TJ in a widget's normal appearance."""
    stream = widget["/AP"]["/N"].get_object()
    fonts = stream["/Resources"]["/Font"]
    runs, font = [], None
    ops = re.finditer(rb"/([A-Za-z0-9_]+)\s+[\d.]+\s+Tf|(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)\s*Tj",
                      stream.get_data(), re.S)
    for match in ops:
        if match.group(1):
            font = fonts["/" + match.group(1).decode()].get_object()
        else:
            runs.append((font, _string_bytes(match.group(2))))
    return runs


def _string_bytes(token: bytes) -> bytes:
    if token.startswith(b"<"):
        return bytes.fromhex(token[1:-1].decode())
    body, out, i = token[1:-1], bytearray(), 0
    escapes = {b"n": 10, b"r": 13, b"t": 9, b"b": 8, b"f": 12}
    while i < len(body):
        c = body[i:i + 1]
        if c == b"\\":
            nxt = body[i + 1:i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", body[i + 1:]).group(0)  # type: ignore[union-attr]
                out.append(int(digits, 8))
                i += 1 + len(digits)
                continue
            out.append(escapes.get(nxt, nxt[0]))
            i += 2
            continue
        out.append(body[i])
        i += 1
    return bytes(out)


def assert_drawn_in_field_font(pdf: bytes, values: dict[str, str]) -> None:
    """Each field's appearance draws exactly its value in the embedded field font, with no
    missing glyph (gid 0) and an outline for every visible character."""
    reader = PdfReader(io.BytesIO(pdf))
    widgets = {str(a.get_object()["/T"]): a.get_object()
               for page in reader.pages for a in page["/Annots"]}
    font = field_font()
    by_gid = {gid: chr(cp) for cp, gid in font.gid.items()}
    outlines = TTFont(io.BytesIO(font.data))
    glyf, order = outlines["glyf"], outlines.getGlyphOrder()
    for name, value in values.items():
        widget = widgets[name]
        assert widget["/V"] == value
        runs = _appearance_runs(widget)
        assert runs, f"{name}: no text in the appearance"
        drawn = ""
        for font_dict, data in runs:
            assert str(font_dict["/BaseFont"]).endswith("+DejaVuSans"), \
                f"{name}: drawn in {font_dict['/BaseFont']}, not the field font"
            gids = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
            assert 0 not in gids, f"{name}: a character has no glyph"
            for gid in gids:
                if not by_gid[gid].isspace():
                    assert glyf[order[gid]].numberOfContours != 0, f"{name}: {by_gid[gid]!r}"
            drawn += "".join(by_gid[g] for g in gids)
        assert drawn == value
