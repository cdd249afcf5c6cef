"""Issue 27: writing in a copier's band so dense that the paper estimate takes the band for
paper is not an empty box.

Under such a band (the families generator's drum stipple laid along the middle of a box:
``bands.families_band_on``) a written date or name measures as no ink beyond the noise around,
and nothing reads; the rules of an empty box (faint-noise, noise-only) called it empty, so a
complete submission was `incomplete` and the customer was asked for a box they had filled in.
Where the paper in the box is shaded more than PAPER_SHADE_MAX (``ink.paper_shade``) those
rules no longer hold; the box goes to a person (rule band-shaded) or is found written by the
rules after it (benchmarks/tuning-ink.md, "Writing in a band taken for paper").
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest
from corpus import bands as B

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template

# Seeds of `bench_bands.py --generator families --centred BOX` (tune seeds 110-129) whose
# written box was `missing` before (faint-noise, noise-only); grey: copied in grey, so that no
# pen colour shows the writing (rule pen-colour finds the colour pages' boxes written).
WRITTEN_IN_BAND = [(114, "sign_date", False), (121, "signer_name", False),
                   (114, "sign_date", True)]


def judge(case: tuple[int, str, bool]) -> tuple[Status, list[str]]:
    seed, box, grey = case
    image, dpi, written = B.families_band_on(seed, box)
    assert box in written
    if grey:
        image = image.mean(axis=2).round().astype(image.dtype)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    assert found is not None and found.number == 2, case
    checks, _ = check_form_pages([found], template)
    check = next(c for c in checks if c.code.split(":")[-1] == box)
    return check.status, (check.explain or {}).get("rules", [])


@pytest.fixture(scope="module")
def judged() -> dict[tuple[int, str, bool], tuple[Status, list[str]]]:
    with ProcessPoolExecutor(2) as pool:
        return dict(zip(WRITTEN_IN_BAND, pool.map(judge, WRITTEN_IN_BAND), strict=True))


def test_writing_in_a_band_taken_for_paper_is_never_missing(
        judged: dict[tuple[int, str, bool], tuple[Status, list[str]]]) -> None:
    assert [(case, status) for case, (status, _) in judged.items()
            if status is Status.MISSING] == []


def test_the_band_is_named_as_the_reason(
        judged: dict[tuple[int, str, bool], tuple[Status, list[str]]]) -> None:
    assert all("band-shaded" in rules for _, rules in judged.values()), judged


def test_a_band_alone_finds_nothing_written(
        judged: dict[tuple[int, str, bool], tuple[Status, list[str]]]) -> None:
    """Without a pen colour the box stays with a person: the band is no writing either."""
    assert judged[114, "sign_date", True] == (Status.REVIEW, ["ink-little", "band-shaded"])
