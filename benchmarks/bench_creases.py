"""A crease through a box of the signature block, the box written in or left empty (issue 27).

    python benchmarks/bench_creases.py [--seeds 0 40] [--dpi 150] [--jobs 2] [--straight]

The family: ``tests/corpus/creases.py`` (page 2 folded and not flattened on the glass, a V
dip along a slanted crease, drawn with the third corpus' tools; the external corpus meets the
same class through augraphy's ``Folding``). Per seed the page twice: the box the crease runs
through written (the crease through the writing's middle) and left empty. Prints how the
written and the empty boxes were judged, and each box judged otherwise than it should (a
written box not `ok`, an empty box not `missing`) with its rules and the border's bend.
``--straight`` measures every box straight (the placement before bent borders were followed),
for comparison. Seeds 0-19 are the tune draws, 20-39 the report draws.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus.creases import PAGE, creased_page  # noqa: E402

from formgen.check import placement  # noqa: E402
from formgen.check.fields import hand_decision  # noqa: E402
from formgen.check.form_pages import find_form_page  # noqa: E402
from formgen.check.ink import thin_print  # noqa: E402
from formgen.check.intake.model import Page  # noqa: E402
from formgen.form.template import get_template  # noqa: E402

Row = tuple[int, bool, str, float, str, str, int]


def judge(args: tuple[int, bool, int, bool]) -> Row:
    seed, written, dpi, straight = args
    if straight:
        placement._bent = lambda page, mask, rect, offset: offset  # type: ignore[assignment]
    case = creased_page(seed, written=written, dpi=dpi)
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, case.image, dpi, False, None), template, None)
    if found is None or found.number != PAGE:
        return seed, written, case.box, case.depth, "no page", "", 0
    decision = hand_decision([found], template, case.box)
    box = template.layout.box(case.box)
    offset = placement.find_box(found.warped, thin_print(template.pdf)[PAGE - 1],
                                box.rect)
    return (seed, written, case.box, case.depth, str(decision.status),
            ",".join(decision.rules), offset.bent)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", nargs=2, type=int, default=(0, 40), metavar=("FROM", "TO"))
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--straight", action="store_true")
    args = ap.parse_args(argv)
    work = [(seed, written, args.dpi, args.straight)
            for seed in range(*args.seeds) for written in (True, False)]
    with ProcessPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(judge, work))
    for written in (True, False):
        counts = Counter(status for _, w, _, _, status, _, _ in rows if w is written)
        print(f"{'written' if written else 'empty':8} " + "  ".join(
            f"{status} {counts[status]}" for status in ("ok", "review", "missing", "no page")))
    for seed, written, box, depth, status, rules, bent in rows:
        if status != ("ok" if written else "missing"):
            print(f"  seed {seed:3} {'written' if written else 'empty':7} {box:12} "
                  f"dip {depth:4.1f} px  bend found {bent:2} px  {status}: {rules}")


if __name__ == "__main__":
    main()
