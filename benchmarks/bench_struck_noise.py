"""A copy's noise is no strike: change boxes written, or struck, under copier noise.

    python benchmarks/bench_struck_noise.py [--seeds 0 24] [--shift 0] [--family external families]

The box-level family of tests/corpus/struck_noise.py (page 2's billing boxes, two generators,
each with its own writing and its own noise; --shift: the page that many rows off, so that the
boxes' frames lie in them). Prints per generator how many written boxes formgen.check.struck
takes for struck (should be none) and how many struck boxes it finds (should be all), and the
cases of either kind. Tuning note: benchmarks/tuning-struck.md ("A copy's noise is no strike").
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus.struck_noise import Case, strikes  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=[0, 24], metavar=("FIRST", "END"))
    parser.add_argument("--shift", type=int, default=0, help="rows the page lies off")
    parser.add_argument("--family", nargs="+", default=["external", "families"],
                        choices=["external", "families"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    for family in args.family:
        cases: list[Case] = [(family, seed, args.shift, struck)
                             for seed in range(*args.seeds) for struck in (False, True)]
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(strikes, cases))
        for struck in (False, True):
            boxes = [(case[1], fid, found) for case, found_boxes in zip(cases, results,
                                                                         strict=True)
                     if case[3] is struck for fid, found in found_boxes]
            found = [(seed, fid) for seed, fid, hit in boxes if hit]
            wrong = found if not struck else [(s, f) for s, f, hit in boxes if not hit]
            print(f"{family:9} shift {args.shift:>3} {'struck' if struck else 'written':8}"
                  f" boxes {len(boxes):>3}, taken for struck {len(found):>3}   "
                  f"{'missed' if struck else 'wrong'}: {wrong}", flush=True)


if __name__ == "__main__":
    main()
