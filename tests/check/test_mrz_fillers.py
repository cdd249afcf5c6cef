"""An MRZ's name row has no check digit: fillers read as letters ("YARA<<<" read "YARAK<?C")
made the holder's own ID card look like a relative's (issue 27, a folded phone photo of the
external generator's card). A cell shaped like the row's own fillers is a filler; no letter of
a name is (K, whose arms are a <, least of all). Rows drawn by the external generator's card.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from corpus import external as E
from mrz.generator.td1 import TD1CodeGenerator

from formgen.check.identity.mrz_rows import filler_cells

DPI = 200


def _name_row(given: str, surname: str) -> tuple[np.ndarray, list[int], str]:
    """The card's name row (grey), its cells' borders and the row's text, as the generator
    draws them (tests/corpus/external.py id_document)."""
    rng = random.Random(3)
    person = E.make_person(rng)
    card = E.id_document(person, DPI, rng, passport=False, given=given, surname=surname)
    grey = card.mean(axis=2).astype(np.uint8)
    s = DPI / 25.4
    top = round(card.shape[0] - (3 * 4.2 + 2.5) * s + 2 * 4.2 * s)
    row = grey[top - round(0.4 * s):top + round(4.0 * s)]
    edges = [round(3 * s + j * 2.54 * s - 0.2 * s) for j in range(31)]
    text = str(TD1CodeGenerator("I", "NLD", "AB1234567", "900101", "F", "300101", "NLD",
                                surname, given)).splitlines()[2]
    return row, edges, text


def test_fillers_read_as_letters_are_fillers() -> None:
    row, edges, text = _name_row("Yara", "Verhoeven")
    assert text == "VERHOEVEN<<YARA<<<<<<<<<<<<<<<"
    read = "VERHOEVEN<<YARAK<?C<C?KCC?C<CC"  # as read off the folded photo (tune draw t-33)
    fixed = "".join("<" if f else ch for f, ch in zip(filler_cells(row, edges, read), read,
                                                       strict=True))
    assert fixed == text


@pytest.mark.parametrize(("given", "surname"), [
    ("Hendrika", "Kok"), ("Kees", "Dekker"), ("Koen", "Hoekstra"), ("Mila", "Kuipers")])
def test_no_letter_is_taken_for_a_filler(given: str, surname: str) -> None:
    row, edges, text = _name_row(given, surname)
    assert not any(filler_cells(row, edges, text))
