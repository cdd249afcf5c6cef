"""Issue 10: the MRZ of an ID card or passport on a folded page, photographed, is read.

A fold bends the page: augraphy's Folding (as the external corpus uses it) shifts the print near
the fold line up or down, a tent-shaped vertical shear, so MRZ rows that cross the fold are
bent. The text detector then drops them (the straight box around a bent row holds too much
background), and the page came out with no MRZ at all. Here the same shear is applied with a
fold line placed across the MRZ of a document drawn with the external corpus's own tools
(card or passport on an A4 page, photographed in perspective, saved as JPEG).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random

import cv2
import numpy as np
import pytest
from corpus.external import id_document, id_on_page, make_person, photograph
from PIL import Image

from formgen.check.identity import ocr
from formgen.check.identity.document import analyse_id_page

if "FORMGEN_OCR_THREADS" not in os.environ:
    ocr.configure(1)

DPI = 200


def fold(page: np.ndarray, fold_x: int, half_width: int, shift: float) -> np.ndarray:
    """augraphy's Folding without its noise: columns within ``half_width`` of ``fold_x`` are
    moved down, linearly more towards the fold line (``shift`` pixels there)."""
    h, w = page.shape[:2]
    xs = np.arange(w, dtype=np.float32)
    down = shift * np.clip(1 - np.abs(xs - fold_x) / half_width, 0, 1)
    map_x = np.broadcast_to(xs[None, :], (h, w)).astype(np.float32)
    map_y = (np.arange(h, dtype=np.float32)[:, None] - down[None, :]).astype(np.float32)
    return cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderValue=(0, 0, 0))


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return np.array(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


CASES = [  # (passport, angle of the document on the page, where the fold crosses it, turns)
    (False, 0.0, 0.62, 2),
    (True, 0.0, 0.7, 0),
    (False, 8.0, 0.45, 0),
]


@pytest.mark.parametrize(("passport", "angle", "at", "turns"), CASES)
def test_mrz_bent_by_a_fold_is_read(passport: bool, angle: float, at: float,
                                    turns: int) -> None:
    rng = random.Random(f"folded:{passport}:{angle}:{at}")
    person = make_person(rng)
    page = id_on_page(id_document(person, DPI, rng, passport=passport), DPI, rng,
                      scale=1.0, angle=angle)
    ys, xs = np.nonzero((page < 240).any(axis=2))  # the document on the white sheet
    fold_x = int(xs.min() + at * (xs.max() - xs.min()))
    h, w = page.shape[:2]
    folded = fold(page, fold_x, half_width=int(0.06 * w), shift=0.008 * h)
    photo = _jpeg(photograph(folded, rng, turns=turns), 70)
    result = analyse_id_page(photo, today=dt.date.today())
    assert result.mrz_valid, result.check_failures
    assert result.doc_type == ("TD3" if passport else "TD1")
    assert result.surname is not None
    assert result.surname.replace(" ", "") == person.surname.upper().replace(" ", "")
