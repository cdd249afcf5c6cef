import pytest

from formgen.check.verdict import Check, Status, Verdict, decide


def _checks(*statuses: Status) -> list[Check]:
    return [Check(f"c{i}", s, "") for i, s in enumerate(statuses)]


@pytest.mark.parametrize(("statuses", "expected"), [
    ((Status.OK, Status.OK), Verdict.COMPLETE),
    ((Status.OK, Status.WARNING), Verdict.COMPLETE),
    ((Status.OK, Status.REVIEW, Status.WARNING), Verdict.REVIEW),
    ((Status.REVIEW, Status.MISSING), Verdict.INCOMPLETE),
    ((Status.MISSING, Status.WARNING), Verdict.INCOMPLETE),
])
def test_verdict_rules(statuses: tuple[Status, ...], expected: Verdict) -> None:
    assert decide(_checks(*statuses), readable=True) is expected


def test_nothing_readable_is_unreadable() -> None:
    assert decide(_checks(Status.OK), readable=False) is Verdict.UNREADABLE
