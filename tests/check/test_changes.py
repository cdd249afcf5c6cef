"""The change as data (check.changes) on generated submissions: values typed in a viewer,
printed and scanned, and values written by hand; what --json carries, and what a value that
cannot be right does to the verdict and the reply."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from corpus.submissions import today
from corpus.typed import TypedCase, typed_case

from formgen.check.changes import SURE_CONFIDENCE, Change, change_checks
from formgen.check.report import reply_items, reply_message
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.validate_value import validate
from formgen.check.verdict import Status
from formgen.definition import load_form

KEY = b"changes-test-key-0123456789abcdef"
KEYS = {"field", "label", "value", "source", "confidence", "valid", "problem"}


def _iban_with_a_slip(iban: str) -> str:
    """The IBAN with its last digit changed: its check digits no longer fit."""
    compact = iban.replace(" ", "")
    wrong = compact[:-1] + str((int(compact[-1]) + 3) % 10)
    return " ".join(wrong[i:i + 4] for i in range(0, len(wrong), 4))


Judged = dict[str, tuple[TypedCase, SubmissionResult]]


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Judged:
    tmp = tmp_path_factory.mktemp("changes")
    good = "NL91 ABNA 0417 1643 00"
    cases = {
        "typed": typed_case(tmp / "typed", KEY, np.random.default_rng(11), renderer="pdfium",
                            overrides={"new_iban": good, "new_phone": "06-12345678",
                                       "new_postcode": "1016 GV"}),
        "typed_wrong": typed_case(tmp / "typed_wrong", KEY, np.random.default_rng(12),
                                  renderer="poppler",
                                  overrides={"new_iban": _iban_with_a_slip(good),
                                             "new_billing_email": "facturen@voorbeeld"}),
        "hand_wrong": typed_case(tmp / "hand_wrong", KEY, np.random.default_rng(13),
                                 source="handwritten",
                                 overrides={"new_iban": _iban_with_a_slip(good)}),
    }
    return {name: (case, check_submission(case.path, key=KEY, today=today(),
                                          from_address=case.person.email))
            for name, case in cases.items()}


def _by_field(result: SubmissionResult) -> dict[str, dict]:  # type: ignore[type-arg]
    return {c["field"]: c for c in result.to_json()["changes"]}


def test_json_carries_every_typed_value_read_exactly(judged: Judged) -> None:
    case, result = judged["typed"]
    changes = result.to_json()["changes"]
    assert changes and all(set(c) == KEYS for c in changes)
    read = _by_field(result)
    assert set(read) == set(case.written)
    form = load_form()
    for field_id, written in case.written.items():
        change = read[field_id]
        field = form.field(field_id)
        assert change["label"] == field.label and change["source"] == "typed"
        assert change["value"] == validate(field.kind, written, field.format).value, field_id
        assert 0.9 <= change["confidence"] <= 1
    assert read["new_iban"]["value"] == "NL91ABNA0417164300" and read["new_iban"]["valid"]
    assert read["new_phone"]["value"] == "+31612345678" and read["new_phone"]["valid"]
    assert read["new_postcode"]["valid"] is True
    assert not [c for c in result.checks if c.code.startswith("value:")]


def test_a_typed_iban_that_cannot_be_right_is_asked_of_the_customer(judged: Judged) -> None:
    _, result = judged["typed_wrong"]
    read = _by_field(result)
    assert read["new_iban"]["source"] == "typed" and read["new_iban"]["valid"] is False
    assert "controlecijfers" in read["new_iban"]["problem"]
    assert read["new_billing_email"]["valid"] is False
    assert result.verdict == "incomplete"
    asked = {c.code: c for c in result.checks if c.code.startswith("value:")}
    assert asked["value:new_iban"].status is Status.MISSING
    assert asked["value:new_billing_email"].status is Status.MISSING
    items = reply_items(result)
    assert "Het IBAN bij 'Nieuw IBAN' klopt niet; wilt u het controleren?" in items
    assert any("E-mailadres voor facturen" in item for item in items)
    message = reply_message(result)
    assert message is not None and "Nieuw IBAN" in message.get_content()
    assert "er ontbreekt iets of er klopt iets niet:" in message.get_content()


def test_a_handwritten_value_that_fails_goes_to_a_person(judged: Judged) -> None:
    _, result = judged["hand_wrong"]
    read = _by_field(result)
    assert read["new_iban"]["source"] == "handwritten" and read["new_iban"]["valid"] is False
    assert all(c["source"] == "handwritten" for c in read.values())
    check = next(c for c in result.checks if c.code == "value:new_iban")
    sure = read["new_iban"]["confidence"] >= SURE_CONFIDENCE
    assert check.status is (Status.REVIEW if sure else Status.WARNING)
    assert check.crop is not None and "lees het zelf" in check.message
    assert not any("IBAN" in item for item in reply_items(result))
    message = reply_message(result)
    assert message is None or "klopt iets niet" not in message.get_content()
    assert not [c for c in result.checks if c.code.startswith("value:")
                and c.status is Status.MISSING]


def test_changes_are_empty_without_a_form(tmp_path: Path) -> None:
    (tmp_path / "brief.txt").write_text("geen formulier", encoding="utf-8")
    result = check_submission(tmp_path, key=KEY, today=today())
    assert result.to_json()["changes"] == []


def test_what_a_value_that_fails_does_by_source_and_confidence() -> None:
    """Typed and surely read: the customer's question (IBAN, e-mail only); handwritten and
    surely read: a person's; an unsure reading: a note beside the crop; the reply address
    never (it has its own check); a value that checks: nothing."""
    form = load_form()

    def one(field: str, source: str, confidence: float, valid: bool = False) -> Status | None:
        change = Change(field, form.field(field).label, "x", source, confidence, valid,
                        None if valid else "klopt niet")
        checks = change_checks([change], form)
        return checks[0].status if checks else None

    assert one("new_iban", "typed", 0.99) is Status.MISSING
    assert one("new_billing_email", "typed", 0.99) is Status.MISSING
    assert one("new_phone", "typed", 0.99) is Status.REVIEW
    assert one("new_iban", "typed", 0.80) is Status.WARNING
    assert one("new_iban", "handwritten", 0.99) is Status.REVIEW
    assert one("new_iban", "handwritten", 0.90) is Status.WARNING
    assert one("new_account_holder", "typed", 0.99) is Status.WARNING
    assert one("reply_email", "typed", 0.99) is None
    assert one("new_iban", "typed", 0.99, valid=True) is None
