"""Empty form pages under a worn copier's drum: does the validator call an empty box written?

    python benchmarks/bench_empty_dirty_pages.py [--how drum bands] [--seeds 0 20] [--page 2]
                                                 [--written] [--jobs 2]

Issue 27 (a false `complete` is the worst error). The scan check's drum family
(tests/corpus/drum_pages.py: the blank form at 150 dpi, nothing written, under augraphy's
DirtyDrum and a black-and-white scan, `drum`, or the own model's bands of toner clumps down
the page, one through the required boxes, `bands`) checked by `formgen check --json`, one page
alone: every required box of that page (and the change group) that is `ok` is an empty box
called written. Prints per box the seeds where it is.

--written: the cost. The same pages with their required boxes written by hand and signed
(``drum_pages.dirty_page(..., written=True, signed=True)``): per required box and the
signature, how many are `ok` / `review` / `missing`, and the seeds where not `ok` (the change
group is left out: which of its boxes are written on the page is not known here).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import drum_pages  # noqa: E402


def _required(page: int) -> list[str]:
    from corpus import external
    contract = external.contract()
    boxes = ["field:" + f["id"] for f in contract["fields"] if f["page"] == page
             and f["required"] and f["kind"] not in ("signature", "checkbox")]
    groups = {f["group"] for f in contract["fields"] if f["page"] == page and f.get("group")}
    signature = [f for f in contract["fields"] if f["page"] == page and f["kind"] == "signature"]
    return boxes + ["group:" + g for g in sorted(groups)] + (["signature"] if signature else [])


def _judge(args: tuple[str, int, int, str, bool]) -> tuple[int, dict[str, str]]:
    from PIL import Image

    how, page, seed, folder, written = args
    path = Path(folder) / f"{how}-{page}-{seed}-{written}.png"
    Image.fromarray(drum_pages.dirty_page(page, how, seed, written=written,
                                          signed=written)).save(path)
    out = subprocess.run([sys.executable, "-m", "formgen", "check", "--json", str(path)],
                         capture_output=True, text=True, cwd=ROOT, check=False).stdout
    found = json.loads(out)
    checks = (found if "checks" in found else found["submissions"][0])["checks"]
    return seed, {c["code"]: c["status"] for c in checks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--how", nargs="+", default=["drum", "bands"])
    ap.add_argument("--seeds", nargs=2, type=int, default=[0, 20], metavar=("FROM", "TO"))
    ap.add_argument("--page", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--written", action="store_true",
                    help="the boxes written and signed: ok / review / missing per box")
    args = ap.parse_args()
    boxes = _required(args.page)
    if args.written:
        boxes = [b for b in boxes if not b.startswith("group:")]
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(args.jobs) as pool:
        for how in args.how:
            seeds = range(*args.seeds)
            judged = list(pool.map(_judge, [(how, args.page, s, folder, args.written)
                                            for s in seeds]))
            kind = "written" if args.written else "empty"
            print(f"{how}, page {args.page}, {kind}, seeds {args.seeds[0]}-{args.seeds[1] - 1}:")
            for box in boxes:
                if args.written:
                    counts = {v: [s for s, st in judged if st.get(box) == v]
                              for v in ("ok", "review", "missing")}
                    print(f"  {box:22} ok/review/missing: {len(counts['ok']):2}/"
                          f"{len(counts['review']):2}/{len(counts['missing']):2}  review "
                          f"{counts['review']}  missing {counts['missing']}")
                    continue
                called = [s for s, st in judged if st.get(box) == "ok"]
                print(f"  {box:22} ok on an empty box: {len(called):2} of {len(judged)}  {called}")


if __name__ == "__main__":
    main()
