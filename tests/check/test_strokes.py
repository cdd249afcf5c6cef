"""Issue 10: writing in a textured copy is told from the texture by its pen strokes.

A worn copier lays grain over whole areas of a page (augraphy's BadPhotoCopy); a dirty drum
lays bands of speckle across it. Where such texture lies around a box, the ink rules measure
about as much "noise" around the box as ink in it and leave the box to a person, also when a
clear word or signature is written there. Counting only the ink along pen strokes
(``ink.stroke_strength``) the grain drops out and the writing stays.

The same measure keeps grain from being taken for writing: a box whose ink is mostly noise and
holds no pen strokes is not written by the text detector's say-so, and a box the ink rules take
for written amid much noise must hold pen strokes.

The family: page 2 (signature block) rendered by poppler at 300 dpi, its boxes written in a
handwriting font or left empty at random, signed or not, through BadPhotoCopy with the seed,
judged with the stroke rule and without it. An empty box must never be "ok"; a written box is
"ok" more often than without the stroke rule.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache

import cv2
import numpy as np
from corpus.external import HANDWRITING, PENS, augraphy_pass, poppler_pages, signature, write_text

from formgen.check import box_measures, decision
from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.ink import STROKE_CONTRAST, Ink, stroke_strength
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template

BOXES = {"signer_name": ["Ruben van Leeuwen", "Femke de Wit", "Nguyễn Thị Đặng"],
         "sign_place": ["Hoorn", "Emmen", "Utrecht"],
         "sign_date": ["18-11-2026", "3/11/2026"]}
CODES = {"signer_name": "field:signer_name", "sign_place": "field:sign_place",
         "sign_date": "field:sign_date", "signature": "signature"}
TEXTURE_SEEDS = range(400, 426)


def test_a_pen_stroke_is_strong_and_paper_or_a_speck_is_not() -> None:
    contrast = np.zeros((120, 160), np.uint8)
    cv2.line(contrast, (10, 20), (150, 20), 150, 2)  # across
    cv2.line(contrast, (20, 40), (140, 100), 150, 2)  # slanted
    contrast[70:72, 30:32] = 150  # a speck
    strength = stroke_strength(contrast)
    assert np.median(strength[20:22, 20:140]) > STROKE_CONTRAST
    on_slant = [strength[round(40 + (x - 20) / 2), x] for x in range(30, 130, 10)]
    assert min(on_slant) > STROKE_CONTRAST
    assert strength[70:72, 30:32].max() < STROKE_CONTRAST  # the speck's own pixels
    assert strength[105:, :].max() == 0  # blank paper
    filled = np.full((60, 60), 150, np.uint8)
    assert stroke_strength(filled).max() < 1  # dark in every direction: no stroke


def _textured_copy(seed: int) -> tuple[set[str], np.ndarray]:
    rng = random.Random(seed)
    page = poppler_pages(blank_form(), 300)[1].copy()
    font = HANDWRITING[rng.choice(sorted(HANDWRITING))]
    pen = PENS[rng.choice(["black", "blue"])]
    written = set()
    for field_id, texts in BOXES.items():
        if rng.random() < 0.5:
            write_text(page, field_id, rng.choice(texts), 300, font, pen, rng)
            written.add(field_id)
    if rng.random() < 0.5:
        signature(page, 300, pen, rng)
        written.add("signature")
    return written, augraphy_pass(page, ["BadPhotoCopy"], seed)


@contextmanager
def _stroke_rule(on: bool) -> Iterator[None]:
    """The validator with the stroke rule, or as it was before it: no strokes seen, so no box
    is written by them, and none is held back for want of them."""
    saved = (box_measures.FormBox.strokes, decision.noise_without_strokes,
             decision.amid_grain)
    if not on:
        box_measures.FormBox.strokes = lambda self: Ink(0, 0.0, 0.0)  # type: ignore[method-assign]
        decision.noise_without_strokes = lambda *args: False
        decision.amid_grain = lambda *args: False
    try:
        yield
    finally:
        (box_measures.FormBox.strokes, decision.noise_without_strokes,  # type: ignore[method-assign]
         decision.amid_grain) = saved


def _statuses(image: np.ndarray, dpi: int, strokes: bool) -> dict[str, Status]:
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    assert found is not None and found.number == 2
    with _stroke_rule(strokes):
        checks, _ = check_form_pages([found], template)
    by_code = {c.code: c.status for c in checks}
    return {box: by_code[code] for box, code in CODES.items()}


def _judge(seed: int) -> tuple[set[str], dict[str, Status], dict[str, Status]]:
    written, image = _textured_copy(seed)
    return written, _statuses(image, 300, True), _statuses(image, 300, False)


@cache
def _texture_family() -> tuple[tuple[set[str], dict[str, Status], dict[str, Status]], ...]:
    with ProcessPoolExecutor(2) as pool:
        return tuple(pool.map(_judge, TEXTURE_SEEDS))


def _boxes(judged: bool) -> Iterator[tuple[bool, Status]]:
    for written, with_strokes, without in _texture_family():
        for box in CODES:
            yield box in written, (with_strokes if judged else without)[box]


def test_an_empty_box_in_texture_is_never_written() -> None:
    """Without the stroke rules an empty box was written in seeds 408 (the text detector saw a
    line of text in the grain) and 424."""
    empty = [status for written, status in _boxes(True) if not written]
    assert len(empty) >= 20 and Status.OK not in empty


def test_writing_in_texture_is_found_more_often_with_the_stroke_rule() -> None:
    """Seeds 411 and 413: a name and a place in grain were left to a person before."""
    now = [status for written, status in _boxes(True) if written]
    before = [status for written, status in _boxes(False) if written]
    assert now.count(Status.OK) > before.count(Status.OK)
    assert now.count(Status.OK) >= 0.9 * len(now)
    assert Status.MISSING not in now
