"""Confusion matrix of the validator on the generated corpus (expected vs. found verdict).

    python benchmarks/bench_corpus.py [--cases 60] [--seed 1] [--jobs 2] [--corpus DIR]

Builds submissions from real `formgen form` output (handwriting, signatures, degradations,
synthetic ID documents, .eml), checks each one and prints the matrix, the two target rates and
every case whose verdict or codes differ. With --corpus DIR the corpus is kept and reused.
Targets: no incomplete submission judged complete; >= 95% of complete ones judged complete.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus.submissions import CorpusCase, build_corpus, today  # noqa: E402

from formgen.check.submission import SubmissionResult, check_submission  # noqa: E402
from formgen.check.verdict import Status  # noqa: E402

KEY = b"corpus-benchmark-key-0123456789abcdef"
VERDICTS = ("complete", "incomplete", "review", "unreadable")


def save_cases(path: Path, cases: list[CorpusCase]) -> None:
    """The cases as JSON (data, not a pickle: a kept corpus folder runs no code)."""
    rows = [{k: sorted(v) if isinstance(v, set) else str(v) if isinstance(v, Path) else v
             for k, v in dataclasses.asdict(case).items()} for case in cases]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def load_cases(path: Path) -> list[CorpusCase]:
    sets = {f.name for f in dataclasses.fields(CorpusCase) if f.type in ("set[str]", set)}
    return [CorpusCase(**{k: Path(v) if k == "path" else set(v) if k in sets else v
                          for k, v in row.items()})
            for row in json.loads(path.read_text(encoding="utf-8"))]


def _check(case: CorpusCase) -> SubmissionResult:
    return check_submission(case.path, key=KEY, from_address=case.sender, today=today())


def run(cases: list[CorpusCase], jobs: int) -> list[SubmissionResult]:
    if jobs <= 1:
        return [_check(c) for c in cases]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_check, cases, chunksize=1))


def differences(case: CorpusCase, result: SubmissionResult) -> list[str]:
    """Expected codes that were not reported as such (and verdict differences)."""
    found = {c.code: c.status for c in result.checks}
    notes = []
    if str(result.verdict) != case.expected:
        notes.append(f"verdict {result.verdict} (expected {case.expected})")
    for code in sorted(case.missing):
        if found.get(code) is not Status.MISSING:
            notes.append(f"{code} expected missing, got {found.get(code)}")
    for code in sorted(case.review):
        if found.get(code) is not Status.REVIEW:
            notes.append(f"{code} expected review, got {found.get(code)}")
    for code in sorted(getattr(case, "warning", set())):
        if found.get(code) is not Status.WARNING:
            notes.append(f"{code} expected warning, got {found.get(code)}")
    if result.verdict != case.expected:
        notes += [f"  {c.code}={c.status}: {c.message}" for c in result.checks
                  if c.status is not Status.OK]
    return notes


def report(cases: list[CorpusCase], results: list[SubmissionResult]) -> dict[str, float]:
    matrix = Counter((c.expected, str(r.verdict)) for c, r in zip(cases, results, strict=True))
    print("expected \\ found " + "".join(f"{v:>12s}" for v in VERDICTS))
    for expected in VERDICTS:
        print(f"{expected:16s} " + "".join(f"{matrix[(expected, v)]:12d}" for v in VERDICTS))
    not_complete = [c for c in cases if c.expected != "complete"]
    wrongly_complete = sum(matrix[(e, "complete")] for e in VERDICTS if e != "complete")
    complete = sum(matrix[("complete", v)] for v in VERDICTS)
    rate = matrix[("complete", "complete")] / complete if complete else 1.0
    print(f"not-complete judged complete: {wrongly_complete} of {len(not_complete)} "
          "(target 0)")
    print(f"complete judged complete:     {matrix[('complete', 'complete')]} of {complete} "
          f"= {rate:.1%} (target >= 95%)")
    return {"wrongly_complete": wrongly_complete, "complete_rate": rate}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="keep (and reuse) the corpus here")
    parser.add_argument("--quiet", action="store_true", help="no per-case differences")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.corpus or Path(tmp)
        saved = where / "cases.json"
        start = time.perf_counter()
        if saved.exists():
            cases = load_cases(saved)
        else:
            cases = build_corpus(where, KEY, args.cases, args.seed)
            save_cases(saved, cases)
        built = time.perf_counter() - start
        start = time.perf_counter()
        results = run(cases, args.jobs)
        checked = time.perf_counter() - start
        print(f"{len(cases)} submissions: corpus {built:.0f} s, checked in {checked:.0f} s "
              f"with {args.jobs} processes ({checked * args.jobs / len(cases):.2f} s CPU each)")
        report(cases, results)
        if not args.quiet:
            for case, result in zip(cases, results, strict=True):
                notes = differences(case, result)
                if notes:
                    print(f"- {case.path.name} ({case.description})")
                    for note in notes:
                        print(f"    {note}")


if __name__ == "__main__":
    main()
