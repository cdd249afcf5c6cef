"""Issue 27: an empty box under a worn copier's drum is never `ok`.

A drum's band comes and goes down the page (the own model's bands in stretches of 40 rows,
augraphy's DirtyDrum in streaks): where the box lies in a dense stretch, the band is denser in
the box than on average in the paper around it that the noise is measured on, and its clumps
were writing beyond the noise (`ink-written`). The box's ink is also weighed against the
densest stretch of that noise (``Ink.beyond_peak``; the paper next to any box left out, where
letters run over a border): a box written by the ink rules whose ink is no writing beyond it
goes to a person (`band-stretch`), never `ok` (benchmarks/tuning-ink.md, "Empty boxes in a
band's dense stretch (session 23)").

The detector's line is no proof of writing either where it is seen only with the box's print
kept and nothing is read there (`seen-or-read`): the print and a band's clumps beside it make a
line (benchmarks/tuning-ink.md, "A line seen only with the print kept (session 24)").

The family: ``tests/corpus/drum_pages.py`` (the scan check's drum pages), one page alone, its
boxes empty, or written by hand and signed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import drum_pages
from corpus import external as E

from formgen.check import placement
from formgen.check.fields import hand_decision
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.submission import check_submission
from formgen.check.verdict import Check, Status
from formgen.form.template import get_template


def _decision(how: str, seed: int, box: str, written: bool = False,
              page: int = 2) -> tuple[Status, str]:
    image = drum_pages.dirty_page(page, how, seed, written=written, signed=written)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, drum_pages.DPI, False, None),
                           template, None)
    assert found is not None and found.number == page
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


def test_a_line_seen_only_with_the_print_kept_and_nothing_read_is_no_writing() -> None:
    """bands (the own model) page 2 seed 13, page 1 seed 6: `ok` by `seen-or-read` on main
    (c116a34): the detector saw a line of 21-25 px only with the print kept, nothing read."""
    for page, box in ((2, "sign_place"), (2, "sign_date"), (1, "name")):
        seed = 13 if page == 2 else 6
        status, rule = _decision("bands", seed, box, page=page)
        assert status is not Status.OK, (page, box, rule)


def test_writing_on_the_same_pages_is_still_written() -> None:
    """The same pages written: the place and date by their ink; seed 12's date by the
    detector's line with the print wiped."""
    assert _decision("bands", 13, "sign_place", written=True)[0] is Status.OK
    assert _decision("bands", 13, "sign_date", written=True)[0] is Status.OK
    assert _decision("bands", 12, "sign_date", written=True) == (Status.OK, "seen-or-read")


def _external_check(tmp_path: Path, number: int, tag: str, code: str) -> Check:
    """The check `code` of the external generator's case `number` of seed 7 (tune half)."""
    key = b"external-corpus-key-0123456789abcdef"
    case = E.build_one(tmp_path, key, 7, number)
    assert case.half == "tune" and tag in case.tags
    result = check_submission(case.path, key=key, from_address=case.sender, today=E.today())
    return next(c for c in result.checks if c.code == code)


def test_a_new_value_read_in_a_bands_dense_stretch_is_written(tmp_path: Path) -> None:
    """The external generator's case 235 of seed 7 (tune half; 300 dpi, DirtyDrum and
    LowInkLines, Humor-Sans): the account holder and the billing e-mail, written, were
    `band-stretch` on main (c116a34): the drum's densest stretch around explains their ink
    (beyond it 0.0006 and 0.0027), yet 10 and 15 letters are read there, on lines that do not
    span the box (answer_read). The own model's empty billing e-mail under bands (seed 2, 2
    letters read) stays `band-stretch`."""
    group = _external_check(tmp_path, 235, "aug:DirtyDrum", "group:change")
    assert group.status is Status.OK, group.explain
    assert _decision("bands", 2, "new_billing_email") == (Status.REVIEW, "band-stretch")


def test_a_word_seen_only_with_the_print_kept_among_few_strokes_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The print-kept line rule asks for letters read only where the detector's line decides
    (`seen-or-read`); few_strokes_unseen counts any line the detector sees. The external
    generator's case 149 of seed 7 (tune half; 200 dpi, Folding): "Assen" in the place box,
    measured straight (bent borders not followed, as before session 25), a line of 51 px seen
    with the print kept, nothing read: `strokes-few-unseen` on 26a1587, `ink-written` now."""
    monkeypatch.setattr(placement, "_bent", lambda page, mask, rect, offset: offset)
    place = _external_check(tmp_path, 149, "aug:Folding", "field:sign_place")
    assert place.status is Status.OK, place.explain
