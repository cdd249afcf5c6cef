"""Blank forms with a handwritten name: the holder's ID against a relative's and a stranger's
(issue 27).

    python benchmarks/bench_blank_name.py [--gen external|own|both] [--n 4] [--seed 0]
                                          [--hand generator|noisy|both|HAND] [--jobs 1]
                                          [--before]

Per generator and seed (tests/corpus/blank_name.py), one blank form whose name box is written
by hand (``generator``: the generator's own hand; ``noisy``: another hand under toner specks and
a 100-200 dpi scan, mostly unreadable to OCR; ``HAND``, a name of tests/corpus/name_boxes.py
HAND_FONTS: the external generator's form written in that hand, external only), sent once with
the holder's ID, once with a relative's (same surname, another given name), once with a near
relative's (a given name a letter from the holder's: Hendrika for Hendrik) and once with a
stranger's. Prints each case's verdict and id_name, then per generator and hand: the holder's
cases judged complete (the cost: the rest go to a person) and the (near) relatives' and
strangers' judged complete (must be 0). --before: the name score on PP-OCRv4's output and
without the light ink next to the written part, as before session 19 (one job at a time).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import blank_name as B  # noqa: E402
from corpus import name_boxes as NB  # noqa: E402

from formgen.check import latin_ocr  # noqa: E402
from formgen.check.identity import checks, ocr  # noqa: E402
from formgen.check.submission import check_submission  # noqa: E402

KEY = b"blank-name-bench-key-0123456789abcdef"


def judge(job: tuple[str, str, int, str]) -> tuple[str, str, int, str, str, str, str]:
    gen, hand, seed, kind = job
    with tempfile.TemporaryDirectory() as tmp:
        path, frm = B.GENERATORS[gen](Path(tmp) / "case", seed, kind, KEY, hand)
        result = check_submission(path, key=KEY, from_address=frm)
    check = next(c for c in result.checks if c.code == "id_name")
    others = " ".join(f"{c.code}={c.status}" for c in result.checks
                      if str(c.status) != "ok" and c.code != "id_name")
    return gen, hand, seed, kind, str(result.verdict), f"{check.status}: {check.message}", others


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gen", choices=("external", "own", "both"), default="both")
    parser.add_argument("--hand", choices=(*B.HANDS, "both", *NB.HAND_FONTS), default="both")
    parser.add_argument("--n", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--before", action="store_true",
                        help="the name score as before session 19: PP-OCRv4, no light ink")
    args = parser.parse_args()
    if args.before:
        latin_ocr.char_probs = ocr.char_probs  # type: ignore[assignment]
        checks._with_light_ink = lambda inner, left, right: (left, right)
        args.jobs = 1
    gens = list(B.GENERATORS) if args.gen == "both" else [args.gen]
    if args.hand in NB.HAND_FONTS:  # a hand by name: the external generator's form
        gens = ["external"]
    hands = list(B.HANDS) if args.hand == "both" else [args.hand]
    jobs = [(g, h, s, k) for g in gens for h in hands
            for s in range(args.seed, args.seed + args.n) for k in B.ALL_KINDS]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(judge, jobs, chunksize=1))
    else:
        rows = [judge(job) for job in jobs]
    for gen, hand, seed, kind, verdict, id_name, others in rows:
        print(f"{gen:8} {hand:9} {seed:3} {kind:8} {verdict:10} id_name={id_name}"
              + (f"  [{others}]" if others else ""))
    for gen in gens:
        for hand in hands:
            mine = [r for r in rows if r[0] == gen and r[1] == hand]
            line = []
            for kind in B.ALL_KINDS:
                of = [r for r in mine if r[3] == kind]
                line.append(f"{kind} complete {sum(r[4] == 'complete' for r in of)}/{len(of)}"
                            f" (id_name ok {sum(r[5].startswith('ok') for r in of)})")
            print(f"{gen} {hand}: " + "; ".join(line))


if __name__ == "__main__":
    main()
