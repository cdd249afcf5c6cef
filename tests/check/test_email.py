import pytest

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


# Bidi controls and other format characters: they reorder or hide what a person reads.
HIDDEN = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
          "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200d", "\ufeff", "\u00ad"]


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("where", ["local", "domain", "end"])
def test_address_with_a_bidi_or_format_character_is_not_valid(hidden: str, where: str) -> None:
    address = {"local": f"ja{hidden}n@voorbeeld.nl", "domain": f"jan@voor{hidden}beeld.nl",
               "end": f"jan@voorbeeld.nl{hidden}"}[where]
    for option, sender, typed in ((address, None, None), (None, address, None),
                                  (None, None, address)):
        check, reply_to = check_email(option, sender, typed, False)
        assert reply_to is None and check.status is Status.MISSING
        assert hidden not in check.message and "\ufffd" in check.message


def test_address_holding_replacement_characters_is_not_valid() -> None:
    """U+FFFD stands for bytes that were not text: not an address we can answer."""
    check, reply_to = check_email(None, "j\ufffdn@voorbeeld.nl", None, False)
    assert reply_to is None and check.status is Status.MISSING


@pytest.mark.parametrize(("unicode", "ascii"), [
    ("jan@voorébeld.nl", "jan@xn--voorbeld-e1a.nl"),
    ("info@bücher.de", "info@xn--bcher-kva.de"),
])
def test_idn_domain_is_kept_in_unicode_either_way(unicode: str, ascii: str) -> None:
    assert check_email(None, unicode, None, False)[1] == unicode
    assert check_email(None, ascii, None, False)[1] == unicode
    shouted = check_email(None, ascii.upper(), None, False)[1]
    assert shouted is not None and shouted.split("@")[1] == unicode.split("@")[1]
