"""The identity checks on saved corpus cases, one line per case, to compare two versions.

    python benchmarks/bench_id_checks.py CASES.json [CASES.json ...] [--half report] [--every 4]

Reads cases saved by bench_external.py or bench_families.py (``--corpus DIR``), checks each in
this process (the judging of bench_external.py) and prints, tab-separated: the case, the
verdict expected and found, right or WRONG, and the statuses and messages of the ID checks
(id_document, id_expiry, id_name, id_number, bsn); then the CPU seconds. Run it before and after
a change to the ID reader and diff the outputs: the corpus cases hold only fictitious data.
Only ever measure on the report half.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_external import judge_one  # noqa: E402
from corpus.external import ExternalCase  # noqa: E402

CODES = ("id_document", "id_expiry", "id_name", "id_number", "bsn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+", type=Path, help="saved cases (JSON)")
    parser.add_argument("--half", choices=("report", "tune"), default="report")
    parser.add_argument("--every", type=int, default=1, help="every k-th case only")
    args = parser.parse_args()
    cases = [ExternalCase.from_json(d) for f in args.cases for d in json.loads(f.read_text())]
    cases = [c for c in cases if c.half == args.half][::args.every]
    cpu = 0.0
    for case in cases:
        judged = judge_one(case)
        cpu += judged.cpu
        statuses = " ".join(f"{c}={judged.statuses.get(c, '-')}" for c in CODES)
        messages = " | ".join(judged.messages.get(c, "") for c in CODES)
        print(f"{case.name}\t{case.expected}\t{judged.verdict}\t"
              f"{'right' if judged.right else 'WRONG'}\t{statuses}\t{messages}", flush=True)
    print(f"# {len(cases)} cases, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
