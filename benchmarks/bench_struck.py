"""Crossed-out writing: the strike rule on two families of written change boxes.

    python benchmarks/bench_struck.py [--n 30] [--seed s1] [--family A B]

Each family writes a new value by hand in a change box of page 2 of the blank form (rendered at
300 dpi, blurred and saved as JPEG as a scan does), in five states:

* written: the value as it is (must not be taken for struck);
* bold: the same in a felt pen, its strokes widened (may be taken for struck, a look-alike,
  but never surely struck, which makes a box empty: formgen.check.decision.surely_struck);
* struck: the value struck through (must be found, with no correction);
* scribbled: the value crossed out with a cross or a zigzag (found, no correction);
* corrected: the value struck through and another written beside it (found, with correction).

Family A (tuning): the project's own handwriting (tests/corpus/forms.py `handwrite`) and
strikes drawn by Pillow as straight pen lines. Family B (report): the external generator's
handwriting (tests/corpus/external.py `write_text`, its fonts) and strikes drawn by OpenCV as
wavy, uneven strokes. It prints per family and state how many boxes formgen.check.struck finds
struck, how many of those with a correction, and how many surely struck, with each strike's
measures. Thresholds are chosen on family A only. --hands N adds family F, look-alikes only
(report): the families generator's hands, written and in a felt pen.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external, forms  # noqa: E402
from page_two import DPI, PageTwo  # noqa: E402

from formgen.check.decision import surely_struck  # noqa: E402
from formgen.check.struck import struck_through  # noqa: E402

BOXES = {"new_account_holder": ["J. de Vries", "Bakker BV", "A. Smit", "Noor Visser"],
         "new_billing_email": ["jan@mail.nl", "info@smit.nl", "a.b@post.nl"],
         "new_iban": ["NL91 ABNA 0417", "NL20 INGB 0001", "NL39 RABO 0300"]}
INKS = [(20, 40, 140), (30, 30, 30), (10, 60, 160)]
STATES = ("written", "bold", "struck", "scribbled", "corrected")


def _value_box(page: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The bounding box of what was written in box (darker than the print's grey)."""
    x0, y0, x1, y1 = box
    ink = page[y0 + 6:y1 - 6, x0 + 6:x1 - 6].min(axis=2) < 150
    ys, xs = np.nonzero(ink)
    return x0 + 6 + int(xs.min()), y0 + 6 + int(ys.min()), x0 + 6 + int(xs.max()), \
        y0 + 6 + int(ys.max())


def _write(sheet: PageTwo, family: str, page: np.ndarray, field_id: str, text: str,
           rng: random.Random, ink: tuple[int, int, int], left_half: bool) -> np.ndarray:
    if left_half:  # room for a correction on the right
        text = text[: max(4, len(text) // 2)]
    if family == "A":
        image = forms.handwrite(Image.fromarray(page), sheet.contract, 2, {field_id: text}, DPI,
                                rng=np.random.default_rng(rng.randint(0, 10 ** 9)), ink=ink)
        return np.asarray(image).copy()
    page = page.copy()
    font = rng.choice(list(external.HANDWRITING.values()))
    external.write_text(page, field_id, text, DPI, font, ink, rng)
    return page


def _strike(family: str, page: np.ndarray, value: tuple[int, int, int, int], kind: str,
            rng: random.Random, ink: tuple[int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = value
    h = y1 - y0
    if kind == "struck":
        ys = [y0 + h * rng.uniform(0.4, 0.6)] * 2
        points = [(x0 - rng.uniform(0, 15), ys[0]), (x1 + rng.uniform(0, 15), ys[1] +
                                                      rng.uniform(-0.15, 0.15) * h)]
        strokes = [points]
        if rng.random() < 0.3:  # a double line
            strokes.append([(px, py + h * 0.2) for px, py in points])
    elif rng.random() < 0.5:  # a cross
        strokes = [[(x0, y0), (x1, y1)], [(x0, y1), (x1, y0)]]
    else:  # a zigzag
        n = rng.randint(4, 8)
        strokes = [[(x0 + (x1 - x0) * i / n, y0 if i % 2 else y1) for i in range(n + 1)]]
    width = max(2, round(DPI / 72 * rng.uniform(0.8, 1.5)))
    if family == "A":
        image = Image.fromarray(page)
        draw = ImageDraw.Draw(image)
        for stroke in strokes:
            draw.line(stroke, fill=ink, width=width, joint="curve")
        return np.asarray(image).copy()
    page = page.copy()
    for stroke in strokes:  # a hand's stroke: wavy, of uneven pressure
        pts = np.array(stroke, np.float64)
        dense = np.concatenate([np.linspace(a, b, 25) for a, b in zip(pts, pts[1:],
                                                                           strict=False)])
        dense[:, 1] += np.sin(np.linspace(0, rng.uniform(2, 6), len(dense))) * h * 0.05
        cv2.polylines(page, [np.round(dense).astype(np.int32)], False, ink, width, cv2.LINE_AA)
    return page


def draw(sheet: PageTwo, family: str, state: str, rng: random.Random) -> tuple[np.ndarray, str]:
    field_id = rng.choice(list(BOXES))
    ink = rng.choice(INKS)
    page = _write(sheet, family, sheet.page.copy(), field_id, rng.choice(BOXES[field_id]), rng,
                  ink, left_half=state == "corrected")
    if state == "written":
        return page, field_id
    if state == "bold":  # a felt pen: every stroke widened by 2-6 px at 300 dpi
        size = rng.choice([3, 5, 7])
        return cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))), \
            field_id
    box = forms.field_box_px(sheet.contract, field_id, DPI)
    page = _strike(family, page, _value_box(page, box), "struck" if state != "scribbled"
                   else "scribbled", rng, ink)
    if state == "corrected":  # another value written beside the struck one
        text = rng.choice(BOXES[field_id])[:6]
        fresh = _write(sheet, family, sheet.page.copy(), field_id, text, rng, ink,
                       left_half=True)
        cx0, cy0, cx1, cy1 = _value_box(fresh, box)
        piece = fresh[cy0:cy1 + 1, cx0:cx1 + 1]
        at = _value_box(page, box)[2] + 25
        width = min(piece.shape[1], box[2] - 8 - at)
        page = page.copy()
        region = page[cy0:cy1 + 1, at:at + width]
        np.minimum(region, piece[:, :width], out=region)
    return page, field_id


HAND_VALUES = {"new_email": ["EVA@MAIL.NL", "JAN.DE.VRIES@KPN.NL", "info@smit.nl", "AVM@WNM.NL"],
               "new_phone": ["06-14285359", "+31 6 47114711", "0201234567"],
               "new_account_holder": ["M. VAN WAMEL", "ANNA VERMEULEN", "Noor Visser"],
               "new_iban": ["NL91 ABNA 0417 1643 00", "NL20 INGB 0001 2345 67"]}


def hands(sheet: PageTwo, n: int, seed: str) -> None:
    """Family F, look-alikes only: written values (capitals, digits, mixed) in the families
    generator's hands (tests/corpus/families.py: other fonts, its own pens, 200 dpi), as
    written and in a felt pen (widened 2-4 px): taken for struck, and for surely struck."""
    from corpus import families

    blank = families.render(families.blank_form(), families.DPI, "pdfium")[1]
    for state in ("written", "bold"):
        found = sure = 0
        for i in range(n):
            rng = random.Random(f"{seed}F{state}{i}")
            field_id = rng.choice(list(HAND_VALUES))
            page = blank.copy()
            families.write(page, field_id, rng.choice(HAND_VALUES[field_id]),
                           families.Hand.draw(rng), rng)
            if state == "bold":
                size = rng.choice([3, 5])
                page = cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                 (size, size)))
            strike = struck_through(sheet.scanned(page, rng), sheet.printed,
                                    sheet.template.layout.box(field_id).rect)
            found += strike is not None
            sure += strike is not None and surely_struck(strike)
        print(f"{'F':8}{state:11}{found:>9} of {n}{'':>17}{sure:>6} of {n}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="boxes of each state per family")
    parser.add_argument("--seed", default="s1")
    parser.add_argument("--family", nargs="+", default=["A", "B"], choices=["A", "B"])
    parser.add_argument("--save", type=Path, help="folder for a picture of each box")
    parser.add_argument("--hands", type=int, default=0,
                        help="also n look-alikes of family F (the families generator's hands)")
    args = parser.parse_args(argv)
    sheet = PageTwo()
    print(f"{'family':8}{'state':11}{'found struck':>14}{'with correction':>17}"
          f"{'surely struck':>16}  reach/cover/thickness of each (z: a scribble)")
    for family in args.family:
        for state in STATES:
            found = corrected = sure = 0
            reaches = []
            for i in range(args.n):
                rng = random.Random(f"{args.seed}{family}{state}{i}")
                page, field_id = draw(sheet, family, state, rng)
                grey = sheet.scanned(page, rng)
                rect = sheet.template.layout.box(field_id).rect
                strike = struck_through(grey, sheet.printed, rect)
                found += strike is not None
                corrected += bool(strike and strike.corrected)
                if strike is not None:
                    reaches.append((strike.reach, f"/{strike.cover:.2f}/{strike.thickness:.2f}"
                                    if strike.straight else "z"))
                    sure += surely_struck(strike)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    from formgen.check.ink import crop
                    cv2.imwrite(str(args.save / f"{family}-{state}-{i:02d}-"
                                    f"{'S' if strike else '-'}"
                                    f"{'C' if strike and strike.corrected else ''}.png"),
                                crop(grey, rect))
            print(f"{family:8}{state:11}{found:>9} of {args.n}{corrected:>12} of {args.n}"
                  f"{sure:>11} of {args.n}  " + " ".join(f"{r:.1f}{k}" for r, k in sorted(reaches)),
                  flush=True)
    if args.hands:
        hands(sheet, args.hands, args.seed)


if __name__ == "__main__":
    main()
