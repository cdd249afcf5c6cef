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
