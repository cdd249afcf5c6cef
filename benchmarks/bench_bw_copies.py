"""Complete submissions on bad copies: the external generator's tune-side families.

    python benchmarks/bench_bw_copies.py [--family breip_bw|breip_inkbleed|bw150|
                                          drum_letterpress|drum_shadow|lowink150] [--n 40]
                                         [--seed 2801] [--jobs 2] [--corpus DIR]

Fresh draws (``--seed``; neither half of benchmarks/bench_external.py's corpus) of families
of complete submissions the report half missed as a class (issue 27): ``breip_bw``, a blank
form written in Breip, copied in black and white at 150-300 dpi; ``bw150``, any form at 150
dpi in black and white; and, from session 29, the other classes session 27 listed:
``drum_letterpress`` (a dirty drum's bands and a faded print), ``drum_shadow`` (bands under a
cast shadow), ``lowink150`` (lines of print left out, 150 dpi); from session 30,
``breip_inkbleed`` (Breip on a blank form, bled and/or short of ink, black and white). Prints
the verdicts, how many complete ones were judged right (bench_external's rule), and the checks
that were not ok, counted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_external import KEY, judge  # noqa: E402
from corpus import external as E  # noqa: E402


def _complete(d: E.Draw, root: Path, pp: E.Paper, images: list) -> E.Result:  # type: ignore[type-arg]
    path, frm, n = E.deliver(d, root, images, pp.dpi, pp.person)
    return "complete", set(), set(), set(), path, frm, n


def r_breip_bw(d: E.Draw, root: Path) -> E.Result:
    """Complete: a blank form written in Breip, copied in black and white."""
    pp = E.paper(d, dpi=d.dpi((150, 200, 200, 300)), prefilled=False, font=E.HANDWRITING["breip"])
    return _complete(d, root, pp, E._scanned(d, pp, noise=d.rng.random() < 0.6, bw=True))

def r_breip_inkbleed(d: E.Draw, root: Path) -> E.Result:
    """Complete: a blank form in Breip, bled and/or short of ink, in black and white (session
    30)."""
    pp = E.paper(d, dpi=d.dpi((150, 200, 300)), prefilled=False, font=E.HANDWRITING["breip"])
    pp.form_pages = E._noise(d, pp.form_pages, count=(1, 2), ops=("InkBleed", "LowInkLines"))
    return _complete(d, root, pp, E._scanned(d, pp, noise=False, bw=True))


def r_bw150(d: E.Draw, root: Path) -> E.Result:
    """Complete: any form at 150 dpi, copied in black and white."""
    pp = E.paper(d, dpi=150)
    d.tags.append("150dpi")
    return _complete(d, root, pp, E._scanned(d, pp, noise=d.rng.random() < 0.6, bw=True))


def r_drum_letterpress(d: E.Draw, root: Path) -> E.Result:
    """Complete: a copy with a dirty drum's bands and a faded print, both (session 29)."""
    pp = E.paper(d, dpi=d.dpi())
    pp.form_pages = E._noise(d, pp.form_pages, count=(2, 2), ops=("DirtyDrum", "Letterpress"))
    return _complete(d, root, pp, E._scanned(d, pp, noise=False))


def r_drum_shadow(d: E.Draw, root: Path) -> E.Result:
    """Complete: a copy with a dirty drum's bands under a cast shadow (session 29)."""
    pp = E.paper(d, dpi=d.dpi())
    pp.form_pages = E._noise(d, pp.form_pages, count=(2, 2), ops=("DirtyDrum", "ShadowCast"))
    return _complete(d, root, pp, E._scanned(d, pp, noise=False))


def r_lowink150(d: E.Draw, root: Path) -> E.Result:
    """Complete: a printer short of ink (lines left out) at 150 dpi (session 29)."""
    pp = E.paper(d, dpi=150)
    d.tags.append("150dpi")
    pp.form_pages = E._noise(d, pp.form_pages, count=(1, 1), ops=("LowInkLines",))
    return _complete(d, root, pp, E._scanned(d, pp, noise=False))


FAMILIES = {"breip_bw": r_breip_bw, "breip_inkbleed": r_breip_inkbleed, "bw150": r_bw150,
            "drum_letterpress": r_drum_letterpress, "drum_shadow": r_drum_shadow,
            "lowink150": r_lowink150}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", choices=sorted(FAMILIES), default="bw150")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=2801)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--corpus", type=Path, help="keep the cases here")
    args = ap.parse_args()
    where = args.corpus or Path(tempfile.mkdtemp(prefix="bw-copies-"))
    recipe = FAMILIES[args.family]
    cases = [E.build_one(where / f"{args.family}-{i}", KEY, args.seed, i, recipes=[recipe])
             for i in range(args.n)]
    judged = judge(cases, args.jobs)
    verdicts = Counter(j.verdict for j in judged)
    doubts = Counter(code for j in judged for code, status in j.statuses.items()
                     if status not in ("ok", "warning"))
    right = sum(j.right for j in judged)
    print(f"{args.family}, seed {args.seed}: {len(judged)} complete submissions")
    print("verdicts: " + ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    print(f"complete judged right: {right} of {len(judged)} = {right / len(judged):.1%}")
    print("checks not ok: " + ", ".join(f"{c} {n}" for c, n in doubts.most_common()))


if __name__ == "__main__":
    main()
