"""Prefilled forms: the holder's ID against a relative's when the MRZ's name row is read with
doubt (issue 27).

    python benchmarks/bench_mrz_name.py [--gen own|external|both] [--seeds 2] [--seed 0]

Per generator, degradation (photo, JPEG, 150 dpi; tests/corpus/mrz_names.py), name pair and
seed: the holder's ID card and a relative's (a given name a letter or two apart) are read, and
id_name is judged with the request's name (the token: text) as read, and as the reader gives it
where the name row goes wrong (the holder's: the filler after the given name read as S, or
unread, and the next characters unread; the relative's: the characters after its name unread,
or its longer name cut to the holder's and the rest unread: HENDRIK???? for HENDRIKA). Judged
without the check of the name row's image (before) and with it (after). Prints one line per ID,
then per generator: holders ok and relatives ok, before -> after (relatives must stay 0).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import mrz_names as M  # noqa: E402

from formgen.check.identity import checks  # noqa: E402
from formgen.check.identity.checks import _name, mrz_fit  # noqa: E402
from formgen.check.identity.document import IdDocumentResult  # noqa: E402
from formgen.check.verdict import Status  # noqa: E402


def _ok(result: IdDocumentResult | None, token: str, *, image: bool) -> bool | None:
    """id_name ok for the request's name; ``image``: with the check of the name row's image
    (without it, as before it was made: the reading taken as read)."""
    if result is None or result.mrz is None:
        return None
    looks = checks.mrz_shows_name
    if not image:
        checks.mrz_shows_name = lambda *_: None  # type: ignore[assignment]
    try:
        return _name(result, token, True, "id", from_request=True,
                     exact=True).status is Status.OK
    finally:
        checks.mrz_shows_name = looks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gen", choices=("own", "external", "both"), default="both")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    gens = M.GENERATORS if args.gen == "both" else (args.gen,)
    counts: Counter[tuple[str, str, str]] = Counter()
    for gen in gens:
        for how in M.DEGRADATIONS:
            for k, (own, other, surname) in enumerate(M.PAIRS):
                for s in range(args.seeds):
                    seed = args.seed + 100 * k + s
                    token = f"{own} {surname}"
                    for kind, given in (("holder", own), ("relative", other)):
                        result = M.read_id(gen, how, given, surname, seed)
                        readings = [(result, "as read")]
                        if kind == "holder":  # the filler read as S, or unread
                            readings += [(M.misread(result, "S"), "misread"),
                                         (M.misread(result, ""), "unread")]
                        else:  # unread after the name; a longer name cut to the holder's
                            readings += [(M.misread(result, ""), "unread")]
                            if other.upper().startswith(own.upper()):
                                readings += [(M.misread(result, "", own.upper()), "cut")]
                        line = []
                        for reading, shown in readings:
                            before = _ok(reading, token, image=False)
                            after = _ok(reading, token, image=True)
                            if before is None:
                                line.append(f"{shown}: no MRZ")
                                continue
                            counts[gen, kind + " " + shown, "n"] += 1
                            counts[gen, kind + " " + shown, "before"] += before
                            counts[gen, kind + " " + shown, "after"] += bool(after)
                            fit = mrz_fit(reading, token)
                            seen = "" if fit is None else \
                                f" (ahead {fit.ahead_of_rival:.1f}, behind {fit.behind_free:.2f})"
                            line.append(f"{shown}: {'ok' if before else 'review'} -> "
                                        f"{'ok' if after else 'review'}{seen}")
                        print(f"{gen}\t{how}\t{kind}\t{own}/{other}\tseed {seed}\t"
                              + "\t".join(line), flush=True)
    print("\nid_name ok, before -> after (holders: more is better; relatives must stay 0)")
    for gen in gens:
        for group in ("holder as read", "holder misread", "holder unread",
                      "relative as read", "relative unread", "relative cut"):
            n = counts[gen, group, "n"]
            print(f"{gen:9s} {group:17s} {counts[gen, group, 'before']}/{n} -> "
                  f"{counts[gen, group, 'after']}/{n}")


if __name__ == "__main__":
    main()
