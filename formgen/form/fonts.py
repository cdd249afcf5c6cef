"""Fonts: DejaVu Sans for printed text (fpdf2 subsets it) and a Latin field font for AcroForm.

Field values are not known when the template is built (a customer may be called Nguyễn or
Łukasz, or type anything in a viewer), so form fields use a subset that covers all Latin
scripts, embedded once as a Type0/Identity-H font.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from formgen.resources import fonts_dir

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
FIELD_FONT_NAME = "FGF"
_LATIN = [
    *range(0x20, 0x7F), *range(0xA0, 0x180),  # Basic Latin, Latin-1, Latin Extended-A
    0x18F, 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x1CD, 0x1CE, 0x1CF, 0x1D0, 0x1D1, 0x1D2, 0x1D3, 0x1D4,
    *range(0x218, 0x21C), 0x259,  # Romanian comma-below letters, schwa (Azerbaijani)
    *range(0x1E00, 0x1F00),  # Latin Extended Additional (Vietnamese and others)
    0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E, 0x2022, 0x2026, 0x20AC,
]


@dataclass(frozen=True)
class FieldFont:
    """The embedded field font: glyph ids and widths for encoding and measuring text."""

    data: bytes
    gid: dict[int, int]  # code point -> glyph id
    widths: dict[int, int]  # glyph id -> advance in 1/1000 em
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]

    def encode(self, text: str) -> str:
        """Hex string for a Tj operator; characters the font lacks become '?'."""
        fallback = self.gid[ord("?")]
        return "".join(f"{self.gid.get(ord(c), fallback):04X}" for c in text)

    def width(self, text: str, size: float) -> float:
        fallback = self.gid[ord("?")]
        return sum(self.widths[self.gid.get(ord(c), fallback)] for c in text) * size / 1000

    def covers(self, text: str) -> bool:
        return all(ord(c) in self.gid for c in text)


@cache
def field_font() -> FieldFont:
    # recalcTimestamp=False: the subset keeps the font's own date, so the PDF is reproducible
    font = TTFont(str(fonts_dir() / REGULAR), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_LATIN)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    gid = {cp: font.getGlyphID(name) for cp, name in cmap.items()}
    hmtx = font["hmtx"]
    widths = {font.getGlyphID(name): round(hmtx[name][0] * scale) for name in font.getGlyphOrder()}
    head, hhea = font["head"], font["hhea"]
    bbox = (round(head.xMin * scale), round(head.yMin * scale),
            round(head.xMax * scale), round(head.yMax * scale))
    return FieldFont(buffer.getvalue(), gid, widths, round(hhea.ascent * scale),
                     round(hhea.descent * scale), bbox)


def field_font_objects(add_object: Callable[[PdfObject], IndirectObject]) -> DictionaryObject:
    """Build the Type0 font dictionaries; add_object(obj) returns an IndirectObject."""
    ff = field_font()
    base = NameObject("/WZLFGF+DejaVuSans")
    font_file = DecodedStreamObject()
    font_file.set_data(ff.data)
    font_file[NameObject("/Length1")] = NumberObject(len(ff.data))
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): base,
        NameObject("/Flags"): NumberObject(32),
        NameObject("/FontBBox"): ArrayObject(NumberObject(v) for v in ff.bbox),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(ff.ascent),
        NameObject("/Descent"): NumberObject(ff.descent),
        NameObject("/CapHeight"): NumberObject(729),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): add_object(font_file.flate_encode()),
    })
    # One run "0 [w0 w1 ...]": glyph ids of a subset are consecutive, so this is the shortest /W.
    w = ArrayObject([NumberObject(0), ArrayObject(
        NumberObject(ff.widths.get(g, 0)) for g in range(max(ff.widths) + 1))])
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/CIDFontType2"),
        NameObject("/BaseFont"): base,
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0),
        }),
        NameObject("/FontDescriptor"): add_object(descriptor),
        NameObject("/DW"): NumberObject(600),
        NameObject("/W"): w,
        NameObject("/CIDToGIDMap"): NameObject("/Identity"),
    })
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_to_unicode_cmap(ff).encode("ascii"))
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): base,
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([add_object(cid_font)]),
        NameObject("/ToUnicode"): add_object(to_unicode.flate_encode()),
    })


def _to_unicode_cmap(ff: FieldFont) -> str:
    pairs = sorted((g, cp) for cp, g in ff.gid.items())
    chunks = []
    for start in range(0, len(pairs), 100):
        block = pairs[start:start + 100]
        lines = "\n".join(f"<{g:04X}> <{cp:04X}>" for g, cp in block)
        chunks.append(f"{len(block)} beginbfchar\n{lines}\nendbfchar")
    body = "\n".join(chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
