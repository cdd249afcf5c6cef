"""The traps of issue 27 from the families corpus are never `complete`.

One whole submission per trap class, built by tests/corpus/families.py (its own stroke model,
Liberation stamps, Kristi/Typo Script names, its own ID cards, printed and scanned with its
own models): a company stamp in the signature box, a name typed in a script font there, the
ID of a relative (same surname, other given names), the only change struck out. The check
that the trap is about must not be `ok`, and the submission must not be `complete`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import families as F
from corpus.external import today

from formgen.check.submission import check_submission

KEY = b"family-traps-test-key-0123456789abcdef"
TRAPS = {"stamp": "signature", "script_name": "signature", "relative": "id_name",
         "struck_only": "group:change"}


@pytest.mark.parametrize("trap", list(TRAPS))
def test_trap_is_not_complete(tmp_path: Path, trap: str) -> None:
    case = F.build_one(tmp_path, KEY, 7, "traps", F.FAMILIES["traps"][1].index(trap))
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=today())
    statuses = {c.code: str(c.status) for c in result.checks}
    assert statuses.get(TRAPS[trap]) != "ok", statuses
    assert str(result.verdict) != "complete", statuses


# relative's ID with the holder's name handwritten on a blank form: the name box's first
# reading ("Yaa ran Leuue" for "Yara van Leeuwen") missed the surname, so the given names were
# never compared and the ID passed as "handwriting not readable" (families seed 11, report half)
@pytest.mark.parametrize(("seed", "index"), [(11, 8), (7, 2), (13, 8)])
def test_a_relatives_id_beside_a_handwritten_name_is_not_complete(tmp_path: Path, seed: int,
                                                                 index: int) -> None:
    assert F.FAMILIES["traps"][1][index % 6] == "relative"
    case = F.build_one(tmp_path, b"external-corpus-key-0123456789abcdef", seed, "traps", index)
    result = check_submission(case.path, key=b"external-corpus-key-0123456789abcdef",
                              from_address=case.sender, today=today())
    statuses = {c.code: str(c.status) for c in result.checks}
    assert statuses.get("id_name") == "review", statuses
    assert str(result.verdict) != "complete", statuses


# the only change struck out in the families generator's hands and pen (its own stroke model):
# session 13 found seed 8 `incomplete`, 7 and 9 `review`; 7 is now `incomplete` (9 still goes to
# a person: see benchmarks/tuning-struck.md); a person would say there is no change
@pytest.mark.parametrize("seed", [7, 8])
def test_the_only_change_struck_out_is_incomplete(tmp_path: Path, seed: int) -> None:
    case = F.build_one(tmp_path, KEY, seed, "traps", F.FAMILIES["traps"][1].index("struck_only"))
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=today())
    change = next(c for c in result.checks if c.code == "group:change")
    assert (str(change.status), change.explain["rule"]) == ("missing", "group-empty"), \
        change.message
    assert str(result.verdict) == "incomplete", {c.code: str(c.status) for c in result.checks}
