"""The validator on the generated corpus: one submission per recipe, degraded as customers do.

Prints the confusion matrix (the benchmark of issue 4) and holds the targets: no submission
that is not complete is judged complete; at least 95% of complete ones are judged complete;
every thing left out on purpose is reported as missing.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from corpus.submissions import RECIPES, CorpusCase, build_corpus, today
from figures import Figures

from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_corpus import KEY, report  # noqa: E402

# each recipe once (the list ends with second draws of two), for CI's time
# (FORMGEN_CORPUS_CASES=60: two draws; the benchmark bench_corpus.py runs 60 by default)
CASES = int(os.environ.get("FORMGEN_CORPUS_CASES", len(set(RECIPES))))


def _check(case: CorpusCase) -> SubmissionResult:
    return check_submission(case.path, key=KEY, from_address=case.sender, today=today())


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[CorpusCase, SubmissionResult]]:
    cases = build_corpus(tmp_path_factory.mktemp("corpus"), KEY, CASES, seed=2026)
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_check, cases, chunksize=1))
    return list(zip(cases, results, strict=True))


def test_confusion_matrix_and_no_false_complete(
        judged: list[tuple[CorpusCase, SubmissionResult]], figures: Figures) -> None:
    rates = figures.printed("confusion matrix", report, [c for c, _ in judged],
                            [r for _, r in judged])
    wrong = [c.path.name for c, r in judged if c.expected != "complete"
             and r.verdict == "complete"]
    assert not wrong, f"judged complete but not complete: {wrong}"
    assert rates["wrongly_complete"] == 0


def test_complete_submissions_are_judged_complete(
        judged: list[tuple[CorpusCase, SubmissionResult]]) -> None:
    complete = [(c, r) for c, r in judged if c.expected == "complete"]
    failed = [(c.path.name, [(k.code, str(k.status)) for k in r.checks
                             if k.status not in (Status.OK, Status.WARNING)])
              for c, r in complete if r.verdict != "complete"]
    assert len(failed) <= 0.05 * len(complete), failed


def test_everything_left_out_is_named(judged: list[tuple[CorpusCase, SubmissionResult]]) -> None:
    for case, result in judged:
        found = {c.code: c.status for c in result.checks}
        for code in case.missing:
            assert found.get(code) is Status.MISSING, (case.path.name, code, found.get(code))
        for code in case.warning:
            assert found.get(code) is Status.WARNING, (case.path.name, code, found.get(code))
        if case.expected == "unreadable":
            assert result.verdict == "unreadable"
