"""The ID laid on the form and scanned with it is found, not reported missing.

Customers lay their ID card in the empty space at the bottom of form page 2 and scan both at
once (or photograph them together). Built with both corpus generators: the project's own
(tests/corpus/submissions.py with tests/corpus/id_documents.py) and the external one
(tests/corpus/external.py: other fonts, poppler rendering, its own scanner and camera).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from corpus import external as E
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import id_card_page
from PIL import Image

from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status

KEY = b"id-on-form-page-test-key-0123456789abcdef"
# The free space under the signature box of page 2 (mm from the top-left corner).
CARD_AT_MM = (55, 214)


def _mm(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _lay_on(page: np.ndarray, card: np.ndarray, dpi: int) -> np.ndarray:
    page = page.copy()
    x, y = (_mm(v, dpi) for v in CARD_AT_MM)
    h, w = card.shape[:2]
    page[y:y + h, x:x + w] = card[:, :, :3]
    return page


def _card_back(dpi: int, surname: str, given: str, number: str | None = None) -> np.ndarray:
    """The back of an ID card (the side with the MRZ), cut from the generator's page; number:
    its document number (the ID number on the person's form)."""
    generated = id_card_page(dpi=dpi, surname=S.mrz_name(surname), given_names=S.mrz_name(given),
                             masked_bsn=True, today=S.today(), document_number=number)
    x0, _, x1, y1 = generated.extra["mrz_box"]  # type: ignore[misc]
    top, bottom = y1 - _mm(51, dpi), y1 + _mm(3, dpi)
    return generated.image[top:bottom, max(0, x0 - _mm(5, dpi)):x1 + _mm(5, dpi)]


def _assert_found(result: SubmissionResult) -> None:
    checks = {c.code: c for c in result.checks}
    assert checks["id_document"].status is Status.OK, checks["id_document"].message
    assert result.verdict == "complete", [(c.code, c.message) for c in result.checks
                                          if c.status is not Status.OK]


def test_own_generator_scan(tmp_path: Path) -> None:
    ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(5))
    person, _, pages, dpi = S._paper(ctx, prefilled=True, dpi=300)
    card = _card_back(dpi, person.info["surname"], person.info["given"],
                      person.customer.id_number)
    pages[1] = Image.fromarray(_lay_on(np.asarray(pages[1].convert("RGB")), card, dpi))
    scanned = S.scan(pages, ctx.rng, dpi=300, src_dpi=dpi)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    _assert_found(check_submission(folder, key=KEY, from_address=person.email))


@pytest.mark.parametrize("photo", [False, True])
def test_external_generator(tmp_path: Path, photo: bool) -> None:
    d = E.Draw(random.Random(19 + photo), 19 + photo, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, with_id=False)
    card = E.id_document(pp.person, 300, d.rng, passport=False)
    pp.form_pages[1] = _lay_on(pp.form_pages[1], card, 300)
    if photo:
        images = [E.photograph(page, d.rng, turns=0) for page in pp.form_pages]
        path, frm, _ = E.deliver(d, tmp_path / "case", images, 200, pp.person, fmt="jpeg",
                                 how="folder")
    else:
        images = E._scanned(d, pp, noise=False)
        path, frm, _ = E.deliver(d, tmp_path / "case", images, 300, pp.person, how="folder")
    _assert_found(check_submission(path, key=KEY, from_address=frm))



@pytest.mark.parametrize("shade", [0.6, 0.8])
def test_a_form_page_with_nothing_beside_its_boxes_is_not_read_for_an_id(shade: float) -> None:
    """A photo of an empty form page: grey paper, light falling off across it, the paper's edge
    along the image's border. With the form's print and boxes wiped there is nothing left, so
    the ID search does not read the page (a second or more of OCR per page). Wiped to white,
    the grey paper around each wiped patch was as dark as print; and a thin dark line along
    the border was "something on the page" (drawn as of 2026-12-07: each form page of a
    photo without an ID was read, 1-3 s)."""
    from formgen.check.form_pages import find_form_page
    from formgen.check.identity.checks import IdSearch
    from formgen.check.intake.model import Page
    from formgen.check.submission import _beside_the_form
    from formgen.form import blank_form
    from formgen.form.template import get_template

    template = get_template()
    search = IdSearch(S.today())
    for number, page in enumerate(E.poppler_pages(blank_form(), 200), start=1):
        h, w = page.shape[:2]
        light = shade * (1 - 0.2 * np.linspace(0, 1, w, dtype=np.float32))[None, :, None]
        photo = (page[:, :, :3].astype(np.float32) * light).astype(np.uint8)
        photo[:, :3] = photo[:3, :] = 60  # the paper's edge along the image's border
        found = find_form_page(Page("foto.jpg", number, 2, photo, 200, False, None), template,
                               None)
        assert found is not None and found.number == number
        search.offer_form_page(*_beside_the_form(found, template))
    assert search.form_pages == []
