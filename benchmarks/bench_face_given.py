"""A handwritten name box and an MRZ that left the given name partly unread (issue 27).

    python benchmarks/bench_face_given.py [--seeds 2] [--gens own,external]

The account name comes from handwriting (a blank form), read badly, and the ID's MRZ gives
the first given name as its first two letters and unread characters ("JO???"): the holder's
name cannot be scored against the box, and a holder's complete submission went to a person.
The face of the document shows the given name (identity.face.given_names_on_face); the box
is scored against it (name_score.holds, unchanged). Pairs of a holder and a relative whose given
names start alike (Joost and Johan); IDs of both generators (tests/corpus/mrz_names.py, all
four degradations), name boxes in both generators' hands and noise (tests/corpus/name_boxes.py:
the ID's generator's box). Holders: `ok` with the face, and without it (before). Relatives'
IDs beside the holder's box: `ok` (target 0). Beside each, `ok` without the face (before) and
with the MRZ read whole (what the box's score allows at most).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import mrz_names as M  # noqa: E402
from corpus import name_boxes as B  # noqa: E402

from formgen.check.identity.checks import _name, holder_in_box  # noqa: E402
from formgen.check.identity.document import IdDocumentResult  # noqa: E402
from formgen.check.verdict import Status  # noqa: E402

PAIRS = [("Joost", "Johan", "Dekker"), ("Thijs", "Thomas", "de Vries"),
         ("Pieter", "Petra", "Bakker"), ("Sanne", "Sander", "Visser"),
         ("Femke", "Fenna", "Smit"), ("Mila", "Mirjam", "Meijer"),
         ("Daan", "Dave", "Mulder"), ("Lotte", "Louis", "Postma")]
KNOWN = 2  # letters of the first given name the MRZ reading keeps


def unread_after(result: IdDocumentResult) -> IdDocumentResult | None:
    """The reading with the first given name unread after its first KNOWN letters."""
    first = (result.given_names or "").split()[:1]
    if result.mrz is None or not first or len(first[0]) <= KNOWN:
        return None
    return M.unread(result, list(range(KNOWN, len(first[0]))))


def judged(box, result: IdDocumentResult) -> bool:  # type: ignore[no-untyped-def]
    """The ID check ok for the box's name as the validator takes it (the holder's name where
    the box holds it, else nothing read)."""
    name = holder_in_box(box, result)
    return name is not None and _name(result, name, False, "id").status is Status.OK


def main() -> None:
    gens, seeds = M.bench_options(seeds=2)
    for gen in gens:
        tally: Counter[str] = Counter()
        for how, seed in M.draws(seeds):
            for n, (own, other, surname) in enumerate(PAIRS):
                s = 3000 + 41 * seed + n
                text = f"{own} {surname}"
                box = B.own_box(text, s) if gen == "own" else B.external_box(text, s)
                for who, given in (("holder", own), ("relative", other)):
                    whole = M.read_id(gen, how, given, surname, s)
                    result = unread_after(whole)
                    if result is None:
                        tally[f"{who} not read"] += 1
                        continue
                    tally[who] += 1
                    ok = judged(box, result)
                    tally[f"{who} ok"] += ok
                    tally[f"{who} before"] += judged(box, replace(result, face=None))
                    tally[f"{who} whole"] += judged(box, whole)
                    if ok and who == "relative":
                        print(f"  {gen} {how} {other}'s ID for {own}'s box: ok")
        print(f"{gen}:")
        for who in ("holder", "relative"):
            print(f"  {who:8s} {tally[f'{who} ok']}/{tally[who]} ok (without the face: "
                  f"{tally[f'{who} before']}; the MRZ read whole: {tally[f'{who} whole']}); "
                  f"MRZ not read {tally[f'{who} not read']}"
                  + ("  (target 0 ok)" if who == "relative" else ""))


if __name__ == "__main__":
    main()
