"""A prefilled form's paper must belong to the request its QR codes name (check.consistency).

Real inputs: prefilled PDFs for customers A and B from formgen.form.build.prefilled_form, rendered
with pypdfium2, written on and signed (tests/corpus), scanned, and A's QR codes copied over B's
pages at the QR rectangle of the layout contract.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import id_card_page
from PIL import Image

from formgen.check.consistency import fold_code, names_agree, read_codes
from formgen.check.ink import CHECK_DPI, crop
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status, Verdict
from formgen.form.build import prefilled_form
from formgen.form.template import get_template

TODAY = S.today()
DPI = 200
KEY = b"consistency-test-key-0123456789abcdef"


def _person(seed: int) -> S.Person:
    return S.make_person(np.random.default_rng(seed))


def _form(person: S.Person, seed: int, writer: S.Person | None = None) -> list[Image.Image]:
    """The person's prefilled form, filled in and signed (by writer, when given: the signer's
    name is then the writer's)."""
    rng = np.random.default_rng(seed)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = S.form_values(person, rng, prefilled=True)
    if writer is not None:
        values["signer_name"] = writer.name
    return S.filled_pages(pdf, values, DPI, rng)


def _id_jpeg(person: S.Person) -> bytes:
    page = id_card_page(dpi=DPI, surname=S.mrz_name(person.info["surname"]),
                        given_names=S.mrz_name(person.info["given"]), masked_bsn=True,
                        today=TODAY, document_number=person.customer.id_number)
    return forms.jpeg_bytes(Image.fromarray(page.image), 90, dpi=DPI)


def _qr_pasted(onto: Image.Image, source: Image.Image, number: int) -> Image.Image:
    """source's QR code cut out and pasted over onto's, at the contract's QR rectangle."""
    page = next(p for p in S.contract()["pages"] if p["number"] == number)
    x0, y0, x1, y1 = forms.rect_px(page["qr"], DPI)
    target, cut = np.array(onto), np.array(source)
    target[y0:y1, x0:x1] = cut[y0:y1, x0:x1]
    return Image.fromarray(target)


def _check(tmp: Path, pages: list[Image.Image], id_of: S.Person, sender: str,
           seed: int) -> SubmissionResult:
    scanned = S.scan(pages, np.random.default_rng(seed), dpi=DPI, src_dpi=DPI)
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, DPI))
    (tmp / "id.jpg").write_bytes(_id_jpeg(id_of))
    return check_submission(tmp, key=KEY, from_address=sender, today=TODAY)


def _status(result: SubmissionResult, code: str) -> Status | None:
    return next((c.status for c in result.checks if c.code == code), None)


def _trace(result: SubmissionResult) -> list[tuple[str, str, str]]:
    return [(c.code, str(c.status), c.message) for c in result.checks if c.status != "ok"]


@pytest.mark.parametrize("seed", [21, 33, 47])
def test_qr_codes_of_another_customer_pasted_over_a_form(tmp_path: Path, seed: int) -> None:
    """B fills in and signs B's own form and sends B's ID, with A's QR codes pasted over B's:
    the token is A's and valid, the klantnummer printed on the page is B's."""
    a, b = _person(seed), _person(seed + 1)
    a_pages, b_pages = _form(a, seed), _form(b, seed + 100)
    pasted = [_qr_pasted(page, a_pages[i], i + 1) for i, page in enumerate(b_pages)]
    result = _check(tmp_path, pasted, b, b.email, seed)
    assert result.form["request_id"] == a.request_id
    assert result.verdict is Verdict.REVIEW, _trace(result)
    check = next(c for c in result.checks if c.code == "prefill:customer_id")
    assert check.status is Status.REVIEW
    assert b.customer.customer_id in check.message and a.customer.customer_id in check.message
    assert not result.missing  # nothing the customer can put right


@pytest.mark.parametrize("seed", [21, 33])
def test_the_genuine_form_stays_complete(tmp_path: Path, seed: int) -> None:
    a = _person(seed)
    result = _check(tmp_path, _form(a, seed), a, a.email, seed)
    assert result.verdict is Verdict.COMPLETE, _trace(result)
    assert _status(result, "prefill:customer_id") is Status.OK
    assert _status(result, "signer") is Status.OK


def test_page_two_filled_and_signed_by_someone_else(tmp_path: Path) -> None:
    """A's own form and QR codes, but page 2 filled in and signed by B."""
    a, b = _person(21), _person(22)
    pages = _form(a, 21)
    pages[1] = _form(a, 21, writer=b)[1]
    result = _check(tmp_path, pages, a, a.email, 5)
    assert result.verdict is Verdict.REVIEW, _trace(result)
    assert _status(result, "signer") is Status.REVIEW
    assert _status(result, "prefill:customer_id") is Status.OK


@pytest.mark.parametrize(("printed", "read", "same"), [
    ("K2001", "K2001", True), ("KO1I0", "K0110", True), ("K 1045-88", "k104588", True),
    ("K1I0S", "KLLOS", True), ("K2001", "K2002", False), ("K9256197", "K3428704", False),
])
def test_codes_are_compared_through_ocr_confusions(printed: str, read: str, same: bool) -> None:
    assert (fold_code(printed) == fold_code(read)) is same


@pytest.mark.parametrize(("account", "reading", "agree"), [
    ("Mehmet van Dijk", "Mehmet van Dijk", True), ("Mehmet van Dijk", "MehmetvanDyk", True),
    ("Łukasz Nguyễn", "Lukasz Ngen", True), ("Mehmet van Dijk", "Sanne Dijkstra", True),
    ("Mehmet van Dijk", "Aylin Jansen", False), ("Sanne de Vries", "Pieter Bakker", False),
    ("Jan van Leeuwen", "Mehmet van Dijk", False), ("EvaJansen", "Eva loucen", True),
])
def test_names_agree_on_one_word_read_loosely(account: str, reading: str, agree: bool) -> None:
    assert names_agree(account, reading) is agree


@pytest.mark.parametrize("share", [0.0, 0.005, 0.02, 0.05])
def test_a_box_without_a_value_reads_as_nothing(share: float) -> None:
    """An empty or speckled box gives no reading, so no mismatch (toner specks, 8 seeds)."""
    for seed in range(8):
        box = np.full((40, 300), 255, np.uint8)
        box[np.random.default_rng(seed).random(box.shape) < share] = 60
        assert read_codes(box) == []


def _printed_box(customer_id: str) -> np.ndarray:
    """The klantnummer box of a form prefilled for that number, rendered at CHECK_DPI (grey)."""
    person = _person(5)
    person.customer = replace(person.customer, customer_id=customer_id)
    pdf, _ = prefilled_form(person.customer, KEY)
    page = np.array(forms.render_form_pages(pdf, CHECK_DPI)[0].convert("L"))
    field = next(f for f in get_template().form.fields if f.prefill == "customer_id")
    return crop(page, get_template().layout.box(field.id).rect, pad=2).copy()


@pytest.mark.parametrize("seed", range(6))
def test_a_printed_code_is_read_beside_toner(seed: int) -> None:
    """A worn drum leaves toner clumps along the box, right of the printed number: they are
    not read as part of it (seen on a dirty-drum copy, where 'K346889' was read as 'RK349')."""
    rng = np.random.default_rng(seed)
    number = f"K{int(rng.integers(1000000, 9999999))}"
    box = _printed_box(number)
    height, width = box.shape
    for _ in range(12):  # clumps of specks, each a few px across, from a third of the box on
        cx, cy = int(rng.integers(width // 3, width - 10)), int(rng.integers(6, height - 6))
        spots = rng.normal((cy, cx), (4, 6), (40, 2)).round().astype(int)
        ok = (spots[:, 0] >= 0) & (spots[:, 0] < height) & (spots[:, 1] >= 0) & \
            (spots[:, 1] < width)
        box[spots[ok, 0], spots[ok, 1]] = 40
    readings = read_codes(box)
    assert len(readings) == 2, readings
    assert {fold_code(text) for text in readings} == {fold_code(number)}, readings


def test_a_second_copy_of_page_one_with_another_name(tmp_path: Path) -> None:
    """A's genuine form, plus B's page 1 under A's QR code: the name printed on the two copies
    of page 1 differs."""
    a, b = _person(21), _person(22)
    pages = _form(a, 21)
    pages.append(_qr_pasted(_form(b, 122)[0], pages[0], 1))
    result = _check(tmp_path, pages, a, a.email, 7)
    assert _status(result, "prefill:names") is Status.REVIEW, _trace(result)
    assert result.verdict is Verdict.REVIEW
