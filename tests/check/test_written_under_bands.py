"""Issue 27: handwriting in the signature block of a worn copier's copy (toner bands, mottling)
is writing; the pen strokes that touch a band are not taken away with it.

`ink._lines` drops straight lines (a box's border on a page a few pixels off, fold lines,
streaks) by fitting long straight segments into the dark pixels. In a dense band of drum stipple
or a bad photocopy's mottling such segments fit everywhere, the band reaches out of the box, and
every pen stroke touching it that holds a straight run joined it: a signature's loops and its
underline, a date's digits were taken for a line (8,583 of 14,168 dark pixels in one signature
box), and the box went to a person. Now a line is a thin piece of runs (area over length); of a
band only its body goes (wherever it lies, with the short clumps hanging off it), the pen
strokes that run on out of it stay writing (benchmarks/tuning-ink.md, "Written boxes under a
bad photocopy and a dirty drum", "A band's body goes wherever it lies").

Two generators, page 2 written by hand (name, place, date, signature):

- external: Debian handwriting fonts, OpenCV loops, augraphy BadPhotoCopy + DirtyDrum, its
  scanner;
- families: other hands letter by letter, the spline signature model, the families generator's
  drum stipple (``families.drum_stipple``: mottled toner bands across the page, two of them on
  the signature block), its flatbed scanner.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
from corpus import bands as B

from formgen.check.fields import check_form_pages, hand_decision
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template

# Pages with boxes left empty (generator, seed, the external page's empty boxes or the
# families variant), from benchmarks/bench_bands.py's report draws.
EMPTY_PAGES = {("families", 132): "unsigned", ("external", 140): frozenset({"signature"}),
               ("external", 144): frozenset({"sign_place", "sign_date", "signature"}),
               ("external", 231): frozenset({"signer_name", "sign_place", "sign_date"}),
               ("external", 202): frozenset(B.BOXES)}


def _page(case: tuple[str, int]) -> tuple[np.ndarray, int]:
    generator, seed = case
    empty = EMPTY_PAGES.get(case)
    if generator == "external":
        return B.external_page(seed, empty=empty if isinstance(empty, frozenset) else frozenset())
    return B.families_page(seed, empty if isinstance(empty, str) else "complete")[:2]


def judge(case: tuple[str, int]) -> dict[str, Status]:
    """The statuses of the signature block's boxes on one page of the family."""
    image, dpi = _page(case)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    assert found is not None and found.number == 2, case
    checks, _ = check_form_pages([found], template)
    return {c.code.split(":")[-1]: c.status for c in checks
            if c.code.split(":")[-1] in B.BOXES}


# Pen strokes that touch a band and run on out of it; each was `review` (`ink-little`) before.
TOUCHING = {("external", 115): ("signature",), ("external", 124): ("sign_date",),
            ("families", 4): ("signature",), ("families", 7): ("signer_name", "signature")}


# Signatures under a band that lies over the box's printed border: the border is all there
# (cover 1.0) but its match drowns in the band (border_score under FOUND_SCORE), so rule
# strokes-written was not asked; `review` (`ink-little`) on main (8106d4f), `ok` by
# strokes-under-band now (bench_bands.py tune draws, external bands).
UNDER_BAND = {("external", 116): ("signature",), ("external", 121): ("signature",)}


@pytest.fixture(scope="module")
def judged() -> dict[tuple[str, int], dict[str, Status]]:
    cases = [*TOUCHING, *EMPTY_PAGES, *UNDER_BAND]
    with ProcessPoolExecutor(2) as pool:
        return dict(zip(cases, pool.map(judge, cases), strict=True))


def test_pen_strokes_touching_a_band_are_writing(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    wrong = [(case, box, judged[case][box]) for case, boxes in TOUCHING.items()
             for box in boxes if judged[case][box] is not Status.OK]
    assert wrong == []


def test_a_signature_under_a_band_over_its_border_is_signed(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    wrong = [(case, box, judged[case][box]) for case, boxes in UNDER_BAND.items()
             for box in boxes if judged[case][box] is not Status.OK]
    assert wrong == []


def test_writing_under_bands_is_never_missing(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    assert [(case, statuses) for case, statuses in judged.items()
            if case in {**TOUCHING, **UNDER_BAND} and Status.MISSING in statuses.values()] == []


# Empty boxes under bands judged `ok` on main (ff034a8): the families drum's stipple in the
# unsigned box of seed 132 was a signature (`ink-written`); a band's body kept out of the box
# as around it leaves it `review`. External seed 140's empty signature was signed by
# `pen-lines-under-specks` (ae15c23): thin light pieces inside a row of drum clumps, 254 px,
# span 0.55; only pieces clear of the clumps' dark bodies count now (32 px). Seed 144's empty
# date was `ok` (`ink-written`, kept amid grain by an answer read): PP-OCR read 7 letters on a
# line running 27-34 px out of the box on both sides, the band. Seed 231 (an extra tune draw)
# kept its empty name `ok` as light ink seen as text: the detector's line was a row of band
# clumps read from edge to edge of the box. Such a line is neither an answer nor text now.
EMPTY_OK = [pytest.param(("families", 132), "signature", id="families-132-signature"),
            pytest.param(("external", 140), "signature", id="external-140-signature"),
            pytest.param(("external", 144), "sign_date", id="external-144-sign_date"),
            pytest.param(("external", 231), "signer_name", id="external-231-signer_name")]


@pytest.mark.parametrize(("case", "box"), EMPTY_OK)
def test_an_empty_box_under_bands_is_never_written(
        judged: dict[tuple[str, int], dict[str, Status]], case: tuple[str, int],
        box: str) -> None:
    assert judged[case][box] is not Status.OK


def test_empty_text_boxes_holding_only_a_bands_noise_are_missing(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    """An extra tune draw, the whole block left empty under a bad photocopy's bands: the
    name, place and date were `review` (`noise-without-strokes`): the band's rest beyond the
    noise around, no pen strokes, nothing read, the paper not shaded (`unread-amid-noise`)."""
    statuses = judged[("external", 202)]
    assert {box: statuses[box] for box in ("signer_name", "sign_place", "sign_date")} == \
        dict.fromkeys(("signer_name", "sign_place", "sign_date"), Status.MISSING)


# Empty dates under the families drum's stipple `ok` by `ink-written` alone on main (184a1bd):
# the band's clumps beyond the noise around are "writing", hardly any of it along pen strokes
# (seed 160: 17 px, bench_bands.py's draws 150-169; seed 113, a built tune draw with the date
# left empty: 4 px, the noise around not measured, the box's neighbours being boxes), and no
# second opinion was asked. Pen strokes under FIELD_MIN_PIXELS must be seen or read as text
# (`strokes-few-unseen`). Only the date box is judged (the page's other boxes cost OCR).
@pytest.mark.parametrize("seed", [160, 113])
def test_an_empty_date_under_stipple_with_few_pen_strokes_is_not_written(seed: int) -> None:
    image, dpi, written = B.families_page(seed, "empty_date")
    assert "sign_date" not in written
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    assert found is not None and found.number == 2
    decision = hand_decision([found], template, "sign_date")
    assert decision.status is not Status.OK, decision.rules
