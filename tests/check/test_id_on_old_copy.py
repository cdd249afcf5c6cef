"""An ID photocopied onto a copy of an older request's form page is found and judged.

Customers copy their ID onto whatever paper lies in the printer: a printout of the form of an
earlier request (its own QR code and prefilled values), or a spare printout of a page of this
request. The copier prints the ID over that page's print and boxes (its MRZ crosses box
borders and lines, not a paragraph of print or handwriting). The ID on it must be found and judged
like any other: an expired ID is "verlopen", someone else's goes to a person, the holder's own
is `ok`; never "no ID" (the reply would ask for what the customer sent). Whole submissions
from both corpus generators (the project's own, tests/corpus/submissions.py, and the external
one, tests/corpus/external.py).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from corpus import external as E
from corpus import forms
from corpus import submissions as S
from PIL import Image

from formgen import token as tokens
from formgen.check.identity.checks import IdSearch
from formgen.check.ink import boxes_mask, reference_pages
from formgen.check.intake.model import Page
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.summary import open_lines
from formgen.check.verdict import Status
from formgen.form import prefilled_form
from formgen.form.template import get_template

KEY = b"id-on-old-copy-test-key-0123456789abcdef"
KINDS = ["expired", "other", "own"]
SURNAME = "Oudeman"  # no generator draws it for a person


def _copied_onto(page: np.ndarray, id_page: np.ndarray) -> np.ndarray:
    """The copier prints the ID page over the paper: toner only darkens."""
    h, w = min(page.shape[0], id_page.shape[0]), min(page.shape[1], id_page.shape[1])
    out = page[:, :, :3].copy()
    out[:h, :w] = np.minimum(out[:h, :w], id_page[:h, :w, :3])
    return out


def _own_case(tmp_path: Path, seed: int, kind: str, old_request: bool) -> tuple[Path, str | None]:
    rng = np.random.default_rng(seed)
    ctx = S.Ctx(tmp_path / "case", KEY, rng)
    person, pdf, pages, dpi = S._paper(ctx, prefilled=True, dpi=300)
    if old_request:  # page 2 of a printout of an earlier request's form, not sent then
        paper = S.filled_pages(S.form_pdf(person, KEY, True, rng), {}, dpi, rng,
                               signature="no")[1]
    else:  # a spare copy of page 2 of this request, not filled in
        paper = S.filled_pages(pdf, {}, dpi, rng, signature="no")[1]
    id_kw = {"expired": True} if kind == "expired" else \
        {"surname": SURNAME} if kind == "other" else {}
    id_image = S.id_page(person, dpi, rng, passport=False, **id_kw)
    copy = _copied_onto(np.asarray(paper.convert("RGB")), np.asarray(id_image.convert("RGB")))
    scanned = S.scan(pages + [Image.fromarray(copy)], rng, dpi=300, src_dpi=dpi)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    return folder, person.email


def _this_request(d: E.Draw, pp: E.Paper) -> bytes:
    """The PDF of the request on the paper: its token read from the rendered page's QR code."""
    text = zxingcpp.read_barcodes(pp.form_pages[1])[0].text
    token = tokens.verify(text, KEY)
    assert token.request_id is not None
    return prefilled_form(pp.person.customer, KEY, request_id=token.request_id,
                          issued=token.issued)[0]


def _external_case(tmp_path: Path, seed: int, kind: str,
                   old_request: bool) -> tuple[Path, str | None]:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, with_id=False)
    p = pp.person
    if old_request:  # page 2 of a printout of an earlier request's form, not sent then
        paper = E.poppler_pages(E._form_pdf(d, p, True), pp.dpi)[1]
    else:  # a spare printout of page 2 of this request
        paper = E.poppler_pages(_this_request(d, pp), pp.dpi)[1]
    doc = E.id_document(p, pp.dpi, d.rng, passport=False, expired=kind == "expired",
                        surname=SURNAME if kind == "other" else None)
    id_image = E.id_on_page(doc, pp.dpi, d.rng, scale=1.0, angle=0)
    pp.form_pages.append(_copied_onto(paper, id_image))
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, pp.dpi, p, how="folder")
    return path, frm


def _assert_judged(result: SubmissionResult, kind: str) -> None:
    checks = {c.code: c for c in result.checks}
    shown = [(c.code, str(c.status), c.message) for c in result.checks if c.status is not Status.OK]
    assert checks["id_document"].status is Status.OK, shown
    if kind == "expired":  # the reply says the ID expired, and does not ask for one
        assert checks["id_expiry"].status is Status.MISSING, shown
        lines = [line.text for line in open_lines(result)]
        assert any("verlopen" in line for line in lines), lines
        assert not any("geen kopie" in line for line in lines), lines
    elif kind == "other":
        assert checks["id_name"].status is Status.REVIEW, shown
    else:
        assert checks["id_name"].status is Status.OK, shown
        assert checks["id_expiry"].status is Status.OK, shown
    assert result.verdict != "complete" or kind == "own"


def test_an_mrz_row_along_a_box_border_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The own generator's ID card lies where page 2's boxes are: a box's bottom border runs
    along the MRZ's second row (on its baseline) and the boxes' left border through a letter of
    the first and third. Painting the lines over takes those strokes with them (drawn as of
    2026-12-06, test_own_generator[True-own] was "ID missing"); the page as it came is read
    too. Built cheaply: the page at CHECK_DPI, no scan, offered as check_submission offers a
    form page."""
    monkeypatch.setenv("FORMGEN_CORPUS_TODAY", "2026-12-06")
    rng = np.random.default_rng(94)
    person = S.make_person(rng)
    paper = S.filled_pages(S.form_pdf(person, KEY, True, rng), {}, 150, rng, signature="no")[1]
    copy = _copied_onto(np.asarray(paper.convert("RGB")),
                        np.asarray(S.id_page(person, 150, rng, passport=False).convert("RGB")))
    template = get_template()
    printed = reference_pages(template.pdf)[1]
    h, w = printed.shape
    page = np.full((h, w), 255, np.uint8)
    grey = np.asarray(Image.fromarray(copy).convert("L"))[:h, :w]
    page[:grey.shape[0], :grey.shape[1]] = grey
    form = printed | boxes_mask(printed.shape, tuple(b.rect for b in template.layout.boxes
                                                     if b.field.page == 2))
    search = IdSearch(S.today())
    search.offer_form_page(Page("scan.pdf", 3, 3, page, 150, False, None), form)
    found = search.found()
    assert found is not None and found[0].mrz_valid, found and found[0]
    assert found[0].expired is False


# Each kind of ID on each generator, on both papers; each paper under each kind once per
# generator pair (a whole submission costs 10-25 s: not every combination twice).
OWN = [(True, "expired"), (False, "other"), (True, "own")]
EXTERNAL = [(False, "expired"), (True, "other"), (False, "own")]


@pytest.mark.parametrize(("old_request", "kind"), OWN)
def test_own_generator(tmp_path: Path, kind: str, old_request: bool) -> None:
    path, frm = _own_case(tmp_path, 90 + KINDS.index(kind), kind, old_request)
    _assert_judged(check_submission(path, key=KEY, from_address=frm), kind)


@pytest.mark.parametrize(("old_request", "kind"), EXTERNAL)
def test_external_generator(tmp_path: Path, kind: str, old_request: bool) -> None:
    path, frm = _external_case(tmp_path, 30 + KINDS.index(kind), kind, old_request)
    _assert_judged(check_submission(path, key=KEY, from_address=frm), kind)
