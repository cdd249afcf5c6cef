"""Is the signature handwriting? The signature-box rule on two families of marks.

    python benchmarks/bench_signature.py [--n 30] [--seed r2] [--family A B]

Each family draws, in the signature box of page 2 of the blank form (rendered at 300 dpi,
blurred and saved as JPEG as a scan does), three kinds of mark:

* genuine: a pen signature (family A: the project's own strokes, tests/corpus/forms.py;
  family B: the external generator's loops, tests/corpus/external.py);
* typed: a name typed in a script font (A: Dancing Script or Kaushan Script drawn by Pillow;
  B: OpenCV's Hershey script and italic fonts);
* stamp: a company stamp (A: a framed stamp drawn by Pillow in DejaVu Sans Bold; B: a double
  ring with Hershey text drawn by OpenCV).

It prints, per family and kind, how many the rule (formgen.check.decision.machine_text) takes
for typed or stamped text. Thresholds are chosen on family A only; family B is reported.
The history of the rule is in benchmarks/tuning-signature.md.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external, forms  # noqa: E402
from page_two import DPI, PageTwo  # noqa: E402

from formgen.check.decision import machine_text  # noqa: E402
from formgen.check.signature import read_lines  # noqa: E402

NAMES = ["Jan de Vries", "Anouk Bakker", "M. Jansen", "Pieter van Dijk", "Fatima El Amrani",
         "Kees Visser", "Sanne Smit", "J.P. Mulder", "Noor de Boer", "Thijs Meijer"]
INKS = [(20, 40, 140), (30, 30, 30), (10, 60, 160)]
STAMP_INKS = [(30, 50, 170), (160, 30, 40), (90, 40, 130)]
SCRIPT_FONTS = ["/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
                "/usr/share/fonts/opentype/kaushanscript/KaushanScript-Regular.otf"]
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


class Sheet(PageTwo):
    """Page 2 and its signature box."""

    def __init__(self) -> None:
        super().__init__()
        self.box = forms.field_box_px(self.contract, "signature", DPI)
        self.rect = self.template.layout.box("signature").rect


def genuine(sheet: Sheet, family: str, rng: random.Random) -> np.ndarray:
    page = sheet.page.copy()
    if family == "A":
        signed = forms.sign(Image.fromarray(page), sheet.contract, DPI,
                            rng=np.random.default_rng(rng.randint(0, 10 ** 9)))
        return np.asarray(signed)
    external.signature(page, DPI, rng.choice(INKS), rng, pen_mm=rng.uniform(0.35, 0.7))
    return page


def typed(sheet: Sheet, family: str, rng: random.Random) -> np.ndarray:
    x0, y0, x1, y1 = sheet.box
    name, ink = rng.choice(NAMES), rng.choice(INKS)
    if family == "A":
        image = Image.fromarray(sheet.page.copy())
        size = int((y1 - y0) * rng.uniform(0.25, 0.45))
        font = ImageFont.truetype(rng.choice(SCRIPT_FONTS), size)
        ImageDraw.Draw(image).text((x0 + (x1 - x0) * rng.uniform(0.05, 0.2),
                                    y0 + (y1 - y0) * rng.uniform(0.2, 0.45)), name, font=font,
                                   fill=ink)
        return np.asarray(image)
    page = sheet.page.copy()
    face = rng.choice([cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX,
                       cv2.FONT_HERSHEY_COMPLEX | cv2.FONT_ITALIC])
    scale = (y1 - y0) * rng.uniform(0.012, 0.02)
    cv2.putText(page, name, (int(x0 + (x1 - x0) * rng.uniform(0.05, 0.15)),
                             int(y0 + (y1 - y0) * rng.uniform(0.55, 0.75))),
                face, scale, ink, max(1, int(scale * 1.6)), cv2.LINE_AA)
    return page


def stamp(sheet: Sheet, family: str, rng: random.Random) -> np.ndarray:
    x0, y0, x1, y1 = sheet.box
    ink = rng.choice(STAMP_INKS)
    lines = [rng.choice(["Bakker Webdesign B.V.", "Visser ICT", "De Boer Hosting", "Smit & Zn"]),
             f"KvK {rng.randint(10000000, 99999999)}", rng.choice(["Utrecht", "Zwolle", "Delft"])]
    if family == "A":
        image = Image.fromarray(sheet.page.copy())
        draw = ImageDraw.Draw(image)
        w, h = (x1 - x0) * rng.uniform(0.5, 0.75), (y1 - y0) * rng.uniform(0.55, 0.8)
        sx = x0 + (x1 - x0 - w) * rng.uniform(0.1, 0.9)
        sy = y0 + (y1 - y0 - h) * rng.uniform(0.2, 0.8)
        if rng.random() < 0.7:
            draw.rounded_rectangle([sx, sy, sx + w, sy + h], radius=int(h * 0.08), outline=ink,
                                   width=max(3, DPI // 100))
        font = ImageFont.truetype(STAMP_FONT, int(h * 0.16))
        for i, text in enumerate(lines):
            draw.text((sx + w * 0.07, sy + h * (0.12 + 0.28 * i)), text, font=font, fill=ink)
        return np.asarray(image)
    page = sheet.page.copy()
    r = int((y1 - y0) * rng.uniform(0.3, 0.42))
    cx, cy = int(x0 + (x1 - x0) * rng.uniform(0.3, 0.6)), (y0 + y1) // 2
    cv2.circle(page, (cx, cy), r, ink, max(3, r // 25), cv2.LINE_AA)
    cv2.circle(page, (cx, cy), int(r * 0.8), ink, max(2, r // 40), cv2.LINE_AA)
    scale = r / 60
    for i, text in enumerate(lines[1:]):
        width = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)[0][0]
        cv2.putText(page, text, (cx - width // 2, cy - r // 6 + i * int(r * 0.45)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, ink, max(2, int(scale * 2)), cv2.LINE_AA)
    return page


KINDS: dict[str, Callable[[Sheet, str, random.Random], np.ndarray]] = {
    "genuine": genuine, "typed": typed, "stamp": stamp}



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="marks of each kind per family")
    parser.add_argument("--seed", default="r2")
    parser.add_argument("--family", nargs="+", default=["A", "B"], choices=["A", "B"])
    args = parser.parse_args(argv)
    sheet = Sheet()
    print(f"{'family':8}{'kind':10}{'taken for typed or stamped':>28}")
    for family in args.family:
        for kind, draw in KINDS.items():
            flagged = 0
            for i in range(args.n):
                rng = random.Random(f"{args.seed}{family}{kind}{i}")
                page = sheet.scanned(draw(sheet, family, rng), rng)
                flagged += machine_text(read_lines(page, sheet.printed, sheet.rect)) is not None
            print(f"{family:8}{kind:10}{flagged:>20} of {args.n}", flush=True)


if __name__ == "__main__":
    main()
