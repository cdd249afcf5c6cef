"""Is the signature handwriting? The signature-box rule on two families of marks.

    python benchmarks/bench_signature.py [--n 30] [--seed r2] [--family A B]

Each family draws, in the signature box of page 2 of the blank form (rendered at 300 dpi,
blurred and saved as JPEG as a scan does), three kinds of mark:

* genuine: a pen signature (family A: the project's own strokes, tests/corpus/forms.py;
  family B: the external generator's loops, tests/corpus/external.py);
* typed: a name typed in a script font (A: Dancing Script or Kaushan Script drawn by Pillow;
  B: OpenCV's Hershey script and italic fonts);
* stamp: a company stamp (A: a framed, unframed or round stamp drawn by Pillow in DejaVu Sans
  Bold; B: a double ring with Hershey text drawn by OpenCV);
* stamp+pen: such a stamp with the family's pen signature across it (a signature: it should
  not be taken for stamped text).

It prints, per family and kind, how many the rules (formgen.check.decision.machine_text, unless
formgen.check.decision.pen_across) take for typed or stamped text. Thresholds are chosen on
family A only; family B is reported.
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

from formgen.check.decision import machine_text, pen_across  # noqa: E402
from formgen.check.signature import Beside, ink_beside_text, read_lines  # noqa: E402

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
    if family == "A" and rng.random() < 0.4:
        return ring_stamp(sheet, rng, ink, lines)
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


def ring_stamp(sheet: Sheet, rng: random.Random, ink: tuple[int, int, int],
               lines: list[str]) -> np.ndarray:
    """Family A's round or oval stamp: one or two rings drawn by Pillow, text inside."""
    x0, y0, x1, y1 = sheet.box
    image = Image.fromarray(sheet.page.copy())
    draw = ImageDraw.Draw(image)
    h = (y1 - y0) * rng.uniform(0.6, 0.85)
    w = h * rng.uniform(1.0, 1.8)
    cx = x0 + (x1 - x0) * rng.uniform(0.3, 0.7)
    cy = (y0 + y1) / 2 + (y1 - y0) * rng.uniform(-0.05, 0.05)
    width = max(3, DPI // 100)
    draw.ellipse([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], outline=ink, width=width)
    if rng.random() < 0.6:
        draw.ellipse([cx - w * 0.4, cy - h * 0.4, cx + w * 0.4, cy + h * 0.4], outline=ink,
                     width=max(2, width - 1))
    font = ImageFont.truetype(STAMP_FONT, int(h * 0.13))
    for i, text in enumerate(lines[:2]):
        draw.text((cx - draw.textlength(text, font=font) / 2, cy - h * 0.15 + i * h * 0.2),
                  text, font=font, fill=ink)
    return np.asarray(image)


def stamp_signed(sheet: Sheet, family: str, rng: random.Random) -> np.ndarray:
    """A stamp with a pen signature across it (the family's own pen): a signature."""
    page = stamp(sheet, family, rng)
    if family == "A":
        return np.asarray(forms.sign(Image.fromarray(page), sheet.contract, DPI,
                                     rng=np.random.default_rng(rng.randint(0, 10 ** 9))))
    external.signature(page, DPI, rng.choice(INKS), rng, pen_mm=rng.uniform(0.35, 0.7))
    return page


class SignatureBox:
    """The measures of the signature box that the signature rules ask for."""

    def __init__(self, page: np.ndarray, sheet: Sheet) -> None:
        self.page, self.sheet = page, sheet
        self.lines = read_lines(page, sheet.printed, sheet.rect)

    def machine_lines(self) -> list[tuple[str, float]]:
        return [(line.text, line.confidence) for line in self.lines]

    def ink_beside(self, confidence: float) -> Beside:
        sure = [line for line in self.lines if line.confidence >= confidence]
        return ink_beside_text(self.page, self.sheet.printed, self.sheet.rect, sure)


def taken_for_typed(page: np.ndarray, sheet: Sheet) -> bool:
    """Typed or stamped text, as formgen.check.decision's signature rules judge it."""
    box = SignatureBox(page, sheet)
    return machine_text(box.machine_lines()) is not None and not pen_across(box)


KINDS: dict[str, Callable[[Sheet, str, random.Random], np.ndarray]] = {
    "genuine": genuine, "typed": typed, "stamp": stamp, "stamp+pen": stamp_signed}



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="marks of each kind per family")
    parser.add_argument("--seed", default="r2")
    parser.add_argument("--family", nargs="+", default=["A", "B"], choices=["A", "B"])
    parser.add_argument("--kind", nargs="+", default=list(KINDS), choices=list(KINDS))
    args = parser.parse_args(argv)
    sheet = Sheet()
    print(f"{'family':8}{'kind':10}{'taken for typed or stamped':>28}")
    for family in args.family:
        for kind in args.kind:
            draw = KINDS[kind]
            flagged = 0
            for i in range(args.n):
                rng = random.Random(f"{args.seed}{family}{kind}{i}")
                page = sheet.scanned(draw(sheet, family, rng), rng)
                flagged += taken_for_typed(page, sheet)
            print(f"{family:8}{kind:10}{flagged:>20} of {args.n}", flush=True)


if __name__ == "__main__":
    main()
