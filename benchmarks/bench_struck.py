"""Crossed-out writing: the strike rule on two families of written change boxes.

    python benchmarks/bench_struck.py [--n 30] [--seed s1] [--family A B]

Each family writes a new value by hand in a change box of page 2 of the blank form (rendered at
300 dpi, blurred and saved as JPEG as a scan does), in these states. Look-alikes (may be taken
for struck, and go to a person, but must never be surely struck, which makes a box empty:
formgen.check.decision.surely_struck):

* written: the value as it is;
* bold: the same in a felt pen, its strokes widened;
* descender: a value with many descenders (g, j, p, y);
* underlined: a line under the value, through its descenders (half of them descender values);
* flourish: a signature's paraph from the last letter back under the value.

Struck (must be found; surely struck where nothing else is written):

* struck: the value struck through with one or two straight lines;
* short: a short value ("A. Smit", "Eva": under 4.5 letter heights) struck through;
* scribbled: the value crossed out with a cross or a zigzag;
* scrawl: a scribble of loops (family A: a prolate cycloid; family B: random strokes back
  and forth, smoothed);
* corrected: struck through and another value written beside it (found, with correction);
* above: written small in the box's lower half, struck through, the correction written
  small above it in the same columns (found, with correction).

Family A (tuning): the project's own handwriting (tests/corpus/forms.py `handwrite`) and
strikes drawn by Pillow as straight pen lines. Family B (report): the external generator's
handwriting (tests/corpus/external.py `write_text`, its fonts) and strikes drawn by OpenCV as
wavy, uneven strokes. It prints per family and state how many boxes formgen.check.struck finds
struck, how many of those with a correction, and how many surely struck, with each strike's
measures (reach/cover/thickness/share above the line; z: a scribble, L: a straight line in
the box too). Thresholds are chosen on family A only. --hands N adds family F, look-alikes
only (report): the families generator's hands, written, in a felt pen and underlined with
that generator's own pen stroke.
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
from formgen.check.struck import Strike, struck_through  # noqa: E402

BOXES = {"new_account_holder": ["J. de Vries", "Bakker BV", "A. Smit", "Noor Visser"],
         "new_billing_email": ["jan@mail.nl", "info@smit.nl", "a.b@post.nl"],
         "new_iban": ["NL91 ABNA 0417", "NL20 INGB 0001", "NL39 RABO 0300"]}
INKS = [(20, 40, 140), (30, 30, 30), (10, 60, 160)]
SHORT = ["A. Smit", "B. Os", "Jan", "NL91", "a@b.nl", "Ooms", "Eva"]
DESCENDERS = {"new_account_holder": ["Pijpers Jg", "J. Pygmalion", "Gijs Jager"],
              "new_billing_email": ["gygy@jip.nl", "pj@yq.nl"],
              "new_iban": ["NL19 JGGY 0017", "NL99 PYQJ 0042"]}
LOOK_ALIKES = ("written", "bold", "descender", "underlined", "flourish")
STATES = LOOK_ALIKES + ("struck", "short", "scribbled", "scrawl", "corrected", "above")


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


def _smooth(points: list[tuple[float, float]], n: int = 12) -> list[tuple[float, float]]:
    """A Catmull-Rom curve through points: a pen's sweep."""
    pts = np.array([points[0], *points, points[-1]], np.float64)
    out = []
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1:i + 3]
        for t in np.linspace(0, 1, n, endpoint=False):
            out.append(0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                              + (3 * p1 - p0 - 3 * p2 + p3) * t ** 3))
    out.append(pts[-2])
    return [(float(x), float(y)) for x, y in out]


def _strike(family: str, page: np.ndarray, value: tuple[int, int, int, int], kind: str,
            rng: random.Random, ink: tuple[int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = value
    h, w = y1 - y0, x1 - x0
    if kind == "underlined":  # a line under the value, through the descenders
        y = y0 + h * rng.uniform(0.8, 1.05)
        strokes = [[(x0 - rng.uniform(0, 10), y), (x1 + rng.uniform(0, 10),
                                                   y + rng.uniform(-0.1, 0.1) * h)]]
    elif kind == "flourish":  # a signature's paraph: from the last letter back under the value
        strokes = [_smooth([(x1 - 0.05 * w, y0 + 0.5 * h), (x1 + 0.04 * w, y0 + 0.05 * h),
                            (x1 + 0.02 * w, y0 + rng.uniform(0.8, 1.0) * h),
                            (x0 + 0.5 * w, y1 + rng.uniform(0.0, 0.15) * h),
                            (x0 - 0.03 * w, y0 + rng.uniform(0.75, 0.95) * h)])]
    elif kind == "scrawl":  # a scribble of loops run back and forth over the value
        n = rng.randint(5, 10)
        if family == "A":  # loops drawn round: a prolate cycloid
            t = np.linspace(0, 2 * np.pi * n, 60 * n)
            xs = x0 + (x1 - x0) * t / t[-1] - 0.06 * w * np.sin(t)
            ys = (y0 + y1) / 2 - 0.6 * h * np.cos(t)
            strokes = [list(zip(xs.tolist(), ys.tolist(), strict=True))]
        else:  # random back-and-forth strokes, each from near the top to near the foot
            xs = sorted(rng.uniform(x0, x1) for _ in range(2 * n))
            strokes = [_smooth([(float(x) + rng.uniform(-0.04, 0.04) * w,
                                 y0 - 0.1 * h if i % 2 else y1 + 0.1 * h)
                                for i, x in enumerate(xs)], 6)]
    elif kind == "struck":
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


def _small(sheet: PageTwo, family: str, field_id: str, text: str, rng: random.Random,
           ink: tuple[int, int, int]) -> np.ndarray:
    """The value written by the family's hand, cut out and at half size (RGB)."""
    fresh = _write(sheet, family, sheet.page.copy(), field_id, text, rng, ink, left_half=False)
    x0, y0, x1, y1 = _value_box(fresh, forms.field_box_px(sheet.contract, field_id, DPI))
    piece = fresh[y0:y1 + 1, x0:x1 + 1]
    return cv2.resize(piece, (max(1, piece.shape[1] // 2), max(1, piece.shape[0] // 2)),
                      interpolation=cv2.INTER_AREA)


def _above(sheet: PageTwo, family: str, field_id: str, rng: random.Random,
           ink: tuple[int, int, int]) -> np.ndarray:
    """A value written small in the box's lower half and struck through, and the correction
    written small above it, in the same columns (from the same left edge or near it)."""
    x0, y0, x1, y1 = forms.field_box_px(sheet.contract, field_id, DPI)
    page = sheet.page.copy()
    struck = _small(sheet, family, field_id, rng.choice(BOXES[field_id]), rng, ink)
    at = x0 + 20 + rng.randint(0, 120)
    top = y1 - 26 - struck.shape[0]
    width = min(struck.shape[1], x1 - 10 - at)
    region = page[top:top + struck.shape[0], at:at + width]
    np.minimum(region, struck[:, :width], out=region)
    page = _strike(family, page, _value_box(page, (x0, y0, x1, y1)), "struck", rng, ink)
    fresh = _small(sheet, family, field_id, rng.choice(BOXES[field_id]), rng, ink)
    cy = max(y0 - fresh.shape[0] // 3, top - 4 - fresh.shape[0])  # may run over the border
    cx = at + rng.randint(-20, 40)
    width = min(fresh.shape[1], x1 - 10 - cx)
    region = page[cy:cy + fresh.shape[0], cx:cx + width]
    np.minimum(region, fresh[:, :width], out=region)
    return page


def draw(sheet: PageTwo, family: str, state: str, rng: random.Random) -> tuple[np.ndarray, str]:
    field_id = rng.choice(list(BOXES))
    ink = rng.choice(INKS)
    if state == "above":
        return _above(sheet, family, field_id, rng, ink), field_id
    text = rng.choice(SHORT if state == "short" else DESCENDERS[field_id]
                      if state == "descender" or state == "underlined" and rng.random() < 0.5
                      else BOXES[field_id])
    page = _write(sheet, family, sheet.page.copy(), field_id, text, rng, ink,
                  left_half=state == "corrected")
    if state in ("written", "descender"):
        return page, field_id
    if state == "bold":  # a felt pen: every stroke widened by 2-6 px at 300 dpi
        size = rng.choice([3, 5, 7])
        return cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))), \
            field_id
    box = forms.field_box_px(sheet.contract, field_id, DPI)
    page = _strike(family, page, _value_box(page, box), "struck" if state in
                   ("short", "corrected") else state, rng, ink)
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
    written, in a felt pen (widened 2-4 px) and underlined with the families pen's stroke:
    taken for struck, and for surely struck."""
    from corpus import families

    blank = families.render(families.blank_form(), families.DPI, "pdfium")[1]
    for state in ("written", "bold", "underlined"):
        found = sure = 0
        measures = []
        for i in range(n):
            rng = random.Random(f"{seed}F{state}{i}")
            field_id = rng.choice(list(HAND_VALUES))
            page = blank.copy()
            hand = families.Hand.draw(rng)
            x0, y0, x1, y1 = families.write(page, field_id, rng.choice(HAND_VALUES[field_id]),
                                            hand, rng)
            if state == "underlined":  # the families pen's own stroke, under the value
                y = (y1 - y0) * rng.uniform(0.8, 1.0)
                points = [(10.0, y + 10), ((x1 - x0) / 2 + 10, y + 10 + rng.uniform(-2, 2)),
                          (x1 - x0 + 20.0, y + 10 + rng.uniform(-3, 3))]
                families.lay_ink(page, families.stroke_alpha(
                    points, (x1 - x0 + 30, y1 - y0 + 30), families.DPI / 90, rng), hand.ink,
                    x0 - 10, y0 - 10)
            if state == "bold":
                size = rng.choice([3, 5])
                page = cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                 (size, size)))
            strike = struck_through(sheet.scanned(page, rng), sheet.printed,
                                    sheet.template.layout.box(field_id).rect)
            found += strike is not None
            sure += strike is not None and surely_struck(strike)
            if strike is not None:
                measures.append(_measures(strike))
        print(f"{'F':8}{state:11}{found:>9} of {n}{'':>17}{sure:>6} of {n}  "
              + " ".join(m for _, m in sorted(measures)), flush=True)


def _measures(strike: Strike) -> tuple[float, str]:
    """reach/cover/thickness, z before a scribble's."""
    return strike.reach, (f"{strike.reach:.1f}{'' if strike.straight else 'z'}"
                          f"{'L' if strike.lined else ''}/{strike.cover:.2f}"
                          f"/{strike.thickness:.2f}"
                          + (f"/{strike.above:.2f}/{strike.on_ink:.2f}" if strike.straight
                             else ""))


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
                    reaches.append(_measures(strike))
                    sure += surely_struck(strike)
                if args.save:
                    args.save.mkdir(parents=True, exist_ok=True)
                    from formgen.check.ink import crop
                    cv2.imwrite(str(args.save / f"{family}-{state}-{i:02d}-"
                                    f"{'S' if strike else '-'}"
                                    f"{'C' if strike and strike.corrected else ''}.png"),
                                crop(grey, rect))
            print(f"{family:8}{state:11}{found:>9} of {args.n}{corrected:>12} of {args.n}"
                  f"{sure:>11} of {args.n}  " + " ".join(m for _, m in sorted(reaches)),
                  flush=True)
    if args.hands:
        hands(sheet, args.hands, args.seed)


if __name__ == "__main__":
    main()
