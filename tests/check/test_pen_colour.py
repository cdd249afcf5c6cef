"""Issue 27: a ballpoint's blue under a copier's grey noise is writing.

A light blue pen under a worn drum's toner was measured only in grey, where the toner's
clumps are as dark as the pen: the box went to a person (`ink-little`, `grain-unread`,
`noise-without-strokes`). The print, toner and grain are grey; a ballpoint's blue is a colour.
A required text box or the signature left to a person whose pen-coloured ink alone is writing
by the ink rules, beyond the pen-coloured noise of the paper around, is written
(`pen-colour`; ``ink.pen_coloured``, ``decision.pen_colour_written``;
benchmarks/tuning-ink.md, "Pen-coloured ink (session 25)"). A grey copy has no colour to
tell by: the rule does not apply there.

The family: ``tests/corpus/bands.py`` (page 2 under the third corpus' drum stipple, its own
hands in blue ballpoints, a flatbed scan in colour), the draws of
``benchmarks/bench_bands.py --generator families`` (tune seeds).
"""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest
from corpus import bands as B

from formgen.check.fields import hand_decision
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template


def _decide(image: np.ndarray, dpi: int, box: str) -> tuple[Status, list[str]]:
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    assert found is not None and found.number == 2
    decision = hand_decision([found], template, box)
    return decision.status, decision.rules


@pytest.fixture(scope="module")
def seed_117() -> tuple[np.ndarray, int, set[str]]:
    """Seed 117: the signer's name in a light blue pen under the stipple, `review`
    (`ink-little`) on main (26a1587); its signature box left empty."""
    return B.families_draw(117)


def test_a_blue_name_under_toner_is_written(seed_117: tuple[np.ndarray, int, set[str]]) -> None:
    image, dpi, written = seed_117
    assert "signer_name" in written
    status, rules = _decide(image, dpi, "signer_name")
    assert (status, rules[-1]) == (Status.OK, "pen-colour")


def test_the_same_page_in_grey_has_no_colour_to_tell_by(
        seed_117: tuple[np.ndarray, int, set[str]]) -> None:
    image, dpi, _ = seed_117
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    status, rules = _decide(grey, dpi, "signer_name")
    assert status is Status.REVIEW and "pen-colour" not in rules


def test_an_empty_box_on_the_same_colour_page_is_not_written(
        seed_117: tuple[np.ndarray, int, set[str]]) -> None:
    image, dpi, written = seed_117
    assert "signature" not in written
    status, rules = _decide(image, dpi, "signature")
    assert status is not Status.OK and "pen-colour" not in rules


def test_grey_toner_over_an_empty_box_is_no_pen_colour() -> None:
    """A box darkened by toner alone, on a colour scan: grey clumps, no pen-coloured pixel
    beyond the paper's (the stipple drawn over an empty page-2 box, then a colour flatbed)."""
    from corpus import families as F

    from formgen.form import blank_form

    rng = random.Random(5)
    page = F.render(blank_form(), F.DPI)[1].copy()
    x0, y0, x1, y1 = F.box_px("sign_place")
    page = F.drum_stipple(page, rng, [(y0 + y1) // 2, y0, y1])
    scan = F.flatbed(page, rng, 200)
    status, rules = _decide(scan, 200, "sign_place")
    assert status is not Status.OK and "pen-colour" not in rules
