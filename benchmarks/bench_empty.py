"""Empty is empty: a required box left empty is `missing`, never `review` (issue 27).

    python benchmarks/bench_empty.py [--n 5] [--seed 1] [--jobs 2] [--dump rows.json]

Builds, per family, n submissions with one required box left empty (the signature too), from
both corpus generators, and checks them:

* A (own generator, ``tests/corpus/submissions.py``: Pillow degradations): ``scan`` (grey scan,
  sensor noise, paper tint), ``bw`` (black-and-white scanner), ``photo`` (phone photo in
  perspective, JPEG);
* B (external generator, ``tests/corpus/external.py``: augraphy, OpenCV): ``noise`` (one or two
  augraphy effects), ``bw`` (scanner threshold, Otsu or adaptive), ``photo`` (photo on a table
  with uneven light, often a shadow, JPEG 30-90).

--marks N adds the marked-box families of tests/check/test_empty_is_empty.py (page 2 only, N
seeds each, from --seed on): own ``streak``/``specks`` (numpy marks, own scanner model),
external ``streak`` (augraphy LowInkLines, DirtyDrum) and ``specks`` (albumentations
CoarseDropout), and ``light`` (a short value in a light pen or pencil written in the box: must
not be taken for specks or noise), printing each box's status and rules.

--drum N adds the family of tests/check/test_unsigned_under_drum.py (page 2, N seeds per kind,
from --seed on): the signature box empty or signed faintly, shortly or with gaps, under a dirty
drum's stipple (own numpy toner bands, or augraphy's DirtyDrum), sometimes black-and-white or
low JPEG; an empty box must be `missing`, a signed one never.

It prints per family how the empty boxes and the written boxes of the same submissions were
judged (ok / review / missing); a written box judged missing is the error that must stay at 0.
--dump writes one row per box (family, case, code, empty, status, rules, measures) for tuning.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external as E  # noqa: E402
from corpus import submissions as S  # noqa: E402

from formgen.check.submission import check_submission  # noqa: E402

KEY = b"empty-box-benchmark-key-0123456789"
FAMILIES = ("A-scan", "A-bw", "A-photo", "B-noise", "B-bw", "B-photo")
PREFILLED_EMPTY = ("signer_name", "sign_place", "sign_date", "signature")
BLANK_EMPTY = PREFILLED_EMPTY + ("name", "customer_id", "id_number")
Job = tuple[str, int, int, Path]


def _own(family: str, rng: np.random.Generator, root: Path, empty: str, prefilled: bool
         ) -> tuple[Path, str | None]:
    omit = frozenset() if empty == "signature" else frozenset({empty})
    signature = "no" if empty == "signature" else "yes"
    ctx = S.Ctx(root, KEY, rng)
    if family == "A-photo":
        path, frm, _ = S.photo_case(ctx, prefilled=prefilled, omit=omit, signature=signature)
    else:
        path, frm, _ = S.scanned_case(ctx, prefilled=prefilled, dpi=200, bw=family == "A-bw",
                                      omit=omit, signature=signature)
    return path, frm


def _external(family: str, seed: int, root: Path, empty: str, prefilled: bool
              ) -> tuple[Path, str | None]:
    d = E.Draw(random.Random(seed), seed, KEY)
    omit = frozenset() if empty == "signature" else frozenset({empty})
    sign = "none" if empty == "signature" else "pen"
    if family == "B-photo":
        pp = E.paper(d, dpi=200, prefilled=prefilled, omit=omit, sign=sign)
        pages = pp.form_pages + ([pp.id_page] if pp.id_page is not None else [])
        pages = E._noise(d, pages, count=(1, 1), ops=("ShadowCast", "ShadowCast", "InkBleed"))
        images = [E.photograph(pg, d.rng, turns=0) for pg in pages]
        path, frm, _ = E.deliver(d, root, images, 200, pp.person, fmt="jpeg")
    else:
        pp = E.paper(d, dpi=d.dpi((150, 200, 300)), prefilled=prefilled, omit=omit, sign=sign)
        images = E._scanned(d, pp, noise=family == "B-noise", bw=family == "B-bw")
        path, frm, _ = E.deliver(d, root, images, pp.dpi, pp.person)
    return path, frm


def judge(job: Job) -> list[dict[str, Any]]:
    family, seed, index, out = job
    case_seed = int.from_bytes(hashlib.sha256(f"{family}:{seed}:{index}".encode()).digest()[:6],
                               "big")
    rng = random.Random(case_seed)
    prefilled = rng.random() < 0.5
    empty = rng.choice(PREFILLED_EMPTY if prefilled else BLANK_EMPTY)
    root = out / f"{family}-{index:03d}-{empty}"
    if family.startswith("A-"):
        path, frm = _own(family, np.random.default_rng(case_seed), root, empty, prefilled)
    else:
        path, frm = _external(family, case_seed, root, empty, prefilled)
    result = check_submission(path, key=KEY, from_address=frm)
    code = "signature" if empty == "signature" else f"field:{empty}"
    rows = []
    for check in result.checks:
        if check.explain is None or check.code.startswith("group:"):
            continue
        rows.append({"family": family, "case": root.name, "code": check.code,
                     "empty": check.code == code, "status": str(check.status),
                     "rules": check.explain["rules"], "unmet": check.explain["unmet"],
                     "measures": check.explain["measures"]})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5, help="submissions per family")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--family", nargs="*", choices=FAMILIES, default=list(FAMILIES))
    ap.add_argument("--dump", type=Path)
    ap.add_argument("--marks", type=int, default=0, help="seeds per marked-box family")
    ap.add_argument("--drum", type=int, default=0, help="seeds per kind of the drum family")
    args = ap.parse_args(argv)
    if args.drum:
        drum(args.drum, args.seed, args.jobs)
        return
    if args.marks:
        marks(args.marks, args.seed, args.jobs)
        return
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [(f, args.seed, i, Path(tmp)) for i in range(args.n) for f in args.family]
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            rows = [row for found in pool.map(judge, jobs, chunksize=1) for row in found]
    if args.dump:
        args.dump.write_text(json.dumps(rows, indent=1))
    print(f"{'family':10s} {'empty: ok/review/missing':>26s} {'written: ok/review/missing':>28s}")
    for family in args.family:
        mine = [r for r in rows if r["family"] == family]
        counts = [Counter(r["status"] for r in mine if r["empty"] is empty)
                  for empty in (True, False)]
        print(f"{family:10s} " + " ".join(
            f"{c['ok']:>8d} {c['review']:>6d} {c['missing']:>7d}    " for c in counts))
        for r in mine:
            if r["empty"] and r["status"] != "missing" or not r["empty"] and \
                    r["status"] == "missing":
                print(f"    {r['case']} {r['code']}: {r['status']} ({' > '.join(r['rules'])})")


def marks(n: int, seed: int, jobs: int) -> None:
    """The marked-box families (see the module's doc): statuses per family."""
    sys.path.insert(0, str(ROOT / "tests" / "check"))
    from test_empty_is_empty import _judge_marked

    families = [("own", "streak"), ("own", "specks"), ("external", "streak"),
                ("external", "specks"), ("own", "light"), ("external", "light")]
    jobs_ = [(g, k, s) for g, k in families for s in range(seed, seed + n)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        judged = list(pool.map(_judge_marked, jobs_, chunksize=1))
    for g, k in families:
        mine = [(case, status, rules) for case, status, rules in judged
                if case.startswith(f"{g}-{k}-")]
        counts = Counter(status for _, status, _ in mine)
        what = "written" if k == "light" else "empty"
        print(f"{g + '-' + k:16s} {what}: ok {counts['ok']}, review {counts['review']}, "
              f"missing {counts['missing']}")
        for case, status, rules in mine:
            if (status != "missing") if k != "light" else bool(
                    {"noise-only", "specks-only"} & set(rules)) or status == "missing":
                print(f"    {case}: {status} ({' > '.join(rules)})")



def drum(n: int, seed: int, jobs: int) -> None:
    """The drum family (see the module's doc): statuses per generator and kind."""
    sys.path.insert(0, str(ROOT / "tests" / "check"))
    from test_unsigned_under_drum import KINDS, judge_drum

    jobs_ = [(g, k, s) for g in ("own", "external") for k in KINDS
             for s in range(seed, seed + n)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        judged = list(pool.map(judge_drum, jobs_, chunksize=1))
    for g in ("own", "external"):
        for k in KINDS:
            mine = [row for row in judged if row[0].startswith(f"{g}-{k}-")]
            counts = Counter(status for _, status, _ in mine)
            print(f"drum {g + '-' + k:16s} ok {counts['ok']}, review {counts['review']}, "
                  f"missing {counts['missing']}")
            for case, status, rules in mine:
                if (status != "missing") if k == "empty" else status == "missing":
                    print(f"    {case}: {status} ({' > '.join(rules)})")


if __name__ == "__main__":
    main()
