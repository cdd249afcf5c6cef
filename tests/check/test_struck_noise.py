"""A copy's noise is no strike (issue 27).

A written change value was taken for a struck value with a correction beside it
(`struck-corrected`, so `review`) on copies with a dirty drum (tune cases ext-0180 and -0301):
a drum band's stipple holds short straight runs at any angle, and a box's own frame lies inside
the box where the page is a few pixels off. A strike now stands out from the noise the paper
around the box shows (formgen.check.struck.noise_around): beyond the columns in a band of
noise it is a straight run of LINE_LENGTH px or more, and it does not go on along the box past
its ends or past the writing's. Two generators, each with its own writing and its own noise,
page 2's billing boxes written at the validator's place (no alignment): the external one (its
fonts, an OpenCV stroke, augraphy's DirtyDrum with InkBleed or Letterpress) and the families
one (its hands and pen, its copier's specks and streaks and its drum band, on a page 10 px
off). The seeds are those of the family swept in benchmarks/tuning-struck.md ("A copy's noise
is no strike") on which the old rule took a written value for struck.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
import pytest
from corpus import external as E
from corpus import families as F

from formgen.check.ink import reference_pages
from formgen.check.struck import struck_through
from formgen.form import blank_form
from formgen.form.template import get_template

BILLING = ("new_iban", "new_account_holder", "new_billing_email")
# (generator, seed, rows the page lies off)
WRITTEN = [("external", 4, 0), ("external", 7, 0), ("external", 11, 0), ("families", 1, -10),
           ("families", 3, -10)]
# the same noise, every box struck (external 4 and families 3 hold strikes that neither the
# old rule nor this one finds: a strike through a drum band's stipple; families 0: no shift)
STRUCK = [("external", 7, 0), ("external", 11, 0), ("families", 1, -10), ("families", 0, 0)]


def _values(rng: random.Random) -> dict[str, str]:
    p = E.make_person(rng)
    return {"new_iban": E._iban(rng), "new_account_holder": p.name,
            "new_billing_email": f"factuur@{p.surname.lower().replace(' ', '')}.nl"}


def _ink_box(page: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(page[y0 + 4:y1 - 4, x0 + 4:x1 - 4].min(axis=2) < 150)
    return x0 + 4 + int(xs.min()), y0 + 4 + int(ys.min()), x0 + 4 + int(xs.max()), \
        y0 + 4 + int(ys.max())


def _external(seed: int, struck: bool) -> tuple[np.ndarray, list[str]]:
    """Written in one of the generator's fonts, struck with its wavy OpenCV line, a dirty drum
    (with ink bleed or a letterpress look) over the billing boxes."""
    rng = random.Random(f"ext{seed}")
    dpi = rng.choice([150, 200])
    page = E.poppler_pages(blank_form(), dpi)[1]
    font = rng.choice(list(E.HANDWRITING.values()))
    colour = E.PENS[rng.choice(["black", "blue"])]
    values = _values(rng)
    fids = rng.sample(BILLING, rng.randint(2, 3))
    pen = random.Random(f"strike{seed}")
    for fid in fids:
        E.write_text(page, fid, values[fid], dpi, font, colour, rng)
        if struck:
            x0, y0, x1, y1 = _ink_box(page, E._px(E._field(fid)["rect"], dpi))
            xs = np.linspace(x0 - pen.uniform(0, 8), x1 + pen.uniform(0, 8), 40)
            ys = (y0 + y1) / 2 + np.sin(np.linspace(0, 4, 40)) * 2 \
                + np.linspace(-3, 3, 40) * pen.uniform(-1, 1)
            cv2.polylines(page, [np.stack([xs, ys], 1).round().astype(np.int32)], False,
                          colour, max(2, dpi // 75), cv2.LINE_AA)
    ops = ["DirtyDrum"] + rng.sample(["InkBleed", "Letterpress"], rng.randint(0, 1))
    top, bottom = int(100 / 72 * dpi), int(260 / 72 * dpi)
    page[top:bottom] = E.augraphy_pass(np.ascontiguousarray(page[top:bottom]), ops, seed)
    return page, fids


def _families(seed: int, struck: bool) -> tuple[np.ndarray, list[str]]:
    """Written in one of the generator's hands, struck with its pen, a heavy copy (specks,
    streaks) and/or a drum band."""
    rng = random.Random(f"fam{seed}")
    page = F.render(F.blank_form(), F.DPI, "pdfium")[1]
    hand = F.Hand.draw(rng)
    values = _values(rng)
    fids = rng.sample(BILLING, rng.randint(2, 3))
    for fid in fids:
        box = F.write(page, fid, values[fid], hand, rng)
        if struck:
            F.strike(page, box, hand.ink, rng)
    kind = rng.choice(["copier", "drum", "both"])
    page = F.printed(page, rng)
    if kind in ("copier", "both"):
        page = F.copier(page, rng, heavy=True)
    if kind in ("drum", "both"):
        page = F.drum_band(page, rng, int(100 / 72 * F.DPI), int(160 / 72 * F.DPI))
    return page, fids


def _strikes(case: tuple[str, int, int, bool]) -> list[tuple[str, bool]]:
    """Per written box of the case: (field, taken for struck)."""
    generator, seed, shift, struck = case
    page, fids = (_external if generator == "external" else _families)(seed, struck)
    template = get_template()
    printed = reference_pages(template.pdf)[1]
    grey = cv2.resize(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY),
                      (printed.shape[1], printed.shape[0]), interpolation=cv2.INTER_AREA)
    grey = np.roll(grey, shift, axis=0)  # the page a few pixels off: the frames in the boxes
    boxes = tuple(b.rect for b in template.layout.boxes if b.field.page == 2)
    return [(fid, struck_through(grey, printed, template.layout.box(fid).rect, boxes)
             is not None) for fid in fids]


@pytest.fixture(scope="module")
def judged() -> dict[tuple[str, int, int, bool], list[tuple[str, bool]]]:
    cases = [(*c, False) for c in WRITTEN] + [(*c, True) for c in STRUCK]
    with ProcessPoolExecutor(2) as pool:
        return dict(zip(cases, pool.map(_strikes, cases), strict=True))


def test_written_under_copier_noise_is_never_struck(
        judged: dict[tuple[str, int, int, bool], list[tuple[str, bool]]]) -> None:
    wrong = [(case[:3], fid) for case, boxes in judged.items() if not case[3]
             for fid, struck in boxes if struck]
    assert wrong == []


def test_struck_under_the_same_noise_is_still_struck(
        judged: dict[tuple[str, int, int, bool], list[tuple[str, bool]]]) -> None:
    missed = [(case[:3], fid) for case, boxes in judged.items() if case[3]
              for fid, struck in boxes if not struck]
    assert missed == []
    assert sum(len(boxes) for case, boxes in judged.items() if case[3]) >= 8
