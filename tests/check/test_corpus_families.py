"""The families corpus (tests/corpus/families.py) builds well-formed submissions.

One case of each family is built and its files are opened the way the validator's intake meets
them (PDF pages, JPEG/PNG/HEIC images, e-mail attachments); the validator is not run here
(benchmarks/bench_families.py does that). Also: the viewer-style typing through PDFium's form
API really sets the fields, and every variant of a family falls in both halves.
"""

from __future__ import annotations

import email
import io
from email import policy
from pathlib import Path

import numpy as np
import pytest
from corpus import families as F
from PIL import Image
from pypdf import PdfReader

from formgen.form import blank_form

KEY = b"families-corpus-test-key-0123456789abcdef"


def _documents(path: Path) -> list[tuple[str, bytes]]:
    """The files of a submission: the attachments of an e-mail, a folder's files, or the file."""
    if path.suffix == ".eml":
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        return [(str(part.get_filename()), part.get_content())
                for part in msg.iter_attachments()]  # type: ignore[attr-defined]
    if path.is_dir():
        return [(p.name, p.read_bytes()) for p in sorted(path.iterdir())]
    return [(path.name, path.read_bytes())]


def _pages(name: str, data: bytes) -> int:
    if name.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            assert float(page.mediabox.width) > 100, name
        return len(reader.pages)
    if name.endswith(".heic"):
        import pillow_heif

        pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert min(im.size) > 100, (name, im.size)
        grey = np.asarray(im.convert("L").reduce(4))
        assert np.percentile(grey, 75) > 120, f"{name}: no paper to be seen"
    return 1


@pytest.mark.parametrize("family", list(F.FAMILIES))
def test_one_case_of_each_family_is_well_formed(tmp_path: Path, family: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(F, "DPI", 100)  # the same steps on smaller paper: a quarter of the work
    variants = F.FAMILIES[family][1]
    index = 1 if family == "heldout" else 0  # the 150-dpi ID under a drum band: cheapest
    case = F.build_one(tmp_path, KEY, 7, family, index)
    assert case.path.exists()
    assert case.recipe == f"{family}:{variants[index]}"
    assert case.half in F.HALVES
    assert case.expected in ("complete", "incomplete", "review")
    if case.expected == "incomplete":
        assert case.missing
    if case.expected == "review":
        assert case.review
    documents = _documents(case.path)
    assert documents, case.path
    assert sum(_pages(name, data) for name, data in documents) == case.pages
    assert (case.sender is None) == (case.path.suffix == ".eml")
    if variants[index] != "unsigned":
        assert "signature" in case.written or variants[index] in ("stamp", "script_name")


def test_scanner_app_black_and_white_keeps_the_page() -> None:
    """On a clean render the app's filter agrees with a plain threshold: solid marks stay
    solid, the paper stays white."""
    page = F.render(blank_form(), 100)[0]
    plain = page.mean(axis=2) > 128
    assert (F.sauvola_bw(page)[..., 0] > 128).__eq__(plain).mean() > 0.97


def test_typing_in_a_viewer_sets_the_fields() -> None:
    typed = F.type_into(blank_form(), {"name": "Noor de Boer", "new_iban": "NL91 ABNA 0417",
                                       "check_form": "x"})
    fields = PdfReader(io.BytesIO(typed)).get_fields() or {}
    assert fields["name"].get("/V") == "Noor de Boer"
    assert fields["new_iban"].get("/V") == "NL91 ABNA 0417"
    assert fields["check_form"].get("/V") not in (None, "/Off")
    assert fields["email"].get("/V") in (None, "")


def test_every_variant_falls_in_both_halves() -> None:
    for family, (_, variants) in F.FAMILIES.items():
        for v in range(len(variants)):
            halves = {F.half_of(7, family, v + r * len(variants)) for r in range(2)}
            assert halves == set(F.HALVES), (family, variants[v])
