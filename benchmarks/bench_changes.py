"""The change as data: how exactly are typed and handwritten new values read back?

    python benchmarks/bench_changes.py --half tune [--n 12] [--seed 29]
    python benchmarks/bench_changes.py --half report [--n 12] [--seed 29]
    python benchmarks/bench_changes.py --half report --typed-only --latin-names [--n 12]

Each case is one submission (tests/corpus/typed.py) with every value box filled (the change
group and the reply address, 11 values): typed into the PDF's fields (pypdf) and printed
through PDFium or poppler, or written by hand (the corpus' handwriting fonts); then the rest
written by hand, signed and scanned at 150, 200 or 300 dpi (tilt, skew, noise, blur, JPEG).
Families rotate per case: typed-pdfium, typed-poppler, handwritten.

Printed per family: values read exactly (the value as the validator normalises it: an IBAN
compact, a phone in E.164, a postcode as "1234 AB"; and beside it the count as far as the
field font draws the letters apart: typed_letters.letters_drawn_alike), values not found,
values read wrong AND valid (a wrong IBAN that passes its check: target 0 for typed values),
values told typed, typed values whose correct value would be put to the customer as wrong (a
false question), and typed values read wrong with a confidence of at least SURE_CONFIDENCE
(wrong and sure: target 0, the confidence must say a reading is unsure). The two halves draw
different cases (seed and half); thresholds (formgen.check.changes: TYPED_MIN_LIKENESS,
SURE_CONFIDENCE) are chosen on the tune half, which also prints the likeness and confidence
ranges to choose them by; the report half is what is quoted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this tree's formgen, not the installed one
from corpus import forms  # noqa: E402
from corpus.latin_names import (  # noqa: E402
    other_latin_name,
    short_syllable_name,
    vietnamese_name,
)
from corpus.submissions import today  # noqa: E402
from corpus.typed import typed_case, value_field_ids  # noqa: E402

from formgen.check.changes import ASK_CUSTOMER, SURE_CONFIDENCE, TYPED  # noqa: E402
from formgen.check.submission import check_submission  # noqa: E402
from formgen.check.typed_letters import letters_drawn_alike  # noqa: E402
from formgen.check.validate_value import tidy, validate  # noqa: E402
from formgen.definition import load_form  # noqa: E402

KEY = b"changes-benchmark-key-0123456789abcdef"
FAMILIES = (("typed", "pdfium"), ("typed", "poppler"), ("handwritten", "pdfium"))
DPIS = (150, 200, 300)
HALF_SEED = {"tune": 0, "report": 1}


# With --drops, every box of words (names, street, place, country) holds a name of short
# Vietnamese syllables (corpus.latin_names.short_syllable_name): the letters the recognisers
# drop.
DROP_FIELDS = ("new_name", "new_street", "new_city", "new_country", "new_account_holder")


def all_values(rng: np.random.Generator, latin_names: bool = False,
               drops: bool = False) -> dict[str, str]:
    """A value for every value box, as customers write them; with latin_names, names and
    places generated from the Latin letters of many languages (corpus.latin_names); with
    drops, the boxes of words hold names of short syllables (DROP_FIELDS)."""
    form = load_form()
    values = {}
    for field_id in value_field_ids():
        field = form.field(field_id)
        if drops and field_id in DROP_FIELDS:
            values[field_id] = short_syllable_name(rng, 2 + int(rng.integers(2)))
        elif latin_names and (field.kind == "place" or (
                field.kind not in ("email", "phone", "iban", "date") and not field.format
                and "street" not in field_id and "country" not in field_id)):
            values[field_id] = (vietnamese_name, other_latin_name)[int(rng.integers(2))](rng)
        elif field.format == "postcode_nl":
            values[field_id] = forms.fill_values("postcode", rng)
        elif field.kind in ("email", "phone", "iban", "place", "date"):
            values[field_id] = forms.fill_values(field.kind, rng)
        elif "street" in field_id:
            values[field_id] = forms.fill_values("street", rng)
        elif "country" in field_id:
            values[field_id] = ("België", "Duitsland", "Nederland")[int(rng.integers(3))]
        else:
            values[field_id] = forms.fill_values("name", rng)
    return values


def expected(field_id: str, written: str) -> str:
    field = load_form().field(field_id)
    checked = validate(field.kind, written, field.format)
    return checked.value if checked.valid else tidy(written)


@cache
def _as_drawn() -> dict[int, str]:
    return {ord(c): group[0] for group in letters_drawn_alike() for c in group}


def told_apart(value: str, wanted: str) -> bool:
    """value is wanted as far as the field font draws letters apart (Đ and Ð are one glyph in
    DejaVu Sans: no page tells them apart)."""
    def drawn(text: str) -> str:
        return unicodedata.normalize("NFC", text).translate(_as_drawn())
    return drawn(value) == drawn(wanted)


def run(half: str, n: int, seed: int, families: tuple[tuple[str, str], ...] = FAMILIES,
        latin_names: bool = False, drops: bool = False) -> dict[str, dict[str, float]]:
    form = load_form()
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    likeness: dict[str, list[float]] = defaultdict(list)
    confidence: dict[str, list[float]] = defaultdict(list)  # typed: right / wrong
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            source, renderer = families[i % len(families)]
            family = f"{source}-{renderer}" if source == TYPED else source
            rng = np.random.default_rng([seed, HALF_SEED[half], i])
            dpi = DPIS[int(rng.integers(len(DPIS)))]
            case = typed_case(Path(tmp) / f"case{i}", KEY, rng, source=source,
                              renderer=renderer, overrides=all_values(rng, latin_names, drops),
                              dpi=dpi,
                              with_id=False)
            result = check_submission(case.path, key=KEY, today=today(),
                                      from_address=case.person.email)
            read = {c.field: c for c in result.changes}
            for field_id, written in case.written.items():
                c = counts[family]
                c["values"] += 1
                change = read.get(field_id)
                if change is None:
                    c["not found"] += 1
                    continue
                right = change.value == expected(field_id, written)
                c["exact"] += right
                c["exact as drawn"] += told_apart(change.value, expected(field_id, written))
                c["told typed"] += change.source == TYPED
                likeness[source].append(change.likeness)
                if not right and change.valid:
                    c["wrong and valid"] += 1
                    print(f"  wrong and valid: {family} {field_id} {written!r} read "
                          f"{change.value!r}", file=sys.stderr)
                if source == TYPED:
                    confidence["right" if right else "wrong"].append(change.confidence)
                    kind = form.field(field_id).kind
                    if validate(kind, written).valid and change.valid is False and \
                            change.source == TYPED and change.confidence >= SURE_CONFIDENCE \
                            and kind in ASK_CUSTOMER:
                        c["false question"] += 1
                if not right and source == TYPED:
                    c["wrong and sure"] += change.confidence >= SURE_CONFIDENCE
                    print(f"  misread: {family} {dpi} dpi {field_id} {written!r} read "
                          f"{change.value!r} ({change.confidence:.3f})", file=sys.stderr)
    print(f"bench_changes: half {half}, seed {seed}, {n} submissions, "
          f"{time.monotonic() - started:.0f} s")
    table: dict[str, dict[str, float]] = {}
    for family, c in sorted(counts.items()):
        values = c["values"]
        table[family] = {k: c[k] for k in ("values", "exact", "exact as drawn", "not found",
                                           "wrong and valid", "told typed", "false question",
                                           "wrong and sure")}
        print(f"  {family:16} {values:4d} values: read exactly {c['exact'] / values:6.1%} "
              f"({c['exact']}; as far as the font draws letters apart {c['exact as drawn']}), "
              f"not found {c['not found']}, wrong and valid {c['wrong and valid']}, "
              f"told typed {c['told typed']}, false question {c['false question']}, "
              f"wrong and sure {c['wrong and sure']}")
    if half == "tune":
        for source, seen in sorted(likeness.items()):
            print(f"  likeness {source:12} min {min(seen):.3f} max {max(seen):.3f}")
        for what, seen in sorted(confidence.items()):
            print(f"  confidence typed {what:6} min {min(seen):.3f} max {max(seen):.3f} "
                  f"(n={len(seen)})")
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=tuple(HALF_SEED), default="report")
    parser.add_argument("--n", type=int, default=12, help="submissions (11 values each)")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--typed-only", action="store_true", help="the two typed families")
    parser.add_argument("--handwritten-only", action="store_true",
                        help="the handwritten family (how often handwriting is told typed)")
    parser.add_argument("--latin-names", action="store_true",
                        help="names and places from many languages' Latin letters")
    parser.add_argument("--drops", action="store_true",
                        help="boxes of words hold names of short Vietnamese syllables")
    args = parser.parse_args(argv)
    families = FAMILIES[:2] if args.typed_only else FAMILIES
    run(args.half, args.n, args.seed, FAMILIES[2:] if args.handwritten_only else families,
        args.latin_names, args.drops)


if __name__ == "__main__":
    main()
