"""Form pages whose QR code cannot be read: still recognised, never a crash.

The class: the page is aligned on its corner marks, the token is unreadable, so the page number
is guessed by comparing the page with every blank page. That comparison once assumed the warped
scan and the blank rendering had the same pixel size; renderers round sizes differently (poppler
and PDFium at 150 dpi give 1240 and 1241 pixels), so it crashed. Generated here at several
resolutions, from two renderers, with the QR code painted over, crossed out or cut off.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from formgen.check.submission import check_submission
from formgen.check.verdict import Verdict
from formgen.form import blank_form, layout_contract


def _render_poppler(pdf: bytes, dpi: int, tmp: Path) -> list[Image.Image]:
    source = tmp / "blank.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(source), str(tmp / "pg")],
                   check=True, timeout=120)
    return [Image.open(p).convert("RGB") for p in sorted(tmp.glob("pg-*.png"))]


def _render_pdfium(pdf: bytes, dpi: int) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]


def _qr_box(dpi: int) -> tuple[int, int, int, int]:
    rect = layout_contract()["pages"][0]["qr"]
    s = dpi / 72
    return (int(rect["x"] * s) - 4, int(rect["y"] * s) - 4,
            int((rect["x"] + rect["width"]) * s) + 4, int((rect["y"] + rect["height"]) * s) + 4)


def _damage(image: Image.Image, how: str, dpi: int) -> Image.Image:
    image = image.copy()
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1 = _qr_box(dpi)
    if how == "painted-over":
        draw.rectangle((x0, y0, x1, y1), fill="white")
    elif how == "crossed-out":
        width = max(3, dpi // 25)
        for k in range(-2, 3):
            draw.line((x0, y0 + k * width * 3, x1, y1 + k * width * 3), fill=(20, 20, 120),
                      width=width)
            draw.line((x0, y1 + k * width * 3, x1, y0 + k * width * 3), fill=(20, 20, 120),
                      width=width)
    elif how == "stain":
        draw.ellipse((x0, y0, x1, y1), fill=(120, 90, 40))
    return image


@pytest.mark.parametrize("renderer", ["poppler", "pdfium"])
@pytest.mark.parametrize("dpi", [100, 150, 200, 300])
@pytest.mark.parametrize("how", ["painted-over", "crossed-out", "stain"])
def test_unreadable_qr_gives_a_verdict(tmp_path: Path, renderer: str, dpi: int,
                                       how: str) -> None:
    pdf = blank_form()
    pages = (_render_poppler(pdf, dpi, tmp_path) if renderer == "poppler"
             else _render_pdfium(pdf, dpi))
    scan = tmp_path / "scan.png"
    _damage(pages[0], how, dpi).save(scan, dpi=(dpi, dpi))
    result = check_submission(scan, key=None)
    assert result.verdict in (Verdict.INCOMPLETE, Verdict.REVIEW)
    assert result.form, "the page must still be recognised as a form page"
    codes = {c.code for c in result.checks}
    assert "signature" in codes and "token" in codes


def test_second_page_with_unreadable_qr_is_recognised_as_page_two(tmp_path: Path) -> None:
    pages = _render_pdfium(blank_form(), 150)
    assert len(pages) >= 2
    scan = tmp_path / "p2.png"
    _damage(pages[1], "painted-over", 150).save(scan)
    result = check_submission(scan, key=None)
    pages_check = next(c for c in result.checks if c.code == "pages")
    assert "1" in pages_check.message  # page 1 reported missing, so this one counted as 2
    assert np.asarray(Image.open(scan)).size  # the input is untouched


# Copier damage that breaks the marks' and the QR code's black modules: thin light lines
# (low ink, a black-and-white copier's white streaks), light speckle (letterpress), fading.


def _light_lines(image: Image.Image, every: int, seed: int) -> Image.Image:
    out = np.asarray(image).copy()
    rng = np.random.default_rng(seed)
    y = int(rng.integers(0, every))
    while y < out.shape[0]:
        out[y:y + int(rng.integers(1, 3)), :] = 245
        y += every + int(rng.integers(-3, 4))
    return Image.fromarray(out)


def _faded(image: Image.Image, seed: int) -> Image.Image:
    grey = np.asarray(image.convert("L")).astype(np.float32)
    rng = np.random.default_rng(seed)
    grey = 255 - (255 - grey) * 0.55  # ink at 45 % of its strength
    speckle = rng.random(grey.shape) < 0.12
    grey[speckle] = np.maximum(grey[speckle], 200)
    return Image.fromarray(grey.clip(0, 255).astype(np.uint8)).convert("RGB")


def _two_marks_only(image: Image.Image, dpi: int) -> Image.Image:
    image = image.copy()
    draw = ImageDraw.Draw(image)
    for r in layout_contract()["pages"][0]["marks"][:2]:  # the two top marks
        s = dpi / 72
        draw.rectangle((r["x"] * s - 3, r["y"] * s - 3, (r["x"] + r["width"]) * s + 3,
                        (r["y"] + r["height"]) * s + 3), fill="white")
    return image


def _page_numbers(images: list[Image.Image], tmp: Path) -> list[int]:
    from formgen.check.form_pages import find_form_page
    from formgen.check.intake.model import Page
    from formgen.form.template import get_template

    numbers = []
    for i, image in enumerate(images, 1):
        found = find_form_page(Page("scan.png", i, i, np.asarray(image), 150, False, None),
                               get_template(), None)
        numbers.append(found.number if found else 0)
    return numbers


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("every", [9, 14])
def test_pages_under_light_lines_are_found(tmp_path: Path, seed: int, every: int) -> None:
    pages = _render_pdfium(blank_form(), 150)
    assert _page_numbers([_light_lines(p, every, seed) for p in pages], tmp_path) == [1, 2]


@pytest.mark.parametrize("seed", [1, 2])
def test_faded_speckled_pages_without_qr_get_their_page_number(tmp_path: Path,
                                                               seed: int) -> None:
    pages = _render_pdfium(blank_form(), 150)
    damaged = [_faded(_damage(p, "painted-over", 150), seed) for p in pages]
    assert _page_numbers(damaged, tmp_path) == [1, 2]


def test_a_page_with_two_marks_left_is_still_a_form_page(tmp_path: Path) -> None:
    pages = _render_pdfium(blank_form(), 150)
    damaged = [_two_marks_only(_damage(p, "painted-over", 150), 150) for p in pages]
    assert _page_numbers(damaged, tmp_path) == [1, 2]


def _letterpress_qr(image: Image.Image, seed: int, keep: float, dpi: int = 150) -> Image.Image:
    """A letterpress-like copy of the QR code: its ink at `keep` of its strength and the
    modules riddled with white specks, so the code is not readable where it lies."""
    grey = np.asarray(image.convert("L")).astype(np.float32)
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = _qr_box(dpi)
    code = 255 - (255 - grey[y0:y1, x0:x1]) * keep
    holes = rng.random(code.shape) < 0.4
    code[holes] = np.maximum(code[holes], 235)
    grey[y0:y1, x0:x1] = code
    return Image.fromarray(grey.clip(0, 255).astype(np.uint8)).convert("RGB")


def _token_texts(images: list[Image.Image], key: bytes | None = None) -> list[str | None]:
    from formgen.check.form_pages import find_form_page
    from formgen.check.intake.model import Page
    from formgen.form.template import get_template

    texts = []
    for i, image in enumerate(images, 1):
        found = find_form_page(Page("scan.png", i, i, np.asarray(image), 150, False, None),
                               get_template(), key)
        texts.append(found.token_text if found else None)
    return texts


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("keep", [0.5, 0.35])
def test_a_faded_speckled_qr_code_is_read_upright(seed: int, keep: float) -> None:
    """Where the marks are found but the code is not readable where it lies, it is cut out
    upright through the marks, smoothed and read: blank and prefilled (more modules) alike."""
    import datetime as dt

    from formgen.form import prefilled_form
    from formgen.form.customers import Customer

    key = b"test-key-" * 4
    customer = Customer(customer_id="K4711", name="Anna de Vries", id_number="X1234567Z",
                        email="anna@voorbeeld.nl")
    prefilled, _ = prefilled_form(customer, key, request_id="REQ1", issued=dt.date.today())
    for pdf in (blank_form(), prefilled):
        pages = _render_pdfium(pdf, 150)
        clean = _token_texts(pages, key)
        assert all(clean)
        assert _token_texts([_letterpress_qr(p, seed, keep) for p in pages], key) == clean
