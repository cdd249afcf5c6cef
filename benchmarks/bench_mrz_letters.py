"""Unread letters of an MRZ given name read from the row's image (issue 27).

    python benchmarks/bench_mrz_letters.py [--seeds 2] [--gens own,external]

IDs of both generators (tests/corpus/mrz_names.py: photo, JPEG, 150 dpi, black-and-white
copy), each read by the ID reader; where the first given name was read whole, its reading is
given unread characters (the last letter; one inside; two inside) and
``checks.with_name_letters_read`` reads them again. Prints per generator how many came back as
the document's name, stayed unread, or came back as another name (target 0).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import mrz_names as M  # noqa: E402

from formgen.check.identity.checks import with_name_letters_read  # noqa: E402

NAMES = [("Bram", "Peters"), ("Joost", "Kuipers"), ("Sanne", "de Boer"), ("Mohammed", "Meijer"),
         ("Femke", "Jansen"), ("Thijs", "Smit"), ("Noor", "Bakker"), ("Daan", "Visser")]
HOLES = {"last": lambda n: [len(n) - 1], "inside": lambda n: [len(n) // 2],
         "two inside": lambda n: [1, len(n) - 2]}


def main() -> None:
    gens, seeds = M.bench_options(seeds=2)
    for gen in gens:
        tally: Counter[str] = Counter()
        for how, seed in M.draws(seeds):
            for n, (given, surname) in enumerate(NAMES):
                result = M.read_id(gen, how, given, surname, 700 + 31 * seed + n)
                first = given.upper()
                if result.mrz is None or result.mrz.name_row is None or \
                        (result.given_names or "").split()[:1] != [first]:
                    tally["not read whole"] += 1
                    continue
                for hole, places in HOLES.items():
                    read = with_name_letters_read(M.unread(result, places(first)))
                    got = (read.given_names or "").split()[:1]
                    kind = "right" if got == [first] else \
                        "unread" if got and "?" in got[0] else "other name"
                    tally[kind] += 1
                    if kind == "other name":
                        print(f"  {gen} {how} {given} {hole}: read {got}")
        total = tally["right"] + tally["unread"] + tally["other name"]
        print(f"{gen:9s} names {total}: right {tally['right']}, still unread "
              f"{tally['unread']}, another name {tally['other name']} (target 0); IDs whose "
              f"name was not read whole: {tally['not read whole']}")


if __name__ == "__main__":
    main()
