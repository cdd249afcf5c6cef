"""Page 2 of the form folded and not flattened on the glass: a crease through a box, written
in or left empty.

The external generator's pages meet augraphy's ``Folding`` (tests/corpus/external.py); this
family is the other generator of that class, drawn with the third corpus' tools
(tests/corpus/families.py: PDFium renders, its own hands and signatures, its flatbed scan) and
its own crease: the paper along a slanted line dips in a V (the rows there pulled down or up,
SciPy's ``map_coordinates``), with the crease's shadow. What is written sits where the hand put
it on the folded sheet, so a word at the crease follows the dip with the box's border.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from corpus import families as F
from corpus.external import handwritten_values, make_person
from formgen.form import blank_form

PAGE = 2
BOXES = ("signer_name", "sign_place", "sign_date")  # the page's required text boxes


@dataclass(frozen=True)
class CreasedPage:
    image: np.ndarray  # the scan, RGB
    dpi: int
    box: str  # the box the crease runs through
    written: bool  # whether that box holds writing
    depth: float  # px at the scan's resolution: how far the paper dips at the crease


def crease(page: np.ndarray, rng: random.Random, x: float) -> tuple[np.ndarray, float]:
    """The page with a crease near column x: slanted by up to 2 degrees, its rows pulled by up
    to 6-18 px (at the paper's DPI) in a V 60-240 px wide, up or down, and shaded along the
    line; returns the page and the depth."""
    h, w = page.shape[:2]
    depth = rng.uniform(6, 18) * F.DPI / 150 * rng.choice((-1, 1))
    half = rng.uniform(30, 120) * F.DPI / 150
    slant = np.tan(np.radians(rng.uniform(-2, 2)))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    across = np.abs(xs - (x + slant * (ys - h / 2)))
    dip = depth * np.clip(1 - across / half, 0, 1)
    shade = 1 - rng.uniform(0.04, 0.12) * np.exp(-(across / rng.uniform(3, 8)) ** 2)
    out = np.empty_like(page)
    for c in range(page.shape[2]):
        out[..., c] = ndimage.map_coordinates(page[..., c], [ys - dip, xs], order=1,
                                              mode="nearest")
    return (out * shade[..., None]).clip(0, 255).astype(np.uint8), abs(depth)


def creased_page(seed: int, *, written: bool, dpi: int = 150) -> CreasedPage:
    """Page 2 written by hand and signed, one of its required text boxes (by seed) written in
    or left empty, a crease through that box (through the writing's middle when written),
    scanned on a flatbed at dpi. The seed's page is the same written or empty but for that
    box."""
    rng = random.Random(f"crease-{seed}")
    person = make_person(rng)
    box = rng.choice(BOXES)
    values = handwritten_values(person, rng, prefilled=False, group=False)
    hand = F.Hand.draw(rng)
    page = F.render(blank_form(), F.DPI)[PAGE - 1].copy()
    x0, _, x1, _ = F.box_px(box)
    at = rng.uniform(x0 + 0.1 * (x1 - x0), x1 - 0.1 * (x1 - x0))
    for fid in BOXES:
        paper = page.copy() if fid == box and not written else page  # where it would be
        ink = F.write(paper, fid, values[fid], hand, rng)
        if fid == box:
            at = (ink[0] + ink[2]) / 2 + rng.uniform(-0.2, 0.2) * (ink[2] - ink[0])
    F.sign(page, rng, hand.ink)
    page, depth = crease(page, rng, at)
    return CreasedPage(F.flatbed(page, rng, dpi), dpi, box, written, depth * dpi / F.DPI)
