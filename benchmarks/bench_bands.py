"""The signature block under a copier's bands, written and empty (issue 27).

    python benchmarks/bench_bands.py [--seeds 110 130] [--generator external families]
                                     [--effects bands drum lowink] [--jobs 1] [--list]
                                     [--border] [--centred BOX [--sparse S]]

Page 2 of a submission, its signer's name, place, date and signature each written by hand or
left empty (about a third empty), then dirtied, from both corpus generators:

- external (``tests/corpus/external.py``: Debian handwriting fonts, OpenCV loops, its
  scanner) with augraphy's effects: ``bands`` BadPhotoCopy + DirtyDrum, ``drum`` DirtyDrum,
  ``lowink`` LowInkLines; at 150, 200 or 300 dpi;
- families (``tests/corpus/families.py``: other hands letter by letter, the spline signature
  model, its flatbed scanner) with its own worn drum: ``families.drum_stipple`` (mottled
  toner bands across the page, two on the signature block) for every effect.

``--centred BOX`` (families only, session 30): every box written and signed, one band along
the middle of BOX (the writing on the band; ``--sparse``: fewer clumps, see
``families.drum_stipple``) and one elsewhere on the page.

Prints per generator and effect how the written boxes and the empty boxes were judged
(ok / review / missing), then every box judged otherwise than it should (a written box not
`ok`, an empty box not `missing`) with its rules. An empty box judged `ok` and a written box
judged `missing` are the errors that must stay at 0. Choose thresholds on seeds 110-129 (tune);
130-149 are the report draws.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import bands as B  # noqa: E402

from formgen.check.fields import check_form_pages  # noqa: E402
from formgen.check.form_pages import find_form_page  # noqa: E402
from formgen.check.intake.model import Page  # noqa: E402
from formgen.form.template import get_template  # noqa: E402

EFFECTS = {"bands": ("BadPhotoCopy", "DirtyDrum"), "drum": ("DirtyDrum",),
           "lowink": ("LowInkLines",)}
Case = tuple[str, str, int]
CENTRED_PREFIX = "centred:"  # a families effect: centred:BOX:SPARSE


def page(case: Case) -> tuple[np.ndarray, int, set[str]]:
    """The case's page, its dpi and the boxes written: about a third of the boxes left empty
    (external), or the signature, the place or the date (families), drawn apart from the page
    so that a seed's page with all boxes written is the page of the test's family."""
    generator, effect, seed = case
    if effect.startswith(CENTRED_PREFIX):
        _, box, sparse = effect.split(":")
        return B.families_band_on(seed, box, float(sparse))
    if generator == "families":
        return B.families_draw(seed, border=effect == "border")
    rng = random.Random(f"empty-{seed}")
    empty = frozenset(b for b in B.BOXES if rng.random() < 0.35)
    image, dpi = B.external_page(seed, EFFECTS[effect], empty)
    return image, dpi, set(B.BOXES) - empty


def judge(case: Case) -> tuple[Case, dict[str, tuple[bool, str, list[str]]] | None]:
    """Per box of the signature block: (written, status, rules); None: page not placed."""
    image, dpi, written = page(case)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, dpi, False, None), template, None)
    if found is None or found.number != 2:
        return case, None
    checks, _ = check_form_pages([found], template)
    out = {}
    for c in checks:
        box = c.code.split(":")[-1]
        if box in B.BOXES:
            rules = c.explain["rules"] if c.explain else []
            out[box] = (box in written, str(c.status), rules)
    return case, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs=2, default=(110, 130), metavar=("FROM", "TO"))
    parser.add_argument("--generator", nargs="+", choices=("external", "families"),
                        default=["external", "families"])
    parser.add_argument("--effects", nargs="+", choices=list(EFFECTS), default=list(EFFECTS))
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--list", action="store_true", help="every box, not only the wrong ones")
    parser.add_argument("--border", action="store_true",
                        help="families: its stipple bands along the signature box's border")
    parser.add_argument("--centred", choices=B.BOXES,
                        help="families: a band along the middle of this box, all written")
    parser.add_argument("--sparse", type=float, default=0.0,
                        help="with --centred: the band's clumps fewer by this much")
    args = parser.parse_args()
    cases: list[Case] = []
    for g in args.generator:
        effects = args.effects if g == "external" else [
            f"{CENTRED_PREFIX}{args.centred}:{args.sparse}" if args.centred
            else "border" if args.border else "stipple"]
        cases += [(g, e, s) for e in effects for s in range(*args.seeds)]
    with ProcessPoolExecutor(args.jobs) as pool:
        judged = list(pool.map(judge, cases))
    counts: dict[tuple[str, str], Counter[str]] = {}
    wrong = []
    for (g, e, s), boxes in judged:
        tally = counts.setdefault((g, e), Counter())
        if boxes is None:
            tally["unplaced"] += 1
            continue
        for box, (written, status, rules) in boxes.items():
            tally[f"{'written' if written else 'empty'} {status}"] += 1
            if args.list or (status != "ok" if written else status != "missing"):
                wrong.append(f"{g} {e} {s} {box} {'written' if written else 'empty'} {status} "
                             f"{','.join(rules)}")
    print(f"{'generator':9s} {'effect':7s} {'written ok/review/missing':>25s} "
          f"{'empty missing/review/ok':>24s} unplaced")
    for (g, e), t in counts.items():
        print(f"{g:9s} {e:7s} {t['written ok']:>13d}/{t['written review']}/"
              f"{t['written missing']:<8d} {t['empty missing']:>13d}/{t['empty review']}/"
              f"{t['empty ok']:<8d} {t['unplaced']}")
    print(*wrong, sep="\n")


if __name__ == "__main__":
    main()
