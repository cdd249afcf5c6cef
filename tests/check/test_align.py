"""Marks and QR code are found on rotated, skewed, photographed and compressed pages."""

from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from formgen import token as tokens
from formgen.check.align import align_on_marks, align_on_qr
from formgen.check.qr import read_tokens
from formgen.form.template import get_template

TEMPLATE = get_template()
LAYOUT = TEMPLATE.layout.page(1)


@pytest.fixture(scope="module")
def page_600(prefilled_pdf: bytes) -> np.ndarray:
    document = pdfium.PdfDocument(prefilled_pdf)
    document.init_forms()
    return np.asarray(document[0].render(scale=600 / 72, may_draw_forms=True).to_pil()
                      .convert("RGB"))


def photograph(page: np.ndarray, dpi: int, angle: float, perspective: float, quality: int,
               seed: int, bw: bool = False) -> np.ndarray:
    """A page at dpi, turned by angle, warped like a phone photo, JPEG-compressed."""
    rng = np.random.default_rng(seed)
    image = cv2.resize(page, None, fx=dpi / 600, fy=dpi / 600, interpolation=cv2.INTER_AREA)
    pad = image.shape[1] // 8
    image = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                               value=(95, 85, 70))
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += nw / 2 - w / 2
    matrix[1, 2] += nh / 2 - h / 2
    image = cv2.warpAffine(image, matrix, (nw, nh), borderValue=(95, 85, 70))
    if perspective:
        src = np.float32([[0, 0], [nw, 0], [nw, nh], [0, nh]])
        dst = (src + rng.uniform(-perspective, perspective, (4, 2)) * [nw, nh]).astype(np.float32)
        image = cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (nw, nh),
                                    borderValue=(95, 85, 70))
    if bw:
        grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        image = cv2.cvtColor(np.where(grey > 150, 255, 0).astype(np.uint8), cv2.COLOR_GRAY2RGB)
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buffer, cv2.IMREAD_COLOR)




@pytest.mark.parametrize(("dpi", "angle", "perspective", "quality", "bw"), [
    (150, 0, 0, 30, False), (150, 90, 0, 40, False), (150, 181.5, 0.03, 50, False),
    (200, 270, 0, 30, True), (200, 33, 0.05, 60, False), (300, 2.5, 0, 30, True),
    (300, 147, 0.04, 40, False), (600, 359, 0.02, 80, False), (150, 305, 0.04, 35, False),
])
def test_marks_and_token_are_found(page_600: np.ndarray, key: bytes, dpi: int, angle: float,
                                   perspective: float, quality: int, bw: bool) -> None:
    image = photograph(page_600, dpi, angle, perspective, quality, seed=int(angle), bw=bw)
    alignment = align_on_marks(image, LAYOUT)
    assert alignment is not None and alignment.markers >= 3
    hits = read_tokens(image, alignment.image_quad(LAYOUT.qr))
    assert len(hits) == 1
    assert tokens.verify(hits[0].text, key).page == 1
    # the warped page lines up with the layout: the QR code sits where the contract says
    size = (round(LAYOUT.width * 150 / 72), round(LAYOUT.height * 150 / 72))
    warped = alignment.warp(image, 150, size)
    s = 150 / 72
    r = LAYOUT.qr
    qr_box = warped[int(r.y * s):int((r.y + r.height) * s), int(r.x * s):int((r.x + r.width) * s)]
    assert (cv2.cvtColor(qr_box, cv2.COLOR_RGB2GRAY) < 128).mean() > 0.3
    found = read_tokens(warped)
    assert found, "the QR code must be readable on the warped page"


def test_qr_alone_aligns_a_page_whose_marks_are_cut_off(page_600: np.ndarray) -> None:
    image = cv2.resize(page_600, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    cut = image[:-260, 260:].copy()  # three of the four corner marks cut away
    assert align_on_marks(cut, LAYOUT) is None
    hits = read_tokens(cut)
    assert len(hits) == 1
    alignment = align_on_qr(hits[0].corners, LAYOUT)
    # a point on the page maps close to where it really is (shifted 260 px left at 300 dpi)
    truth = np.array([[LAYOUT.qr.x * 300 / 72 - 260, LAYOUT.qr.y * 300 / 72]])
    mapped = alignment.image_quad(LAYOUT.qr)[0]
    assert np.abs(mapped - truth[0]).max() < 6


def test_a_page_without_marks_is_not_aligned() -> None:
    rng = np.random.default_rng(0)
    letter = np.full((1754, 1240, 3), 255, np.uint8)
    for _ in range(40):
        y = int(rng.integers(100, 1600))
        cv2.putText(letter, "Geachte heer, mevrouw, hierbij stuur ik", (100, y),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.9, (0, 0, 0), 2)
    assert align_on_marks(letter, LAYOUT) is None
    assert read_tokens(letter) == []
