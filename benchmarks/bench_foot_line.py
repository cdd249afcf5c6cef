"""A joined hand's baseline at 150 dpi black-and-white: taken for a strike? Box-level family.

    python benchmarks/bench_foot_line.py [--n 16] [--seed foot] [--hand dancing kaushan]

Issue 27, tune case ext-0247 (external corpus, tune half): a value written in a joined script
font, scanned at 150 dpi in black and white with ink bleed, whose letters' joins along the
baseline make one straight run that formgen.check.struck takes for a strike (rule `struck`:
the change group goes to a person). This family draws that class with the external
generator's handwriting (tests/corpus/external.py `write_text`, its joined fonts) on page 2's
change boxes, then, per variant, brings the page to 150 dpi (INTER_AREA), optionally blurs it,
widens the ink (a bleed: erosion with an ellipse of K px) and cuts it to black and white at a
grey level, and back to the validator's size. States: `written` (the value alone), `mid` (the
value struck through the middle of its height, 40-60 %) and `low` (struck low, at 70-85 % of
its height: a strike that lies like the baseline joins). Prints per variant and state the
strike rules of formgen.check.decision (`None`: no strike found nor in doubt, the ink rules
decide: a struck value so judged is taken for written) and the
strikes a candidate rule would have cleared (straight, nothing beside, over STRIKE_MAX_ABOVE of
the writing above it and under STRIKE_SURE_COVER of its width: the rule tried and rejected in
benchmarks/tuning-struck.md, "A joined hand's baseline is no strike (session 22)").
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_struck import _value_box  # noqa: E402
from corpus import external, forms  # noqa: E402
from page_two import DPI, PageTwo  # noqa: E402

from formgen.check.decision import STRIKE_MAX_ABOVE, STRIKE_SURE_COVER, strike_rule  # noqa: E402
from formgen.check.struck import Strike, strike_measures  # noqa: E402

VALUES = ["factuur@meijer.nl", "info@devries.nl", "Femke de Wit", "Jan Bakker", "post@smit.nl",
          "anna.vermeulen@kpn.nl", "Daan Jansen", "facturen@bakker.nl"]
FIELDS = ["new_billing_email", "new_account_holder", "new_email", "new_name"]
# (bleed K px at 150 dpi, black below this grey level, blurred first)
VARIANTS = [(2, 200, True), (3, 160, False), (2, 160, False), (3, 200, True)]
STATES = {"written": None, "mid": (0.4, 0.6), "low": (0.7, 0.85)}


def degraded(sheet: PageTwo, page: np.ndarray, bleed: int, level: int, blur: bool) -> np.ndarray:
    """The page at 150 dpi, bled and cut to black and white, at the validator's size."""
    grey = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, None, fx=150 / DPI, fy=150 / DPI, interpolation=cv2.INTER_AREA)
    if blur:
        small = cv2.GaussianBlur(small, (3, 3), 0.8)
    if bleed:
        small = cv2.erode(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (bleed, bleed)))
    small = np.where(small < level, 0, 255).astype(np.uint8)
    height, width = sheet.printed.shape
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def draw(sheet: PageTwo, hand: str, state: str, seed: str, i: int) -> tuple[np.ndarray, str]:
    """Page 2 with one value written in a joined hand, struck as the state says (300 dpi)."""
    rng = random.Random(f"{seed}{i}")
    field_id = rng.choice(FIELDS)
    page = sheet.page.copy()
    external.write_text(page, field_id, rng.choice(VALUES), DPI, external.HANDWRITING[hand],
                        (30, 30, 30), rng)
    where = STATES[state]
    if where is not None:
        x0, y0, x1, y1 = _value_box(page, forms.field_box_px(sheet.contract, field_id, DPI))
        y = y0 + (y1 - y0) * rng.uniform(*where)
        cv2.line(page, (x0 - 4, round(y)), (x1 + 4, round(y + rng.uniform(-3, 3))),
                 (30, 30, 30), rng.choice([3, 4, 5]), cv2.LINE_AA)
    return page, field_id


def foot_like(strike: Strike | None) -> bool:
    """The rejected rule's condition (see the module's text)."""
    return strike is not None and strike.straight and not strike.corrected \
        and strike.above > STRIKE_MAX_ABOVE and 0.6 <= strike.cover < STRIKE_SURE_COVER


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=16, help="boxes per state and variant")
    parser.add_argument("--seed", default="foot")
    parser.add_argument("--hand", nargs="+", default=["dancing"], choices=sorted(
        external.HANDWRITING))
    args = parser.parse_args(argv)
    sheet = PageTwo()
    for hand in args.hand:
        for bleed, level, blur in VARIANTS:
            for state in STATES:
                rules: Counter[str] = Counter()
                cleared = []
                for i in range(args.n):
                    page, field_id = draw(sheet, hand, state, args.seed, i)
                    grey = degraded(sheet, page, bleed, level, blur)
                    strike, doubt = strike_measures(grey, sheet.printed,
                                                    sheet.template.layout.box(field_id).rect)
                    rules[str(strike_rule(strike, doubt))] += 1
                    if foot_like(strike):
                        assert strike is not None
                        cleared.append(f"{i}:{strike.reach:.1f}/{strike.cover:.2f}/"
                                       f"{strike.thickness:.2f}/{strike.above:.2f}")
                print(f"{hand:8} bleed {bleed} black<{level} blur {int(blur)} {state:8}"
                      f" {dict(sorted(rules.items()))}  foot-like: {cleared}", flush=True)


if __name__ == "__main__":
    main()
