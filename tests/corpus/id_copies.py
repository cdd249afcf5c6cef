"""ID copies from the corpus's three ID drawings, for the scan check's BSN finding
(tests/site/test_scan_check.py, benchmarks/bench_scan_check.py --generators):

- ``project``: the project's ID generator (id_documents, as submissions.py lays it on a page),
  the ID card's back or the passport page with "Persoonsnummer / Personal No." over the number;
- ``external``: the other tools' generator (external.py: its own card and passport page, the
  BSN under a bar below the label "BSN"; on the card the MRZ's band hides both);
- ``families``: the families generator's card (families.py: no BSN on it at all).

Each scanned (flatbed) or photographed (a phone) as that generator's corpus does. ``readable``:
the number printed readable where the drawing puts it (the project's cards and passports, the
other tools' passports), in ``face`` for the other tools' passport.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from corpus import external, families, id_documents, submissions


def project(seed: int, *, readable: bool, photo: bool) -> np.ndarray:
    rng = np.random.default_rng([seed, 7])
    page = submissions.id_page(submissions.make_person(rng), 200, rng,
                               print_masked=not readable)
    copy = (submissions.photograph([page], rng, rotate=float(rng.uniform(-10, 10)),
                                   quality=(70, 92)) if photo else
            submissions.scan([page], rng, dpi=200, src_dpi=200))[0]
    return np.asarray(copy.convert("RGB"))


def external_doc(seed: int, *, passport: bool, readable: bool = False,
                 face: str | None = None, beside: bool = False) -> tuple[np.ndarray, random.Random]:
    """The other tools' card or passport page at 200 dpi; readable (passport): the bar gone
    (the page's colour), the number printed there in face (beside: after the label, on its
    line, as "BSN 123456789")."""
    rng = random.Random(seed)
    doc = external.id_document(external.make_person(rng), 200, rng, passport=passport)
    if readable:
        s = 200 / 25.4  # px per mm; where external.id_document draws the bar
        x, y = 4 * s + 0.3 * doc.shape[1] + 3 * s, 11 * s + 5 * 5.2 * s
        card = Image.fromarray(doc)
        draw = ImageDraw.Draw(card)
        draw.rectangle((x, y + 2 * s, x + 22 * s, y + 4.6 * s),
                       fill=tuple(int(v) for v in doc[round(y + s), round(x - s)]))
        draw.text((x + 7 * s, y - 0.4 * s) if beside else (x, y + 2 * s),
                  id_documents.make_bsn(rng), fill=(20, 20, 20),
                  font=ImageFont.truetype(face or id_documents.DEJAVU_BOLD_PATH, round(2.4 * s)))
        doc = np.asarray(card)
    return doc, rng


def external_copy(seed: int, *, passport: bool, readable: bool, photo: bool,
                  face: str | None = None, beside: bool = False) -> np.ndarray:
    doc, rng = external_doc(seed, passport=passport, readable=readable, face=face, beside=beside)
    page = external.id_on_page(doc, 200, rng, scale=rng.uniform(0.9, 1.1),
                               angle=rng.uniform(-3, 3))
    return external.photograph(page, rng, turns=0) if photo else external.scan(page, rng)


def families_copy(seed: int, *, photo: bool) -> np.ndarray:
    rng = random.Random(seed)
    card = families.id_card(families.make_person(rng), 200, rng)
    if photo:
        big = np.full((card.shape[0] + 2, card.shape[1] + 2, 3), 250, np.uint8)
        big[1:-1, 1:-1] = card
        return families.phone_photo(big, rng)
    return families.flatbed(families.on_page(card, rng), rng, 200)
