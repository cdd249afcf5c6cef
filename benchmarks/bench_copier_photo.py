"""Whole submissions copied on a worn copier and photographed turned (issue 27, item 7).

    python benchmarks/bench_copier_photo.py [--n 6] [--seed 1] [--generator both]
                                            [--corpus DIR] [--jobs 1]

Two generators draw the same kind of paper: the families generator (`route_heldout`: its own
copier model, heavy, then a phone photo at 90/180/270 degrees; tuned on) and the external one
(augraphy's BadPhotoCopy and DirtyDrum, then its own photo model; not tuned on). Signed and
unsigned alternate. Prints per generator the complete ones judged right and the unsigned ones
judged complete, and a line per case judged wrong (tuning note: benchmarks/tuning-copier.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_external import KEY, judge, print_wrong, rates  # noqa: E402
from corpus import external, families  # noqa: E402
from corpus.external import ExternalCase  # noqa: E402

EXTERNAL = [external.r_copier_photo_thin, external.r_copier_photo_unsigned,
            external.r_copier_photo, external.r_copier_photo_unsigned]


def build(generator: str, where: Path, n: int, seed: int) -> list[ExternalCase]:
    """n cases of one generator, signed and unsigned alternating (kept in where and reused)."""
    where = where / f"{generator}-{seed}"  # the generators' case names repeat across seeds
    where.mkdir(parents=True, exist_ok=True)
    saved = where / f"cases-{n}.json"
    if saved.exists():
        return [ExternalCase.from_json(d) for d in json.loads(saved.read_text())]
    if generator == "families":  # heldout variants 0 (copier_rot) and 2 (unsigned)
        cases = [families.build_one(where, KEY, seed, "heldout", 3 * (i // 2) + 2 * (i % 2))
                 for i in range(n)]
    else:
        cases = [external.build_one(where, KEY, 1000 + seed, i, EXTERNAL) for i in range(n)]
    saved.write_text(json.dumps([c.to_json() for c in cases]))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6, help="cases per generator")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generator", choices=("families", "external", "both"), default="both")
    parser.add_argument("--corpus", type=Path, help="keep (and reuse) the cases here")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    generators = ["families", "external"] if args.generator == "both" else [args.generator]
    with tempfile.TemporaryDirectory() as tmp:
        where = args.corpus or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        for generator in generators:
            judged = judge(build(generator, where, args.n, args.seed), args.jobs)
            r = rates(judged)
            print(f"{generator}: complete judged right {r.right} of {r.complete}; unsigned "
                  f"judged complete {r.wrongly} of {r.not_complete}; crashes {r.crashes}")
            print_wrong(judged)


if __name__ == "__main__":
    main()
