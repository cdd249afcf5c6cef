"""Issue 27, "empty is empty": a required box with no ink beyond the paper's own noise is
`missing`, not `review`.

On a phone photo (uneven light, a shadow, JPEG) or a noisy scan the paper itself is full of
faint marks: shading edges, JPEG ringing, grain. The ink rules counted faint marks in a box
(the measure for pencil and a nearly empty pen) without the faint marks of the paper around
it, so an empty box with no ink at all went to a person. Page 2 of a prefilled form, from both
corpus generators (own: Pillow handwriting and degradations; external: OpenCV/augraphy),
with the signature or one answer left empty, photographed: every empty box is `missing`, no
written box is. (Before the fix, the empty box went to `review` on seeds named below.)
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
import pytest
from corpus import external as E
from corpus import submissions as S

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form.template import get_template

KEY = b"empty-is-empty-test-key-0123456789"
BOXES = {"signer_name": "field:signer_name", "sign_place": "field:sign_place",
         "sign_date": "field:sign_date", "signature": "signature"}
EMPTY = ("signature", "sign_place", "signer_name", "sign_date")
SEEDS = range(8)


def _own_photo(seed: int, empty: str) -> np.ndarray:
    rng = np.random.default_rng(seed)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = S.form_values(person, rng, prefilled=True, omit=frozenset({empty}))
    pages = S.filled_pages(pdf, values, 200, rng,
                           signature="no" if empty == "signature" else "yes")
    return np.asarray(S.photograph([pages[1]], rng)[0].convert("RGB"))


def _external_photo(seed: int, empty: str) -> np.ndarray:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=200, prefilled=True, omit=frozenset({empty}), with_id=False,
                 sign="none" if empty == "signature" else "pen")
    page = E._noise(d, [pp.form_pages[1]], count=(1, 1), ops=("ShadowCast", "InkBleed"))[0]
    photo = E.photograph(page, d.rng, turns=0)
    data = np.frombuffer(E.jpeg(photo, d.rng.randint(40, 85)), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy()


def _judge(args: tuple[str, int]) -> tuple[str, str, dict[str, Status]]:
    generator, seed = args
    empty = EMPTY[seed % len(EMPTY)]
    image = (_own_photo if generator == "own" else _external_photo)(seed, empty)
    template = get_template()
    found = find_form_page(Page("foto.jpg", 1, 1, image, 200, False, None), template, None)
    assert found is not None and found.number == 2, (generator, seed)
    checks, _ = check_form_pages([found], template)
    statuses = {c.code: c.status for c in checks}
    return f"{generator}-{seed}", BOXES[empty], {code: statuses[code] for code in BOXES.values()}


@pytest.fixture(scope="module")
def judged() -> list[tuple[str, str, dict[str, Status]]]:
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(_judge, [(g, s) for g in ("own", "external") for s in SEEDS]))


def test_an_empty_required_box_on_a_photo_is_missing(
        judged: list[tuple[str, str, dict[str, Status]]]) -> None:
    wrong = [(case, code, statuses[code]) for case, code, statuses in judged
             if statuses[code] is not Status.MISSING]
    assert wrong == []


def test_no_written_box_on_a_photo_is_missing(
        judged: list[tuple[str, str, dict[str, Status]]]) -> None:
    wrong = [(case, code, status) for case, empty, statuses in judged
             for code, status in statuses.items() if code != empty and status is Status.MISSING]
    assert wrong == []
