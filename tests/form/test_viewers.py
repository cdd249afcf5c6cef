"""The form in the two engines browsers use, and for screen readers.

PDFium (Chrome, Edge): names typed through its form API print in the embedded field font,
with every glyph; fields carry their label (/TU) and Tab follows the reading order.
Structure: every widget hangs under a Form element of the structure tree.
pdf.js in Chromium: see test_pdfjs.py.
"""

from __future__ import annotations

import ctypes
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pdfcheck import assert_drawn_in_field_font
from pypdf import PdfReader

from formgen.definition import load_form
from formgen.form.build import layout_contract
from formgen.form.customers import Customer

FORM = load_form()
# Names the form promises to print (Latin-1, Latin Extended-A/-B, Vietnamese), per field.
TYPED = {
    "new_name": "Łukasz Ørsted-Şahin",
    "new_street": "Nguyễn Thị Đặng 12",
    "new_city": "Ștefan Țară Ǎlvaro",
    "new_account_holder": "Zoë Ñúñez-Łęcka Ơn Ưng",
    "signer_name": "Ɓello Ɗauda Ǆemal",
}
TAB = 0x09


def _field_text(getter: Any, env: object, annot: object) -> str:
    """A UTF-16 string from one of PDFium's FPDFAnnot_GetFormField* getters."""
    size = getter(env, annot, None, 0)
    buf = ctypes.create_string_buffer(size)
    getter(env, annot, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), size)
    return buf.raw[:size - 2].decode("utf-16-le")


def _name_of(env: object, annot: object) -> str:
    return _field_text(pdfium_c.FPDFAnnot_GetFormFieldName, env, annot)


def _alternate_name_of(env: object, annot: object) -> str:
    return _field_text(pdfium_c.FPDFAnnot_GetFormFieldAlternateName, env, annot)


def _widgets(pdf: pdfium.PdfDocument) -> list[tuple[int, str, str]]:
    """(page index, field name, alternate name) of every widget, in /Annots order."""
    env = pdf.formenv
    out = []
    for index in range(len(pdf)):
        page = pdf[index]
        for k in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
            annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
            if pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET:
                out.append((index, _name_of(env, annot), _alternate_name_of(env, annot)))
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return out


def type_in_pdfium(pdf_bytes: bytes, values: dict[str, str]) -> bytes:
    """Click into each field, type the value key by key (FORM_OnChar), save as Chrome does."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    pdf.init_forms()
    env = pdf.formenv
    for index in range(len(pdf)):
        page = pdf[index]
        for k in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
            annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
            name = _name_of(env, annot)
            if name in values:
                assert pdfium_c.FORM_SetFocusedAnnot(env, annot)
                for char in values[name]:
                    assert pdfium_c.FORM_OnChar(env, page.raw, ord(char), 0)
                assert pdfium_c.FORM_ForceToKillFocus(env)
            pdfium_c.FPDFPage_CloseAnnot(annot)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module", params=["blank", "prefilled"])
def typed_pdf(request: pytest.FixtureRequest, blank_pdf: bytes, prefilled_pdf: bytes) -> bytes:
    """The promised names typed into the editable fields of a blank and a prefilled form."""
    return type_in_pdfium(blank_pdf if request.param == "blank" else prefilled_pdf, TYPED)


def _fonts(path: Path) -> list[list[str]]:
    result = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in result.stdout.splitlines()[2:]]


def test_typed_names_use_only_embedded_fonts(typed_pdf: bytes, tmp_path: Path) -> None:
    if not shutil.which("pdffonts") or not shutil.which("qpdf"):
        pytest.skip("poppler-utils / qpdf not installed")
    path = tmp_path / "typed.pdf"
    path.write_bytes(typed_pdf)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    fonts = _fonts(path)
    assert len(fonts) == 3, fonts  # printed text regular + bold, field font: nothing added
    for row in fonts:
        assert row[-5:-3] == ["yes", "yes"], f"not an embedded subset: {row}"
    tags = [row[0].split("+")[0] for row in fonts]
    assert len(set(tags)) == len(tags), f"subset tags must differ: {tags}"


def test_typed_names_are_drawn_with_the_embedded_glyphs(typed_pdf: bytes) -> None:
    """PDFium wrote each typed name in the field font, every glyph a real outline."""
    assert_drawn_in_field_font(typed_pdf, TYPED)


def test_typed_names_render_inside_their_boxes(typed_pdf: bytes, blank_pdf: bytes) -> None:
    """Rendered as PDFium prints it (page plus form): ink in every typed field, none before."""
    boxes = {f["id"]: f for f in layout_contract()["fields"]}
    scale = 150 / 72

    def ink(pdf_bytes: bytes, name: str) -> int:
        pdf = pdfium.PdfDocument(pdf_bytes)
        pdf.init_forms()
        rect, page = boxes[name]["rect"], pdf[boxes[name]["page"] - 1]
        image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("L")
        crop = image.crop((int(rect["x"] * scale) + 3, int(rect["y"] * scale) + 3,
                           int((rect["x"] + rect["width"]) * scale) - 3,
                           int((rect["y"] + rect["height"]) * scale) - 3))
        return int((np.asarray(crop) < 128).sum())

    for name, value in TYPED.items():
        assert ink(blank_pdf, name) == 0
        assert ink(typed_pdf, name) > 12 * len(value.replace(" ", "")), name


def test_pdfium_alternate_names_are_the_dutch_labels(blank_pdf: bytes) -> None:
    pdf = pdfium.PdfDocument(blank_pdf)
    pdf.init_forms()
    found = {name: alt for _, name, alt in _widgets(pdf)}
    expected = {f.id: f.label for f in FORM.fields if f.kind != "signature"}
    assert found == expected


def test_tab_order_follows_the_reading_order(blank_pdf: bytes) -> None:
    """Tab in PDFium visits the fields in the order of the layout contract, page by page."""
    pdf = pdfium.PdfDocument(blank_pdf)
    pdf.init_forms()
    env = pdf.formenv
    contract = [f["id"] for f in layout_contract()["fields"] if f["kind"] != "signature"]
    visited: list[str] = []
    for index in range(len(pdf)):
        page = pdf[index]
        first = pdfium_c.FPDFPage_GetAnnot(page.raw, 0)
        assert pdfium_c.FORM_SetFocusedAnnot(env, first)
        pdfium_c.FPDFPage_CloseAnnot(first)
        for _ in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
            page_index = ctypes.c_int()
            annot = pdfium_c.FPDF_ANNOTATION()
            assert pdfium_c.FORM_GetFocusedAnnot(env, ctypes.byref(page_index),
                                                 ctypes.byref(annot))
            name = _name_of(env, annot)
            pdfium_c.FPDFPage_CloseAnnot(annot)
            if visited and visited[-1] == name or name in visited:
                break
            visited.append(name)
            pdfium_c.FORM_OnKeyDown(env, page.raw, TAB, 0)
        pdfium_c.FORM_ForceToKillFocus(env)
    assert visited == contract


def _structure(pdf: bytes) -> tuple[PdfReader, dict[int, object]]:
    """The reader and, per widget object number, its Form structure element."""
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    forms = {}
    for page in reader.pages:
        for ref in page["/Annots"]:
            element = parent_tree[int(ref.get_object()["/StructParent"])].get_object()
            forms[ref.idnum] = element
    return reader, forms


@pytest.mark.parametrize("which", ["blank", "prefilled"])
def test_every_widget_has_a_form_element(which: str, blank_pdf: bytes,
                                         prefilled_pdf: bytes, customer: Customer) -> None:
    """Form element for every widget, its /Alt the field's /TU: the label, and in a prefilled
    form "label: value" for a prefilled field (pdf.js draws those, a reader hears the value)."""
    reader, forms = _structure(blank_pdf if which == "blank" else prefilled_pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/Lang"] == "nl-NL"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert FORM.title in xmp and "<rdf:li>nl-NL</rdf:li>" in xmp
    for page in reader.pages:
        assert page["/Tabs"] == "/S"
        for ref in page["/Annots"]:
            widget = ref.get_object()
            element = forms[ref.idnum]
            assert element["/S"] == "/Form"
            fld = FORM.field(str(widget["/T"]))
            name = fld.label
            if which == "prefilled" and fld.prefill and customer.value(fld.prefill):
                name = f"{fld.label}: {customer.value(fld.prefill)}"
            assert element["/Alt"] == widget["/TU"] == name
            objr = element["/K"]
            assert objr["/Type"] == "/OBJR" and objr.raw_get("/Obj").idnum == ref.idnum
            required = FORM.field(str(widget["/T"])).required
            assert bool(int(widget.get("/Ff", 0)) & 2) == required, widget["/T"]


def test_structure_has_headings_paragraphs_a_list_and_the_signature(blank_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(blank_pdf))
    roles: list[str] = []
    alts: dict[str, str] = {}

    def walk(element) -> None:  # type: ignore[no-untyped-def]
        element = element.get_object()
        if not hasattr(element, "get") or element.get("/Type") == "/OBJR":
            return
        roles.append(str(element["/S"]))
        if "/Alt" in element:
            alts[str(element["/S"])] = str(element["/Alt"])
        kids = element.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    assert roles[0] == "/Document"
    assert roles.count("/H1") == 1
    assert roles.count("/H2") == len(FORM.sections)
    assert roles.count("/LI") == sum(f.kind == "checkbox" for f in FORM.fields)
    assert roles.count("/Form") == sum(f.kind != "signature" for f in FORM.fields)
    assert roles.count("/P") > len(FORM.fields)
    assert "handtekening" in alts["/Figure"]


def test_prefilled_locks_exactly_what_the_contract_says(prefilled_pdf: bytes) -> None:
    fields = PdfReader(io.BytesIO(prefilled_pdf)).get_fields()
    assert fields is not None
    for f in layout_contract()["fields"]:
        if f["kind"] == "signature":
            continue
        read_only = bool(int(fields[f["id"]].get("/Ff", 0)) & 1)
        assert read_only == f["locked"], f["id"]


def test_appearances_pdfium_builds_on_open_use_the_field_font(blank_pdf: bytes,
                                                              tmp_path: Path) -> None:
    """A file whose values lack appearances (/NeedAppearances true, as some tools save it):
    PDFium builds them when it opens the page, in the embedded font too."""
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils not installed")
    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(blank_pdf))
    writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
    for page in writer.pages:
        for ref in page["/Annots"]:
            widget = ref.get_object()
            if widget["/T"] in TYPED:
                widget[NameObject("/V")] = TextStringObject(TYPED[str(widget["/T"])])
    source = io.BytesIO()
    writer.write(source)
    pdf = pdfium.PdfDocument(source.getvalue())
    pdf.init_forms()
    for index in range(len(pdf)):
        pdf[index]  # loading a page builds its appearances
    out = io.BytesIO()
    pdf.save(out)
    path = tmp_path / "opened.pdf"
    path.write_bytes(out.getvalue())
    assert len(_fonts(path)) == 3
    assert_drawn_in_field_font(out.getvalue(), TYPED)
