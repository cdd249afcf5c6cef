from formgen.check.email import check_email
from formgen.check.verdict import Status


def test_option_wins_over_sender() -> None:
    check, address = check_email("Klant@Voorbeeld.NL", "other@voorbeeld.nl", None, False)
    assert check.status is Status.OK and address == "Klant@voorbeeld.nl"


def test_sender_then_typed_field() -> None:
    assert check_email(None, "a@voorbeeld.nl", "b@voorbeeld.nl", False)[1] == "a@voorbeeld.nl"
    assert check_email(None, None, "b@voorbeeld.nl", False)[1] == "b@voorbeeld.nl"


def test_bad_syntax_is_missing_and_named() -> None:
    check, address = check_email(None, None, "jan@@voorbeeld", False)
    assert check.status is Status.MISSING and "jan@@voorbeeld" in check.message
    assert address is None


def test_handwritten_address_needs_a_person() -> None:
    assert check_email(None, None, None, True)[0].status is Status.REVIEW


def test_no_address_at_all_is_missing() -> None:
    check, _ = check_email(None, None, None, False)
    assert check.status is Status.MISSING and check.code == "email"
