"""The document's face read where the MRZ leaves the given name in doubt (issue 27).

    python benchmarks/bench_id_face.py [--seeds 1] [--gens own,external]

Pairs of a holder's given name and a relative's a letter apart (Mila and Nila), IDs of both
generators (tests/corpus/mrz_names.py: photo, JPEG, 150 dpi, black-and-white copy) read by the
ID reader, the name from the request compared (checks._name). Holders: the MRZ's first given
name read as the relative's spelling, or with the differing letter unread; how many are `ok`
(the face read). Relatives: as read, and with the differing letter unread; how many are `ok`
(target 0: a relative's ID is never the holder's). Beside each, the same without the face
(the MRZ alone, as before session 29).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import mrz_names as M  # noqa: E402

from formgen.check.identity.checks import _name  # noqa: E402
from formgen.check.identity.document import IdDocumentResult  # noqa: E402
from formgen.check.verdict import Status  # noqa: E402

PAIRS = [("Mila", "Nila", "Dekker"), ("Anne", "Anna", "Bakker"), ("Daan", "Dean", "Visser"),
         ("Lotte", "Lotta", "Postma"), ("Joris", "Boris", "Smit"),
         ("Hendrik", "Hendrika", "de Vries"), ("Bram", "Brad", "Peters"),
         ("Sanne", "Sanna", "Jansen")]


def _unread_where_apart(name: str, other: str) -> str:
    i = next(k for k, (a, b) in enumerate(zip(name + " ", other + " ", strict=False)) if a != b)
    return (name[:i] + "?" + name[i + 1:]) if i < len(name) else name + "?"


def _ok(result: IdDocumentResult, token: str) -> bool:
    return _name(result, token, True, "id", from_request=True, exact=True).status is Status.OK


def main() -> None:
    gens, seeds = M.bench_options(seeds=1)
    for gen in gens:
        tally: Counter[str] = Counter()
        for how, seed in M.draws(seeds):
            for n, (own, other, surname) in enumerate(PAIRS):
                token = f"{own} {surname}"
                hole = _unread_where_apart(own.upper(), other.upper())
                s = 900 + 37 * seed + n
                for who, given in (("holder", own), ("relative", other)):
                    result = M.read_id(gen, how, given, surname, s)
                    if result.mrz is None or (result.given_names or "").split()[:1] != \
                            [given.upper()]:
                        tally[f"{who} not read whole"] += 1
                        continue
                    readings = {"holder": {"near": M.respelled(result, other.upper()),
                                           "unread": M.respelled(result, hole)},
                                "relative": {"as read": result,
                                             "unread": M.respelled(result, hole)}}[who]
                    for kind, reading in readings.items():
                        ok = _ok(reading, token)
                        tally[f"{who} {kind}"] += 1
                        tally[f"{who} {kind} ok"] += ok
                        tally[f"{who} {kind} mrz"] += _ok(replace(reading, face=None), token)
                        if ok and who == "relative":
                            print(f"  {gen} {how} {other} for {own} ({kind}): ok")
        print(f"{gen}:")
        for who, kinds in (("holder", ("near", "unread")), ("relative", ("as read", "unread"))):
            parts = [f"{kind} {tally[f'{who} {kind} ok']}/{tally[f'{who} {kind}']} ok "
                     f"(the MRZ alone: {tally[f'{who} {kind} mrz']})" for kind in kinds]
            print(f"  {who:8s} {', '.join(parts)}; not read whole "
                  f"{tally[f'{who} not read whole']}" + ("  (target 0 ok)" if who == "relative"
                                                        else ""))


if __name__ == "__main__":
    main()
