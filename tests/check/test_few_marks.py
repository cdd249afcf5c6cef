"""A page with only two or three of its corner marks left is placed where it is.

A homography from two or three marks rests on corners a few millimetres apart. On a worn copy
(augraphy's Letterpress mottles the marks) their noise tilts it: two marks along one edge leave
the scale across the page to a mark's own height, and the boxes land tens of pixels off. A flat
scan is a similarity (a turn, one scale, a shift), which the same corners fix well; a phone photo
in perspective needs the homography. The validator keeps the fit that the page's print agrees
with best.

The same holds for a page aligned on its QR code alone (every mark lost): the homography from
the code's four corners is far off on a dirty-drum copy, the similarity is not.

Families: blank pages rendered by poppler at 150 dpi, all but two or three marks (or all marks)
painted out, turned and shifted as on a flatbed (a known transform, so the truth is known),
through Letterpress (or DirtyDrum) and JPEG 40; and phone photos in perspective of pages with
marks painted out, whose truth is the four-mark homography of the same photo with its marks
left in.
"""

from __future__ import annotations

import io
import random
from concurrent.futures import ProcessPoolExecutor
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium
from corpus.external import augraphy_pass, jpeg, poppler_pages
from PIL import Image
from test_align import photograph

from formgen.check.align import Alignment, align_on_marks, align_on_qr, find_marks
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.qr import read_tokens
from formgen.form import blank_form
from formgen.form.template import get_template

TEMPLATE = get_template()
LAYOUT = TEMPLATE.layout.page(1)
BOX_CORNERS = np.array([corner for box in TEMPLATE.layout.boxes for corner in (
    (box.rect.x, box.rect.y), (box.rect.x + box.rect.width, box.rect.y + box.rect.height))],
    np.float64)
SCAN_SEEDS = range(600, 616)
QR_ONLY_SEEDS = range(800, 812)
PHOTO_SEEDS = range(700, 712)


def _paint_out_marks(page: np.ndarray, dpi: float, keep: list[int]) -> np.ndarray:
    page = page.copy()
    s, pad = dpi / 72, round(dpi / 36)
    for mark in LAYOUT.marks:
        if mark.id not in keep:
            r = mark.rect
            page[int(r.y * s) - pad:int((r.y + r.height) * s) + pad,
                 int(r.x * s) - pad:int((r.x + r.width) * s) + pad] = 255
    return page


def _off_by(alignment: Alignment, truth: np.ndarray) -> float:
    """How far (pixels) the alignment puts the corners of the form's boxes from the truth."""
    placed = cv2.perspectiveTransform(BOX_CORNERS[None], alignment.form_to_image)[0]
    return float(np.abs(placed - truth).max())


def _worn_scan(seed: int, qr_only: bool = False) -> tuple[int, float | None, float | None]:
    """Marks found, and how far the homography alone (from the marks, or from the QR code when
    qr_only) and the validator place the boxes."""
    rng = random.Random(seed)
    page = poppler_pages(blank_form(), 150)[rng.choice([0, 1])]
    page = _paint_out_marks(page, 150, [] if qr_only else rng.sample(range(4), rng.choice([2, 3])))
    h, w = page.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-1.5, 1.5), 1.0)
    turn[:, 2] += [rng.uniform(-15, 15), rng.uniform(-15, 15)]
    page = cv2.warpAffine(page, turn, (w, h), borderValue=(255, 255, 255))
    page = augraphy_pass(page, ["DirtyDrum" if qr_only else "Letterpress"], seed)
    page = np.array(Image.open(io.BytesIO(jpeg(page, 40))).convert("RGB"))
    truth = BOX_CORNERS * 150 / 72 @ turn[:, :2].T + turn[:, 2]
    if qr_only:
        hits = read_tokens(page)
        homography = align_on_qr(hits[0].corners, LAYOUT) if hits else None
    else:
        homography = align_on_marks(page, LAYOUT)
    found = find_form_page(Page("scan.jpg", 1, 1, page, 150, False, None), TEMPLATE, None)
    return (len(find_marks(page)), homography and _off_by(homography, truth),
            found and _off_by(found.alignment, truth))


@cache
def _worn_scans(qr_only: bool) -> tuple[tuple[int, float | None, float | None], ...]:
    with ProcessPoolExecutor(2) as pool:
        seeds = QR_ONLY_SEEDS if qr_only else SCAN_SEEDS
        return tuple(pool.map(_worn_scan, seeds, [qr_only] * len(seeds)))


def test_a_worn_scan_with_two_or_three_marks_is_placed_within_three_pixels() -> None:
    placed = [(marks, homography, ours) for marks, homography, ours in _worn_scans(False)
              if marks >= 2]
    assert len(placed) >= 10
    assert all(ours is not None and ours <= 3 for _, _, ours in placed), placed
    # the family holds the failure: the homography alone put boxes far off
    assert sum(homography is not None and homography > 8 for _, homography, _ in placed) >= 3


def test_a_worn_scan_placed_on_its_qr_code_alone_is_placed_within_six_pixels() -> None:
    placed = [(homography, ours) for marks, homography, ours in _worn_scans(True)
              if homography is not None]
    assert len(placed) >= 6
    assert all(ours is not None and ours <= 6 for _, ours in placed), placed
    assert sum(homography > 30 for homography, _ in placed) >= 3


def test_a_photo_in_perspective_with_two_or_three_marks_keeps_the_homography() -> None:
    document = pdfium.PdfDocument(blank_form())
    pages = [np.asarray(p.render(scale=600 / 72).to_pil().convert("RGB")) for p in document]
    for seed in PHOTO_SEEDS:
        rng = random.Random(seed)
        page = pages[rng.choice([0, 1])]
        keep = rng.sample(range(4), rng.choice([2, 3]))
        shot = {"dpi": 200, "angle": rng.uniform(0, 360), "perspective": rng.uniform(0.02, 0.06),
                "quality": 60, "seed": seed}
        whole = align_on_marks(photograph(page, **shot), LAYOUT)
        assert whole is not None and whole.markers == 4
        truth = cv2.perspectiveTransform(BOX_CORNERS[None], whole.form_to_image)[0]
        image = photograph(_paint_out_marks(page, 600, keep), **shot)
        found = find_form_page(Page("photo.jpg", 1, 1, image, 200, False, None), TEMPLATE, None)
        assert found is not None and found.alignment.markers == len(keep)
        homography = align_on_marks(image, LAYOUT)
        assert homography is not None
        assert np.allclose(found.alignment.form_to_image, homography.form_to_image), seed
        assert _off_by(found.alignment, truth) <= (3 if len(keep) == 3 else 10), seed
