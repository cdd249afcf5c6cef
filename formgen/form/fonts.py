"""Fonts: DejaVu Sans for printed text (fpdf2 subsets it) and a Latin field font for AcroForm.

Field values are not known when the template is built (a customer may be called Nguyễn or
Łukasz, or type anything in a viewer), so form fields use a subset that covers all Latin
scripts (Latin-1, Latin Extended-A and -B, Latin Extended Additional with Vietnamese,
combining accents), embedded once as a Type0/Identity-H font with a ToUnicode map.

Viewers build a field's appearance themselves when someone types, with the font in /DA and
/AcroForm /DR, so that font must already hold every glyph a customer may type.

PDFium (Chrome, Edge) picks the font per typed character in `CPDF_BAFontMap::GetWordFontIndex`:
it asks the /DA font only when the character's Windows charset (from its Unicode block: Ł is
Eastern European, ễ Vietnamese) equals the font's charset, which is ANSI for every embedded
font, or when that font's resource name is one of the symbol names (Wingdings, Webdings...).
Otherwise it adds a system font that is not embedded, or draws nothing (ễ ị ặ). So the field
font is named /Wingdings: PDFium then asks it for every character, finds the glyph through
the ToUnicode map and writes the appearance in the embedded font. A symbol-named /DA font also
makes PDFium add Helvetica under the name /Helvetica_00 to the appearance's resources (unused,
not embedded); every field appearance already names the field font so, and PDFium keeps an
existing name. Other viewers read the font dictionary, not its resource name.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pypdf is needed only to build the template, not to prefill
    from pypdf.generic import DictionaryObject, IndirectObject, PdfObject

from formgen.form.cache import Codec, cached, file_digest
from formgen.resources import fonts_dir

REGULAR = "DejaVuSans.ttf"
BOLD = "DejaVuSans-Bold.ttf"
FIELD_FONT_NAME = "Wingdings"  # a symbol name: see the module docstring (PDFium)
PDFIUM_ANSI_ALIAS = "Helvetica_00"  # the name PDFium gives its own ANSI fallback font
_LATIN = [
    *range(0x20, 0x7F), *range(0xA0, 0x180),  # Basic Latin, Latin-1, Latin Extended-A
    *range(0x180, 0x250),  # Latin Extended-B (Romanian ș ț, Vietnamese ơ ư, pinyin ǎ, Hausa ɓ)
    0x254, 0x259, 0x25B, 0x263, 0x272,  # IPA letters used in names (Akan ɔ ɛ, Azerbaijani ə)
    *range(0x300, 0x370),  # combining accents (text typed decomposed, as macOS may send it)
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


def _font_to_data(font: FieldFont) -> tuple[bytes, dict[str, Any]]:
    return font.data, {"codepoints": list(font.gid), "glyphs": list(font.gid.values()),
                       "widths": list(font.widths.items()), "ascent": font.ascent,
                       "descent": font.descent, "bbox": list(font.bbox)}


def _font_from_data(data: bytes, value: dict[str, Any]) -> FieldFont:
    codepoints, glyphs = value["codepoints"], value["glyphs"]
    if not all(type(v) is int for v in (*codepoints, *glyphs)):
        raise TypeError("code points and glyph ids are numbers")
    left, bottom, right, top = (int(v) for v in value["bbox"])
    return FieldFont(data, dict(zip(codepoints, glyphs, strict=True)),
                     {int(g): int(w) for g, w in value["widths"]}, int(value["ascent"]),
                     int(value["descent"]), (left, bottom, right, top))


FIELD_FONT_CODEC = Codec(".ttf", _font_to_data, _font_from_data)  # the subset font file


@cache
def field_font() -> FieldFont:
    """The field font subset, from the on-disk cache when the font file is unchanged (or
    the one the package ships, built from the same font: see cache.py)."""
    return cached("field-font", field_font_key(), _subset_field_font, FIELD_FONT_CODEC,
                  libraries=FIELD_FONT_LIBRARIES, shipped=True)


FIELD_FONT_LIBRARIES = ("fonttools",)


def field_font_key() -> list[bytes]:
    return [file_digest([fonts_dir() / REGULAR]), repr(_LATIN).encode()]


# The name records a subset keeps: the font's own names, not its licence text (fontTools 4.69
# keeps every name ID by default: 9.8 KB more in each font of every form)
NAME_IDS = range(7)


def keep_font_names(font: Any) -> None:
    """Drop a fontTools TTFont's name records other than NAME_IDS (fpdf2 subsets with
    fontTools' default options, which keep all that are there)."""
    font["name"].names = [r for r in font["name"].names if r.nameID in NAME_IDS]


def _subset_field_font() -> FieldFont:
    from fontTools import subset  # slow to import; only needed when the cache is cold
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False: the subset keeps the font's own date, so the PDF is reproducible
    font = TTFont(str(fonts_dir() / REGULAR), recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    options.name_IDs = list(NAME_IDS)
    options.drop_tables += ["FFTM", "MATH", "GDEF", "GPOS", "GSUB", "gasp"]  # no shaping in fields
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
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

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


def unique_subset_tags(writer: Any) -> None:
    """Give every embedded subset its own tag (fpdf2 tags all of them MPDFAA+).

    The tag is six capitals derived from the font's name, so the output stays reproducible.
    """
    from pypdf.generic import NameObject

    for font in _type0_fonts(writer):
        base = str(font["/BaseFont"])
        if not base.startswith("/MPDFAA+"):
            continue
        name = base[len("/MPDFAA+"):]
        digest = hashlib.sha256(name.encode()).digest()
        tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
        new = NameObject(f"/{tag}+{name}")
        font[NameObject("/BaseFont")] = new
        for cid in font["/DescendantFonts"]:
            cid = cid.get_object()
            cid[NameObject("/BaseFont")] = new
            cid["/FontDescriptor"].get_object()[NameObject("/FontName")] = new


def _type0_fonts(writer: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for page in writer.pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for ref in (fonts.get_object().values() if fonts is not None else ()):
            font = ref.get_object()
            if font.get("/Subtype") == "/Type0":
                seen[id(font)] = font
    return list(seen.values())
