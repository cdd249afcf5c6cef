"""ID cards on a folded page, photographed (issue 27): is id_name ok for the holder's ID, and
never for a relative's (the same surname, another given name)?

    python benchmarks/bench_folded_id.py [--seed tune] [--first 0] [--n 20]
                                         [--kind holder|relative]

Per draw, the external generator's ID card (tests/corpus/external.py: its person, card, place on
an A4 page) goes through augraphy's Folding, a phone photo (perspective, light, blur, turned
0-270 degrees) and JPEG, is decoded as the validator decodes an image and read by
``analyse_id_page``; id_name is judged against the request's name (the token's: text), as for a
prefilled form. Prints one line per draw (the name row read, id_name) and the counts, after
and before name-row cells shaped like the row's fillers were read as fillers
(mrz_rows.filler_cells, session 23; a draw where that changed nothing is read once).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external as E  # noqa: E402

from formgen.check.identity import mrz_rows  # noqa: E402
from formgen.check.identity.checks import _name  # noqa: E402
from formgen.check.identity.document import analyse_id_page  # noqa: E402
from formgen.check.intake.images import decode_image  # noqa: E402
from formgen.check.intake.model import Page  # noqa: E402


def draw(seed: str, index: int, relative: bool) -> tuple[E.Person, Page]:
    """The holder and the photo of the ID sent (a relative's: another of the generator's given
    names on the holder's surname)."""
    case = int.from_bytes(hashlib.sha256(f"fold:{seed}:{index}".encode()).digest()[:6], "big")
    rng = random.Random(case)
    p = E.make_person(rng)
    given = rng.choice([g for g in E.GIVEN if g != p.given]) if relative else None
    doc = E.id_document(p, 200, rng, passport=False, given=given)
    page = E.id_on_page(doc, 200, rng, scale=rng.uniform(0.75, 1.15),
                        angle=rng.choice([0, 0, rng.uniform(-20, 20), 90, -90]))
    page = E.augraphy_pass(page, ["Folding"], case * 7 + 2)
    photo = E.photograph(page, rng, turns=rng.choice([0, 1, 2, 3]))
    found = next(decode_image("id.jpg", E.jpeg(photo, rng.randint(30, 90)), "jpeg",
                              60_000_000, 1))
    assert isinstance(found, Page)
    return p, found


def judge(seed: str, index: int, relative: bool) -> tuple[str, str, str]:
    """(name, name row read, id_name status: message) of one draw."""
    p, page = draw(seed, index, relative)
    result = analyse_id_page(page.image, today=E.today())
    if not result.mrz_valid or result.mrz is None:
        return p.name, "", "no valid MRZ"
    check = _name(result, p.name, True, "id", from_request=True, exact=True)
    return p.name, result.mrz.lines[-1], f"{check.status}: {check.message}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", default="tune")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--kind", choices=("holder", "relative"), default="holder")
    args = parser.parse_args()
    as_fillers = mrz_rows._as_fillers
    changed: list[bool] = []

    def watched(cells: mrz_rows._RowCells, text: str, start: int) -> str:
        out = as_fillers(cells, text, start)
        changed.append(out != text)
        return out

    counts: Counter[tuple[str, str]] = Counter()
    for i in range(args.first, args.first + args.n):
        changed.clear()
        mrz_rows._as_fillers = watched
        name, row, after = judge(args.seed, i, args.kind == "relative")
        before = after
        if any(changed):
            mrz_rows._as_fillers = lambda cells, text, start: text
            _, _, before = judge(args.seed, i, args.kind == "relative")
        counts["before", before.split(":")[0]] += 1
        counts["after", after.split(":")[0]] += 1
        print(f"{i:4d} {name:22s} {row:31s} {after}"
              + (f"  (before: {before})" if before != after else ""), flush=True)
    for when in ("before", "after"):
        print(f"{args.kind}, seed {args.seed} {args.first}-{args.first + args.n - 1}, {when}: "
              + ", ".join(f"{k} {v}" for (w, k), v in sorted(counts.items()) if w == when))


if __name__ == "__main__":
    main()
