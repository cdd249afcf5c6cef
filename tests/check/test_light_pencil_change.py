"""Issue 27: a new value written in a light pencil, with no ink at the pen level, is never an
empty box.

`amid_grain` (the box's ink is mostly the noise of the paper around it, no pen strokes beyond
it) compared the noise with NOISY_SHARE of the ink: with no ink at the pen level both are 0 and
"0 >= 0" held, so a light pencil value on a clean copy counted as a box amid grain, and rule
`unread-without-strokes` made it `missing` where the recogniser read nothing. Amid grain now
needs noise (as `stipple-dense` does since session 16).

Two generators write a change value in light grey pencil on page 1 of the blank form and scan it
clean: the external one (Debian handwriting fonts, its grainy pencil, poppler, its scanner) and
the families one (other hands letter by letter with pressure, pdftocairo, its flatbed).
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import numpy as np
from corpus import external as E
from corpus import families as F

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template

VALUES = {"new_street": "Kerkweg 12", "new_phone": "06-12345678", "new_name": "Eva Jansen"}
DPI = 200


@cache
def _blank(generator: str) -> np.ndarray:
    if generator == "external":
        return E.poppler_pages(blank_form(), DPI)[0]
    return F.render(blank_form(), F.DPI)[0]


def light_value(generator: str, seed: int, fid: str, grey: int) -> np.ndarray:
    """Page 1 with VALUES[fid] written in pencil of this grey, scanned clean."""
    rng = random.Random(f"{generator}-{seed}-{fid}-{grey}")
    page = _blank(generator).copy()
    if generator == "external":
        font = E.HANDWRITING[rng.choice(sorted(E.HANDWRITING))]
        E.write_text(page, fid, VALUES[fid], DPI, font, (grey, grey, grey + 5), rng, pencil=True)
        return E.scan(page, rng)
    F.write(page, fid, VALUES[fid], F.Hand.draw(rng, ink=(grey, grey, grey + 3)), rng)
    return F.flatbed(page, rng, DPI)


def judge(case: tuple[str, int, str, int]) -> Status:
    image = light_value(*case)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, DPI, False, None), template, None)
    assert found is not None and found.number == 1, case
    _, findings = check_form_pages([found], template)
    return findings.boxes[case[2]]


# (generator, seed, box, grey): the pencil at 220 (external, grainy) or 215 (families) leaves
# faint marks only (contrast under INK_CONTRAST), more of them than FIELD_MIN_FRACTION; the
# recogniser reads none of these. External 1/new_street, 2/new_name, 3/new_name and families
# 1/new_phone were `missing` (unread-without-strokes) before.
CASES = [("external", s, f, 220) for s, f in ((0, "new_street"), (1, "new_street"),
                                             (2, "new_name"), (3, "new_name"))] + \
    [("families", s, f, 215) for s, f in ((0, "new_street"), (1, "new_phone"))]


def test_a_light_pencil_value_is_never_missing() -> None:
    with ProcessPoolExecutor(2) as pool:
        statuses = list(pool.map(judge, CASES))
    assert [(case, status) for case, status in zip(CASES, statuses, strict=True)
            if status is Status.MISSING] == []
