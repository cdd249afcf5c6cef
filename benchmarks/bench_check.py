"""Time the validator per page on one core: a 300-dpi form page and a 300-dpi ID page.

    python benchmarks/bench_check.py [--runs 5]

Each timing is a whole `check_submission` of a one-file submission (decode, marks, QR, fields,
name OCR), so it is what support waits for. Targets (issue 10): form page < 0.5 s, ID page
< 1.5 s, on one core (taskset -c 0).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "FORMGEN_OCR_THREADS"):
    os.environ[_var] = "1"
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import datetime as dt  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
from corpus import forms  # noqa: E402
from corpus.id_documents import id_card_page  # noqa: E402
from PIL import Image  # noqa: E402

from formgen.check.identity import ocr  # noqa: E402
from formgen.check.submission import check_submission  # noqa: E402
from formgen.form.build import layout_contract, prefilled_form  # noqa: E402
from formgen.form.customers import Customer  # noqa: E402
from formgen.form.template import get_template  # noqa: E402


def _time(path: Path, key: bytes, runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    check_submission(path, key=key)
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        check_submission(path, key=key)
        times.append(time.perf_counter() - start)
    return first, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--id-pages", type=int, default=12,
                        help="realistic ID pages (scans and photos) to time")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    ocr.configure(1)
    key = secrets.token_hex(32).encode()
    rng = np.random.default_rng(7)
    person = Customer(customer_id="K1", name="Jan de Vries", email="jan@voorbeeld.nl")
    pdf, _ = prefilled_form(person, key, issued=dt.date(2026, 11, 25))
    contract = layout_contract()
    page = forms.render_form_pages(pdf, 300)[1]
    page = forms.handwrite(page, contract, 2, {"signer_name": "Jan de Vries",
                                               "sign_place": "Utrecht",
                                               "sign_date": "25-11-2026",
                                               "new_iban": "NL91ABNA0417164300"}, 300, rng=rng)
    page = forms.sign(page, contract, 300, rng)
    first_page = forms.render_form_pages(pdf, 300)[0]
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "form page 1 (prefilled, name OCR)": Path(tmp, "p1.jpg"),
            "form page 2 (handwritten, signed)": Path(tmp, "p2.jpg"),
            "ID page (TD1 card)": Path(tmp, "id.jpg"),
        }
        first_page.save(cases["form page 1 (prefilled, name OCR)"], quality=85, dpi=(300, 300))
        page.save(cases["form page 2 (handwritten, signed)"], quality=85, dpi=(300, 300))
        Image.fromarray(id_card_page(dpi=300).image).save(cases["ID page (TD1 card)"],
                                                          quality=85, dpi=(300, 300))
        start = time.perf_counter()
        get_template()
        ocr.get_engine()
        print(f"start-up (template + OCR models)   {time.perf_counter() - start:6.2f} s")
        for name, path in cases.items():
            first, times = _time(path, key, args.runs)
            print(f"{name:35s} median {statistics.median(times):5.2f} s  "
                  f"max {max(times):5.2f} s  first {first:5.2f} s  (300 dpi, 1 core)")
    realistic_id_pages(key, args.id_pages)
    print("targets: form page < 0.5 s, ID page < 1.5 s (one core: taskset -c 0)")


def realistic_id_pages(key: bytes, count: int) -> None:
    """ID pages as customers send them: scans (colour, b/w, 150-300 dpi) and phone photos."""
    from corpus import submissions as S

    rng = np.random.default_rng(2026)
    times, valid = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            person = S.make_person(rng)
            dpi = (150, 200, 300)[i % 3]
            page = S.id_page(person, dpi, rng)
            if i % 2:
                image = S.photograph([page], rng)[0]
            else:
                image = S.scan([page], rng, dpi=dpi, src_dpi=dpi, bw=i % 4 == 0,
                               rotate=float((0, 90, 180, 270)[i % 4]))[0]
            path = Path(tmp, f"id{i}.jpg")
            image.convert("RGB").save(path, quality=80)
            start = time.perf_counter()
            result = check_submission(path, key=key)
            times.append(time.perf_counter() - start)
            valid += next(c for c in result.checks if c.code == "id_document").status == "ok"
    print(f"{count} realistic ID pages (scans, photos)   median {statistics.median(times):5.2f} s"
          f"  max {max(times):5.2f} s  MRZ valid on {valid} of {count}  (1 core)")


if __name__ == "__main__":
    main()
