"""Blank forms (no name in the token) whose name box is written by hand, sent with the ID of
the holder, of a relative (same surname, another given name) or of a stranger, from two
generators (issue 27: a relative's or a stranger's ID must never pass as complete).

* ``external``: the external corpus generator (tests/corpus/external.py: poppler's page, its
  hands, its ID pages);
* ``own``: the project's generator (tests/corpus/submissions.py: its form pages, hands, ID
  documents and scanner model).

``hand``: ``"generator"`` keeps the generator's own handwriting in the name box; ``"noisy"``
writes the name over it with tests/corpus/name_boxes.py ``write_own`` (other fonts, toner
specks, a 100-200 dpi scan): a name OCR mostly cannot read; a name of
``name_boxes.HAND_FONTS`` (external generator only): the whole form written in that hand.
Used by tests/check/test_blank_form_name.py and benchmarks/bench_blank_name.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PIL import Image

from corpus import external as E
from corpus import forms
from corpus import name_boxes as NB
from corpus import submissions as S

KINDS = ("holder", "relative", "stranger")
# a relative whose given name is a letter from the holder's (Hendrika for Hendrik): OCR of a
# readable hand reads the holder's name right, which fits the ID only as a misread would
NEAR = "near"
ALL_KINDS = (*KINDS, NEAR)
HANDS = ("generator", "noisy")
# A stranger's name neither generator draws for a person.
STRANGER = ("Wilhelmina", "Hoogendoorn")
DPI = 200


def id_name(kind: str, seed: int) -> tuple[str | None, str | None]:
    """(given names, surname) on the ID sent, None for the holder's own."""
    if kind == "relative":  # a given name neither generator draws for a person
        return NB.RELATIVE_GIVEN[seed % len(NB.RELATIVE_GIVEN)], None
    if kind == "stranger":
        return STRANGER
    return None, None


def near_given(given: str) -> str:
    """A given name one letter from ``given`` (Hendrika from Hendrik, Sanna from Sanne)."""
    if given[-1] not in "aeiou":
        return given + "a"
    return given[:-1] + ("e" if given[-1] == "a" else "a")


def external_case(root: Path, seed: int, kind: str, key: bytes, hand: str = "noisy"
                  ) -> tuple[Path, str | None]:
    given, surname = id_name(kind, seed)
    if kind == NEAR:  # the person is drawn first, as in E.paper
        given = near_given(E.make_person(random.Random(seed)).given)
    d = E.Draw(random.Random(seed), seed, key)
    pp = E.paper(d, dpi=DPI, prefilled=False, id_given=given, id_surname=surname,
                 font=NB.HAND_FONTS.get(hand))
    if hand == "noisy":
        NB.write_own(pp.form_pages[0], pp.dpi, "name", pp.person.name, seed)
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, root, images, pp.dpi, pp.person, how="folder")
    return path, frm


def own_case(root: Path, seed: int, kind: str, key: bytes, hand: str = "noisy"
             ) -> tuple[Path, str | None]:
    given, surname = id_name(kind, seed)
    if kind == NEAR:  # the person is drawn first, as in S._paper
        given = near_given(S.make_person(np.random.default_rng(seed)).info["given"])
    ctx = S.Ctx(root / "work", key, np.random.default_rng(seed))
    person, _, pages, dpi = S._paper(ctx, prefilled=False, dpi=DPI)
    if hand == "noisy":
        first = np.array(pages[0].convert("RGB"))
        NB.write_own(first, dpi, "name", person.name, seed)
        pages[0] = Image.fromarray(first)
    document = S.id_page(person, dpi, ctx.rng, given=given, surname=surname)
    scanned = S.scan([*pages, document], ctx.rng, dpi=DPI, src_dpi=dpi)
    out = root / "inzending"
    out.mkdir(parents=True)
    (out / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, DPI, 85))
    return out, person.email


GENERATORS = {"external": external_case, "own": own_case}
