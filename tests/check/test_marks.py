"""Accents a typed value's reading lost, put back from the page (check.marks)."""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from formgen.check.marks import resolve_confusables, restore_marks
from formgen.form.fonts import REGULAR
from formgen.resources import fonts_dir

MARKED = ("Zoë Öztürk", "Émile Ørsted", "België", "Ayse Çelik", "Søren Visser",
          "Thi Lan Müller", "François Lefèvre", "José Peña")  # Latin-1 marks only
PLAIN = ("Den Haag", "Nederland", "Kerkstraat 83", "Keizersgracht 144", "Jeroen van den Berg",
         "Lieke Willemsen", "Stationsplein 103", "Noor El Amrani")


def _typed_line(text: str, size: int, seed: int) -> np.ndarray:
    """The line as the recogniser gets it: the field font, a little blur and scanner noise."""
    font = ImageFont.truetype(str(fonts_dir() / REGULAR), size)
    image = Image.new("L", (int(font.getlength(text)) + 16, size * 2), 255)
    ImageDraw.Draw(image).text((8, size // 3), text, fill=25, font=font)
    blurred = cv2.GaussianBlur(np.asarray(image), (0, 0), 0.9)
    noise = np.random.default_rng(seed).normal(0, 6, blurred.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)


def _as_read(text: str) -> str:
    """What PP-OCR reads: the letters without their marks."""
    return "".join(c for c in unicodedata.normalize("NFD", text.replace("ø", "o").replace(
        "Ø", "O")) if not unicodedata.combining(c))


@pytest.mark.parametrize("size", [28, 34])  # px a line is read at: 10 pt at 150 dpi, 1.5 times
def test_marks_are_put_back_and_never_added(size: int) -> None:
    for seed, text in enumerate(PLAIN):
        assert restore_marks(_typed_line(text, size, seed), _as_read(text)) == text, text
    restored = [text for seed, text in enumerate(MARKED, start=len(PLAIN))
                if restore_marks(_typed_line(text, size, seed), _as_read(text)) == text]
    assert len(restored) >= len(MARKED) - 1, set(MARKED) - set(restored)



CONFUSED = (("noor1@test.nl", "noorl@test.nl"), ("NL91ABNA0417164300", "NL91ABNAO417164300"),
            ("Noor El Amrani", "Noor E1 Amrani"), ("Stationsplein 103", "Stationsplein 1O3"))


@pytest.mark.parametrize("size", [28, 34])
def test_a_1_read_as_l_is_put_right_and_a_right_reading_kept(size: int) -> None:
    for seed, (text, read) in enumerate(CONFUSED):
        line = _typed_line(text, size, seed)
        assert resolve_confusables(line, read) == text, (text, read)
        assert resolve_confusables(line, text) == text, text
    for seed, text in enumerate(PLAIN + MARKED):
        assert resolve_confusables(_typed_line(text, size, seed), text) == text, text
