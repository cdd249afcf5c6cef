import datetime as dt

import pytest

from formgen.check.identity.checks import _expiry, _name, _similar
from formgen.check.identity.document import IdDocumentResult
from formgen.check.verdict import Status

TODAY = dt.date(2026, 11, 25)


def _doc(surname: str | None = "NGUYEN", expiry: dt.date | None = dt.date(2030, 1, 1)
         ) -> IdDocumentResult:
    return IdDocumentResult(looks_like_id=True, mrz_found=True, mrz_valid=True,
                            surname=surname, given_names="JAN", expiry=expiry)


@pytest.mark.parametrize(("read", "surname", "expected"), [
    ("JeroenNguyen", "NGUYEN", True),  # OCR lost the space
    ("Saren Ngen", "NGUYEN", True),  # OCR dropped letters of a handwritten name
    ("Zoe Muller", "MUELLER", True),  # transliteration
    ("Aylin Baker", "HOOGENDOORN", False),
    ("Pieter Jansen", "DE VRIES", False),
])
def test_ocr_tolerant_name_match(read: str, surname: str, expected: bool) -> None:
    assert _similar(read, surname) is expected


def test_printed_name_that_differs_needs_review() -> None:
    check = _name(_doc("VERMEULEN"), "Noor Muller", True, "id.jpg")
    assert check.status is Status.REVIEW


def test_handwritten_name_that_cannot_be_matched_goes_to_a_person() -> None:
    # a warning would let a relative's or a stranger's ID through as complete (issue 27)
    check = _name(_doc("VERMEULEN"), "xq", False, "id.jpg")
    assert check.status is Status.REVIEW and "met de hand" in check.message


def test_exact_name_with_tussenvoegsel_matches() -> None:
    assert _name(_doc("DE VRIES"), "Jan de Vries", True, "id.jpg").status is Status.OK


def test_unreadable_surname_needs_review() -> None:
    assert _name(_doc(None), "Jan de Vries", True, "id.jpg").status is Status.REVIEW


def test_expiry() -> None:
    assert _expiry(_doc(expiry=dt.date(2026, 11, 24)), TODAY, "id").status is Status.MISSING
    assert _expiry(_doc(expiry=TODAY), TODAY, "id").status is Status.OK
    assert _expiry(_doc(expiry=None), TODAY, "id").status is Status.REVIEW
