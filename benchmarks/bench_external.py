"""The validator on the external corpus (other tools than its own generator): report half.

    python benchmarks/bench_external.py [--n 440] [--seed 7] [--half report] [--jobs 2]
                                        [--corpus DIR] [--quiet]

Builds the cases of one half of `tests/corpus/external.py` (``--half report`` by default; the
tuning half is where thresholds may be chosen, the report half is only ever measured), checks
each submission in its own process and prints the confusion matrix, the share of complete
submissions judged right (``review`` only for a handwritten reply address counts as right),
their review rate, crashes, CPU seconds per page, and the result per failure class of issue 10.
With --corpus DIR the cases are kept there and reused.

Targets (report half, >= 200 submissions; issue 27): 0 not-complete judged complete, 0 crashes,
>= 97% of complete submissions judged right, review rate of complete <= 8% (a handwritten reply
address alone may be review: the rate is printed with and without those).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus.external import ExternalCase, build_external, today  # noqa: E402

from formgen.check.submission import check_submission  # noqa: E402

KEY = b"external-corpus-key-0123456789abcdef"
VERDICTS = ("complete", "incomplete", "review", "unreadable")

# failure classes of issue 10 (3-7), recognised by the tags a case carries
CLASSES: dict[str, str] = {
    "3 noise": "aug:",
    "4 150 dpi": "150dpi",
    "5 180°": "rot180",
    "6 90°/270°": "rot90|rot270",
    "7 thin blue": "sign:thin",
}


@dataclass
class Judged:
    case: ExternalCase
    verdict: str  # a verdict, or "crash"
    statuses: dict[str, str]
    messages: dict[str, str]
    cpu: float

    @property
    def right(self) -> bool:
        """The verdict expected, naming what is missing or doubtful; for a complete one, review
        only where review_ok allows it."""
        if self.verdict == self.case.expected:
            return all(self.statuses.get(c) == "missing" for c in self.case.missing) and all(
                self.statuses.get(c) == "review" for c in self.case.review)
        if self.case.expected == "complete" and self.verdict == "review":
            doubtful = {c for c, s in self.statuses.items() if s == "review"}
            return bool(doubtful) and doubtful <= self.case.review_ok
        return False


def judge_one(case: ExternalCase) -> Judged:
    start = time.process_time()
    try:
        result = check_submission(case.path, key=KEY, from_address=case.sender, today=today())
    except Exception as exc:  # noqa: BLE001 - a crash is a result here, counted and shown
        line = traceback.format_exception_only(exc)[-1].strip()
        return Judged(case, "crash", {}, {"crash": line}, time.process_time() - start)
    return Judged(case, str(result.verdict), {c.code: str(c.status) for c in result.checks},
                  {c.code: c.message for c in result.checks}, time.process_time() - start)


def judge(cases: list[ExternalCase], jobs: int) -> list[Judged]:
    if jobs <= 1:
        return [judge_one(c) for c in cases]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(judge_one, cases, chunksize=1))


def _in_class(case: ExternalCase, pattern: str) -> bool:
    return any(tag.startswith(p) for tag in case.tags for p in pattern.split("|"))


@dataclass
class Rates:
    """The counts the targets are stated in."""

    complete: int
    right: int  # complete judged right
    not_complete: int
    wrongly: int  # not complete, judged complete
    review: int  # complete, judged review
    review_allowed: int  # of those, review only where the case allows it (a reply address by hand)
    crashes: int

    @property
    def rate(self) -> float:
        return self.right / self.complete if self.complete else 1.0

    @property
    def review_rate(self) -> float:
        return self.review / max(1, self.complete)

    @property
    def review_rate_unexplained(self) -> float:
        """The review rate without the reviews the issue allows (a reply address by hand)."""
        return (self.review - self.review_allowed) / max(1, self.complete)


def rates(judged: list[Judged]) -> Rates:
    complete = [j for j in judged if j.case.expected == "complete"]
    return Rates(len(complete), sum(j.right for j in complete), len(judged) - len(complete),
                 sum(j.case.expected != "complete" and j.verdict == "complete" for j in judged),
                 sum(j.verdict == "review" for j in complete),
                 sum(j.verdict == "review" and j.right for j in complete),
                 sum(j.verdict == "crash" for j in judged))


def print_wrong(judged: list[Judged]) -> None:
    """One line per case judged wrong: what was expected, what was found, the case's tags."""
    for j in judged:
        if j.right:
            continue
        doubtful = " ".join(f"{c}={s}" for c, s in j.statuses.items()
                            if s not in ("ok", "warning"))
        print(f"- {j.case.name} [{j.case.half}] expected {j.case.expected}, found "
              f"{j.verdict}: {doubtful or j.messages.get('crash', '')}")
        print(f"    {' '.join(j.case.tags)}")


def report(judged: list[Judged], *, details: bool = True) -> dict[str, float]:
    """Print the matrix and the rates; returns them for tests."""
    matrix = Counter((j.case.expected, j.verdict) for j in judged)
    columns = (*VERDICTS, "crash")
    print("expected \\ found " + "".join(f"{v:>12s}" for v in columns))
    for expected in VERDICTS:
        print(f"{expected:16s} " + "".join(f"{matrix[(expected, v)]:12d}" for v in columns))
    r = rates(judged)
    pages = sum(j.case.pages for j in judged)
    cpu = sum(j.cpu for j in judged)
    print(f"not-complete judged complete: {r.wrongly} of {r.not_complete} (target 0)")
    print(f"complete judged right:        {r.right} of {r.complete} = {r.rate:.1%} "
          "(target >= 97%; review only for a handwritten reply address counts as right)")
    print(f"review rate of complete:      {r.review} of {r.complete} = {r.review_rate:.1%}")
    print(f"  without a reply address by hand alone: {r.review - r.review_allowed} of "
          f"{r.complete} = {r.review_rate_unexplained:.1%} (target <= 8%)")
    print(f"crashes:                      {r.crashes} (target 0)")
    print(f"CPU seconds per page:         {cpu / max(1, pages):.2f} ({pages} pages, "
          f"{cpu / max(1, len(judged)):.1f} s per submission)")
    print("failure class        cases  right")
    for name, pattern in CLASSES.items():
        members = [j for j in judged if _in_class(j.case, pattern)]
        print(f"  {name:18s} {len(members):5d}  {sum(j.right for j in members):5d}")
    if details:
        print_wrong(judged)
    return {"wrongly_complete": r.wrongly, "complete_rate": r.rate, "crashes": r.crashes,
            "review_rate": r.review_rate, "review_rate_unexplained": r.review_rate_unexplained}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=440, help="indices drawn (both halves)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--half", choices=("report", "tune"), default="report")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="keep (and reuse) the cases here")
    parser.add_argument("--quiet", action="store_true", help="no per-case lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = args.corpus or Path(tmp)
        saved = where / f"cases-{args.half}-{args.seed}-{args.n}.json"
        start = time.perf_counter()
        if saved.exists():
            cases = [ExternalCase.from_json(d) for d in json.loads(saved.read_text())]
        else:
            cases = build_external(where, KEY, args.n, args.seed, half=args.half,
                                   workers=args.jobs)
            saved.write_text(json.dumps([c.to_json() for c in cases]))
        built = time.perf_counter() - start
        start = time.perf_counter()
        judged = judge(cases, args.jobs)
        print(f"{len(cases)} submissions ({args.half} half, seed {args.seed}): built in "
              f"{built:.0f} s, checked in {time.perf_counter() - start:.0f} s with "
              f"{args.jobs} processes")
        report(judged, details=not args.quiet)


if __name__ == "__main__":
    main()
