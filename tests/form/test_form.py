"""The PDFs themselves: open, render, check with qpdf, read fields and QR codes back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from formgen import token as tokens
from formgen.definition import load_form
from formgen.form.build import blank_form, layout_contract
from formgen.form.customers import Customer
from formgen.form.fonts import field_font

FORM = load_form()


def _render(pdf: bytes, dpi: int = 150) -> list[np.ndarray]:
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    return [np.asarray(page.render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("L"))
            for page in document]


def _qpdf_check(pdf: bytes, tmp_path: Path) -> None:
    if not shutil.which("qpdf"):
        pytest.skip("qpdf is not installed")
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("which", ["blank", "prefilled"])
def test_pdf_is_valid_and_renders(which: str, blank_pdf: bytes, prefilled_pdf: bytes,
                                  tmp_path: Path) -> None:
    pdf = blank_pdf if which == "blank" else prefilled_pdf
    _qpdf_check(pdf, tmp_path)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == FORM.page_count
    assert reader.metadata is not None and reader.metadata.title == FORM.title
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 0.1
    pages = _render(pdf)
    assert len(pages) == FORM.page_count
    for image in pages:
        assert abs(image.shape[0] - 1754) <= 1 and abs(image.shape[1] - 1240) <= 1
        assert (image < 128).mean() > 0.01  # text, boxes and marks were drawn


def test_blank_form_has_every_field_editable(blank_pdf: bytes) -> None:
    fields = PdfReader(io.BytesIO(blank_pdf)).get_fields()
    assert fields is not None
    expected = {f.id for f in FORM.fields if f.kind != "signature"}
    assert set(fields) == expected
    for fid, data in fields.items():
        kind = FORM.field(fid).kind
        assert data["/FT"] == ("/Btn" if kind == "checkbox" else "/Tx")
        assert not int(data.get("/Ff", 0)) & 1, f"{fid} should be editable"


def test_every_field_has_an_appearance_stream(blank_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(blank_pdf))
    for page in reader.pages:
        for annot in page["/Annots"]:
            widget = annot.get_object()
            assert "/N" in widget["/AP"], widget["/T"]


def _appearance_text(widget) -> str:  # type: ignore[no-untyped-def]
    """Decode the Tj string of a field's appearance back to text via the field font."""
    data = widget["/AP"]["/N"].get_object().get_data().decode("ascii")
    match = re.search(r"<([0-9A-F]*)> Tj", data)
    if not match:
        return ""
    by_gid = {g: chr(cp) for cp, g in field_font().gid.items()}
    hexes = match.group(1)
    return "".join(by_gid[int(hexes[i:i + 4], 16)] for i in range(0, len(hexes), 4))


def test_prefilled_values_read_back(prefilled_pdf: bytes, customer: Customer) -> None:
    reader = PdfReader(io.BytesIO(prefilled_pdf))
    fields = reader.get_fields()
    assert fields is not None
    widgets = {str(a.get_object()["/T"]): a.get_object()
               for page in reader.pages for a in page["/Annots"]}
    for f in FORM.fields:
        if f.prefill:
            value = customer.value(f.prefill)
            assert fields[f.id]["/V"] == value
            assert _appearance_text(widgets[f.id]) == value  # Unicode survives, no '?' glyphs
            assert int(fields[f.id].get("/Ff", 0)) & 1, f"{f.id} must be read-only"
        elif f.kind not in ("signature", "checkbox"):
            assert fields[f.id].get("/V", "") == ""
            assert not int(fields[f.id].get("/Ff", 0)) & 1


def test_unicode_name_is_drawn_on_the_page(tmp_path: Path, key: bytes) -> None:
    """The rendered appearance shows the name: compare ink in the name box with a blank form."""
    from formgen.form.build import prefilled_form

    contract = layout_contract()
    rect = next(f["rect"] for f in contract["fields"] if f["id"] == "name")
    customer = Customer(customer_id="K1", name="Şahin Ørsted Łukasz Nguyễn")
    pdf, _ = prefilled_form(customer, key)
    scale = 150 / 72
    x0, y0 = int(rect["x"] * scale) + 4, int(rect["y"] * scale) + 4
    x1, y1 = int((rect["x"] + rect["width"]) * scale) - 4, int((rect["y"] + rect["height"])
                                                                * scale) - 4
    filled = _render(pdf)[0][y0:y1, x0:x1]
    empty = _render(blank_form())[0][y0:y1, x0:x1]
    assert (empty < 128).sum() == 0
    assert (filled < 128).sum() > 200


def _decode(image: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


def test_qr_on_rendered_prefilled_page_verifies(prefilled_pdf: bytes, key: bytes,
                                                customer: Customer) -> None:
    for number, image in enumerate(_render(prefilled_pdf, dpi=150), start=1):
        texts = _decode(image)
        assert len(texts) == 1
        token = tokens.verify(texts[0], key)
        assert (token.page, token.page_count) == (number, FORM.page_count)
        assert token.customer_id == customer.customer_id
        assert token.request_id == "RTEST0001"
        assert (token.form_id, token.version) == (FORM.id, FORM.version)


def test_blank_form_carries_unsigned_page_tokens(blank_pdf: bytes) -> None:
    for number, image in enumerate(_render(blank_pdf, dpi=150), start=1):
        token, tag = tokens.parse(_decode(image)[0])
        assert tag is None and token.page == number and not token.prefilled


def test_fonts_are_embedded(blank_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(blank_pdf))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()["/DescendantFonts"][0].get_object()
            assert "/FontFile2" in descendant["/FontDescriptor"]


def test_blank_form_is_reproducible(blank_pdf: bytes) -> None:
    from formgen.definition import load_company
    from formgen.form.template import build_template

    assert build_template(FORM, load_company()).pdf == blank_pdf


def test_prefilled_form_is_small(prefilled_pdf: bytes) -> None:
    assert len(prefilled_pdf) <= 80_000


def test_embedded_fonts_carry_their_names_only() -> None:
    """fontTools 4.69 keeps every name record when it subsets (DejaVu's licence text: 9.5 KB
    in each embedded font, the prefilled form over its size); the form keeps the names."""
    from fontTools.ttLib import TTFont

    from formgen.definition import load_company
    from formgen.form.fonts import NAME_IDS, _subset_field_font
    from formgen.form.template import build_template

    reader = PdfReader(io.BytesIO(build_template(FORM, load_company()).pdf))
    files = [_subset_field_font().data]
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        files.append(descriptor["/FontFile2"].get_object().get_data())
    assert len(files) >= 3
    for data in files:
        assert {r.nameID for r in TTFont(io.BytesIO(data))["name"].names} <= set(NAME_IDS)
