"""Light writing beside a copier's band is read up close before a box is called empty (issue 27).

Under a dirty drum and a faded print (augraphy's DirtyDrum and Letterpress, the external
generator) a place written in a light hand beside a band read as nothing at READ_SCALE, and
the rule for an empty box amid a band's noise (unread-amid-noise) called the written box
empty: the holder's complete submission was judged incomplete ("Plaats ontbreekt"). Read up
close (CLOSER_SCALE) the writing shows letters, so the box goes to a person instead
(decision.read_closer). Empty boxes under bands stay empty: tests/check/test_empty_is_empty.py
and benchmarks/bench_bands.py (both generators), unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

from corpus import external as E

from formgen.check.submission import check_submission
from formgen.check.verdict import Status, Verdict

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_bw_copies import r_drum_letterpress  # noqa: E402

KEY = b"external-corpus-key-0123456789abcdef"
SEED, DRAW = 2801, 8  # bench_bw_copies.py --family drum_letterpress: "Tilburg" beside a band


def test_a_light_place_beside_a_band_is_never_missing(tmp_path: Path) -> None:
    case = E.build_one(tmp_path, KEY, SEED, DRAW, recipes=[r_drum_letterpress])
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=E.today())
    place = next(c for c in result.checks if c.code == "field:sign_place")
    assert "sign_place" in case.written
    assert place.status is Status.REVIEW, place.explain
    assert "unread-amid-noise" not in (place.explain or {}).get("rules", [])
    assert result.verdict is not Verdict.INCOMPLETE
