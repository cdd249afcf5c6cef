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
