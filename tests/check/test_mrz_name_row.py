"""The MRZ's name field has no check digit: a reading with unread characters next to the given
name is checked against the image of the name row (issue 27).

The request names the holder (text). Two ways the reading goes wrong, both with characters
the reader could not read beside the name: the holder's filler read as a letter ("LOTTES????"
for LOTTE<<<<: a near fit, which was `review` as if it named a relative), and a relative's
longer name cut short ("HENDRIK????" for HENDRIKA: an exact fit, which was `ok`). The image of
the row tells them apart. IDs of both generators (tests/corpus/mrz_names.py), degraded; a
whole family is measured by benchmarks/bench_mrz_name.py.
"""

from __future__ import annotations

import pytest
from corpus import mrz_names as M

from formgen.check.identity.checks import _name
from formgen.check.identity.document import IdDocumentResult
from formgen.check.verdict import Status

# generator, degradation, (holder's given name, a relative's longer one), surname, seed
CASES = {"own": ("own", "photo", ("Hendrik", "Hendrika"), "de Vries", 101),
         "external": ("external", "dpi150", ("Gerrit", "Gerritje"), "Smit", 401)}


@pytest.fixture(scope="module")
def read() -> dict[tuple[str, str], IdDocumentResult]:
    out = {}
    for name, (gen, how, (own, other), surname, seed) in CASES.items():
        out[name, "holder"] = M.read_id(gen, how, own, surname, seed)
        out[name, "relative"] = M.read_id(gen, how, other, surname, seed)
    return out


def _status(result: IdDocumentResult | None, token: str) -> Status:
    assert result is not None
    return _name(result, token, True, "id", from_request=True, exact=True).status


@pytest.mark.parametrize("gen", sorted(CASES))
def test_the_holders_filler_read_as_a_letter_beside_unread_characters_is_ok(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    _, _, (own, _), surname, _ = CASES[gen]
    token = f"{own} {surname}"
    assert _status(read[gen, "holder"], token) is Status.OK
    for letter in "SAE":  # LOTTES????: a near fit of the text name
        assert _status(M.misread(read[gen, "holder"], letter), token) is Status.OK, letter
    assert _status(M.misread(read[gen, "holder"], ""), token) is Status.OK


@pytest.mark.parametrize("gen", sorted(CASES))
def test_a_relatives_longer_name_read_short_beside_unread_characters_is_review(
        read: dict[tuple[str, str], IdDocumentResult], gen: str) -> None:
    _, _, (own, other), surname, _ = CASES[gen]
    token = f"{own} {surname}"
    relative = read[gen, "relative"]
    assert _status(relative, token) is Status.REVIEW  # read as it is: a relative's name
    cut = M.misread(relative, "", own.upper())  # HENDRIK???? for HENDRIKA
    assert cut is not None and cut.given_names.startswith(own.upper())
    assert _status(cut, token) is Status.REVIEW
    assert _status(M.misread(relative, ""), token) is Status.REVIEW  # HENDRIKA????
    # and a clean reading of the relative's name is never looked at again
    assert "?" not in (relative.given_names or "").split()[0]
