"""A copy's noise is no strike: change boxes written, or struck, under copier noise.

    python benchmarks/bench_struck_noise.py [--seeds 0 24] [--shift 0] [--family external families]

The box-level family of tests/corpus/struck_noise.py (page 2's billing boxes, two generators,
each with its own writing and its own noise; --shift: the page that many rows off, so that the
boxes' frames lie in them). Prints per generator how many written boxes formgen.check.struck
takes for struck (should be none) and how many struck boxes it finds (should be all), and the
cases of either kind; and of the boxes not taken for struck, those whose strike is in doubt
(strike_doubt >= --doubt: rule strike-in-doubt in formgen.check.decision, `review`).
Tuning note: benchmarks/tuning-struck.md ("A copy's noise is no strike", "A strike the noise
hides").
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus.struck_noise import Case, measured  # noqa: E402

from formgen.check.decision import STRIKE_DOUBT_COVER  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=[0, 24], metavar=("FIRST", "END"))
    parser.add_argument("--shift", type=int, default=0, help="rows the page lies off")
    parser.add_argument("--family", nargs="+", default=["external", "families"],
                        choices=["external", "families"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--doubt", type=float, default=STRIKE_DOUBT_COVER,
                        help="strike_doubt from which a box not taken for struck is in doubt")
    args = parser.parse_args(argv)
    for family in args.family:
        cases: list[Case] = [(family, seed, args.shift, struck)
                             for seed in range(*args.seeds) for struck in (False, True)]
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(measured, cases))
        for struck in (False, True):
            boxes = [(case[1], fid, strike is not None, doubt)
                     for case, found_boxes in zip(cases, results, strict=True)
                     if case[3] is struck for fid, strike, doubt in found_boxes]
            found = [(seed, fid) for seed, fid, hit, _ in boxes if hit]
            wrong = found if not struck else [(s, f) for s, f, hit, _ in boxes if not hit]
            doubts = [(seed, fid, round(doubt, 2)) for seed, fid, hit, doubt in boxes
                      if not hit and doubt >= args.doubt]
            print(f"{family:9} shift {args.shift:>3} {'struck' if struck else 'written':8}"
                  f" boxes {len(boxes):>3}, taken for struck {len(found):>3}, in doubt "
                  f"{len(doubts):>3}   {'missed' if struck else 'wrong'}: {wrong}"
                  f"   in doubt: {doubts}", flush=True)

if __name__ == "__main__":
    main()
