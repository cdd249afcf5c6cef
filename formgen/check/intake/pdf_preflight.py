"""Look at what a PDF will cost before PDFium opens it: bombs are refused, cheaply.

A few KB of PDF can make PDFium use gigabytes: a form XObject drawn twice by a form drawn twice
(2^k drawings), an XObject that draws itself, a stream that inflates to gigabytes (also twice
deflated, or inside an object stream), tens of thousands of form fields. PDFium has no budget
for these, so the file's structure is measured here first with pypdf and pikepdf, never
decoding more than the budget: a file over it becomes one problem line, a page over it is
skipped with one problem line, and the rest is still read.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from formgen.check.intake.limits import (
    MAX_PDF_FIELDS,
    MAX_PDF_IMAGE_PIXELS,
    MAX_PDF_PAGE_ANNOTATIONS,
    MAX_PDF_PAGE_DRAWINGS,
    MAX_PDF_STREAM_BYTES,
)

_MB = 1024 * 1024

BOMB = (f"de pdf wordt bij het uitpakken groter dan {MAX_PDF_STREAM_BYTES // _MB} MB "
        "(mogelijke decompressiebom); niet gelezen")
IMAGE_BOMB = "de pdf bevat een afbeelding die te groot is (mogelijke decompressiebom); niet gelezen"
TOO_MANY_FIELDS = (f"de pdf heeft meer dan {MAX_PDF_FIELDS} invulvelden; te ingewikkeld om te "
                   "lezen")


def too_complex_page(number: int) -> str:
    return f"pagina {number} van de pdf is te ingewikkeld om te lezen; overgeslagen"


@dataclass
class Preflight:
    problem: str | None = None  # the whole file is refused with this line
    page_problems: dict[int, str] = field(default_factory=dict)  # page index (0-based) -> line


class _OverBudget(Exception):
    pass


# Filters whose output is an image PDFium decodes row by row, scaled: counted by declared size.
_IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
_FLATE = {"/FlateDecode", "/Fl"}


def preflight(data: bytes, max_pages: int | None = None) -> Preflight:
    """What PDFium must not be given: the whole file, or some of its first max_pages pages.

    A file pypdf or qpdf cannot parse gets no verdict here (PDFium may still read it, and the
    worker's memory limit stays the last guard).
    """
    try:
        budget = [MAX_PDF_STREAM_BYTES]
        measured = _object_streams(data, budget)
        return _inspect(data, budget, measured, max_pages)
    except _OverBudget:
        return Preflight(BOMB)
    except Exception:
        return Preflight()


def _object_streams(data: bytes, budget: list[int]) -> set[int]:
    """Object streams are decoded when qpdf opens a file, so they are measured first, with
    pypdf (which also bounds what it decodes of cross-reference streams). Their numbers."""
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return set()  # PDFium reports the password
        numbers = {int(stream) for stream, _ in reader.xref_objStm.values()}
        for number in sorted(numbers):
            stream: Any = reader.get_object(number)
            raw = getattr(stream, "_data", b"")
            _decoded_size(raw, _filters(stream.get("/Filter")), budget)
    except LimitReachedError as exc:
        raise _OverBudget from exc
    except _OverBudget:
        raise
    except Exception:  # pypdf cannot read the file's structure: qpdf may
        return set()
    return numbers


def _inspect(data: bytes, budget: list[int], measured: set[int],
             max_pages: int | None) -> Preflight:
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return Preflight()
    with pdf:
        # Every stream is a top-level object: measured before any page is looked at.
        for (number, generation), entry in pdf.get_xref_table().items():
            if entry.type != 1 or number in measured:
                continue
            obj = pdf.get_object((number, generation))
            if not isinstance(obj, pikepdf.Stream):
                continue
            if _is_image(obj):
                if _image_pixels(obj) > MAX_PDF_IMAGE_PIXELS:
                    return Preflight(IMAGE_BOMB)
                continue
            _decoded_size(obj.read_raw_bytes(), _filters(obj.get("/Filter")), budget)

        acroform = pdf.Root.get("/AcroForm")
        if isinstance(acroform, pikepdf.Dictionary) and (
            _count_fields(acroform.get("/Fields")) > MAX_PDF_FIELDS
        ):
            return Preflight(TOO_MANY_FIELDS)

        result = Preflight()
        walker = _Drawings()
        pages = pdf.pages
        for index in range(len(pages) if max_pages is None else min(len(pages), max_pages)):
            try:
                page = pages[index]
                annots = page.obj.get("/Annots")
                crowded = isinstance(annots, pikepdf.Array) and (
                    len(annots) > MAX_PDF_PAGE_ANNOTATIONS)
                if crowded or walker.page(page.obj) > MAX_PDF_PAGE_DRAWINGS:
                    result.page_problems[index] = too_complex_page(index + 1)
            except Exception:  # a page qpdf cannot walk: PDFium may still draw it
                continue
        return result


def _filters(value: object) -> list[str]:
    """A stream's /Filter (pypdf or pikepdf object) as a list of names."""
    import pikepdf

    if value is None:
        return []
    if isinstance(value, list | pikepdf.Array):  # pypdf's ArrayObject is a list
        return [str(v) for v in value]
    return [str(value)]


def _decoded_size(raw: bytes, filters: list[str], budget: list[int]) -> None:
    """Decode stage by stage, each stage at most the budget left; charge the final size."""
    from pypdf import filters as pf

    data, size = raw, len(raw)
    for k, name in enumerate(filters):
        if name in _IMAGE_CODECS or name == "/Crypt":
            break
        last = k == len(filters) - 1
        if name in _FLATE:
            data, size = _inflate(data, budget[0] + 1, keep=not last)
        elif name in ("/LZWDecode", "/LZW"):
            data = pf.LZWDecode.decode(data)
        elif name in ("/RunLengthDecode", "/RL"):
            data = pf.RunLengthDecode.decode(data)
        elif name in ("/ASCIIHexDecode", "/AHx"):
            data = pf.ASCIIHexDecode.decode(data)
        elif name in ("/ASCII85Decode", "/A85"):
            data = pf.ASCII85Decode.decode(data)
        else:
            break  # a filter PDFium does not know either
        if name not in _FLATE:
            size = len(data)
        if size > budget[0]:
            raise _OverBudget
    budget[0] -= size


def _inflate(raw: bytes, limit: int, keep: bool) -> tuple[bytes, int]:
    """Inflate at most `limit` bytes (damaged data: what came before the damage); the bytes
    and their count, or, unless `keep`, only the count."""
    inflater = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    tail = b""
    for start in range(0, len(raw) + 1, 1 << 16):
        tail = raw[start:start + (1 << 16)]
        while tail and size < limit and not inflater.eof:
            try:
                piece = inflater.decompress(tail, min(limit - size, 1 << 22))
            except zlib.error:
                return b"".join(out), size
            size += len(piece)
            if keep:
                out.append(piece)
            tail = inflater.unconsumed_tail
        if size >= limit or inflater.eof:
            break
    return b"".join(out), size


def _is_image(stream: object) -> bool:
    return str(stream.get("/Subtype")) == "/Image"  # type: ignore[attr-defined]


def _image_pixels(stream: object) -> int:
    try:
        width = int(stream.get("/Width", 0))  # type: ignore[attr-defined]
        height = int(stream.get("/Height", 0))  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return 0
    return max(0, width) * max(0, height)


def _count_fields(fields: object) -> int:
    """Fields and widgets in the AcroForm tree, counted up to just past the bound."""
    import pikepdf

    count = 0
    seen: set[tuple[int, int]] = set()
    stack = [fields]
    while stack and count <= MAX_PDF_FIELDS:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):  # (only as many as can still matter are resolved)
            stack.extend(node[k] for k in range(min(len(node), MAX_PDF_FIELDS + 1 - count)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        count += 1
        kids = node.get("/Kids")
        if kids is not None:
            stack.append(kids)
    return count


class _Drawings:
    """How many form XObjects, patterns, Type3 glyphs and appearance streams a page draws,
    expanded (a form drawn twice inside a form drawn twice is four drawings), memoised per
    object so the walk costs one visit per object. A cycle counts as over the bound.

    A form without its own /Resources draws with those of what draws it (as PDFium does), so
    such a form is counted once per place it is drawn from."""

    def __init__(self) -> None:
        self._size: dict[object, int] = {}
        self._open: set[object] = set()

    def page(self, page: Any) -> int:
        import pikepdf

        assert isinstance(page, pikepdf.Dictionary)
        resources = page.get("/Resources")
        where = ("page", page.objgen)
        total = self._content(page, resources, where)
        annots = page.get("/Annots")
        if isinstance(annots, pikepdf.Array):
            for annot in annots:
                if isinstance(annot, pikepdf.Dictionary):
                    for ap in _appearances(annot.get("/AP")):
                        total += self._node(ap, resources, where)
                if total > MAX_PDF_PAGE_DRAWINGS:
                    break
        return total

    def _node(self, stream: Any, inherited: Any, where: object) -> int:
        """1 for drawing this stream, plus everything it draws."""
        import pikepdf

        if not isinstance(stream, pikepdf.Stream) or str(stream.get("/Subtype")) == "/Image":
            return 1
        own = stream.get("/Resources")
        key: object = stream.objgen if own is not None else (stream.objgen, where)
        if key in self._size:
            return self._size[key]
        if key in self._open or stream.objgen in self._open:
            return MAX_PDF_PAGE_DRAWINGS + 1  # it draws itself
        self._open.add(key)
        self._open.add(stream.objgen)
        try:
            size = 1 + self._content(stream, own if own is not None else inherited, key)
        finally:
            self._open.discard(key)
            self._open.discard(stream.objgen)
        size = min(size, MAX_PDF_PAGE_DRAWINGS + 1)
        self._size[key] = size
        return size

    def _content(self, owner: Any, resources: Any, where: object) -> int:
        """What a content stream (a page's or a form's) draws through its resources."""
        import pikepdf

        if not isinstance(resources, pikepdf.Dictionary):
            return 0
        xobjects = resources.get("/XObject")
        total = 0
        if isinstance(xobjects, pikepdf.Dictionary) and len(xobjects):
            uses: dict[str, int] = {}
            for instruction in pikepdf.parse_content_stream(owner, "Do"):
                operands = getattr(instruction, "operands", None)
                if operands:
                    name = str(operands[0])
                    uses[name] = uses.get(name, 0) + 1
            for name, times in uses.items():
                child = xobjects.get(name)
                if child is not None:
                    total += times * self._node(child, resources, where)
                if total > MAX_PDF_PAGE_DRAWINGS:
                    return total
        # Patterns and Type3 glyphs: drawn once each when used (PDFium caches a tile / glyph).
        for kind, children in (("/Pattern", _patterns), ("/Font", _type3_glyphs)):
            group = resources.get(kind)
            if isinstance(group, pikepdf.Dictionary):
                for drawn, own_resources in children(group):
                    total += self._node(drawn, own_resources or resources, where)
                    if total > MAX_PDF_PAGE_DRAWINGS:
                        return total
        return total


def _appearances(ap: object) -> Iterator[object]:
    import pikepdf

    if not isinstance(ap, pikepdf.Dictionary):
        return
    for key in ("/N", "/D", "/R"):
        entry = ap.get(key)
        if isinstance(entry, pikepdf.Stream):
            yield entry
        elif isinstance(entry, pikepdf.Dictionary):
            yield from (v for v in entry.values() if isinstance(v, pikepdf.Stream))


def _patterns(group: Any) -> Iterator[tuple[object, object]]:
    import pikepdf

    for pattern in group.values():
        if isinstance(pattern, pikepdf.Stream):  # a tiling pattern has a content stream
            yield pattern, None


def _type3_glyphs(group: Any) -> Iterator[tuple[object, object]]:
    """Each glyph procedure of a Type3 font, with the font's resources."""
    import pikepdf

    for font in group.values():
        if not (isinstance(font, pikepdf.Dictionary) and str(font.get("/Subtype")) == "/Type3"):
            continue
        procs = font.get("/CharProcs")
        if isinstance(procs, pikepdf.Dictionary):
            for proc in procs.values():
                if isinstance(proc, pikepdf.Stream):
                    yield proc, font.get("/Resources")
