"""ID documents whose MRZ name row is read with doubt: the holder's and a relative's (issue 27).

The request (the signed token) names the account holder; the ID is either the holder's or a
relative's with a given name a letter or two apart (HENDRIKA for Hendrik). Drawn by the
project's ID generator (tests/corpus/id_documents.py) and the external generator's
(tests/corpus/external.py), degraded as people send them: a phone photo, a strong JPEG, a
150-dpi scan. ``misread``: the reading as the reader gives it where the MRZ's name field (no
check digit) goes wrong next to the name: the filler after the given name read as a letter and
the characters after it unread ("LOTTES????" for LOTTE<<<<), or a relative's longer name
cut short, its last letters unread ("HENDRIK????" for HENDRIKA<<<).
"""

from __future__ import annotations

import argparse
import io
import random
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
from PIL import Image

from corpus import external as E
from corpus import id_documents as I
from formgen.check.identity.document import IdDocumentResult, analyse_id_page
from formgen.check.identity.mrz import UNKNOWN

# (the holder's given name, a relative's a letter or two apart), surname
PAIRS = [("Lotte", "Lottes", "Postma"), ("Hendrik", "Hendrika", "de Vries"),
         ("Anne", "Anna", "Bakker"), ("Johanna", "Johannes", "Visser"),
         ("Gerrit", "Gerritje", "Smit"), ("Marieke", "Marijke", "Mulder")]
DEGRADATIONS = ("photo", "jpeg", "dpi150", "bw")
GENERATORS = ("own", "external")


def bench_options(seeds: int) -> tuple[list[str], int]:
    """A benchmark's command line: the generators to run (--gens, comma-separated) and the
    seeds per degradation (--seeds, default seeds)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=seeds)
    parser.add_argument("--gens", default=",".join(GENERATORS))
    args = parser.parse_args()
    return args.gens.split(","), args.seeds


def draws(seeds: int) -> Iterator[tuple[str, int]]:
    """Every degradation with seeds 0..seeds-1: a benchmark's draws for one generator."""
    for how in DEGRADATIONS:
        for seed in range(seeds):
            yield how, seed


def _jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return np.array(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def id_image(gen: str, how: str, given: str, surname: str, seed: int) -> np.ndarray:
    """A page with an ID card of ``given`` ``surname``, degraded ``how``."""
    rng = random.Random(seed)
    dpi = 150 if how in ("dpi150", "bw") else 300 if gen == "own" else 200
    if gen == "own":
        kw = {"photo": {"rotate": rng.uniform(-4, 4), "blur": 1.0, "noise": 6.0},
              "jpeg": {"jpeg_quality": 30}, "dpi150": {"noise": 3.0},
              "bw": {"noise": 3.0, "rotate": rng.uniform(-1, 1)}}[how]
        image = I.id_card_page(dpi=dpi, surname=surname, given_names=given, seed=seed,
                               **kw).image  # type: ignore[arg-type]
        if how == "bw":  # a copier's black-and-white mode: one fixed threshold
            image = np.where(image.mean(axis=2, keepdims=True) < 150, 0, 255).astype(np.uint8)
            image = np.repeat(image, 3, axis=2) if image.shape[2] == 1 else image
        return image
    person = E.make_person(rng)
    doc = E.id_document(person, dpi, rng, passport=rng.random() < 0.5, surname=surname,
                        given=given)
    page = E.id_on_page(doc, dpi, rng, scale=1.0, angle=rng.uniform(-3, 3))
    if how == "photo":
        return E.photograph(page, rng, turns=0)
    if how == "jpeg":
        return _jpeg(page, 25)
    return E.scan(page, rng, bw=how == "bw")


def read_id(gen: str, how: str, given: str, surname: str, seed: int) -> IdDocumentResult:
    return analyse_id_page(id_image(gen, how, given, surname, seed))


def misread(result: IdDocumentResult, letter: str = "S",
            first: str | None = None) -> IdDocumentResult | None:
    """The reading with the first given name read as ``first`` (default: as read), followed
    by ``letter`` (the filler after it read as a letter) and four characters unread. None
    without a reading of the name row."""
    mrz = result.mrz
    if mrz is None or not mrz.given_names:
        return None
    first = first or mrz.given_names.split()[0].replace(UNKNOWN, "")
    given = first + letter + UNKNOWN * 4
    k = 2 if mrz.doc_type == "TD1" else 0
    row = mrz.lines[k]
    start = row.find("<<", 0 if k else 5) + 2
    row = (row[:start] + given + "<" * len(row))[:len(row)]
    lines = (*mrz.lines[:k], row, *mrz.lines[k + 1:])
    return replace(result, given_names=given,
                   mrz=replace(mrz, given_names=given, lines=lines))


def unread(result: IdDocumentResult, places: list[int]) -> IdDocumentResult:
    """The reading with the first given name's letters at ``places`` unread."""
    mrz = result.mrz
    assert mrz is not None
    k = 2 if mrz.doc_type == "TD1" else 0
    row = mrz.lines[k]
    start = row.find("<<", 0 if k else 5) + 2
    chars = list(row)
    for i in places:
        chars[start + i] = "?"
    row = "".join(chars)
    given = " ".join(w for w in row[start:].split("<") if w)
    lines = (*mrz.lines[:k], row, *mrz.lines[k + 1:])
    return replace(result, given_names=given, mrz=replace(mrz, given_names=given, lines=lines))


def respelled(result: IdDocumentResult, first: str) -> IdDocumentResult:
    """The reading with the first given name read as ``first`` (NOHAMMED for MOHAMMED: a letter
    a coarse copy leaves like another), the rest of the row as read."""
    mrz = result.mrz
    assert mrz is not None
    k = 2 if mrz.doc_type == "TD1" else 0
    row = mrz.lines[k]
    start = row.find("<<", 0 if k else 5) + 2
    words = row[start:].split("<")
    row = (row[:start] + "<".join([first, *words[1:]]) + "<" * len(row))[:len(row)]
    given = " ".join(w for w in row[start:].split("<") if w)
    lines = (*mrz.lines[:k], row, *mrz.lines[k + 1:])
    return replace(result, given_names=given, mrz=replace(mrz, given_names=given, lines=lines))
