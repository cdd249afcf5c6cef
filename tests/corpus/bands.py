"""Page 2 (the signature block) under a copier's bands, from both corpus generators.

- external (:mod:`.external`: Debian handwriting fonts, OpenCV loops, its scanner) through
  augraphy's effects (BadPhotoCopy + DirtyDrum by default), at 150, 200 or 300 dpi;
- families (:mod:`.families`: other hands letter by letter, the spline signature model, its
  flatbed scanner) under its own worn drum, :func:`.families.drum_stipple` (mottled toner
  bands across the page, two on the signature block, one elsewhere).

Used by tests/check/test_written_under_bands.py and benchmarks/bench_bands.py.
"""

from __future__ import annotations

import random

import numpy as np

from corpus import external as E
from corpus import families as F

KEY = b"written-under-bands-test-key-012345"
BOXES = ("signer_name", "sign_place", "sign_date", "signature")


def external_page(seed: int, effects: tuple[str, ...] = ("BadPhotoCopy", "DirtyDrum"),
                  empty: frozenset[str] = frozenset()) -> tuple[np.ndarray, int]:
    """The external generator's page 2, the boxes in empty (of BOXES) left empty."""
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=d.rng.choice([150, 200, 300]), group=False, with_id=False,
                 omit=empty - {"signature"}, sign="none" if "signature" in empty else "pen")
    page = E.augraphy_pass(pp.form_pages[1], list(effects), seed)
    return E.scan(page, d.rng), pp.dpi


def families_draw(seed: int, *, border: bool = False) -> tuple[np.ndarray, int, set[str]]:
    """The families page of a seed as benchmarks/bench_bands.py draws it: its variant (all
    written, or the signature, the place or the date left empty) drawn apart from the page."""
    variant = random.Random(f"empty-{seed}").choice(
        ["complete", "unsigned", "empty_place", "empty_date"])
    return families_page(seed, variant, border=border)


def families_page(seed: int, variant: str = "complete", *, border: bool = False
                  ) -> tuple[np.ndarray, int, set[str]]:
    """The families generator's page 2 (variant: complete, unsigned, empty_place,
    empty_date) under its drum stipple; and the boxes of BOXES written. border: the two bands
    on the signature block lie along the signature box's top and bottom border lines."""
    rng = random.Random(seed)
    d = F.Draft(rng, KEY, F.make_person(rng), prefilled=rng.random() < 0.5)
    F.make_paper(d, variant)
    dpi = F.scan_dpi(d, (150, 200, 300))
    page = F.printed(d.pages[1], rng)
    boxes = [F.box_px(b) for b in BOXES]
    ys = [rng.choice([(b[1] + b[3]) // 2, b[1], b[3]]) for b in rng.sample(boxes, 2)]
    if border:
        sig = F.box_px("signature")
        ys = [sig[1], sig[3]]
    page = F.drum_stipple(page, rng, [*ys, rng.randint(0, page.shape[0] - 1)])
    return F.flatbed(page, rng, dpi), dpi, {b for b in BOXES if b in d.written}


def families_band_on(seed: int, box: str, sparse: float = 0.0
                     ) -> tuple[np.ndarray, int, set[str]]:
    """The families generator's page 2, all written and signed, one band of its drum stipple
    along the middle of ``box`` (the writing on the band) and one elsewhere; sparse: fewer
    clumps (see families.drum_stipple); and the boxes of BOXES written."""
    rng = random.Random(seed)
    d = F.Draft(rng, KEY, F.make_person(rng), prefilled=rng.random() < 0.5)
    F.make_paper(d, "complete")
    dpi = F.scan_dpi(d, (150, 200, 300))
    page = F.printed(d.pages[1], rng)
    x0, y0, x1, y1 = F.box_px(box)
    page = F.drum_stipple(page, rng, [(y0 + y1) // 2, rng.randint(0, page.shape[0] - 1)],
                          sparse=sparse)
    return F.flatbed(page, rng, dpi), dpi, {b for b in BOXES if b in d.written}
