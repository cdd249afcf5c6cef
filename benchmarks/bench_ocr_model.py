"""The scan check's recogniser (formgen/site/ocr_model.py) against the validator's full model.

    python benchmarks/bench_ocr_model.py [--copies 4] [--seed 300]

The browser reads an ID copy's lines with the validator's PP-OCRv4 recogniser cut to digits,
Latin letters and a few signs, its weights stored as float16. Here both read the same lines:
the lines the validator's text detector finds on ID copies of every generator of
tests/corpus/id_copies.py (the BSN printed readable where the drawing has it; scans and phone
photos in turn), each cut out as `page_read.read_numbers` does (no padding). Printed per
generator: lines, the same text, the same text once the full model's characters outside
OUTPUT_CHARS are dropped (from the colours, and from the grey the page has), and lines where
the small model (from colours or grey) finds a BSN and the full one not, or the other way.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import id_copies  # noqa: E402

from formgen.check.identity import ocr  # noqa: E402
from formgen.check.identity.mrz import text_has_bsn  # noqa: E402
from formgen.site.ocr_model import (  # noqa: E402
    OUTPUT_CHARS,
    browser_model,
    read_line,
    validator_model,
)

DRAWINGS = (
    ("project, BSN readable", lambda s, photo: id_copies.project(s, readable=True, photo=photo)),
    ("external passport, readable", lambda s, photo: id_copies.external_copy(
        s, passport=True, readable=True, photo=photo)),
    ("external passport, bar", lambda s, photo: id_copies.external_copy(
        s, passport=True, readable=False, photo=photo)),
    ("external card", lambda s, photo: id_copies.external_copy(
        s, passport=False, readable=False, photo=photo)),
    ("families card", lambda s, photo: id_copies.families_copy(s, photo=photo)),
)


class SmallReader:
    """The browser's model run as controle-ocr.js runs it: height 48, no padding, greedy CTC."""

    def __init__(self) -> None:
        import onnxruntime

        model, chars = browser_model(*validator_model())
        self.chars = chars
        self.session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])

    def read(self, crop: np.ndarray, grey: bool = False) -> str:
        """The line's text, from its colours as the validator reads them (BGR), or from its grey
        as the page has it."""
        import cv2

        line = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY if grey else cv2.COLOR_RGB2BGR)
        return read_line(self.session, self.chars, line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4, help="copies per drawing")
    ap.add_argument("--seed", type=int, default=300)
    ap.add_argument("--show", action="store_true", help="print the lines read differently")
    args = ap.parse_args()
    small = SmallReader()
    total = np.zeros(5, int)
    print(f"{'drawing':30s} {'lines':>5s} {'same':>5s} {'same*':>5s} {'grey*':>5s} "
          f"{'BSN differs':>11s}")
    for k, (name, make) in enumerate(DRAWINGS):
        counts = np.zeros(5, int)
        for i in range(args.copies):
            image = make(args.seed + 31 * k + i, i % 2 == 1)
            for box in ocr.detect(image):
                crop = ocr.crop_box(image, box)
                (full, _), = ocr.recognize([crop], min_width=0)
                mine, grey = small.read(crop), small.read(crop, grey=True)
                kept = "".join(c for c in full if c in OUTPUT_CHARS)
                if args.show and mine != kept:
                    print("   ", repr(full), repr(mine))
                counts += (1, mine == full, mine == kept, grey == kept,
                           text_has_bsn(mine) != text_has_bsn(full)
                           or text_has_bsn(grey) != text_has_bsn(full))
        total += counts
        print(f"{name:30s} " + " ".join(f"{c:5d}" for c in counts[:4]) + f" {counts[4]:11d}",
              flush=True)
    print(f"{'all':30s} " + " ".join(f"{c:5d}" for c in total[:4]) + f" {total[4]:11d}")
    print("same*: the full model's characters outside OUTPUT_CHARS dropped first; grey*: the "
          "small model given the line's grey, as the page has it")


if __name__ == "__main__":
    main()
