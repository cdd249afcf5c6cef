"""Did a refactor of the validator change a decision? Statuses and messages, before and after.

    python benchmarks/same_decisions.py build DIR [--own 30] [--ext 40]
    python benchmarks/same_decisions.py record DIR OUT.json [--jobs 2]
    python benchmarks/same_decisions.py compare DIR BEFORE.json [--jobs 2]

``build`` writes a fixed set of submissions from both corpus generators (own:
``tests/corpus/submissions.py``, seed 11; external: ``tests/corpus/external.py``, seed 7, both
halves) under DIR, with a manifest; an external set already built there by
``python -m corpus.external DIR/ext -n N`` (its ``cases.json``) is reused. ``record`` checks
each submission and writes its verdict and every check's status and message; run it with the
code before the change (``PYTHONPATH`` at a checkout of it). ``compare`` checks them again with
the code as it is and prints every difference; exit status 1 when there is one.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

OWN_KEY = "corpus-test-key-0123456789abcdef"
EXT_KEY = "external-corpus-key-0123456789abcdef"
Case = dict[str, Any]  # name, path, sender, key
Decisions = dict[str, Any]  # name -> {"verdict": ..., "checks": {code: [status, message]}}


def build(root: Path, own: int, ext: int) -> list[Case]:
    from corpus.external import ExternalCase, build_external
    from corpus.submissions import build_corpus

    cases: list[Case] = []
    for c in build_corpus(root / "own", OWN_KEY.encode(), own, 11, workers=1):
        cases.append({"name": "own/" + c.path.name, "path": str(c.path), "sender": c.sender,
                      "key": OWN_KEY})
    listed = root / "ext" / "cases.json"
    if listed.exists():
        external = [ExternalCase.from_json(d) for d in json.loads(listed.read_text())]
    else:
        external = build_external(root / "ext", EXT_KEY.encode(), ext, 7)
    for e in external:
        cases.append({"name": "ext/" + e.name, "path": str(e.path), "sender": e.sender,
                      "key": EXT_KEY})
    (root / "manifest.json").write_text(json.dumps(cases, indent=1))
    return cases


def _decide_one(case: Case) -> tuple[str, dict[str, Any]]:
    from formgen.check.submission import check_submission

    try:
        result = check_submission(Path(case["path"]), key=case["key"].encode(),
                                  from_address=case["sender"])
    except Exception as exc:  # noqa: BLE001 - a crash is a decision too, compared like one
        return case["name"], {"verdict": f"crash: {type(exc).__name__}: {exc}", "checks": {}}
    return case["name"], {"verdict": str(result.verdict),
                          "checks": {c.code: [str(c.status), c.message] for c in result.checks}}


def decisions(root: Path, jobs: int) -> Decisions:
    cases = json.loads((root / "manifest.json").read_text())
    if jobs <= 1:
        return dict(map(_decide_one, cases))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(_decide_one, cases, chunksize=1))


def differences(before: Decisions, after: Decisions) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        if b is None or a is None:
            lines.append(f"{name}: only {'after' if b is None else 'before'}")
            continue
        if b["verdict"] != a["verdict"]:
            lines.append(f"{name}: verdict {b['verdict']} -> {a['verdict']}")
        for code in sorted(set(b["checks"]) | set(a["checks"])):
            if b["checks"].get(code) != a["checks"].get(code):
                lines.append(f"{name} {code}: {b['checks'].get(code)} -> "
                             f"{a['checks'].get(code)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("dir", type=Path)
    b.add_argument("--own", type=int, default=30)
    b.add_argument("--ext", type=int, default=40)
    r = sub.add_parser("record")
    r.add_argument("dir", type=Path)
    r.add_argument("out", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("dir", type=Path)
    c.add_argument("before", type=Path)
    for p in (r, c):
        p.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    if args.command == "build":
        print(f"{len(build(args.dir, args.own, args.ext))} submissions in {args.dir}")
        return 0
    found = decisions(args.dir, args.jobs)
    boxes = sum(len(d["checks"]) for d in found.values())
    if args.command == "record":
        args.out.write_text(json.dumps(found, indent=1, ensure_ascii=False, sort_keys=True))
        print(f"{len(found)} submissions, {boxes} checks recorded in {args.out}")
        return 0
    diff = differences(json.loads(args.before.read_text()), found)
    print("\n".join(diff))
    print(f"{len(found)} submissions, {boxes} checks: "
          + (f"{len(diff)} differences" if diff else "identical statuses and messages"))
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
