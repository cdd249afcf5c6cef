"""Issue 10, class 3: scanner noise is not a signature, and not writing in a required box.

Page 2 of the blank form (signature block) is rendered by poppler, left empty or signed with pen
strokes, and dirtied: speckle bands like a dirty copier drum, a low-ink streak across the page.
An empty box under noise must never be "ok"; a signed box on a clean copy stays "ok".
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus.external import HANDWRITING, PENS, poppler_pages, signature, write_text

from formgen.check.fields import check_form_pages
from formgen.check.form_pages import find_form_page
from formgen.check.intake.model import Page
from formgen.check.verdict import Status
from formgen.form import blank_form
from formgen.form.template import get_template

DPI = 150


def _page2() -> np.ndarray:
    return poppler_pages(blank_form(), DPI)[1].copy()


def _speckle_bands(page: np.ndarray, seed: int, vertical: bool = True) -> np.ndarray:
    """Bands of toner speckle across the whole page, as a dirty drum leaves them."""
    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    out = page.copy()
    for _ in range(6):
        centre = int(rng.integers(0, w if vertical else h))
        width = int(rng.integers(8, 30))
        lo, hi = max(0, centre - width), centre + width
        region = out[:, lo:hi] if vertical else out[lo:hi, :]
        dots = rng.random(region.shape[:2]) < rng.uniform(0.05, 0.25)
        region[dots] = rng.integers(0, 90, (int(dots.sum()), 1))
    return out


def _streak(page: np.ndarray, y: int) -> np.ndarray:
    out = page.copy()
    out[y:y + 2, :] = 60
    return out


def _statuses(image: np.ndarray) -> dict[str, Status]:
    template = get_template()
    page = Page("scan.png", 1, 1, image, DPI, False, None)
    found = find_form_page(page, template, None)
    assert found is not None and found.number == 2
    checks, _ = check_form_pages([found], template)
    return {c.code: c.status for c in checks}


def _signed(page: np.ndarray, seed: int, pen_mm: float = 0.5) -> np.ndarray:
    out = page.copy()
    signature(out, DPI, (30, 50, 165), random.Random(seed), pen_mm=pen_mm)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_speckle_bands_in_an_empty_signature_box_are_not_a_signature(seed: int) -> None:
    page = _page2()
    sig = get_template().layout.box("signature").rect
    # make sure one band crosses the box
    x = int((sig.x + sig.width / 2) * DPI / 72)
    rng = np.random.default_rng(seed)
    band = page[:, x - 15:x + 15]
    dots = rng.random(band.shape[:2]) < 0.2
    band[dots] = 30
    noisy = _speckle_bands(page, seed)
    assert _statuses(noisy)["signature"] is not Status.OK


def test_a_low_ink_streak_through_empty_boxes_is_not_writing() -> None:
    template = get_template()
    rect = template.layout.box("sign_place").rect
    y = int((rect.y + rect.height / 2) * DPI / 72)
    statuses = _statuses(_streak(_page2(), y))
    assert statuses["field:sign_place"] is not Status.OK


def test_a_signature_on_a_clean_copy_stays_ok() -> None:
    page = _page2()
    for fid, text in (("signer_name", "Anna Jansen"), ("sign_place", "Utrecht"),
                      ("sign_date", "20-11-2026")):
        write_text(page, fid, text, DPI, "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
                   (30, 50, 165), random.Random(fid))
    statuses = _statuses(_signed(page, 4))
    assert statuses["signature"] is Status.OK
    assert statuses["field:sign_place"] is Status.OK


def test_a_thin_blue_signature_on_a_clean_copy_is_ok() -> None:
    """Class 7: a clearly signed box in thin blue ink (0.2 mm) is a signature."""
    assert _statuses(_signed(_page2(), 5, pen_mm=0.2))["signature"] is Status.OK


def _page(number: int) -> np.ndarray:
    return poppler_pages(blank_form(), DPI)[number - 1].copy()


def _line_across(page: np.ndarray, y: int, slope: float, thickness: int = 2) -> np.ndarray:
    """A fold or low-ink line right across the page, slightly slanted."""
    out = page.copy()
    w = out.shape[1]
    cv2.line(out, (0, y), (w - 1, int(y + slope * w)), (70, 70, 70), thickness)
    return out


def _toner_blots(page: np.ndarray, x: int, seed: int, width: int = 40) -> np.ndarray:
    """A dirty-drum band: clumps of toner blots down the whole page around column x."""
    rng = np.random.default_rng(seed)
    out = page.copy()
    h = out.shape[0]
    dots = np.zeros((h, 2 * width), np.float32)
    dots[rng.random(dots.shape) < 0.08] = 1.0
    clumps = cv2.GaussianBlur(dots, (0, 0), 2.0) > 0.12
    band = out[:, x - width:x + width]
    band[clumps] = rng.integers(20, 90, (int(clumps.sum()), 1))
    return out


def _box_y(field_id: str) -> int:
    rect = get_template().layout.box(field_id).rect
    return int((rect.y + rect.height / 2) * DPI / 72)


@pytest.mark.parametrize("slope", [0.0, 0.02, -0.035])
def test_a_fold_line_through_written_boxes_leaves_them_written(slope: float) -> None:
    """A line across the page through a written box is not the writing, and does not hide it."""
    page = _page(2)
    for fid, text in (("signer_name", "Anna Jansen"), ("sign_place", "Utrecht"),
                      ("sign_date", "20-11-2026")):
        write_text(page, fid, text, DPI, "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
                   (30, 50, 165), random.Random(fid))
    y = _box_y("sign_place")
    statuses = _statuses(_line_across(_signed(page, 6), y, slope))
    assert statuses["field:sign_place"] is Status.OK
    assert statuses["signature"] is Status.OK


@pytest.mark.parametrize("slope", [0.0, 0.02, -0.035])
def test_a_fold_line_through_empty_boxes_is_not_writing(slope: float) -> None:
    statuses = _statuses(_line_across(_page(2), _box_y("sign_place"), slope))
    assert statuses["field:sign_place"] is not Status.OK


def _page1_statuses(image: np.ndarray) -> dict[str, Status]:
    template = get_template()
    found = find_form_page(Page("scan.png", 1, 1, image, DPI, False, None), template, None)
    assert found is not None and found.number == 1
    checks, _ = check_form_pages([found], template)
    return {c.code: c.status for c in checks}


def _change_columns() -> list[int]:
    rect = get_template().layout.box("new_name").rect
    x0, x1 = rect.x * DPI / 72, (rect.x + rect.width) * DPI / 72
    return [int(x0 + f * (x1 - x0)) for f in (0.15, 0.5, 0.85)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dirty_drum_bands_through_the_empty_change_group_are_no_change(seed: int) -> None:
    """Toner blots in bands down the page cross every box of the 'at least one' group: that
    is no new value, never "ok"."""
    page = _page(1)
    for x in _change_columns()[: 1 + seed % 3]:
        page = _toner_blots(page, x, seed * 10 + x)
    assert _page1_statuses(page)["group:change"] is not Status.OK


@pytest.mark.parametrize("seed", [1, 2])
def test_a_new_value_under_dirty_drum_bands_is_still_written(seed: int) -> None:
    page = _page(1)
    write_text(page, "new_phone", "06-12345678", DPI,
               "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf", (20, 20, 20),
               random.Random(seed))
    page = _toner_blots(page, _change_columns()[1], seed)
    assert _page1_statuses(page)["group:change"] is Status.OK


def _texture(page: np.ndarray, dashes: int, seed: int) -> np.ndarray:
    """A bad photocopy's texture: short dark dashes all over the page (not on the QR code)."""
    from formgen.form import layout_contract

    rng = np.random.default_rng(seed)
    h, w = page.shape[:2]
    layer = np.zeros((h, w), np.uint8)
    for _ in range(dashes):
        x, y, angle = int(rng.integers(0, w)), int(rng.integers(0, h)), rng.uniform(0, np.pi)
        length = int(rng.integers(3, 9))
        cv2.line(layer, (x, y), (int(x + length * np.cos(angle)), int(y + length * np.sin(angle))),
                 255, 1)
    qr, s = layout_contract()["pages"][0]["qr"], DPI / 72
    layer[int(qr["y"] * s) - 8:int((qr["y"] + qr["height"]) * s) + 8,
          int(qr["x"] * s) - 8:int((qr["x"] + qr["width"]) * s) + 8] = 0
    out = page.copy()
    out[layer > 0] = rng.integers(30, 110, (int((layer > 0).sum()), 1))
    return out


@pytest.mark.parametrize("dashes", [25000, 35000])
def test_printed_prefilled_values_under_texture_are_written(tmp_path: Path, dashes: int) -> None:
    """On a prefilled form the klantnummer is printed by us and signed in the token, and the
    name and the ID number are read back from their boxes: texture noise over them is no reason
    to doubt them. Without the key the token is not verified: the klantnummer is not taken on
    trust and stays doubtful, and the other two are written only where PP-OCR reads them back
    from the box itself (see decision.second_opinion), not because the token says so."""
    import datetime as dt

    from PIL import Image

    from formgen.check.submission import check_submission
    from formgen.form import prefilled_form
    from formgen.form.customers import Customer

    key = b"test-key-" * 4
    customer = Customer(customer_id="K4711", name="Anna de Vries", id_number="X1234567Z",
                        email="anna@voorbeeld.nl")
    pdf, _ = prefilled_form(customer, key, request_id="REQ1", issued=dt.date.today())
    scan = tmp_path / "scan.png"
    Image.fromarray(_texture(poppler_pages(pdf, DPI)[0], dashes, 5)).save(scan)
    codes = ("field:customer_id", "field:name", "field:id_number")
    verified = {c.code: c.status for c in check_submission(scan, key=key).checks}
    unverified = {c.code: c.status for c in check_submission(scan, key=None).checks}
    assert [verified[c] for c in codes] == [Status.OK] * 3
    assert unverified["field:customer_id"] is Status.REVIEW
    assert all(unverified[c] in (Status.OK, Status.REVIEW) for c in codes)


@pytest.mark.parametrize("seed", [5, 6])
def test_an_empty_id_number_box_under_texture_is_not_read_as_written(tmp_path: Path,
                                                                     seed: int) -> None:
    """A customer record without an ID number leaves the box empty for the customer to fill
    in: texture over it is not read as a printed number, even with a verified token."""
    import datetime as dt

    from PIL import Image

    from formgen.check.submission import check_submission
    from formgen.form import prefilled_form
    from formgen.form.customers import Customer

    key = b"test-key-" * 4
    customer = Customer(customer_id="K4711", name="Anna de Vries", email="anna@voorbeeld.nl")
    pdf, _ = prefilled_form(customer, key, request_id="REQ1", issued=dt.date.today())
    scan = tmp_path / "scan.png"
    Image.fromarray(_texture(poppler_pages(pdf, DPI)[0], 35000, seed)).save(scan)
    statuses = {c.code: c.status for c in check_submission(scan, key=key).checks}
    assert statuses["field:id_number"] is not Status.OK


def _faded(page: np.ndarray, keep: float) -> np.ndarray:
    """The whole copy lighter: print and pen alike keep this share of their darkness."""
    return (255 - (255 - page.astype(np.float32)) * keep).astype(np.uint8)


def _pencil_signed(page: np.ndarray, seed: int) -> np.ndarray:
    out = page.copy()
    signature(out, DPI, PENS["pencil"], random.Random(seed), pencil=True)
    return out


@pytest.mark.parametrize("keep", [0.3, 0.4])
def test_a_pen_signature_on_a_faded_copy_is_a_signature(keep: float) -> None:
    """A faded copy makes the pen lighter than a pencil on a clean copy, and the print too:
    the signature's darkness is judged against the print of the same copy."""
    assert _statuses(_faded(_signed(_page2(), 8), keep))["signature"] is Status.OK


@pytest.mark.parametrize("keep", [1.0, 0.6, 0.4, 0.3])
def test_a_pencil_signature_is_for_a_person_to_look_at(keep: float) -> None:
    """Pencil stays lighter than the print, on a clean copy and on a faded one."""
    assert _statuses(_faded(_pencil_signed(_page2(), 9), keep))["signature"] is Status.REVIEW


def _on_the_line(page: np.ndarray, field_id: str, text: str, font: str, size: float) -> None:
    """A word in a broad felt-tip written right on the box's bottom line: bold strokes, the
    baseline on the line, the letters' lowest points a few pixels through it."""
    from PIL import Image, ImageDraw, ImageFont

    rect = get_template().layout.box(field_id).rect
    s = DPI / 72
    x0, y1 = int(rect.x * s), int((rect.y + rect.height) * s)
    face = ImageFont.truetype(HANDWRITING[font], int(rect.height * s * size))
    layer = Image.new("L", (int(face.getlength(text)) + 10, face.size * 2), 0)
    ImageDraw.Draw(layer).text((5, 0), text, font=face, fill=255)
    alpha = cv2.dilate(np.asarray(layer), np.ones((3, 3), np.uint8)).astype(np.float32) / 255
    top = y1 - face.getmetrics()[0]
    x = x0 + 420
    region = page[top:top + alpha.shape[0], x:x + alpha.shape[1]].astype(np.float32)
    region *= 1 - alpha[: region.shape[0], :, None] * (1 - np.array(PENS["black"]) / 255)
    page[top:top + alpha.shape[0], x:x + alpha.shape[1]] = region.astype(np.uint8)


@pytest.mark.parametrize(("text", "size"), [("Assen", 0.7), ("Emmen", 0.7), ("Assen", 0.85)])
def test_a_bold_word_on_the_bottom_line_is_writing(text: str, size: float) -> None:
    """Strokes that dip a few pixels through the box's bottom line are no line reaching out
    of the box: only runs that go on past the border are."""
    page = _page2()
    _on_the_line(page, "sign_place", text, "breip", size)
    assert _statuses(page)["field:sign_place"] is Status.OK


@pytest.mark.parametrize(("dx", "dy"), [(0, 5), (0, -5), (5, 0), (4, 4)])
def test_box_borders_a_few_pixels_off_are_not_writing(dx: int, dy: int) -> None:
    """A page bent in the scanner: the print sits a few pixels off where the marks put it, so
    each box's own border runs inside the box. That is the border, not writing."""
    from formgen.form import layout_contract

    page = _page2()
    moved = np.full_like(page, 255)
    h, w = page.shape[:2]
    moved[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = \
        page[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    s = DPI / 72
    for r in layout_contract()["pages"][1]["marks"]:  # the marks stay where they were
        x0, y0 = int(r["x"] * s) - 2, int(r["y"] * s) - 2
        x1, y1 = int((r["x"] + r["width"]) * s) + 3, int((r["y"] + r["height"]) * s) + 3
        moved[y0:y1, x0:x1] = page[y0:y1, x0:x1]
    statuses = _statuses(moved)
    assert statuses["field:sign_place"] is not Status.OK
    assert statuses["field:signer_name"] is not Status.OK
    assert statuses["signature"] is not Status.OK


def _specks(page: np.ndarray, field_id: str, seed: int, count: int = 9) -> np.ndarray:
    """Small dark specks scattered over one box only (bleed-through, toner), none near another:
    ink the noise around the box does not explain, but no letter."""
    rect = get_template().layout.box(field_id).rect
    s = DPI / 72
    x0, y0 = int(rect.x * s) + 10, int(rect.y * s) + 10
    x1, y1 = int((rect.x + rect.width) * s) - 16, int((rect.y + rect.height) * s) - 16
    rng = np.random.default_rng(seed)
    out = page.copy()
    xs = np.linspace(x0, x1, count).astype(int) + rng.integers(-8, 9, count)
    for x in xs:
        y = int(rng.integers(y0, y1))
        out[y:y + 5, x:x + 6] = int(rng.integers(40, 110))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scattered_specks_in_an_empty_change_box_are_no_new_value(seed: int) -> None:
    statuses = _page1_statuses(_specks(_page(1), "new_country", seed))
    assert statuses["group:change"] is not Status.OK


@pytest.mark.parametrize("text", ["NL", "BE"])
def test_a_short_new_value_is_written(text: str) -> None:
    page = _page(1)
    write_text(page, "new_country", text, DPI, HANDWRITING["humor"], PENS["black"],
               random.Random(text))
    assert _page1_statuses(page)["group:change"] is Status.OK
