"""The validator on the families of issue 27 (tests/corpus/families.py), per family and half.

    python benchmarks/bench_families.py [--rounds 2] [--seed 7] [--half both] [--family F ...]
                                        [--jobs 2] [--corpus DIR] [--quiet]

Builds rounds 0..rounds-1 of each family (a round holds each of the family's variants once;
rounds alternate between the halves, so --rounds 2 puts every variant once in each half),
checks each submission in its own process (the judging of bench_external.py) and prints, per
half and family: complete judged right of complete (``review`` only where the case allows it
counts as right), not-complete judged complete of not-complete, the review rate of complete
ones and crashes; then the cases judged wrong. Thresholds may be chosen on the ``tune`` half
only; a fix counts when it holds on the ``report`` half, and on a family it was not tuned on.
With --corpus DIR the cases are kept there (one file per family, seed and rounds) and reused.

Targets (issue 27, report half, every family): 0 not-complete judged complete, >= 97 % of
complete judged right, review rate of complete <= 8 %, 0 crashes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_external import KEY, Judged, judge, print_wrong, rates  # noqa: E402
from corpus.external import ExternalCase  # noqa: E402
from corpus.families import FAMILIES, HALVES, build_families  # noqa: E402


def cases_of(where: Path, family: str, rounds: int, seed: int, jobs: int,
             half: str | None = None) -> list[ExternalCase]:
    """A family's rounds (one half, or both when half is None), built once and kept in where;
    a half is taken from a saved both-halves file when there is one."""
    both = where / f"cases-{family}-{seed}-{rounds}.json"
    saved = both if half is None else where / f"cases-{family}-{seed}-{rounds}-{half}.json"
    for f in (both, saved):
        if f.exists():
            cases = [ExternalCase.from_json(d) for d in json.loads(f.read_text())]
            return [c for c in cases if half is None or c.half == half]
    start = time.perf_counter()
    cases = build_families(where, KEY, rounds, seed, families=[family], half=half, workers=jobs)
    saved.write_text(json.dumps([c.to_json() for c in cases]))
    print(f"built {len(cases)} {family} cases in {time.perf_counter() - start:.0f} s", flush=True)
    return cases


def family_of(j: Judged) -> str:
    return j.case.recipe.split(":", 1)[0]


def table(judged: list[Judged], families: list[str]) -> None:
    """One line per family: the four numbers the targets are stated in."""
    print(f"{'family':9s} {'complete right':>15s} {'not-complete judged complete':>29s} "
          f"{'review rate of complete':>24s} {'crashes':>8s}")
    for fam in [*families, "all"]:
        members = [j for j in judged if fam == "all" or family_of(j) == fam]
        if not members:
            continue
        r = rates(members)
        print(f"{fam:9s} {f'{r.right}/{r.complete}':>15s} "
              f"{f'{r.wrongly}/{r.not_complete}':>29s} "
              f"{f'{r.review}/{r.complete} = {r.review_rate:.0%}':>24s} {r.crashes:>8d}")


def by_variant(judged: list[Judged]) -> None:
    """Per family and variant (a trap class, a look-alike, ...): the verdicts found."""
    for recipe in sorted({j.case.recipe for j in judged}):
        members = [j for j in judged if j.case.recipe == recipe]
        found = Counter(j.verdict for j in members)
        print(f"  {recipe:28s} expected {members[0].case.expected:10s} found "
              + ", ".join(f"{v} {n}" for v, n in sorted(found.items())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds per family (both halves)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both")
    parser.add_argument("--family", nargs="+", choices=list(FAMILIES), default=list(FAMILIES))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--corpus", type=Path, help="keep (and reuse) the cases here")
    parser.add_argument("--quiet", action="store_true", help="no per-case lines")
    args = parser.parse_args(argv)
    halves = HALVES if args.half == "both" else (args.half,)
    with tempfile.TemporaryDirectory() as tmp:
        where = args.corpus or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        only = None if args.half == "both" else args.half
        cases = [c for fam in args.family
                 for c in cases_of(where, fam, args.rounds, args.seed, args.jobs, only)]
        built = time.perf_counter() - start
        start = time.perf_counter()
        judged = judge(cases, args.jobs)
        print(f"{len(cases)} submissions (seed {args.seed}, {args.rounds} rounds): built in "
              f"{built:.0f} s, checked in {time.perf_counter() - start:.0f} s with "
              f"{args.jobs} processes")
        for half in halves:
            print(f"\n== {half} half")
            table([j for j in judged if j.case.half == half], args.family)
            by_variant([j for j in judged if j.case.half == half])
        if not args.quiet:
            print()
            print_wrong(judged)


if __name__ == "__main__":
    main()
