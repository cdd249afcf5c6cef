"""A handwritten name and an MRZ that left the given name partly unread: the face names it.

On a blank form the account name is read from handwriting, and where the MRZ's reader left
the first given name unread after its first letters ("SA???" for SANNE, a black-and-white
copy) the holder's name could not be scored against the box: the holder's complete submission
went to a person. The document's face shows the given name; the box is scored against that
(identity.face.given_names_on_face, name_score.holds as before), so a relative's face (SANDER)
never names the holder of a box that says Sanne. IDs and name boxes of both generators
(tests/corpus/mrz_names.py, name_boxes.py); the family is measured by
benchmarks/bench_face_given.py.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from corpus import mrz_names as M
from corpus import name_boxes as B

from formgen.check.identity.checks import _name, holder_in_box
from formgen.check.identity.face import given_names_on_face
from formgen.check.identity.ocr import OcrLine
from formgen.check.identity.page_read import PageRead
from formgen.check.verdict import Status

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_face_given import unread_after  # noqa: E402

HOLDER, RELATIVE, SURNAME, SEED = "Sanne", "Sander", "Visser", 3003


@pytest.mark.parametrize("gen", M.GENERATORS)
def test_the_face_names_the_holder_of_a_handwritten_box_where_the_mrz_left_it_unread(
        gen: str) -> None:
    text = f"{HOLDER} {SURNAME}"
    box = B.own_box(text, SEED) if gen == "own" else B.external_box(text, SEED)
    holder = unread_after(M.read_id(gen, "bw", HOLDER, SURNAME, SEED))
    relative = unread_after(M.read_id(gen, "bw", RELATIVE, SURNAME, SEED))
    assert holder is not None and relative is not None
    assert (holder.given_names or "").startswith("SA?")
    assert holder_in_box(box, replace(holder, face=None)) is None  # the MRZ alone
    name = holder_in_box(box, holder)
    assert name == f"{HOLDER.upper()} {SURNAME.upper()}"
    assert _name(holder, name, False, "id").status is Status.OK
    assert holder_in_box(box, relative) is None  # SANDER on the face is not the box's name


def _face(*lines: str) -> PageRead:
    box = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    return PageRead(np.zeros((0, 0, 3), np.uint8), 1.0,
                    [OcrLine(text, box, 1.0) for text in lines], 0)  # type: ignore[arg-type]


def test_a_face_word_fits_the_mrz_where_it_read_letters() -> None:
    face = _face("Naam/Surname", "VAN LEEUWEN", "Voornamen/Given names", "JOOST JAN",
                 "I<NLDHBT27XEC92<<<<<<<<<<<<<<<", "VAN<LEEUWEN<<JOOST<<<<<<<<<<<<<")
    assert given_names_on_face(face, "JO???", "van Leeuwen") == ["JOOST"]
    assert given_names_on_face(face, "JO?S?", "van Leeuwen") == ["JOOST"]
    assert given_names_on_face(face, "JO?X?", "van Leeuwen") == []  # a letter read otherwise
    assert given_names_on_face(face, "?OOST", "van Leeuwen") == ["JOOST"]
    assert given_names_on_face(face, "J????", "van Leeuwen") == []  # one letter says too little
    assert given_names_on_face(face, "JO??????", "van Leeuwen") == ["JOOST"]  # fillers unread
    assert given_names_on_face(face, "JOO??AAAAAAA", "van Leeuwen") == ["JOOST"]  # ... or read A
    assert given_names_on_face(face, "JOOST", "van Leeuwen") == []  # read whole: nothing to do
    assert given_names_on_face(face, "VA???", "van Leeuwen") == []  # the surname is no given name
    assert given_names_on_face(None, "JO???", "van Leeuwen") == []
