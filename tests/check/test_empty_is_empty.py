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


# Streaks and specks (session 13). Two generators: the own degradation (numpy: a light streak
# through the box across the whole page, along the feed or across it; or a handful of round
# specks 2-7 px in the box only) under the own scanner model, and the external paper under
# augraphy (LowInkLines, DirtyDrum: streaks and bands) or albumentations (CoarseDropout: dark
# square specks dropped into the box). Before the rules noise-only and specks-only, each box
# of MARKED went to `review` (ink-little); after, every one is `missing`. Specks close
# together measure as wide as a word: those of SPECKS_AS_WIDE were `ok` before, now `review`.
# A light, short value ("1", "7", "x", "-", "ja", "1/1", pencil-light) written in the box is
# never taken for specks or noise.
MARKED = [("own", "specks", 7), ("external", "streak", 2), ("external", "streak", 3),
          ("external", "streak", 4), ("external", "specks", 3), ("external", "specks", 5),
          ("external", "specks", 6)]
SPECKS_AS_WIDE = [("own", "specks", 6), ("own", "specks", 9)]
LIGHT_VALUES = ["1", "7", "x", "-", "ja", "1/1"]
LIGHT_INKS = [(150, 150, 165), (120, 130, 170), (170, 170, 170)]  # own: grey-blue, pencil-grey
DPI = 200


def _light_draw(generator: str, r: random.Random) -> tuple[str, tuple[int, int, int]]:
    """The light value and its ink (own generator; the external one writes in its pencil)."""
    ink = r.choice(LIGHT_INKS) if generator == "own" else (120, 120, 130)
    return r.choice(LIGHT_VALUES), ink


def light_value(generator: str, seed: int) -> str:
    """The value the light family writes for seed (see :func:`_light_draw`)."""
    return _light_draw(generator, random.Random(seed))[0]


def _box_px(fid: str) -> tuple[int, int, int, int]:
    from corpus import forms
    return forms.field_box_px(S.contract(), fid, DPI)


def _own_marked(seed: int, empty: str, kind: str) -> np.ndarray:
    from PIL import Image

    rng, r = np.random.default_rng(seed), random.Random(seed)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = S.form_values(person, rng, prefilled=True, omit=frozenset({empty}))
    pages = S.filled_pages(pdf, values, DPI, rng,
                           signature="no" if empty == "signature" else "yes")
    if kind == "light":
        from corpus import forms
        value, ink = _light_draw("own", r)
        page = np.asarray(forms.handwrite(pages[1], S.contract(), 2, {empty: value}, DPI,
                                          rng=rng, ink=ink)).astype(np.int16)
    else:
        page = np.asarray(pages[1].convert("RGB")).astype(np.int16)
        x0, y0, x1, y1 = _box_px(empty)
        if kind == "streak":
            depth, width = int(r.uniform(45, 110)), r.randint(2, 8)
            if r.random() < 0.5:  # along the feed
                x = r.randint(x0 + 10, x1 - 10)
                page[:, x:x + width] -= depth
            else:  # across the page: a fold or a copier's line
                y = r.randint(y0 + 8, y1 - 8)
                page[y:y + width, :] -= depth
        else:
            for _ in range(r.randint(3, 12)):
                cv2.circle(page, (round(r.uniform(x0 + 6, x1 - 6)),
                                  round(r.uniform(y0 + 6, y1 - 6))),
                           round(r.uniform(1.0, 3.5)), (int(r.uniform(60, 180)),) * 3, -1)
    page8 = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    return np.asarray(S.scan([page8], rng, dpi=DPI, src_dpi=DPI)[0].convert("RGB"))


def _external_marked(seed: int, empty: str, kind: str) -> np.ndarray:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=DPI, prefilled=True, omit=frozenset({empty}), with_id=False,
                 sign="none" if empty == "signature" else "pen")
    page = pp.form_pages[1]
    r = random.Random(seed)
    if kind == "light":
        value, ink = _light_draw("external", r)
        E.write_text(page, empty, value, DPI, r.choice(list(E.HANDWRITING.values())), ink, r,
                     pencil=True)
        return page
    if kind == "specks":
        import albumentations as A
        x0, y0, x1, y1 = _box_px(empty)
        drop = A.CoarseDropout(num_holes_range=(3, 12), hole_height_range=(2, 7),
                               hole_width_range=(2, 7), fill=r.randint(40, 160), p=1.0)
        drop = A.Compose([drop], seed=seed)
        page = page.copy()
        page[y0 + 6:y1 - 6, x0 + 6:x1 - 6] = drop(image=page[y0 + 6:y1 - 6,
                                                             x0 + 6:x1 - 6])["image"]
        return page
    return E._noise(d, [page], count=(1, 1), ops=("LowInkLines", "DirtyDrum"))[0]


def _judge_marked(args: tuple[str, str, int]) -> tuple[str, str, list[str]]:
    generator, kind, seed = args
    empty = EMPTY[seed % len(EMPTY)] if kind != "light" else EMPTY[1 + seed % 3]
    image = (_own_marked if generator == "own" else _external_marked)(seed, empty, kind)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, DPI, False, None), template, None)
    assert found is not None and found.number == 2, (generator, kind, seed)
    checks, _ = check_form_pages([found], template)
    check = next(c for c in checks if c.code == BOXES[empty])
    assert check.explain is not None
    return f"{generator}-{kind}-{seed}", str(check.status), check.explain["rules"]


def test_a_streak_or_specks_in_an_empty_box_is_missing() -> None:
    with ProcessPoolExecutor(2) as pool:
        judged = list(pool.map(_judge_marked, MARKED))
    assert [(case, status, rules) for case, status, rules in judged
            if status != "missing"] == []


def test_specks_as_wide_as_a_word_are_never_ok() -> None:
    with ProcessPoolExecutor(2) as pool:
        judged = list(pool.map(_judge_marked, SPECKS_AS_WIDE))
    assert [(case, status, rules) for case, status, rules in judged if status == "ok"] == []


# A short value in a very light pen or pencil (session 14): the ink rules see next to no ink
# (fraction under FAINT_FACTOR of the minimum) and found the box empty (`ink-none`), though its
# faint marks hold a piece as long as a letter that the paper around does not explain. Now
# `faint-letter` sends it to a person. Before, own seeds 4, 5, 6, 8 ("x", "x", "1", "x") and
# external seeds 4, 8 ("7", "7") were `missing`. A lone dash is no value for these boxes (name,
# place, date): a short light one is as small as a speck and may stay `missing`.
LIGHT_SEEDS = range(12)


@pytest.fixture(scope="module")
def light() -> list[tuple[str, str, str, list[str]]]:
    jobs = [(g, "light", s) for g in ("own", "external") for s in LIGHT_SEEDS]
    with ProcessPoolExecutor(2) as pool:
        judged = list(pool.map(_judge_marked, jobs))
    return [(case, light_value(g, seed), status, rules)
            for (g, _, seed), (case, status, rules) in zip(jobs, judged, strict=True)]


@pytest.mark.parametrize("generator", ["own", "external"])
def test_a_light_short_value_is_never_taken_for_specks_or_noise(
        light: list[tuple[str, str, str, list[str]]], generator: str) -> None:
    mine = [row for row in light if row[0].startswith(f"{generator}-")]
    assert [row for row in mine if {"noise-only", "specks-only"} & set(row[3])] == []


@pytest.mark.parametrize("generator", ["own", "external"])
def test_a_light_short_value_is_never_missing(
        light: list[tuple[str, str, str, list[str]]], generator: str) -> None:
    mine = [row for row in light if row[0].startswith(f"{generator}-")]
    assert [row for row in mine if row[1] != "-" and row[2] == "missing"] == []
