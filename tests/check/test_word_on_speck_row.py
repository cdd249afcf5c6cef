"""A written box is never reported empty when pen strokes lie in it.

A bold word (a felt pen) whose letters dip through the box's bottom line into a row of toner
specks joins that row's straight run past the box, and the line rule takes it away with the
row: the ink rules found the box empty and the customer would be told to fill in what they did
fill in. Where the ink along pen strokes is writing, the box goes to a person instead.

The family: page 2 rendered by poppler at 150 dpi, the place box written in a handwriting font
drawn bold, resting on the bottom line, with a row of toner specks along that line across the
page; or the place box left empty with the same row.
"""

from __future__ import annotations

import random
from functools import cache

import cv2
import numpy as np
from corpus.external import HANDWRITING, poppler_pages
from PIL import Image, ImageDraw, ImageFont

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template

DPI = 150
SEEDS = range(12)


@cache
def _blank_page_two() -> np.ndarray:
    return poppler_pages(blank_form(), DPI)[1]


def _place_status(seed: int, written: bool) -> Status:
    rng = random.Random(seed)
    image = Image.fromarray(_blank_page_two().copy())
    template = get_template()
    box = template.layout.box("sign_place").rect
    x0, y0 = round(box.x * DPI / 72), round(box.y * DPI / 72)
    x1, y1 = round((box.x + box.width) * DPI / 72), round((box.y + box.height) * DPI / 72)
    font = ImageFont.truetype(HANDWRITING[rng.choice(["kaushan", "dancing", "breip"])],
                              int((y1 - y0) * rng.uniform(0.9, 1.2)))
    if written:
        ascent, _ = font.getmetrics()
        ImageDraw.Draw(image).text(
            (x0 + int((x1 - x0) * rng.uniform(0.1, 0.4)), y1 - ascent + rng.randint(0, 3)),
            rng.choice(["Tilburg", "Hoogeveen", "Zwolle", "Groningen"]), font=font,
            fill=(25, 25, 30), stroke_width=2, stroke_fill=(25, 25, 30))
    page = np.array(image)
    y, step = y1 + rng.randint(3, 7), rng.randint(8, 14)
    for x in range(0, page.shape[1], step):
        cv2.circle(page, (x + rng.randint(-2, 2), y + rng.randint(-2, 2)), rng.randint(2, 4),
                   (40, 40, 40), -1)
    found = find_form_page(Page("scan.png", 1, 1, page, DPI, False, None), template, None)
    assert found is not None and found.number == 2
    checks, _ = check_form_pages([found], template)
    return next(c.status for c in checks if c.code == "field:sign_place")


def test_a_bold_word_on_a_speck_row_is_never_reported_empty() -> None:
    statuses = [_place_status(seed, written=True) for seed in SEEDS]
    assert Status.MISSING not in statuses, statuses
    assert statuses.count(Status.OK) >= len(SEEDS) // 2


def test_an_empty_box_on_a_speck_row_stays_empty() -> None:
    statuses = [_place_status(seed, written=False) for seed in SEEDS]
    assert statuses == [Status.MISSING] * len(SEEDS), statuses
