"""Accents a typed value's reading lost, put back from the page (check.marks)."""

from __future__ import annotations

import unicodedata

import pytest
from corpus.typed_lines import typed_line

from formgen.check.marks import resolve_confusables, restore_marks

MARKED = ("Zoë Öztürk", "Émile Ørsted", "België", "Ayse Çelik", "Søren Visser",
          "Thi Lan Müller", "François Lefèvre", "José Peña")  # Latin-1 marks only
PLAIN = ("Den Haag", "Nederland", "Kerkstraat 83", "Keizersgracht 144", "Jeroen van den Berg",
         "Lieke Willemsen", "Stationsplein 103", "Noor El Amrani")


def _as_read(text: str) -> str:
    """What PP-OCR reads: the letters without their marks."""
    return "".join(c for c in unicodedata.normalize("NFD", text.replace("ø", "o").replace(
        "Ø", "O")) if not unicodedata.combining(c))


@pytest.mark.parametrize("size", [28, 34])  # px a line is read at: 10 pt at 150 dpi, 1.5 times
def test_marks_are_put_back_and_never_added(size: int) -> None:
    for seed, text in enumerate(PLAIN):
        assert restore_marks(typed_line(text, size, seed), _as_read(text)) == text, text
    restored = [text for seed, text in enumerate(MARKED, start=len(PLAIN))
                if restore_marks(typed_line(text, size, seed), _as_read(text)) == text]
    assert len(restored) >= len(MARKED) - 1, set(MARKED) - set(restored)



CONFUSED = (("noor1@test.nl", "noorl@test.nl"), ("NL91ABNA0417164300", "NL91ABNAO417164300"),
            ("Noor El Amrani", "Noor E1 Amrani"), ("Stationsplein 103", "Stationsplein 1O3"))


@pytest.mark.parametrize("size", [28, 34])
def test_a_1_read_as_l_is_put_right_and_a_right_reading_kept(size: int) -> None:
    for seed, (text, read) in enumerate(CONFUSED):
        line = typed_line(text, size, seed)
        assert resolve_confusables(line, read) == text, (text, read)
        assert resolve_confusables(line, text) == text, text
    for seed, text in enumerate(PLAIN + MARKED):
        assert resolve_confusables(typed_line(text, size, seed), text) == text, text
