"""A prefilled name box read under a copier's drum stipple: the holder's ID is `ok`, a relative's
`review`.

Forms printed before the signed token carried the holder's name (its tokens stay valid) have
their name read back from the name box by OCR. A worn copier drum leaves a band of toner
stipple in the box beside the printed name; read with the name, it garbles the reading
("MseVos" for "Ilse Vos", the external tune half's ext-0245), and the holder's own ID went to a
person. The stipple here is this test's own model (bands of specks whose density falls off
from a centre column, over a light sprinkle), not augraphy's DirtyDrum the corpus used; the
forms come from both corpus generators (tests/corpus/submissions.py and
tests/corpus/external.py).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from corpus import external as E
from corpus import forms
from corpus import submissions as S
from PIL import Image

from formgen import token as tokens
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status
from formgen.form import layout_contract

Make = Callable[..., tuple[Path, str | None]]
KEY = b"name-box-stipple-test-key-0123456789abcdef"
RELATIVE = "Hendrika"  # a given name no generator draws for a person


def _box(field_id: str, dpi: int) -> tuple[int, int, int, int]:
    return forms.rect_px(forms.field_by_id(layout_contract(), field_id)["rect"], dpi)


def _ink_end(page: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> int:
    """The right end of what is printed in the box (px)."""
    grey = page[y0 + 4:y1 - 4, x0 + 4:x1 - 4].mean(axis=2)
    columns = np.flatnonzero((grey < 128).sum(axis=0) >= 2)
    return x0 + 4 + int(columns[-1]) if len(columns) else x0


def drum_stipple(page: np.ndarray, dpi: int, rng: np.random.Generator) -> np.ndarray:
    """Toner stipple in the name box: a light sprinkle over all of it and one or two dense
    bands (a drum's worn ring) beside the printed name, whose specks thin out from the band's
    centre column."""
    x0, y0, x1, y1 = _box("name", dpi)
    out = page.copy()
    height = y1 - y0
    end = _ink_end(page, x0, y0, x1, y1)
    area = out[y0:y1, x0:x1]
    h, w = area.shape[:2]
    density = np.full(w, rng.uniform(0.01, 0.03))
    start = end - x0 + int(rng.uniform(0.4, 1.5) * height)
    for _ in range(int(rng.integers(1, 3))):
        spread = rng.uniform(0.3, 0.8) * height
        centre = start + 2 * spread + rng.uniform(0.0, 2.0) * height
        band = rng.uniform(0.25, 0.5) * np.exp(-0.5 * ((np.arange(w) - centre) / spread) ** 2)
        density = np.maximum(density, band)
        start = int(centre + 2 * spread)
    specks = rng.random((h, w)) < density[None, :]
    ys, xs = np.nonzero(specks)
    sizes = rng.integers(1, 4, len(ys))
    levels = rng.integers(30, 150, len(ys))
    for y, x, size, level in zip(ys, xs, sizes, levels, strict=True):
        patch = area[y:y + size, x:x + size]
        np.minimum(patch, np.uint8(level), out=patch)
    return out


def _old_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forms printed before the token carried the holder's name and ID number."""
    monkeypatch.setattr(tokens, "holder_text", lambda name: "")
    monkeypatch.setattr(tokens, "id_number_text", lambda number: "")


def own_case(folder: Path, seed: int, *, relative: bool) -> tuple[Path, str | None]:
    ctx = S.Ctx(folder / "case", KEY, np.random.default_rng(seed))
    person, _, pages, dpi = S._paper(ctx, prefilled=True, dpi=300)
    pages[0] = Image.fromarray(drum_stipple(np.asarray(pages[0].convert("RGB")), dpi,
                                            np.random.default_rng(seed)))
    id_kw = {"given": RELATIVE} if relative else {}
    scanned = S.scan(pages + [S.id_page(person, dpi, ctx.rng, **id_kw)], ctx.rng, dpi=300,
                     src_dpi=dpi)
    out = folder / "inzending"
    out.mkdir(parents=True)
    (out / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    return out, person.email


def external_case(folder: Path, seed: int, *, relative: bool) -> tuple[Path, str | None]:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=d.dpi((200, 300)), prefilled=True,
                 id_given=RELATIVE if relative else None)
    pp.form_pages[0] = drum_stipple(pp.form_pages[0], pp.dpi, np.random.default_rng(seed))
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, folder / "case", images, pp.dpi, pp.person, how="folder")
    return path, frm


def _id_name(result: SubmissionResult) -> tuple[Status, str]:
    check = next(c for c in result.checks if c.code == "id_name")
    return check.status, check.message


@pytest.mark.parametrize("seed", [10, 12, 13])
@pytest.mark.parametrize("make", [own_case, external_case], ids=["own", "external"])
def test_the_holders_id_is_ok_under_stipple_beside_the_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Make, seed: int) -> None:
    _old_tokens(monkeypatch)
    path, frm = make(tmp_path, seed, relative=False)
    status, message = _id_name(check_submission(path, key=KEY, from_address=frm))
    assert status is Status.OK, message


@pytest.mark.parametrize("make", [own_case, external_case], ids=["own", "external"])
def test_a_relatives_id_stays_review_under_stipple_beside_the_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: Make) -> None:
    _old_tokens(monkeypatch)
    path, frm = make(tmp_path, 4, relative=True)
    result = check_submission(path, key=KEY, from_address=frm)
    status, message = _id_name(result)
    assert status is Status.REVIEW, message
    assert result.verdict != "complete"
