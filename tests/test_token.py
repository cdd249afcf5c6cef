import datetime as dt

import pytest

from formgen import token as tokens
from formgen.errors import TokenError

PREFILLED = tokens.Token("WIJZIGING-KK", 1, 1, 2, "R123", "K42", dt.date(2026, 11, 25))


def test_prefilled_token_round_trips(key: bytes) -> None:
    text = tokens.encode(PREFILLED, key)
    assert tokens.verify(text, key) == PREFILLED


@pytest.mark.parametrize("position", range(0, 80, 3))
def test_one_changed_character_fails(key: bytes, position: int) -> None:
    text = tokens.encode(PREFILLED, key)
    position %= len(text)
    if text[position] == ":":
        position += 1
    changed = text[:position] + ("A" if text[position] != "A" else "B") + text[position + 1:]
    with pytest.raises(TokenError):
        tokens.verify(changed, key)


def test_other_key_fails(key: bytes) -> None:
    text = tokens.encode(PREFILLED, key)
    with pytest.raises(TokenError, match="ongeldig"):
        tokens.verify(text, b"another-secret-key-of-enough-length")


def test_prefilled_token_needs_a_key() -> None:
    with pytest.raises(TokenError, match="sleutel"):
        tokens.encode(PREFILLED, None)


def test_blank_token_is_unsigned() -> None:
    blank = tokens.Token("WIJZIGING-KK", 1, 2, 2)
    text = tokens.encode(blank, None)
    assert text == "WZL1:WIJZIGING-KK:1:2/2"
    assert tokens.verify(text, None) == blank


def test_blank_texts_are_the_codes_printed_on_the_blank_form() -> None:
    import numpy as np
    import pypdfium2 as pdfium
    import zxingcpp

    from formgen.form import blank_form
    from formgen.form.template import get_template

    form = get_template().form
    texts = tokens.blank_texts(form.id, form.version, form.page_count)
    assert [tokens.verify(text, None).page for text in texts] == list(range(1, form.page_count + 1))
    printed = [[r.text for r in zxingcpp.read_barcodes(np.asarray(page.render(scale=3).to_pil()))]
               for page in pdfium.PdfDocument(blank_form())]
    assert printed == [[text] for text in texts]


def test_page_tokens_differ(key: bytes) -> None:
    assert tokens.encode(PREFILLED, key) != tokens.encode(PREFILLED.for_page(2), key)


@pytest.mark.parametrize("text", ["", "hello", "WZL1:X:1", "WZL1:X:a:1/2", "WZL1:X:1:3/2",
                                  "WZL1:X:1:1/2:R1:K1:20261340:TAG"])
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(TokenError):
        tokens.parse(text)


def test_request_ids_are_unique() -> None:
    ids = {tokens.new_request_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(tokens.ID_PATTERN.match(i) for i in ids)


# Whitespace and line ends a validator written with "$" or match() lets through at the end
# (or, for int(), anywhere around a number).
TRAILING = ["\n", "\r", "\r\n", " ", "\t", "\v", "\f", "\x85", "\u2028", "\x00"]


@pytest.mark.parametrize("end", TRAILING)
def test_an_id_with_trailing_whitespace_is_no_id(end: str) -> None:
    assert not tokens.ID_PATTERN.fullmatch("R123" + end)
    assert not tokens.ID_PATTERN.match("R123" + end)  # the pattern itself is anchored at \Z
    for request_id, customer_id in (("R123" + end, "K42"), ("R123", "K42" + end)):
        with pytest.raises(TokenError, match="mag alleen"):
            tokens.encode(tokens.Token("WIJZIGING-KK", 1, 1, 2, request_id, customer_id,
                                       dt.date(2026, 11, 25)), b"k" * 32)


def _parts(key: bytes) -> list[str]:
    return tokens.encode(PREFILLED, key).split(":")


@pytest.mark.parametrize("end", TRAILING)
@pytest.mark.parametrize("index", range(1, 8))
def test_a_token_part_with_trailing_whitespace_is_rejected(key: bytes, index: int,
                                                           end: str) -> None:
    """Every part of a token read from a QR code, with a line end or space after it (the last
    part too: only the whole text's ends are stripped, not a part's before a ':')."""
    parts = _parts(key)
    parts[index] += end
    if index == 7:
        parts.append("")  # the tag's end is not the text's end
    with pytest.raises(TokenError):
        tokens.parse(":".join(parts))


@pytest.mark.parametrize("number", [" 1", "+1", "1_0", "\u0661", "-1", "0x1"])
def test_numbers_are_plain_digits(number: str) -> None:
    for text in (f"WZL1:WIJZIGING-KK:{number}:1/2", f"WZL1:WIJZIGING-KK:1:{number}/2",
                 f"WZL1:WIJZIGING-KK:1:1/{number}"):
        with pytest.raises(TokenError):
            tokens.parse(text)


def test_a_whole_token_keeps_tolerating_space_around_it(key: bytes) -> None:
    text = tokens.encode(PREFILLED, key)
    assert tokens.verify(text + "\n", key) == tokens.verify(" " + text + "\r\n", key) == PREFILLED


WITH_HOLDER = tokens.Token("WIJZIGING-KK", 1, 1, 2, "R123", "K42", dt.date(2026, 11, 25),
                           tokens.holder_text("Zoë Müller-de Groot"), tokens.id_number_text("x1234567z"))  # noqa: E501


def test_the_holder_and_id_number_round_trip(key: bytes) -> None:
    assert WITH_HOLDER.holder == "ZOE+MUELLER+DE+GROOT" and WITH_HOLDER.id_number == "X1234567Z"
    text = tokens.encode(WITH_HOLDER, key)
    assert text.split(":")[7:9] == ["ZOE+MUELLER+DE+GROOT", "X1234567Z"]
    assert tokens.verify(text, key) == WITH_HOLDER
    assert WITH_HOLDER.holder_name == "ZOE MUELLER DE GROOT"


def test_a_token_printed_before_without_the_holder_still_verifies(key: bytes) -> None:
    old = tokens.encode(PREFILLED, key)
    assert len(old.split(":")) == 8
    token = tokens.verify(old, key)
    assert token.holder is None and token.id_number is None and token.request_id == "R123"


def test_the_holder_is_signed(key: bytes) -> None:
    parts = tokens.encode(WITH_HOLDER, key).split(":")
    for index, value in ((7, "ZOE+MULLER+DE+GROOT"), (8, "X1234568Z"), (7, "")):
        changed = parts.copy()
        changed[index] = value
        with pytest.raises(TokenError):
            tokens.verify(":".join(changed), key)
    with pytest.raises(TokenError):  # the holder dropped: the old format, but the tag differs
        tokens.verify(":".join(parts[:7] + parts[9:]), key)


@pytest.mark.parametrize("part", ["Zoe", "ZOE MULLER", "ZOE+", "+ZOE", "A" * 29, "ZOE:X"])
def test_a_holder_that_is_no_folded_name_is_rejected(part: str) -> None:
    text = f"WZL1:WIJZIGING-KK:1:1/2:R1:K1:20261125:{part}:X1:" + "A" * 26
    with pytest.raises(TokenError):
        tokens.parse(text)


@pytest.mark.parametrize(("name", "folded"), [
    ("Maria Wilhelmina Johanna van den Berg-Oudshoorn", "MARIA+VAN+DEN+BERG+OUDSHOORN"),
    ("Søren d'Ancona", "SOEREN+DANCONA"),
    ("Jan 2e de Vries", "JAN+E+DE+VRIES"),
])
def test_a_long_name_keeps_its_first_given_name_and_surname(name: str, folded: str) -> None:
    assert tokens.holder_text(name) == folded
    assert len(tokens.holder_text(name)) <= tokens.HOLDER_CHARS


def test_a_prefilled_code_stays_qr_version_5(key: bytes) -> None:
    """The holder and ID number make the code of a prefilled page 37 modules (version 5) at
    the longest name and usual ids; the reader's bent-grid fit knows versions up to 6."""
    from formgen.form.qr import qr_rows

    longest = tokens.Token("WIJZIGING-KK", 1, 1, 2, tokens.new_request_id(), "KK1234567",
                           dt.date(2026, 11, 25), "A" * tokens.HOLDER_CHARS,
                           "X" * tokens.ID_NUMBER_CHARS)
    assert len(qr_rows(tokens.encode(longest, key))) == 37
    assert len(qr_rows(tokens.encode(PREFILLED, key))) <= 33
