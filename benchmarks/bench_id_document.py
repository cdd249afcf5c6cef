"""Time ``analyse_id_page`` on 300-dpi A4 pages (TD1 ID card, TD3 passport) on one CPU core.

Run from the repository root:

    python benchmarks/bench_id_document.py [--runs 7] [--threads 1]

Thread limits are set before numpy/onnxruntime are imported. Prints the first call (engine/model
load, and separately the first analysis) and the median / min / max of the following runs, as
wall-clock and process CPU time. The synthetic pages hold only fictitious data.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _limit_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "FORMGEN_OCR_THREADS"):
        os.environ[var] = str(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs after the first call")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (default 1)")
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    _limit_threads(args.threads)

    root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(root), str(root / "tests")]

    import statistics
    import time

    import cv2

    cv2.setNumThreads(args.threads)

    from corpus.id_documents import id_card_page, letter_page, passport_page

    from formgen.check.identity import ocr
    from formgen.check.identity.document import analyse_id_page

    ocr.configure(args.threads)
    pages = {
        "TD1 ID-kaart": id_card_page(dpi=args.dpi).image,
        "TD3 paspoort": passport_page(dpi=args.dpi).image,
        "TD1 BSN afgeschermd": id_card_page(dpi=args.dpi, masked_bsn=True).image,
        "TD1 fout controlecijfer": id_card_page(dpi=args.dpi, corrupt_check_digit=True).image,
        "brief (geen ID)": letter_page(dpi=args.dpi)[0],
    }

    t0 = time.perf_counter()
    ocr.get_engine()
    print(f"engine load (models): {time.perf_counter() - t0:.2f} s wall")

    print(f"analyse_id_page, A4 at {args.dpi} dpi, {args.threads} thread(s), "
          f"{args.runs} runs after the first call")
    first = True
    for name, image in pages.items():
        w0, c0 = time.perf_counter(), time.process_time()
        result = analyse_id_page(image)
        first_wall, first_cpu = time.perf_counter() - w0, time.process_time() - c0
        walls, cpus = [], []
        for _ in range(args.runs):
            w0, c0 = time.perf_counter(), time.process_time()
            analyse_id_page(image)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        label = "first call (after load)" if first else "first call"
        first = False
        print(
            f"  {name:24s} valid={result.mrz_valid!s:5s} {label}: {first_wall:.2f} s "
            f"(cpu {first_cpu:.2f}) | median {statistics.median(walls):.2f} s "
            f"(cpu {statistics.median(cpus):.2f}), min {min(walls):.2f}, max {max(walls):.2f}"
        )


if __name__ == "__main__":
    main()
