"""An MRZ given name read with unread letters is read again from the row's image (issue 27).

The name field has no check digit: where the reader's readings of a letter disagree it leaves
the letter unread ("BRA?", "J??ST"), and an unread given name never names the holder, so a
holder's complete submission went to a person (black-and-white copies, 150 dpi). The row's
image is scored for every spelling of the unread places; only a spelling it shows clearly is
taken, so a relative's BRAD read "BRA?" is read BRAD, never the form's Bram. IDs of both
generators (tests/corpus/mrz_names.py); a family is measured by
benchmarks/bench_mrz_letters.py.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from corpus import mrz_names as M

from formgen.check.identity.checks import _name, with_name_letters_read
from formgen.check.identity.document import IdDocumentResult
from formgen.check.verdict import Status

SEEDS = {"own": 707, "external": 706}


@pytest.fixture(scope="module")
def read() -> dict[tuple[str, str], IdDocumentResult]:
    return {(gen, given): M.read_id(gen, "bw", given, "Peters", seed)
            for gen, seed in SEEDS.items() for given in ("Bram", "Brad")}


def _first(result: IdDocumentResult) -> str:
    return (result.given_names or "").split()[0]


def _handwritten(result: IdDocumentResult, name: str) -> Status:
    return _name(result, name, False, "id").status


@pytest.mark.parametrize("gen", sorted(SEEDS))
def test_a_holders_given_name_with_unread_letters_is_read_from_the_row(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    holder = read[gen, "Bram"]
    assert _first(holder) == "BRAM"
    assert _first(with_name_letters_read(M.unread(holder, [3]))) == "BRAM"  # BRA?
    doubtful = M.unread(holder, [1, 2])  # B??M: two letters apart from the form's Bram
    # the MRZ alone (identity.face would read the name on the document's face)
    assert _handwritten(replace(doubtful, face=None), "Bram Peters") is Status.REVIEW
    again = with_name_letters_read(doubtful)
    assert _first(again) == "BRAM"
    assert _handwritten(again, "Bram Peters") is Status.OK


@pytest.mark.parametrize("gen", sorted(SEEDS))
def test_a_relatives_given_name_with_unread_letters_stays_the_relatives(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    relative = read[gen, "Brad"]
    assert _first(relative) == "BRAD"
    for places in ([3], [1, 2]):
        again = with_name_letters_read(M.unread(relative, places))
        assert _first(again) in ("BRAD", M.unread(relative, places).given_names.split()[0])
        assert _handwritten(again, "Bram Peters") is Status.REVIEW


def test_a_reading_without_unread_letters_is_kept_as_it_is(
        read: dict[tuple[str, str], IdDocumentResult]) -> None:
    holder = read["external", "Bram"]
    assert "?" not in (holder.given_names or "")
    assert with_name_letters_read(holder) is holder
