"""Issue 27: an empty box under a worn copier's drum is never `ok`.

A drum's band comes and goes down the page (the own model's bands in stretches of 40 rows,
augraphy's DirtyDrum in streaks): where the box lies in a dense stretch, the band is denser in
the box than on average in the paper around it that the noise is measured on, and its clumps
were writing beyond the noise (`ink-written`). The box's ink is also weighed against the
densest stretch of that noise (``Ink.beyond_peak``; the paper next to any box left out, where
letters run over a border): a box written by the ink rules whose ink is no writing beyond it
goes to a person (`band-stretch`), never `ok` (benchmarks/tuning-ink.md, "Empty boxes in a
band's dense stretch (session 23)").

The family: ``tests/corpus/drum_pages.py`` (the scan check's drum pages), page 2 alone, its
boxes empty, or written by hand and signed.
"""

from __future__ import annotations

from corpus import drum_pages

from formgen.check.fields import hand_decision
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template


def _decision(how: str, seed: int, box: str, written: bool = False) -> tuple[Status, str]:
    image = drum_pages.dirty_page(2, how, seed, written=written, signed=written)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, drum_pages.DPI, False, None),
                           template, None)
    assert found is not None and found.number == 2
    decision = hand_decision([found], template, box)
    return decision.status, decision.rule


def test_an_empty_signature_in_a_bands_dense_stretch_is_not_signed() -> None:
    """bands seed 3: `ok` by `ink-written` on main (54c46ef): beyond the noise 0.011 of the
    box, the noise 0.031 of 0.042; the band's densest stretch around explains all of it."""
    assert _decision("bands", 3, "signature") == (Status.REVIEW, "band-stretch")


def test_an_empty_signature_under_a_dirty_drum_is_not_signed() -> None:
    """drum seed 14 (augraphy DirtyDrum, black and white): `ok` by `ink-written` on main,
    beyond the noise 0.0063 (SIGNATURE_MIN_FRACTION 0.006); beyond its densest stretch
    0.0023."""
    assert _decision("drum", 14, "signature") == (Status.REVIEW, "band-stretch")
