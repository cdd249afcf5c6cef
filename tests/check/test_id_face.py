"""Where the MRZ leaves the given name in doubt, the document's face shows the name (issue 27).

The MRZ's name field has no check digit. On a black-and-white copy at 150 dpi its reader takes
an M for an N (NOHAMMED for MOHAMMED) or leaves a letter unread, and the holder's own ID went
to a person as if it were a relative's. A person reads the name on the face of the document,
printed larger: so does identity.face, and only as a whole word, so that a relative's face
(NILA for the form's Mila, HENDRIKA for Hendrik) never names the holder. IDs of both
generators (tests/corpus/mrz_names.py); a family is measured by benchmarks/bench_id_face.py.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from corpus import mrz_names as M

from formgen.check.identity.checks import _name
from formgen.check.identity.document import IdDocumentResult
from formgen.check.identity.face import shows_name
from formgen.check.identity.ocr import OcrLine
from formgen.check.identity.page_read import PageRead
from formgen.check.verdict import Status

SEEDS = {"own": 911, "external": 912}
HOLDER, RELATIVE, SURNAME = "Mila", "Nila", "Dekker"


@pytest.fixture(scope="module")
def read() -> dict[tuple[str, str], IdDocumentResult]:
    return {(gen, given): M.read_id(gen, "bw", given, SURNAME, seed)
            for gen, seed in SEEDS.items() for given in (HOLDER, RELATIVE)}


def _status(result: IdDocumentResult, token: str = f"{HOLDER} {SURNAME}") -> Status:
    return _name(result, token, True, "id", from_request=True, exact=True).status


@pytest.mark.parametrize("gen", sorted(SEEDS))
def test_the_holders_name_misread_in_the_mrz_is_shown_on_the_face(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    holder = read[gen, HOLDER]
    assert holder.face is not None
    for reading in (RELATIVE.upper(), "M?LA"):  # a look-alike letter; a letter left unread
        misread = M.respelled(holder, reading)
        assert _status(replace(misread, face=None)) is Status.REVIEW, reading  # the MRZ alone
        assert _status(misread) is Status.OK, reading


@pytest.mark.parametrize("gen", sorted(SEEDS))
def test_a_relatives_face_never_names_the_holder(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    relative = read[gen, RELATIVE]
    assert (relative.given_names or "").split()[:1] == [RELATIVE.upper()]
    assert _status(relative) is Status.REVIEW  # NILA for the form's Mila: one letter apart
    assert _status(M.respelled(relative, "?ILA")) is Status.REVIEW


def _face(*lines: str) -> PageRead:
    box = ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0))
    return PageRead(np.zeros((0, 0, 3), np.uint8), 1.0,
                    [OcrLine(text, box, 1.0) for text in lines], 0)  # type: ignore[arg-type]


def test_the_face_shows_a_name_only_as_a_whole_word_beside_the_surname() -> None:
    face = _face("KONINKRIJK DER NEDERLANDEN", "Naam/Surname", "DE VRIES",
                 "Voornamen/Given names", "HENDRIKA JOHANNA", "P<NLDDE<VRIES<<HENDRIK<<<<<<<<<<")
    assert shows_name(face, "de Vries", {"HENDRIKA"})
    assert shows_name(face, "de Vries", {"JOHANNA"})
    assert not shows_name(face, "de Vries", {"HENDRIK"})  # part of a word; the MRZ row is no face
    assert not shows_name(face, "Bakker", {"HENDRIKA"})  # the surname must show too
    assert not shows_name(None, "de Vries", {"HENDRIKA"})
