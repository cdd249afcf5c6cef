"""The ID number on the form against the ID document's number in its MRZ.

A same-name ID with another document number (an older or newer ID of the holder, or a
namesake's) is `review`, never `ok`. The number comes from the signed token on a prefilled
form (formgen/token.py), else from the value typed into the PDF, else from OCR of the box,
where the letters OCR takes for digits (O for 0, I for 1) count as those digits only because
the MRZ's check digit proves the document's side. Unit cases on MRZs of the corpus's ID
generator, then whole submissions from both corpus generators (the project's own,
tests/corpus/submissions.py, and the external one, tests/corpus/external.py).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from corpus import external as E
from corpus import submissions as S
from corpus.id_documents import id_card_page, passport_page

from formgen.check.identity.checks import NumberSource, id_number_check
from formgen.check.identity.document import IdDocumentResult
from formgen.check.identity.mrz import parse_mrz
from formgen.check.intake import Page
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status

KEY = b"id-number-test-key-0123456789abcdef"
NUMBER = "SP1I2O0K4"  # a document number with the letters OCR confuses with digits
OTHER = "NX7R52LH3"  # another document's


def _found(number: str, *, passport: bool = False) -> tuple[IdDocumentResult, Page]:
    make = passport_page if passport else id_card_page
    generated = make(dpi=100, document_number=number, masked_bsn=True)
    mrz = parse_mrz(generated.mrz_lines)
    assert mrz is not None and mrz.checks["document_number"] == "ok"
    result = IdDocumentResult(looks_like_id=True, mrz_found=True, mrz_valid=True, mrz=mrz,
                              surname=mrz.surname, given_names=mrz.given_names)
    return result, Page("id.jpg", 1, 1, np.zeros((1, 1, 3), np.uint8), None, False, None)


@pytest.mark.parametrize("passport", [False, True])
def test_the_same_number_is_ok(passport: bool) -> None:
    check = id_number_check(_found(NUMBER, passport=passport), "sp-1i2-o0k4",
                            NumberSource.REQUEST)
    assert check is not None and check.status is Status.OK


@pytest.mark.parametrize("source", list(NumberSource))
def test_another_documents_number_is_review(source: NumberSource) -> None:
    check = id_number_check(_found(NUMBER), OTHER, source)
    assert check is not None and check.status is Status.REVIEW, check
    assert "identiteitsbewijs" in check.message and NUMBER not in check.message


def test_ocr_confusions_count_only_for_a_reading() -> None:
    """'SP1I2O0K4' read from handwriting as 'SPII200K4' is the same number; the same text in
    the token or typed is another number."""
    misread = "SPII200K4"
    read = id_number_check(_found(NUMBER), misread, NumberSource.READ)
    assert read is not None and read.status is Status.OK
    for source in (NumberSource.REQUEST, NumberSource.TYPED):
        check = id_number_check(_found(NUMBER), misread, source)
        assert check is not None and check.status is Status.REVIEW


def test_a_reading_one_place_off_is_a_warning() -> None:
    check = id_number_check(_found(NUMBER), "SP1I2O0K7", NumberSource.READ)
    assert check is not None and check.status is Status.WARNING
    check = id_number_check(_found(NUMBER), "SP1I2O0K7", NumberSource.REQUEST)
    assert check is not None and check.status is Status.REVIEW


@pytest.mark.parametrize("number", ["12345678", "123456789", "X1234567Z8", "", "K4711"])
def test_a_number_of_another_kind_is_not_compared(number: str) -> None:
    """A NIF, a klantnummer, a number of another length: nothing to compare."""
    assert id_number_check(_found(NUMBER), number, NumberSource.REQUEST) is None


def test_no_check_without_a_proven_document_number() -> None:
    result, page = _found(NUMBER)
    assert result.mrz is not None
    result.mrz.checks["document_number"] = "fout"
    assert id_number_check((result, page), OTHER, NumberSource.REQUEST) is None
    assert id_number_check(None, OTHER, NumberSource.REQUEST) is None


def _number_check(result: SubmissionResult) -> Status | None:
    return next((c.status for c in result.checks if c.code == "id_number"), None)


def _explain(result: SubmissionResult) -> list[tuple[str, str, str]]:
    return [(c.code, str(c.status), c.message) for c in result.checks
            if c.status is not Status.OK]


@pytest.mark.parametrize("other", [False, True])
def test_own_generator_prefilled(tmp_path: Path, other: bool) -> None:
    ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(61 + other))
    path, frm, _ = S.scanned_case(ctx, prefilled=True, dpi=300,
                                  id_kw={"document_number": OTHER} if other else None)
    result = check_submission(path, key=KEY, from_address=frm)
    if other:
        assert _number_check(result) is Status.REVIEW, _explain(result)
        assert result.verdict == "review"
    else:
        assert _number_check(result) is Status.OK, _explain(result)
        assert result.verdict == "complete", _explain(result)


@pytest.mark.parametrize("other", [False, True])
def test_own_generator_blank_form_written_by_hand(tmp_path: Path, other: bool) -> None:
    ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(71 + other))
    path, frm, _ = S.scanned_case(ctx, prefilled=False, dpi=300,
                                  id_kw={"document_number": OTHER} if other else None)
    result = check_submission(path, key=KEY, from_address=frm)
    if other:
        assert _number_check(result) is Status.REVIEW, _explain(result)
        assert result.verdict != "complete"
    else:
        assert _number_check(result) in (Status.OK, None), _explain(result)


@pytest.mark.parametrize("other", [False, True])
def test_external_generator_prefilled(tmp_path: Path, other: bool) -> None:
    d = E.Draw(random.Random(81 + other), 81 + other, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, id_number=NUMBER,
                 id_doc_number=OTHER if other else NUMBER)
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, pp.dpi, pp.person, how="folder")
    result = check_submission(path, key=KEY, from_address=frm)
    if other:
        assert _number_check(result) is Status.REVIEW, _explain(result)
        assert result.verdict == "review"
    else:
        assert _number_check(result) is Status.OK, _explain(result)
        assert result.verdict == "complete", _explain(result)
