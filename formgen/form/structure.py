"""Tagged PDF: the structure tree, written after the fields exist (fpdf2 cannot tag fields).

The render pass recorded the structure (tags.py); here every node becomes a structure
element, every Form node gets an object reference to its field's widget, and the catalog
gets /MarkInfo, /ViewerPreferences /DisplayDocTitle and XMP metadata (title, language).
Screen readers take a field's name from its Form element (/Alt); pdf.js does exactly that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from formgen.form.tags import Node

LANG = "nl-NL"


def _name(value: str) -> NameObject:
    return NameObject(value)


def add_structure(writer: PdfWriter, root: Node, widgets: dict[str, IndirectObject],
                  *, title: str, author: str, subject: str, date: dt.date) -> None:
    """Write the structure tree for `root` and mark the document as tagged."""
    add: Callable[[PdfObject], IndirectObject] = writer._add_object
    pages = [page.indirect_reference for page in writer.pages]
    tree_root = DictionaryObject({_name("/Type"): _name("/StructTreeRoot")})
    tree_ref = add(tree_root)
    per_page: dict[int, dict[int, IndirectObject]] = {n: {} for n in range(1, len(pages) + 1)}
    nums = ArrayObject()
    next_key = len(pages)  # 0..pages-1: the pages' marked content; then one per widget

    def element(node: Node, parent: IndirectObject) -> IndirectObject:
        nonlocal next_key
        elem = DictionaryObject({
            _name("/Type"): _name("/StructElem"), _name("/S"): _name("/" + node.role),
            _name("/P"): parent})
        ref = add(elem)
        kids = ArrayObject()
        if node.alt:
            elem[_name("/Alt")] = TextStringObject(node.alt)
        if node.page:
            page_ref = pages[node.page - 1]
            assert page_ref is not None
            elem[_name("/Pg")] = page_ref
            for mcid in node.mcids:
                kids.append(NumberObject(mcid))
                per_page[node.page][mcid] = ref
        if node.field_id is not None:
            widget = widgets[node.field_id]
            annotation: Any = widget.get_object()
            annotation[_name("/StructParent")] = NumberObject(next_key)
            nums.extend([NumberObject(next_key), ref])
            next_key += 1
            kids.append(DictionaryObject({
                _name("/Type"): _name("/OBJR"), _name("/Obj"): widget,
                _name("/Pg"): annotation.raw_get("/P")}))
        kids.extend(element(kid, ref) for kid in node.kids)
        elem[_name("/K")] = kids[0] if len(kids) == 1 else kids
        return ref

    document = element(root, tree_ref)
    missing = set(widgets) - {n.field_id for n in root.walk()}
    if missing:
        raise RuntimeError(f"velden zonder structuurelement: {sorted(missing)}")
    page_nums = ArrayObject()
    for number, page_ref in enumerate(pages, start=1):
        assert page_ref is not None
        page: Any = page_ref.get_object()
        page[_name("/StructParents")] = NumberObject(number - 1)
        page[_name("/Tabs")] = _name("/S")
        marked = per_page[number]
        page_nums.extend([NumberObject(number - 1),
                          add(ArrayObject(marked[m] for m in range(len(marked))))])
    tree_root.update({
        _name("/K"): document,
        _name("/ParentTree"): add(DictionaryObject({_name("/Nums"): page_nums + nums})),
        _name("/ParentTreeNextKey"): NumberObject(next_key),
    })
    catalog = writer._root_object
    catalog.update({
        _name("/StructTreeRoot"): tree_ref,
        _name("/MarkInfo"): DictionaryObject({_name("/Marked"): BooleanObject(True)}),
        _name("/Lang"): TextStringObject(LANG),
        _name("/Metadata"): add(_xmp(title, author, subject, date)),
    })
    prefs = catalog.get("/ViewerPreferences")
    prefs = DictionaryObject(prefs.get_object()) if prefs is not None else DictionaryObject()
    prefs[_name("/DisplayDocTitle")] = BooleanObject(True)
    catalog[_name("/ViewerPreferences")] = prefs


def _xmp(title: str, author: str, subject: str, date: dt.date) -> DecodedStreamObject:
    """XMP metadata with the title and language (uncompressed, as readers expect)."""
    stamp = dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lang = LANG.lower()
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>\
<rdf:li xml:lang="{lang}">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt>\
</dc:description>
<dc:language><rdf:Bag><rdf:li>{LANG}</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format>
<xmp:CreateDate>{stamp}</xmp:CreateDate>
<xmp:CreatorTool>formgen</xmp:CreatorTool>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>"""
    stream = DecodedStreamObject()
    stream.set_data(xml.encode("utf-8"))
    stream.update({_name("/Type"): _name("/Metadata"), _name("/Subtype"): _name("/XML")})
    return stream
