"""A known name scored against a handwritten name box, without reading it (issue 27).

    python benchmarks/bench_name_score.py [--gen external|own|both] [--n 24] [--seed 0]
                                          [--field name|signer_name] [--rows]
                                          [--hands breip,kristi,...] [--before]

Per generator (tests/corpus/name_boxes.py: ``external`` = the external corpus's hands and
augraphy; ``own`` = other handwriting fonts and numpy noise) and seed, one box holds the
holder's name (mostly in full, sometimes as initial + surname) and one a relative's (same
surname, a given name from a list the scorer's competitor list does not hold). Each is
compared with the holder:

* before: today's reading of the box (OCR, its left parts) names the holder (surname and
  given names, as ``identity.checks.names_the_holder``);
* after: before, or the holder's name explains the box by ``name_score.holds``.

A relative's box judged the holder's is the error that must stay 0. --rows prints each box's
measures (behind_free per letter, ahead_of_rival in nats) for tuning the two thresholds.
--hands: the external generator's noise with the name in each of these hands in turn
(tests/corpus/name_boxes.py HAND_FONTS), a line per hand. --before: the score on PP-OCRv4's
output and the written part's crop without the light ink next to it, as before session 19.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import name_boxes as NB  # noqa: E402

from formgen.check import latin_ocr  # noqa: E402
from formgen.check.identity import checks, name_score, ocr  # noqa: E402
from formgen.check.identity.checks import name_fits, name_in_box, name_readings  # noqa: E402
from formgen.check.identity.given_names import GivenNames, compare_given_names  # noqa: E402


def read_ok(box: object, given: str, surname: str) -> bool:
    """Today's comparison: some reading of the box names the holder."""
    for reading in name_readings(box):  # type: ignore[arg-type]
        if name_fits(reading, surname.upper()) and compare_given_names(
                reading, surname.upper(), given.upper(), fuzzy=True) is GivenNames.MATCH:
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gen", choices=("external", "own", "both"), default="both")
    parser.add_argument("--n", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--field", default="name")
    parser.add_argument("--rows", action="store_true")
    parser.add_argument("--hands", help="comma-separated names of tests/corpus/name_boxes.py "
                        "HAND_FONTS: the external noise, one line per hand")
    parser.add_argument("--before", action="store_true",
                        help="as before session 19: PP-OCRv4, no light ink")
    args = parser.parse_args()
    if args.before:
        latin_ocr.char_probs = ocr.char_probs  # type: ignore[assignment]
        checks._with_light_ink = lambda inner, left, right: (left, right)
    gens = {"external": NB.external_box, "own": NB.own_box}
    chosen = list(gens) if args.gen == "both" else [args.gen]
    if args.hands:
        gens = {hand: partial(NB.external_box, hand=NB.HAND_FONTS[hand])
                for hand in args.hands.split(",")}
        chosen = list(gens)
    for gen in chosen:
        counts = {k: [0, 0, 0] for k in ("holder", "relative")}  # before, after, cases
        seconds = 0.0
        for seed in range(args.seed, args.seed + args.n):
            given, surname, other = NB.person(seed)
            for kind, who in (("holder", given), ("relative", other)):
                text = NB.written(who, surname, seed)
                box = gens[gen](text, seed * 2 + (kind == "relative"), args.field)
                before = read_ok(box, given, surname)
                start = time.process_time()
                score = name_in_box(box, given, surname)
                seconds += time.process_time() - start
                after = before or bool(score and name_score.holds(score))
                counts[kind][0] += before
                counts[kind][1] += after
                counts[kind][2] += 1
                if args.rows:
                    measures = (f"behind_free={score.behind_free:5.2f} "
                                f"ahead={score.ahead_of_rival:6.1f} "
                                f"given_behind={score.given_behind:5.2f} "
                                f"({score.rival_name})"
                                if score else "nothing written")
                    print(f"{gen:14} {seed:3} {kind:8} {text:22} before={before!s:5} "
                          f"after={after!s:5} {measures}")
        h, r = counts["holder"], counts["relative"]
        print(f"{gen}: holder ok {h[0]}/{h[2]} -> {h[1]}/{h[2]}; relative ok {r[0]}/{r[2]} -> "
              f"{r[1]}/{r[2]}; scoring {1000 * seconds / (h[2] + r[2]):.0f} ms CPU per box")


if __name__ == "__main__":
    main()
