"""Issue 27: an unsigned copy from a dirty drum is `missing` a signature; a faint, short or broken
signature under the same drum never is.

A worn copier's drum lays stipple down the page: bands of toner dots, clumped, through the
signature box. The ink rules weigh the box against the noise of the paper around it, column by
column; where a band's clumps are denser in the box than around it, a little ink is left over
beyond the noise, and the stipple's dot edges and clumps read as pen strokes and as long pieces
of ink, so no rule could call the box empty and it went to a person (`ink-little`, or
`noise-without-strokes`). The long thin pen lines a signature leaves however light (the
measure :func:`formgen.check.ink.long_pieces`, blind to stipple) decide it: none there and next
to no ink beyond the noise that runs through the box (seen on both sides of it: a band beside
the box explains nothing in it), the box is empty (rule `stipple-only`).
Where the clumps are denser in the box than around it, ink is left over beyond any noise
measure; there the shape of the ink decides (rule `stipple-dense`): no smooth pen line
(:func:`formgen.check.signature.longest_pen_curve`) as long as PEN_CURVE_MIN in a box that the
stipple covers little of. A smooth pen line that long keeps any signature box from the empty
rules (a grainy pencil that the stipple outweighs).

Two generators build the family, page 2 at 150 or 200 dpi, the signature box empty or signed
faintly, shortly or with gaps, then dirtied, sometimes black-and-white or low JPEG:

- own: the project's signature stroke model (``corpus.forms.signature_strokes``) in a light
  pen, a short paraph, or with gaps; numpy toner-clump bands down the page, one through the
  box; an own black-and-white threshold;
- external: the external generator's loops (``corpus.external.signature``: thin pen, pencil,
  cut to a short piece, or with gaps); augraphy's DirtyDrum; its scanner's threshold.
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor

import cv2
import numpy as np
import pytest
from corpus import external as E
from corpus import forms

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.form import blank_form
from formgen.form.template import get_template

KINDS = ("empty", "faint", "short", "broken")


def _box(dpi: int) -> tuple[int, int, int, int]:
    return forms.field_box_px(E.contract(), "signature", dpi)


def _gaps(layer: np.ndarray, rng: random.Random) -> None:
    """Break the strokes: wipe 10-25 round gaps of 2-4 px radius where the pen went."""
    ys, xs = np.nonzero(layer > 0.3)
    for _ in range(rng.randint(10, 25)):
        if not ys.size:
            return
        i = rng.randrange(ys.size)
        cv2.circle(layer, (int(xs[i]), int(ys[i])), rng.randint(2, 4), 0.0, -1)


def _short(layer: np.ndarray, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """Keep a piece 12-25 % of the box wide of the strokes: a paraph or initials."""
    x0, _, x1, _ = box
    cols = np.flatnonzero(layer.max(axis=0) > 0.3)
    if not cols.size:
        return
    width = int((x1 - x0) * rng.uniform(0.12, 0.25))
    start = rng.randint(int(cols[0]), max(int(cols[0]), int(cols[-1]) - width))
    layer[:, :start] = 0
    layer[:, start + width:] = 0


def _own_signature(page: np.ndarray, dpi: int, kind: str, rng: random.Random) -> None:
    """The own stroke model in a light pen (faint), or a pen cut short or broken."""
    box = _box(dpi)
    layer = np.zeros(page.shape[:2], np.float32)
    nrng = np.random.default_rng(rng.randint(0, 2 ** 31))
    width = max(1, round(dpi / 72 * (0.6 if kind == "faint" else rng.uniform(0.8, 1.4))))
    for stroke in forms.signature_strokes(box, nrng):
        cv2.polylines(layer, [np.round(stroke).astype(np.int32)], False, 1.0, width, cv2.LINE_AA)
    if kind == "short":
        _short(layer, box, rng)
    elif kind == "broken":
        _gaps(layer, rng)
    colour = np.array((150, 155, 175) if kind == "faint" else
                      rng.choice([(25, 25, 35), (35, 55, 160)]), np.float32)
    alpha = layer[..., None] * (0.6 if kind == "faint" else 0.95)
    page[:] = (page * (1 - alpha) + colour * alpha).astype(np.uint8)


def _external_signature(page: np.ndarray, dpi: int, kind: str, rng: random.Random) -> None:
    """The external generator's loops: pencil or a thin light pen (faint), cut short, broken."""
    white = np.full_like(page, 255)
    if kind == "faint":
        pencil = rng.random() < 0.5
        E.signature(white, dpi, E.PENS["pencil"] if pencil else (110, 120, 170), rng,
                    pen_mm=0.5 if pencil else rng.uniform(0.15, 0.25), pencil=pencil)
    else:
        E.signature(white, dpi, E.PENS[rng.choice(["black", "blue"])], rng,
                    pen_mm=rng.uniform(0.3, 0.6))
    shade = white.astype(np.float32) / 255.0  # the ink's transmission, 1 where none
    layer = 1 - shade.min(axis=2)
    if kind == "short":
        _short(layer, _box(dpi), rng)
    elif kind == "broken":
        _gaps(layer, rng)
    keep = (layer > 0)[..., None]
    page[:] = np.where(keep, page * shade, page).clip(0, 255).astype(np.uint8)


def _toner_bands(page: np.ndarray, dpi: int, rng: random.Random) -> np.ndarray:
    """Own drum model: 1-4 bands of toner clumps down the page, one through the box."""
    nrng = np.random.default_rng(rng.randint(0, 2 ** 31))
    x0, _, x1, _ = _box(dpi)
    h, w = page.shape[:2]
    out = page.copy()
    centres = [rng.randint(x0, x1)] + [rng.randint(0, w - 1) for _ in range(rng.randint(0, 3))]
    for x in centres:
        half = rng.randint(8, 25) * dpi // 150
        lo, hi = max(0, x - half), min(w, x + half)
        dots = (nrng.random((h, hi - lo)) < rng.uniform(0.04, 0.12)).astype(np.float32)
        dots *= (nrng.random((h // 40 + 1, 1)) < rng.uniform(0.4, 0.9)).repeat(40, 0)[:h]
        clumps = cv2.GaussianBlur(dots, (0, 0), rng.uniform(1.2, 2.5)) > 0.1
        band = out[:, lo:hi]
        band[clumps] = nrng.integers(15, 100, (int(clumps.sum()), 1))
    return out


def drum_page(generator: str, kind: str, seed: int) -> tuple[np.ndarray, int]:
    """Page 2, signed as kind says (or not), under a dirty drum; grey, bw or JPEG."""
    r = random.Random(f"drum-{generator}-{kind}-{seed}")
    dpi = r.choice((150, 200))
    page = E.poppler_pages(blank_form(), dpi)[1].copy()
    if generator == "own":
        if kind != "empty":
            _own_signature(page, dpi, kind, r)
        page = _toner_bands(page, dpi, r)
        noise = np.random.default_rng(r.randint(0, 2 ** 31)).normal(0, r.uniform(1, 4),
                                                                     page.shape[:2])
        page = (page + noise[..., None]).clip(0, 255).astype(np.uint8)
        if kind != "faint" and r.random() < 0.35:  # a threshold wipes a faint pen out
            grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
            page = cv2.cvtColor(np.where(grey < r.randint(120, 170), 0, 255).astype(np.uint8),
                                cv2.COLOR_GRAY2RGB)
    else:
        if kind != "empty":
            _external_signature(page, dpi, kind, r)
        page = E.augraphy_pass(page, ["DirtyDrum"], r.randint(0, 2 ** 31))
        page = E.scan(page, r, bw=kind != "faint" and r.random() < 0.35)
    if r.random() < 0.5:
        data = np.frombuffer(E.jpeg(page, r.randint(30, 70)), np.uint8)
        page = cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].copy()
    return page, dpi


def judge_drum(args: tuple[str, str, int]) -> tuple[str, str, list[str]]:
    """The signature box's status and rules on one page of the family."""
    generator, kind, seed = args
    image, dpi = drum_page(generator, kind, seed)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    if found is None or found.number != 2:  # the drum hid the page's marks and code
        return f"{generator}-{kind}-{seed}", "unplaced", []
    checks, _ = check_form_pages([found], template)
    check = next(c for c in checks if c.code == "signature")
    assert check.explain is not None
    return f"{generator}-{kind}-{seed}", str(check.status), check.explain["rules"]


# Before the rule stipple-only these empty boxes went to a person (ink-little, or
# noise-without-strokes); own seeds 1 and 8 still did after it, their clumps denser in the box
# than around it (stipple-dense). Signed boxes: none of these seeds is missing; external faint
# seed 1, a grainy pencil that augraphy's stipple leaves lighter than itself, all its marks
# explained by the bands, was `missing` by noise-only until a smooth pen line kept it
# (benchmarks/tuning-ink.md, "Stipple denser in the box").
EMPTY_UNDER_DRUM = [("external", "empty", s) for s in (1, 2)] + \
    [("own", "empty", s) for s in (1, 3, 8)]
SIGNED_SEEDS = range(4)
# A short signature with a band beside the box (own seed 12) or along its bottom (external
# seed 11): the band, on one side of the box only, explains all its ink when columns and rows
# are pooled over both sides (beyond_noise 0); only noise seen on both sides may (beyond_through
# 0.009, 0.011). A first version of stipple-only, on beyond_noise, made both missing.
BESIDE_THE_BOX = [("own", "short", 12), ("external", "short", 11)]


def test_an_unsigned_box_under_drum_stipple_is_missing() -> None:
    with ProcessPoolExecutor(2) as pool:
        judged = list(pool.map(judge_drum, EMPTY_UNDER_DRUM))
    assert [row for row in judged if row[1] != "missing"] == []


@pytest.mark.parametrize("case", [
    pytest.param((g, k, s), id=f"{g}-{k}-{s}")
    for g, k, s in [(g, k, s) for g in ("own", "external") for k in KINDS[1:]
                    for s in SIGNED_SEEDS] + BESIDE_THE_BOX])
def test_a_faint_short_or_broken_signature_under_drum_stipple_is_never_missing(
        case: tuple[str, str, int]) -> None:
    assert judge_drum(case)[1] != "missing"
