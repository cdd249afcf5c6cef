"""A whole submission copied on a worn copier and photographed turned (issue 27, item 7).

The copier's toner specks come out darker than a thin pen, so the ink rules take the signature
for the specks around it; the long light pen lines are what a person sees
(formgen/check/ink.py ``long_pieces``, rule ``pen-lines-under-specks`` in
formgen/check/decision.py; benchmarks/tuning-copier.md). Whole submissions from the families
generator (its own heavy copier model, then a phone photo at 90/180/270 degrees, tuning half):
the signed ones were `review` for the signature before the rule, the unsigned ones must never
be signed. The external generator's version (augraphy's copier, a thin ballpoint) is measured
by benchmarks/bench_copier_photo.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import external as E
from corpus import families as F
from corpus.external import today

from formgen.check.submission import check_submission

KEY = b"external-corpus-key-0123456789abcdef"


def _signature(tmp_path: Path, seed: int, index: int) -> tuple[str, str]:
    case = F.build_one(tmp_path, KEY, seed, "heldout", index)
    assert case.recipe.startswith("heldout:copier_rot"), case.recipe
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=today())
    statuses = {c.code: str(c.status) for c in result.checks}
    return statuses["signature"], str(result.verdict)


@pytest.mark.parametrize(("seed", "index"), [(7, 0), (2, 6)])
def test_a_thin_pen_under_copier_specks_is_a_signature(tmp_path: Path, seed: int,
                                                        index: int) -> None:
    signature, _ = _signature(tmp_path, seed, index)
    assert signature == "ok"


@pytest.mark.parametrize(("seed", "index"), [(7, 2), (2, 8), (2, 2)])
def test_copier_specks_alone_are_no_signature(tmp_path: Path, seed: int, index: int) -> None:
    signature, verdict = _signature(tmp_path, seed, index)
    assert signature != "ok"
    assert verdict != "complete"


def test_a_drum_stipple_is_no_signature(tmp_path: Path) -> None:
    """The external generator's copier (augraphy's DirtyDrum, the page then turned): a row of
    stipple clusters across the empty box. A first version of the rule took their long
    pieces for pen lines; pen lines are thin (ink.PIECE_MAX_CORE)."""
    recipes = [E.r_copier_photo_thin, E.r_copier_photo_unsigned, E.r_copier_photo,
               E.r_copier_photo_unsigned]
    case = E.build_one(tmp_path, KEY, 1002, 3, recipes)
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=today())
    statuses = {c.code: str(c.status) for c in result.checks}
    assert statuses["signature"] != "ok"
    assert str(result.verdict) != "complete"
