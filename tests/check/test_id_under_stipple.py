"""A small ID card copied on a worn copier and photographed turned is found among the dots.

The copier covers the page with dots (augraphy's DirtyDrum and BadPhotoCopy in the external
generator, tests/corpus/external.py; the families generator's own heavy copier model,
tests/corpus/families.py): the text detector takes rows of dots for text and finds no box of the
card. The card is located by its letter strokes (formgen/check/identity/stipple.py). Seeds
below were not read before (benchmarks/tuning-copier.md). Clean print, scanned at 150-300 dpi
or photographed, is never taken for a page of dots (the search costs such a page nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

import numpy as np
import pytest
from corpus import external as E
from corpus import families as F

from formgen.check.identity.document import analyse_id_page
from formgen.check.identity.stipple import find_text
from formgen.icao import icao_name

TODAY = dt.date(2026, 12, 5)


def _external(tag: str) -> tuple[np.ndarray, str]:
    rng = random.Random(tag)
    person = E.make_person(rng)
    doc = E.id_document(person, 200, rng, passport=False)
    page = E.id_on_page(doc, 200, rng, scale=rng.uniform(0.75, 1.15),
                        angle=rng.choice([0, 0, rng.uniform(-20, 20), 90, -90]))
    page = E.augraphy_pass(page, ["BadPhotoCopy", "DirtyDrum"], rng.randint(0, 10 ** 6))
    return E.photograph(page, rng, turns=rng.choice([1, 2, 3])), person.surname


def _families(tag: str) -> tuple[np.ndarray, str]:
    rng = random.Random(tag)
    person = E.make_person(rng)
    page = F.on_page(F.id_card(person, F.DPI, rng), rng)
    return F.phone_photo(F.copier(F.printed(page, rng), rng, heavy=True), rng,
                         turns=rng.choice([1, 2, 3])), person.surname


@pytest.mark.parametrize(("generator", "tag"), [
    (_families, "famcopyid5"), (_external, "ddtune4")])
def test_a_small_id_under_copier_dots_is_read(
        generator: Callable[[str], tuple[np.ndarray, str]], tag: str) -> None:
    page, surname = generator(tag)
    result = analyse_id_page(page, today=TODAY)
    assert result.mrz_valid, result.check_failures
    assert result.surname is not None
    assert result.surname.replace(" ", "<") == icao_name(surname), "a valid MRZ read wrong"


@pytest.mark.parametrize(("seed", "dpi"), [(0, 150), (3, 300)])
def test_clean_print_is_no_page_of_dots(seed: int, dpi: int) -> None:
    rng = random.Random(f"clean{seed}")
    d = E.Draw(rng, seed, b"stipple-test-key-0123456789abcdef")
    paper = E.paper(d, dpi=dpi)
    form = paper.form_pages
    pages = form + [E.photograph(form[1], rng, turns=1), F.phone_photo(form[0], rng),
                    F.flatbed(F.printed(form[1], rng), rng, 200)]
    assert [find_text(page) is None for page in pages] == [True] * len(pages)
