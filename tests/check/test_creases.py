"""Issue 27: a word written at a crease is in its box.

A sheet folded and not flattened on the glass dips along the crease: the box's border and what
is written in it go down (or up) together there, while the corner marks place the page as if it
were flat. Measured straight, a short word at the dip lay half below the box (the external
corpus' "Assen" under augraphy's Folding: `noise-without-strokes`, `strokes-few-unseen`). The
placement follows a box's top and bottom lines column by column and measures the box
straightened where its border is bent (``placement._bent``; benchmarks/tuning-placement.md,
"Bent borders (session 25)"). The family: ``tests/corpus/creases.py``, the other generator of
the class.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from corpus.creases import PAGE, creased_page

from formgen.check.fields import hand_decision
from formgen.check.form_pages import find_form_page
from formgen.check.ink import darker_than_paper, pixel_box, thin_print
from formgen.check.intake.model import Page
from formgen.check.placement import find_box, moved
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template


def _found(image: np.ndarray, dpi: int):  # type: ignore[no-untyped-def]
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), get_template(), None)
    assert found is not None and found.number == PAGE
    return found


@pytest.fixture(scope="module")
def seed_12() -> tuple:  # type: ignore[type-arg]
    """Seed 12 (tune): the place box written at a crease that dips 10.5 px (150 dpi); on main
    (26a1587) `review` by `noise-without-strokes`: measured straight, the word lay half below
    the box."""
    return creased_page(12, written=True), creased_page(12, written=False)


def test_a_word_at_a_crease_is_written(seed_12: tuple) -> None:  # type: ignore[type-arg]
    written, _ = seed_12
    assert written.box == "sign_place" and written.depth > 10
    decision = hand_decision([_found(written.image, written.dpi)], get_template(), written.box)
    assert decision.status is Status.OK, decision.rules


def test_the_same_box_left_empty_at_the_crease_is_empty(seed_12: tuple) -> None:  # type: ignore[type-arg]
    _, empty = seed_12
    assert empty.box == "sign_place"
    decision = hand_decision([_found(empty.image, empty.dpi)], get_template(), empty.box)
    assert decision.status is Status.MISSING, decision.rules


def test_the_bent_border_is_followed_and_straightened(seed_12: tuple) -> None:  # type: ignore[type-arg]
    """The place box's border found bent (most of the crease's depth: the crease's shadow at
    its tip tells nothing, and the path cuts that corner), and the view the box is measured on
    holds its border straight: a top and a bottom row dark over nearly the whole box."""
    written, _ = seed_12
    found = _found(written.image, written.dpi)
    template = get_template()
    thin = thin_print(template.pdf)[PAGE - 1]
    rect = template.layout.box("sign_place").rect
    offset = find_box(found.warped, thin, rect)
    assert offset.found and 0.6 * written.depth <= offset.bent <= written.depth + 2
    x0, y0, x1, y1 = pixel_box(rect)
    straight = moved(found.warped, offset)
    dark = darker_than_paper(straight)[y0 - 4:y1 + 4, x0:x1] > 30  # placement.DARK
    rows = cv2.dilate(dark.astype(np.uint8), np.ones((3, 1), np.uint8)).mean(axis=1)
    assert rows[:len(rows) // 2].max() > 0.95 and rows[len(rows) // 2:].max() > 0.95, rows


def test_a_flat_page_has_no_bent_border() -> None:
    """Every box of both pages of a flat scan (the blank form, rendered and scanned) is
    measured straight."""
    import random

    from corpus import families as F

    template = get_template()
    for number, image in enumerate(F.render(blank_form(), F.DPI), start=1):
        scan = F.flatbed(image, random.Random(number), 150)
        found = find_form_page(Page("scan.png", 1, 1, scan, 150, False, None), template, None)
        assert found is not None and found.number == number
        thin = thin_print(template.pdf)[number - 1]
        for box in template.layout.boxes:
            if box.field.page == number:
                offset = find_box(found.warped, thin, box.rect)
                assert offset.bend == (), (box.field.id, offset.bent)
