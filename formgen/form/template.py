"""The blank form, built once and kept: everything that does not change per customer.

Prefilled forms are this template plus a small incremental update (see prefill.py), which is
why a batch of prefilled forms costs little more than writing bytes. The template, its layout
and the object numbers an update replaces are kept on disk too (cache.py): a run with a warm
cache loads no layout or PDF library at all.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from formgen import token as tokens
from formgen.definition import Company, FormDefinition, load_company, load_form
from formgen.form.cache import Codec, cached, file_digest
from formgen.form.fonts import FIELD_FONT_NAME
from formgen.form.layout import Layout
from formgen.resources import config_dir, default_config_dir, fonts_dir, templates_dir


@dataclass(frozen=True)
class FormTemplate:
    form: FormDefinition
    company: Company
    layout: Layout
    pdf: bytes
    startxref: int
    size: int  # /Size of the template's xref: the next free object number
    root_ref: int
    info_ref: int | None
    file_id: bytes
    font_ref: int
    qr_refs: tuple[int, ...]  # per page, the QR XObject's object number
    fields: dict[str, int]  # field id -> object number of its (merged) field and widget
    field_heads: dict[str, bytes]  # field id -> its dictionary without /TU /V /AP /Ff, unclosed
    form_elements: dict[str, int]  # field id -> object number of its Form structure element
    form_element_heads: dict[str, bytes]  # field id -> that element without /Alt, unclosed


def blank_caption(form: FormDefinition, page: int) -> str:
    return f"{form.id} v{form.version} · {page}/{form.page_count}"


def build_template(form: FormDefinition, company: Company) -> FormTemplate:
    pdf, layout, index = _build(form, company)
    return FormTemplate(form=form, company=company, layout=layout, pdf=pdf, **index)


def _build(form: FormDefinition, company: Company) -> tuple[bytes, Layout, dict[str, Any]]:
    """The blank form's bytes, its layout and the index of what an update replaces."""
    pdf, layout = _build_pdf(form, company)
    return pdf, layout, _index(pdf)


def _build_pdf(form: FormDefinition, company: Company) -> tuple[bytes, Layout]:
    """The blank form's bytes and its layout (fpdf2 layout, then fields and structure)."""
    from pypdf import PdfWriter  # the layout and PDF libraries load on a cold cache only
    from pypdf.generic import ArrayObject, ByteStringObject

    from formgen.form.acroform import add_form
    from formgen.form.fonts import unique_subset_tags
    from formgen.form.render import render_static
    from formgen.form.structure import add_structure

    static, layout, structure = render_static(form, company)
    writer = PdfWriter(clone_from=io.BytesIO(static))
    writer.pdf_header = b"%PDF-1.7"  # /Lang, Type0 fonts with AcroForm: newer than fpdf2's 1.3
    qr_texts = [(text, blank_caption(form, p)) for p, text in
                enumerate(tokens.blank_texts(form.id, form.version, form.page_count), start=1)]
    widgets = add_form(writer, layout, qr_texts)
    add_structure(writer, structure, widgets, title=form.title, author=company.name,
                  subject=f"{form.title}, versie {form.version}", date=form.date)
    unique_subset_tags(writer)
    digest = hashlib.sha256(static).digest()[:16]
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return _compact(buffer.getvalue()), layout


def _compact(pdf: bytes) -> bytes:
    """Rewrite with object streams: the ~90 structure elements and the field dictionaries
    are small objects that cost 30 KB written one by one. qpdf's output is deterministic
    and the /ID is derived from the content, so the blank form stays reproducible."""
    import pikepdf  # only needed when a template is built

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                      compress_streams=True, deterministic_id=True, min_version="1.7")
    return out.getvalue()


def _index(pdf: bytes) -> dict[str, Any]:
    """The object numbers a prefilled form replaces, and the fields' unchanging syntax."""
    from pypdf import PdfReader

    from formgen.form.acroform import QR_XOBJECT

    reader = PdfReader(io.BytesIO(pdf))
    trailer: Any = reader.trailer
    acroform: Any = trailer["/Root"]["/AcroForm"]
    root: Any = trailer["/Root"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    fields, heads, elements, element_heads = {}, {}, {}, {}
    for ref in acroform["/Fields"]:
        obj = ref.get_object()
        name = str(obj["/T"])
        fields[name] = ref.idnum
        heads[name] = _head(obj, ("/TU", "/V", "/AP", "/Ff"))
        element = parent_tree[int(obj["/StructParent"])]
        elements[name] = element.idnum
        element_heads[name] = _head(element.get_object(), ("/Alt",))
    pages: list[Any] = list(reader.pages)
    qr_refs = tuple(page["/Resources"]["/XObject"].raw_get(QR_XOBJECT).idnum for page in pages)
    match = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf)
    if not match:
        raise RuntimeError("het sjabloon is geen volledige pdf")
    info = trailer.raw_get("/Info") if "/Info" in trailer else None
    return {
        "startxref": int(match.group(1)), "size": int(trailer["/Size"]),
        "root_ref": trailer.raw_get("/Root").idnum,
        "info_ref": info.idnum if info is not None else None,
        "file_id": bytes(trailer["/ID"][0].original_bytes),
        "font_ref": acroform["/DR"]["/Font"].raw_get("/" + FIELD_FONT_NAME).idnum,
        "qr_refs": qr_refs, "fields": fields, "field_heads": heads,
        "form_elements": elements, "form_element_heads": element_heads,
    }


def _head(obj: Any, leave_out: tuple[str, ...]) -> bytes:
    """A dictionary's syntax without the keys an update rewrites, left open ("<<...")."""
    head = io.BytesIO()
    for key, entry in obj.items():
        if key not in leave_out:
            head.write(key.encode("ascii") + b" ")
            entry.write_to_stream(head)
            head.write(b"\n")
    return b"<<" + head.getvalue()


def template_key(config: Path) -> list[bytes]:
    """The cache key of the template built from the definition in `config`: its files, the
    form templates and fonts and the values read from them (the form code is in every key,
    the libraries' versions are added by cached(), see cache.py)."""
    form, company = load_form(config), load_company(config)
    inputs = [*config.glob("*.yaml"), *(templates_dir() / "form").glob("*"),
              *fonts_dir().glob("*.ttf")]
    # the definition and company are part of the key through their files and their repr
    return [file_digest(inputs), repr((form, company)).encode()]


TEMPLATE_LIBRARIES = ("fpdf2", "pypdf", "pikepdf", "fonttools", "zxing-cpp")


def build_entry(config: Path) -> tuple[bytes, Layout, dict[str, Any]]:
    """What the cache keeps for a template: its bytes, layout and index (built now)."""
    return _build(load_form(config), load_company(config))


Entry = tuple[bytes, Layout, dict[str, Any]]
_BYTES = ("file_id",)  # index values that are bytes: kept as hex
_SYNTAX = ("field_heads", "form_element_heads")  # field id -> PDF syntax: kept as Latin-1 text


def _entry_to_data(entry: Entry) -> tuple[bytes, dict[str, Any]]:
    """The template's PDF as it is, and its layout and index as JSON data."""
    pdf, layout, index = entry
    data = {**index, "file_id": index["file_id"].hex(),
            **{k: {name: head.decode("latin-1") for name, head in index[k].items()}
               for k in _SYNTAX}}
    return pdf, {"layout": layout.to_data(), "index": data}


def _entry_from_data(form: FormDefinition) -> Callable[[bytes, dict[str, Any]], Entry]:
    def decode(pdf: bytes, value: dict[str, Any]) -> Entry:
        data = value["index"]
        index = {key: data[key] for key in INDEX_KEYS}
        index["file_id"] = bytes.fromhex(data["file_id"])
        index["qr_refs"] = tuple(data["qr_refs"])
        for key in _SYNTAX:
            index[key] = {str(name): head.encode("latin-1") for name, head in data[key].items()}
        numbers = [*(index[k] for k in ("startxref", "size", "root_ref", "font_ref")),
                   *index["qr_refs"], *index["fields"].values(),
                   *index["form_elements"].values()]
        if not all(type(n) is int for n in numbers) or type(index["info_ref"]) not in (int,
                                                                                      type(None)):
            raise TypeError("object numbers and offsets are numbers")
        return pdf, Layout.from_data(value["layout"], form), index
    return decode


INDEX_KEYS = ("startxref", "size", "root_ref", "info_ref", "file_id", "font_ref", "qr_refs",
              "fields", "field_heads", "form_elements", "form_element_heads")


def template_codec(form: FormDefinition) -> Codec[Entry]:
    """A template entry: the blank form itself (a PDF file) and its layout and index."""
    return Codec(".pdf", _entry_to_data, _entry_from_data(form))


@cache
def _cached(config: Path) -> FormTemplate:
    form, company = load_form(config), load_company(config)
    # the package ships this entry for its own definition (cache.py, shipped.py); any other
    # folder builds, even an identical copy, and keeps the result in the user's cache
    own = config == default_config_dir().resolve()
    pdf, layout, index = cached("template", template_key(config),
                                lambda: _build(form, company), template_codec(form),
                                libraries=TEMPLATE_LIBRARIES, shipped=own)
    return FormTemplate(form=form, company=company, layout=layout, pdf=pdf, **index)


def get_template(config: Path | None = None) -> FormTemplate:
    """The template for the configured form definition (see formgen.resources), cached per
    folder, so a changed FORMGEN_CONFIG_DIR is never answered from another folder's cache."""
    return _cached((config or config_dir()).resolve())
