"""Submissions whose new values were typed in a PDF viewer, then printed and scanned.

The customer fills the form's fields (pypdf writes the values and their appearances, as a
viewer saves them), prints it (PDFium or poppler renders the page), writes the rest by hand,
signs, and scans it. The handwritten family is the same with every value written by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from corpus import forms
from corpus.submissions import (
    Person,
    form_pdf,
    form_values,
    id_page,
    make_person,
    scan,
    today,
)
from formgen.form.build import prefilled_form

Rng = forms.Rng
RENDERERS = ("pdfium", "poppler")


@dataclass
class TypedCase:
    path: Path  # the submission's folder
    person: Person
    values: dict[str, str]  # every value on the form
    written: dict[str, str]  # the values of the boxes whose values are read (field id -> text)
    source: str  # "typed" or "handwritten"
    renderer: str


def value_field_ids() -> list[str]:
    """The boxes whose values are read (check.changes.value_fields), from the contract."""
    return [f["id"] for f in forms_contract()["fields"]
            if f["prefill"] is None and not f["required"]
            and f["kind"] not in ("checkbox", "signature")]


def forms_contract() -> dict:  # type: ignore[type-arg]
    from corpus.submissions import contract

    return contract()


def render_poppler(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page as poppler's pdftoppm renders it (form field appearances drawn)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "p")],
                       check=True, timeout=60)
        return [Image.open(io.BytesIO(p.read_bytes())).convert("RGB")
                for p in sorted(Path(tmp).glob("p-*.png"))]


def typed_case(out_dir: Path, key: bytes, rng: Rng, *, source: str = "typed",
               renderer: str = "pdfium", overrides: dict[str, str] | None = None,
               prefilled: bool = True, dpi: int = 200, with_id: bool = True) -> TypedCase:
    """One submission in folder out_dir: the values of the read boxes typed (source "typed")
    or written by hand, overrides replacing some of them (an IBAN with a wrong check digit)."""
    p = make_person(rng)
    pdf = form_pdf(p, key, prefilled, rng)
    if prefilled:  # issued yesterday: after the date of the form's version, never too old
        p.issued = today() - dt.timedelta(days=1)
        pdf, _ = prefilled_form(p.customer, key, request_id=p.request_id, issued=p.issued)
    values = form_values(p, rng, prefilled=prefilled)
    values.update(overrides or {})
    ids = value_field_ids()
    written = {k: v for k, v in values.items() if k in ids and v}
    render_dpi = 300 if dpi > 200 else 200
    if source == "typed":
        filled = forms.fill_digital(pdf, written)
        pages = (render_poppler(filled, render_dpi) if renderer == "poppler"
                 else forms.render_form_pages(filled, render_dpi))
        by_hand = {k: v for k, v in values.items() if k not in written}
    else:
        pages = forms.render_form_pages(pdf, render_dpi)
        by_hand = values
    font, ink = forms.pick_font(rng), forms.pick_ink(rng)
    c = forms_contract()
    sig_page = forms.field_by_id(c, "signature")["page"]
    drawn = []
    for number, page in enumerate(pages, start=1):
        page = forms.handwrite(page, c, number, by_hand, render_dpi, font=font, rng=rng, ink=ink)
        if number == sig_page:
            page = forms.sign(page, c, render_dpi, rng, ink=ink)
        drawn.append(page)
    scanned = scan(drawn, rng, dpi=dpi, src_dpi=render_dpi)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, dpi, int(rng.integers(60, 90))))
    if with_id:
        idimg = scan([id_page(p, render_dpi, rng)], rng, dpi=dpi, src_dpi=render_dpi)[0]
        (out_dir / "id.jpg").write_bytes(forms.jpeg_bytes(idimg, 85))
    return TypedCase(out_dir, p, values, written, source, renderer)
