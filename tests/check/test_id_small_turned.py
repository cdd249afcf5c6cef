"""Issue 10, classes 4-6: an identity document that is small on its page, or turned, is read.

Built with the external corpus's own drawing (tests/corpus/external.py), not the project's ID
generator: a passport data page placed low on an A4 copy and photographed upside down, and an
ID card at 80% size, tilted, on a phone photo. Both MRZs must be found and valid.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from corpus.external import id_document, id_on_page, make_person, photograph

from formgen.check.identity.document import analyse_id_page


@pytest.mark.parametrize(("passport", "scale", "angle", "turns"),
                         [(True, 0.98, 0.0, 2), (False, 0.8, 12.0, 0)])
def test_small_or_turned_document_on_a_photo(passport: bool, scale: float, angle: float,
                                             turns: int) -> None:
    rng = random.Random(f"{passport}:{turns}")
    person = make_person(rng)
    doc = id_document(person, 200, rng, passport=passport)
    page = id_on_page(doc, 200, rng, scale=scale, angle=angle)
    result = analyse_id_page(photograph(page, rng, turns=turns), today=dt.date.today())
    assert result.mrz_valid, result.check_failures
    assert result.surname.replace(" ", "") == person.surname.upper().replace(" ", "")
