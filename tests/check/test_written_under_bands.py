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

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template


def _page(case: tuple[str, int]) -> tuple[np.ndarray, int]:
    generator, seed = case
    return B.external_page(seed) if generator == "external" else B.families_page(seed)[:2]


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


@pytest.fixture(scope="module")
def judged() -> dict[tuple[str, int], dict[str, Status]]:
    cases = list(TOUCHING)
    with ProcessPoolExecutor(2) as pool:
        return dict(zip(cases, pool.map(judge, cases), strict=True))


def test_pen_strokes_touching_a_band_are_writing(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    wrong = [(case, box, judged[case][box]) for case, boxes in TOUCHING.items()
             for box in boxes if judged[case][box] is not Status.OK]
    assert wrong == []


def test_writing_under_bands_is_never_missing(
        judged: dict[tuple[str, int], dict[str, Status]]) -> None:
    assert [(case, statuses) for case, statuses in judged.items()
            if Status.MISSING in statuses.values()] == []
