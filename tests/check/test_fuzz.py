"""Fuzz: whatever a customer sends, the validator gives a verdict and never raises.

Seeded random mutations of real form pages (the project's own blank and prefilled PDFs, rendered
by poppler): odd page sizes, tiny and huge images, blank pages, the QR code removed or damaged,
one to four corner marks removed, pages mixed from two forms, random bytes in image and PDF
files. Each mutation is drawn for a few seeds; every submission must come back with a verdict
and a JSON-serialisable result.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections.abc import Callable
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus.external import make_person, poppler_pages
from PIL import Image

from formgen.check.submission import check_submission
from formgen.check.verdict import Verdict
from formgen.form import blank_form, layout_contract, prefilled_form

KEY = b"fuzz-key-0123456789abcdef0123456789"
DPI = 100
SEEDS = (1, 2, 3, 4)


@cache
def _pages(which: str) -> tuple[np.ndarray, ...]:
    """Renders of the blank form and of two prefilled forms (A and B), RGB at DPI."""
    if which == "blank":
        pdf = blank_form()
    else:
        rng = random.Random(which)
        pdf, _ = prefilled_form(make_person(rng).customer, KEY, request_id=f"FUZZ{which}",
                                issued=dt.date.today())
    return tuple(poppler_pages(pdf, DPI))


def _rect(name: str, page: int = 1, corner: int | None = None) -> tuple[int, int, int, int]:
    spec = next(p for p in layout_contract()["pages"] if p["number"] == page)
    r = spec["qr"] if corner is None else spec["marks"][corner]
    s = DPI / 72
    return (round(r["x"] * s), round(r["y"] * s), round((r["x"] + r["width"]) * s),
            round((r["y"] + r["height"]) * s))


def _png(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _jpeg(image: np.ndarray, quality: int = 80) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _page(rng: random.Random) -> np.ndarray:
    return _pages(rng.choice(["blank", "A"]))[rng.randint(0, 1)].copy()


Files = list[tuple[str, bytes]]


def odd_size(rng: random.Random) -> Files:
    page = _page(rng)
    h, w = page.shape[:2]
    size = (w + rng.choice([-3, -1, 1, 7]) * rng.randint(1, 40),
            h + rng.choice([-5, -1, 1, 3]) * rng.randint(1, 40))
    odd = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:  # and a crop that cuts a border off
        odd = odd[rng.randint(0, 30):, :odd.shape[1] - rng.randint(0, 30)]
    return [("scan.png", _png(np.ascontiguousarray(odd)))]


def tiny(rng: random.Random) -> Files:
    w, h = rng.choice([(1, 1), (2, 3), (17, 25), (64, 9)])
    return [("klein.png", _png(np.full((h, w, 3), rng.randint(0, 255), np.uint8)))]


def huge(rng: random.Random) -> Files:
    page = _page(rng)
    if rng.random() < 0.5:
        big = cv2.resize(page, (4960, 7016), interpolation=cv2.INTER_LINEAR)  # A4 at 600 dpi
    else:
        big = np.ascontiguousarray(np.tile(page[:40], (1, 9, 1)))  # a 9-page-wide strip
    return [("groot.jpg", _jpeg(big, 60))]


def blank_page(rng: random.Random) -> Files:
    h, w = 1169, 827
    kind = rng.choice(["white", "black", "grey", "noise"])
    if kind == "noise":
        image = np.random.default_rng(rng.randint(0, 999)).integers(0, 256, (h, w, 3), np.uint8)
    else:
        image = np.full((h, w, 3), {"white": 255, "black": 0, "grey": 128}[kind], np.uint8)
    return [(f"{kind}.png", _png(image))]


def qr_removed(rng: random.Random) -> Files:
    page = _page(rng)
    x0, y0, x1, y1 = _rect("qr")
    pad = rng.randint(0, 8)
    page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 255
    return [("zonder-qr.png", _png(page))]


def qr_damaged(rng: random.Random) -> Files:
    page = _page(rng)
    x0, y0, x1, y1 = _rect("qr")
    if rng.random() < 0.5:  # a pen stroke across it
        cv2.line(page, (x0 - 5, rng.randint(y0, y1)), (x1 + 5, rng.randint(y0, y1)),
                 (20, 30, 150), rng.randint(2, 6))
    else:  # a stain: random pixels
        noise = np.random.default_rng(rng.randint(0, 999)).integers(
            0, 256, (y1 - y0, x1 - x0, 3), np.uint8)
        page[y0:y1, x0:x1] = noise
    return [("vlek.jpg", _jpeg(page))]


def marks_removed(rng: random.Random) -> Files:
    page = _page(rng)
    for corner in rng.sample(range(4), rng.randint(1, 4)):
        x0, y0, x1, y1 = _rect("mark", corner=corner)
        page[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = 255
    if rng.random() < 0.3:
        x0, y0, x1, y1 = _rect("qr")
        page[y0:y1, x0:x1] = 255
    return [("hoeken.png", _png(page))]


def mixed_forms(rng: random.Random) -> Files:
    a, b = _pages("A"), _pages("B")
    pages = rng.choice([[a[0], b[1]], [b[0], a[1], a[1]], [a[1], a[1]], [_pages("blank")[0], b[1]]])
    return [(f"p{i}.jpg", _jpeg(p)) for i, p in enumerate(pages, 1)]


def random_bytes(rng: random.Random) -> Files:
    page = _page(rng)
    kind = rng.choice(["jpeg", "png", "noise", "pdf"])
    if kind == "jpeg":
        data = bytearray(_jpeg(page))
        for _ in range(rng.randint(1, 50)):
            data[rng.randint(600, len(data) - 1)] = rng.randint(0, 255)
        return [("kapot.jpg", bytes(data))]
    if kind == "png":
        data = _png(page)
        return [("half.png", data[: rng.randint(60, len(data) // 2)])]
    if kind == "pdf":
        return [("scan.pdf", b"%PDF-1.4\n" + rng.randbytes(rng.randint(10, 5000)))]
    return [("foto.jpg", rng.randbytes(rng.randint(0, 3000)))]


MUTATIONS: dict[str, Callable[[random.Random], Files]] = {
    f.__name__: f for f in (odd_size, tiny, huge, blank_page, qr_removed, qr_damaged,
                            marks_removed, mixed_forms, random_bytes)
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_always_a_verdict(mutation: str, seed: int, tmp_path: Path) -> None:
    rng = random.Random(f"{mutation}:{seed}")
    folder = tmp_path / mutation
    folder.mkdir()
    for name, data in MUTATIONS[mutation](rng):
        (folder / name).write_bytes(data)
    result = check_submission(folder, key=KEY, from_address="klant@voorbeeld.nl",
                              today=dt.date.today())
    assert result.verdict in set(Verdict)
    json.dumps(result.to_json())
    if mutation in ("blank_page", "tiny", "random_bytes"):
        assert result.verdict is not Verdict.COMPLETE
    if mutation == "mixed_forms":  # never one complete request out of two forms
        assert result.verdict is not Verdict.COMPLETE
