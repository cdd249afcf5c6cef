"""Issue 10: a form page whose corner marks and QR code a copier destroyed is found by its print.

Pages of the blank form are rendered by poppler and copied through augraphy's Letterpress and
DirtyDrum at 150 dpi (as in the external corpus): on these seeds neither the marks nor the QR
code can be read any more, so the page was lost and the submission judged incomplete.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus.external import augraphy_pass, poppler_pages

from formgen.check.form_pages import find_form_page, place_by_print
from formgen.check.intake.model import Page
from formgen.check.locate import locate_by_print
from formgen.check.submission import check_submission
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template

DPI = 150
LOST = [(1, 0), (1, 10), (2, 9), (2, 5)]  # (page, seed): marks and QR code both unreadable


def _copy(number: int, seed: int) -> np.ndarray:
    page = poppler_pages(blank_form(), DPI)[number - 1]
    return augraphy_pass(page, ["Letterpress", "DirtyDrum"], seed + 100 * (number - 1))


@pytest.mark.parametrize(("number", "seed"), LOST)
def test_a_page_without_marks_and_code_is_found_by_its_print(number: int, seed: int) -> None:
    template = get_template()
    image = _copy(number, seed)
    assert find_form_page(Page("scan.png", 1, 1, image, DPI, False, None), template,
                          None) is None  # the class: nothing else finds it
    placed_page = place_by_print(Page("scan.png", 1, 1, image, DPI, False, None), template)
    assert placed_page is not None
    assert placed_page.number == number
    alignment = placed_page.alignment
    # augraphy does not move the print: each corner of the page lies where poppler put it
    page = template.layout.page(number)
    corners = np.array([[[0, 0], [page.width, 0], [page.width, page.height], [0, page.height]]],
                       np.float64)
    placed = cv2.perspectiveTransform(corners, alignment.form_to_image)[0]
    assert np.abs(placed - corners[0] * DPI / 72).max() < 4


def test_other_pages_are_not_taken_for_the_form() -> None:
    template = get_template()
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, (1754, 1240, 3), dtype=np.uint8)
    letter = np.full((1754, 1240, 3), 255, np.uint8)
    for row in range(20):
        cv2.putText(letter, "Geachte heer, mevrouw, hierbij stuur ik u de kopie " * 2,
                    (80, 120 + 70 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    assert locate_by_print(noise, template) is None
    assert locate_by_print(letter, template) is None


def test_a_submission_whose_pages_lost_their_marks_has_all_its_pages(tmp_path: Path) -> None:
    from PIL import Image

    folder = tmp_path / "inzending"
    folder.mkdir()
    Image.fromarray(_copy(1, 0)).save(folder / "pagina-1.png")
    Image.fromarray(_copy(2, 9)).save(folder / "pagina-2.png")
    statuses = {c.code: c.status for c in check_submission(folder, key=None).checks}
    assert statuses["form"] is Status.OK
    assert statuses["pages"] is Status.OK
