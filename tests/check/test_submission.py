"""The validator end to end, on submissions made from real `formgen form` output."""

from __future__ import annotations

import copy
import io
import json
from email import message_from_bytes, policy
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import id_card_page, letter_page
from PIL import Image

from formgen.check.align import find_marks
from formgen.check.qr import read_tokens
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status, Verdict
from formgen.cli import main
from formgen.definition import load_company, parse_form
from formgen.form.template import build_template, get_template
from formgen.resources import config_dir

TODAY = S.today()
DPI = 200


@pytest.fixture(scope="module")
def corpus_key() -> bytes:
    return b"validator-test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def person() -> S.Person:
    return S.make_person(np.random.default_rng(11))


def _id_jpeg(person: S.Person, **kwargs: object) -> bytes:
    surname = S.mrz_name(person.info["surname"])
    kwargs.setdefault("document_number", person.customer.id_number)  # the form's ID number
    page = id_card_page(dpi=DPI, surname=surname, given_names=S.mrz_name(person.info["given"]),
                        masked_bsn=True, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return forms.jpeg_bytes(Image.fromarray(page.image), 90, dpi=DPI)


def _paper(person: S.Person, key: bytes, *, prefilled: bool = True, signature: str = "yes",
           omit: frozenset[str] = frozenset(), seed: int = 3) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    pdf = S.form_pdf(person, key, prefilled, rng)
    values = S.form_values(person, rng, prefilled=prefilled, omit=omit)
    pages = S.filled_pages(pdf, values, DPI, rng, signature=signature)
    return S.scan(pages, rng, dpi=DPI, src_dpi=DPI)


def _eml(tmp: Path, sender: str | None, files: list[tuple[str, bytes]]) -> Path:
    path = tmp / "inzending.eml"
    S.write_eml(path, sender, files, np.random.default_rng(0))
    return path


def _codes(result: SubmissionResult, status: Status) -> set[str]:
    return {c.code for c in result.checks if c.status is status}


def test_complete_submission_in_an_email(tmp_path: Path, person: S.Person,
                                         corpus_key: bytes) -> None:
    pages = _paper(person, corpus_key)
    path = _eml(tmp_path, person.email, [("scan0001.pdf", forms.pages_to_pdf(pages, DPI)),
                                         ("ID kaart.jpg", _id_jpeg(person))])
    result = check_submission(path, key=corpus_key, today=TODAY)
    assert result.verdict is Verdict.COMPLETE, [(c.code, c.status, c.message)
                                                for c in result.checks]
    codes = {c.code for c in result.checks}
    required = {f"field:{f.id}" for f in get_template().form.required_fields
                if f.kind != "signature"}
    assert required | {"form", "token", "pages", "signature", "group:change", "id_document",
                       "id_name", "id_expiry", "bsn", "email"} <= codes
    assert result.form["request_id"] == person.request_id
    assert result.form["customer_id"] == person.customer.customer_id
    assert result.form["pages_missing"] == []
    assert result.reply_to == person.email


@pytest.mark.parametrize(("omit", "signature", "missing"), [
    (frozenset(), "no", {"signature"}),
    (frozenset({"sign_place"}), "yes", {"field:sign_place"}),
    (frozenset({"sign_date", "signer_name"}), "yes", {"field:sign_date", "field:signer_name"}),
])
def test_something_left_out_is_incomplete(tmp_path: Path, person: S.Person, corpus_key: bytes,
                                          omit: frozenset[str], signature: str,
                                          missing: set[str]) -> None:
    pages = _paper(person, corpus_key, omit=omit, signature=signature)
    (tmp_path / "scan.pdf").write_bytes(forms.pages_to_pdf(pages, DPI))
    (tmp_path / "id.jpg").write_bytes(_id_jpeg(person))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    assert result.verdict is Verdict.INCOMPLETE
    assert _codes(result, Status.MISSING) == missing


def test_blank_form_needs_the_customer_details(tmp_path: Path, person: S.Person,
                                               corpus_key: bytes) -> None:
    pages = _paper(person, corpus_key, prefilled=False, omit=frozenset({"customer_id"}))
    (tmp_path / "scan.pdf").write_bytes(forms.pages_to_pdf(pages, DPI))
    (tmp_path / "id.jpg").write_bytes(_id_jpeg(person))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    assert _codes(result, Status.MISSING) == {"field:customer_id"}
    assert next(c for c in result.checks if c.code == "token").message.startswith("leeg")


def test_missing_page_and_other_request(tmp_path: Path, person: S.Person,
                                        corpus_key: bytes) -> None:
    pages = _paper(person, corpus_key)
    (tmp_path / "p1.jpg").write_bytes(forms.jpeg_bytes(pages[0], 85))
    (tmp_path / "id.jpg").write_bytes(_id_jpeg(person))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    assert "pages" in _codes(result, Status.MISSING)
    assert result.form["pages_missing"] == [2]
    # page 2 of another request (same customer, new form) mixed in
    other = _paper(person, corpus_key, seed=99)
    (tmp_path / "p2.jpg").write_bytes(forms.jpeg_bytes(other[1], 85))
    (tmp_path / "p2-ours.jpg").write_bytes(forms.jpeg_bytes(pages[1], 85))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    pages_check = next(c for c in result.checks if c.code == "pages")
    assert pages_check.status is Status.REVIEW and "andere aanvraag" in pages_check.message
    assert result.verdict is Verdict.REVIEW


def _worn_to_one_mark(page: Image.Image, keep_mark: bool) -> bytes:
    """Page 2 worn beyond reading: its QR code and three marks (all four unless keep_mark)
    gone, its print buried in toner; only the bottom-right mark may be left."""
    image = np.array(page.convert("RGB"))
    marks = find_marks(image)
    assert set(marks) == {0, 1, 2, 3}
    keep = marks[2].astype(int)
    x0, y0 = keep.min(axis=0) - 25
    x1, y1 = keep.max(axis=0) + 25
    rng = np.random.default_rng(5)
    toner = rng.random(image.shape[:2]) < 0.45
    toner[y0:y1, x0:x1] = False
    image[toner] = 40
    gone = [quad for mark_id, quad in marks.items() if mark_id != 2 or not keep_mark]
    for quad in gone + [hit.corners for hit in read_tokens(np.array(page.convert("RGB")))]:
        (a, b), (c, d) = quad.min(axis=0).astype(int) - 25, quad.max(axis=0).astype(int) + 25
        image[b:d, a:c] = 255
    return forms.jpeg_bytes(Image.fromarray(image), 85)


@pytest.mark.parametrize("keep_mark", [True, False])
def test_a_page_worn_to_one_mark_goes_to_a_person(tmp_path: Path, person: S.Person,
                                                  corpus_key: bytes, keep_mark: bool) -> None:
    """Page 2 present but unreadable: with one of the form's marks left it may be the missing
    page, so the page and its boxes go to a person; without any mark it is just a page."""
    pages = _paper(person, corpus_key)
    (tmp_path / "p1.jpg").write_bytes(forms.jpeg_bytes(pages[0], 85))
    (tmp_path / "p2.jpg").write_bytes(_worn_to_one_mark(pages[1], keep_mark))
    (tmp_path / "id.jpg").write_bytes(_id_jpeg(person))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    assert result.form["pages_missing"] == [2]
    page_two = {f"field:{f.id}" for f in get_template().form.fields
                if f.page == 2 and f.required and f.kind != "signature"} | {"signature"}
    if keep_mark:
        assert result.verdict is Verdict.REVIEW, [(c.code, c.status) for c in result.checks]
        pages_check = next(c for c in result.checks if c.code == "pages")
        assert pages_check.status is Status.REVIEW and pages_check.file == "p2.jpg p. 1"
        assert page_two <= _codes(result, Status.REVIEW)
        assert not _codes(result, Status.MISSING)
    else:
        assert result.verdict is Verdict.INCOMPLETE
        assert {"pages"} | page_two <= _codes(result, Status.MISSING)


def test_tampered_and_forged_tokens(tmp_path: Path, person: S.Person, corpus_key: bytes) -> None:
    pages = _paper(person, corpus_key)
    rng = np.random.default_rng(1)
    forged = S.tamper_qr(pages[0], S.changed_token(person, corpus_key, 1, rng), DPI, 1)
    (tmp_path / "p1.jpg").write_bytes(forms.jpeg_bytes(forged, 90))
    (tmp_path / "p2.jpg").write_bytes(forms.jpeg_bytes(pages[1], 90))
    result = check_submission(tmp_path, key=corpus_key, from_address=person.email, today=TODAY)
    token = next(c for c in result.checks if c.code == "token")
    assert token.status is Status.REVIEW and "andere sleutel" in token.message
    assert "token" not in _codes(result, Status.MISSING)
    # a signed form checked without a key cannot be trusted blindly
    result = check_submission(tmp_path / "p2.jpg", key=None, today=TODAY)
    assert next(c for c in result.checks if c.code == "token").status is Status.REVIEW


def test_digital_form_without_handwritten_signature(tmp_path: Path, person: S.Person,
                                                    corpus_key: bytes) -> None:
    rng = np.random.default_rng(5)
    values = S.form_values(person, rng, prefilled=False)
    path = tmp_path / "ingevuld.pdf"
    path.write_bytes(forms.fill_digital(S._blank(), values))
    result = check_submission(path, key=corpus_key, from_address=person.email, today=TODAY)
    assert result.form["digital"] is True
    signature = next(c for c in result.checks if c.code == "signature")
    assert signature.status is Status.MISSING and "met een pen" in signature.message
    assert next(c for c in result.checks if c.code == "field:name").status is Status.OK
    assert "id_document" in _codes(result, Status.MISSING)


def test_outdated_version_and_wrong_form(tmp_path: Path, person: S.Person,
                                         corpus_key: bytes) -> None:
    raw = yaml.safe_load((config_dir() / "form.yaml").read_text(encoding="utf-8"))
    old = copy.deepcopy(raw)
    old["version"] = raw["version"] + 1  # a form the validator does not know as current
    other = build_template(parse_form(old), load_company())
    page = forms.render_form_pages(other.pdf, DPI)[0]
    (tmp_path / "oud.jpg").write_bytes(forms.jpeg_bytes(page, 90))
    result = check_submission(tmp_path / "oud.jpg", key=corpus_key, today=TODAY)
    form_check = next(c for c in result.checks if c.code == "form")
    assert form_check.status is Status.MISSING and "verouderde versie" in form_check.message
    letter, _ = letter_page(dpi=DPI)
    (tmp_path / "brief.jpg").write_bytes(forms.jpeg_bytes(Image.fromarray(letter), 90))
    result = check_submission(tmp_path / "brief.jpg", key=corpus_key, today=TODAY)
    assert _codes(result, Status.MISSING) >= {"form", "id_document"}


def test_unreadable_submission(tmp_path: Path, corpus_key: bytes) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    result = check_submission(path, key=corpus_key, today=TODAY)
    assert result.verdict is Verdict.UNREADABLE
    assert result.problems and result.problems[0].file_name == "scan.pdf"


def test_cli_json_report_reply_and_exit_codes(tmp_path: Path, person: S.Person,
                                              corpus_key: bytes) -> None:
    key_file = tmp_path / "key"
    key_file.write_bytes(corpus_key)
    pages = _paper(person, corpus_key)
    complete = _eml(tmp_path, person.email, [("scan.pdf", forms.pages_to_pdf(pages, DPI)),
                                             ("id.jpg", _id_jpeg(person))])
    unsigned_dir = tmp_path / "unsigned"
    unsigned_dir.mkdir()
    (unsigned_dir / "scan.pdf").write_bytes(forms.pages_to_pdf(
        _paper(person, corpus_key, signature="no"), DPI))
    (unsigned_dir / "id.jpg").write_bytes(_id_jpeg(person))
    runner = CliRunner()
    args = ["check", "--key-file", str(key_file), "--from", person.email]
    result = runner.invoke(main, [*args, "--json", str(complete)])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    submission = document["submissions"][0]
    assert set(submission) >= {"source", "verdict", "form", "checks"}
    assert submission["verdict"] == "complete"
    assert all(set(c) >= {"code", "status", "message", "page"} for c in submission["checks"])

    result = runner.invoke(main, [*args, "--jobs", "2", "--report", str(tmp_path / "rapport"),
                                  "--reply", str(tmp_path / "antwoord"), str(complete),
                                  str(unsigned_dir)])
    assert result.exit_code == 1
    assert "onvolledig" in result.output and "compleet" in result.output
    index = (tmp_path / "rapport" / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == 3
    pages_html = [p for p in (tmp_path / "rapport").glob("*.html") if p.name != "index.html"]
    assert len(pages_html) == 2
    assert all("data:image/png;base64," in p.read_text(encoding="utf-8") for p in pages_html)
    replies = list((tmp_path / "antwoord").glob("*.eml"))
    assert len(replies) == 1  # only the incomplete one
    reply = message_from_bytes(replies[0].read_bytes(), policy=policy.default)
    body = reply.get_content()
    assert reply["To"] == person.email and "handtekening" in body.lower()
    assert "signature" not in body and "field:" not in body  # no internal codes

    assert runner.invoke(main, ["check", str(tmp_path / "bestaat-niet.pdf")]).exit_code == 2
    assert runner.invoke(main, ["check"]).exit_code == 2


def test_clean_id_page_is_read(person: S.Person) -> None:
    """Guard for the corpus: the ID generator and reader agree on a clean 200-dpi card."""
    from formgen.check.identity.document import analyse_id_page

    image = np.asarray(Image.open(io.BytesIO(_id_jpeg(person))).convert("RGB"))
    result = analyse_id_page(image, today=TODAY)
    assert result.mrz_valid and result.expiry and result.expiry > TODAY
