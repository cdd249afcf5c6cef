"""Change boxes written, or struck, under a copy's noise: the two generators' box-level family.

Page 2's billing boxes written at the validator's place (no alignment): by the external
generator (its fonts, an OpenCV stroke, augraphy's DirtyDrum with InkBleed or Letterpress over
the boxes) or by the families generator (its hands and pen, its copier's specks and streaks
and/or its drum band); the page may lie a few pixels off, so that the boxes' frames lie in
the boxes. Used by tests/check/test_struck_noise.py and benchmarks/bench_struck_noise.py.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from corpus import external as E
from corpus import families as F
from formgen.check.ink import reference_pages
from formgen.check.struck import Strike, strike_measures
from formgen.form import blank_form
from formgen.form.template import get_template

BILLING = ("new_iban", "new_account_holder", "new_billing_email")
Case = tuple[str, int, int, bool]  # generator, seed, rows the page lies off, struck


def values(rng: random.Random) -> dict[str, str]:
    p = E.make_person(rng)
    return {"new_iban": E._iban(rng), "new_account_holder": p.name,
            "new_billing_email": f"factuur@{p.surname.lower().replace(' ', '')}.nl"}


def _ink_box(page: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(page[y0 + 4:y1 - 4, x0 + 4:x1 - 4].min(axis=2) < 150)
    return x0 + 4 + int(xs.min()), y0 + 4 + int(ys.min()), x0 + 4 + int(xs.max()), \
        y0 + 4 + int(ys.max())


def external(seed: int, struck: bool) -> tuple[np.ndarray, list[str]]:
    """Written in one of the generator's fonts, struck with its wavy OpenCV line, a dirty drum
    (with ink bleed or a letterpress look) over the billing boxes."""
    rng = random.Random(f"ext{seed}")
    dpi = rng.choice([150, 200])
    page = E.poppler_pages(blank_form(), dpi)[1]
    font = rng.choice(list(E.HANDWRITING.values()))
    colour = E.PENS[rng.choice(["black", "blue"])]
    written = values(rng)
    fids = rng.sample(BILLING, rng.randint(2, 3))
    pen = random.Random(f"strike{seed}")
    for fid in fids:
        E.write_text(page, fid, written[fid], dpi, font, colour, rng)
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


def families(seed: int, struck: bool) -> tuple[np.ndarray, list[str]]:
    """Written in one of the generator's hands, struck with its pen, a heavy copy (specks,
    streaks) and/or a drum band."""
    rng = random.Random(f"fam{seed}")
    page = F.render(F.blank_form(), F.DPI, "pdfium")[1]
    hand = F.Hand.draw(rng)
    written = values(rng)
    fids = rng.sample(BILLING, rng.randint(2, 3))
    for fid in fids:
        box = F.write(page, fid, written[fid], hand, rng)
        if struck:
            F.strike(page, box, hand.ink, rng)
    kind = rng.choice(["copier", "drum", "both"])
    page = F.printed(page, rng)
    if kind in ("copier", "both"):
        page = F.copier(page, rng, heavy=True)
    if kind in ("drum", "both"):
        page = F.drum_band(page, rng, int(100 / 72 * F.DPI), int(160 / 72 * F.DPI))
    return page, fids


def strikes(case: Case) -> list[tuple[str, bool]]:
    """Per written box of the case: (field, taken for struck)."""
    return [(fid, strike is not None) for fid, strike, _ in measured(case)]


def measured(case: Case) -> list[tuple[str, Strike | None, float]]:
    """Per written box of the case: (field, the strike, the strike in doubt: see
    formgen.check.struck.strike_measures)."""
    generator, seed, shift, struck = case
    page, fids = (external if generator == "external" else families)(seed, struck)
    template = get_template()
    printed = reference_pages(template.pdf)[1]
    grey = cv2.resize(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY),
                      (printed.shape[1], printed.shape[0]), interpolation=cv2.INTER_AREA)
    grey = np.roll(grey, shift, axis=0)  # the page a few pixels off: the frames in the boxes
    boxes = tuple(b.rect for b in template.layout.boxes if b.field.page == 2)
    judged = [(fid, strike_measures(grey, printed, template.layout.box(fid).rect, boxes))
              for fid in fids]
    return [(fid, strike, doubt) for fid, (strike, doubt) in judged]
