"""The validator on a slice of the external corpus (tests/corpus/external.py, report half).

The external corpus is built with other tools than the project's own generator, and thresholds
are never chosen on its report half. CI checks a small slice of that half and prints its matrix;
`benchmarks/bench_external.py` runs the whole half (>= 200 submissions).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from corpus.external import ExternalCase, build_external, half_of
from figures import Figures

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_external import KEY, Judged, judge, report  # noqa: E402

SEED = 7
INDICES = int(os.environ.get("FORMGEN_EXTERNAL_INDICES", 16))  # about half are report cases


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> list[Judged]:
    cases = build_external(tmp_path_factory.mktemp("external"), KEY, INDICES, SEED,
                           half="report", workers=2)
    return judge(cases, jobs=2)


def test_halves_are_fixed_by_seed_and_index_alone() -> None:
    halves = [half_of(SEED, i) for i in range(400)]
    assert halves == [half_of(SEED, i) for i in range(400)]
    assert 170 <= halves.count("report") <= 230
    assert halves[:20] != [half_of(SEED + 1, i) for i in range(20)]


def test_the_same_seed_builds_the_same_case(tmp_path: Path) -> None:
    one = build_external(tmp_path / "a", KEY, 1, SEED, start=5)[0]
    two = build_external(tmp_path / "b", KEY, 1, SEED, start=5)[0]
    assert one.tags == two.tags and one.written == two.written
    assert one.expected == two.expected and one.pages == two.pages >= 1


def test_slice_matrix_no_crash_and_no_false_complete(judged: list[Judged],
                                                      figures: Figures) -> None:
    assert len(judged) >= 6
    assert {j.case.half for j in judged} == {"report"}
    rates = figures.printed("confusion matrix (report half slice)", report, judged)
    crashed = [(j.case.name, j.messages.get("crash")) for j in judged if j.verdict == "crash"]
    assert not crashed, crashed
    false_complete = [j.case.name for j in judged
                      if j.case.expected != "complete" and j.verdict == "complete"]
    assert not false_complete
    assert rates["wrongly_complete"] == 0


def test_ground_truth_is_consistent(judged: list[Judged]) -> None:
    for j in judged:
        case: ExternalCase = j.case
        assert case.expected in ("complete", "incomplete", "review")
        assert bool(case.missing) == (case.expected == "incomplete"), case.name
        assert bool(case.review) == (case.expected == "review"), case.name
        if case.recipe == "unsigned_noisy":
            assert "signature" not in case.written
