"""On a prefilled form the account holder's name comes from the request, not from OCR.

The signed token in each page's QR code carries the holder's name (ICAO spelling) and ID
number (formgen/token.py). Where the printed name in the name box cannot be read back (a
printer's white streak through the surname, as a worn toner cartridge leaves it), the ID
check still compares the ID document with the request's name: the holder's own ID is `ok`,
a relative's is `review`. Tokens printed before (without the name) keep working, with the
name read back by OCR. Whole submissions from both corpus generators (the project's own,
tests/corpus/submissions.py, and the external one, tests/corpus/external.py).
"""

from __future__ import annotations

import random
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

KEY = b"holder-from-token-test-key-0123456789abcdef"
RELATIVE = "Hendrika"  # a given name no generator draws for a person


def _box(field_id: str, dpi: int) -> tuple[int, int, int, int]:
    field = forms.field_by_id(layout_contract(), field_id)
    return forms.rect_px(field["rect"], dpi)


def _ink_end(page: np.ndarray, field_id: str, dpi: int) -> int:
    """The right end of what is printed in the box (px)."""
    x0, y0, x1, y1 = _box(field_id, dpi)
    grey = page[y0 + 4:y1 - 4, x0 + 4:x1 - 4]
    grey = grey.mean(axis=2) if grey.ndim == 3 else grey
    columns = np.flatnonzero((grey < 128).sum(axis=0) >= 2)
    return x0 + 4 + int(columns[-1]) if len(columns) else x0


def streak_through_surname(page: np.ndarray, dpi: int) -> np.ndarray | None:
    """A worn toner cartridge's white streak, a vertical band top to bottom, through the end of
    the printed name (its surname) and right of the printed klantnummer and ID number (whose
    readings are compared with the token too); None when the name is too short for it."""
    name_end = _ink_end(page, "name", dpi)
    left = max(_ink_end(page, "customer_id", dpi), _ink_end(page, "id_number", dpi)) + dpi // 10
    x0, _, _, _ = _box("name", dpi)
    left = max(left, x0 + (name_end - x0) * 55 // 100)
    if name_end - left < dpi // 6:
        return None
    streaked = page.copy()
    streaked[:, left:name_end + 2] = np.maximum(streaked[:, left:name_end + 2], 235)
    return streaked


def _own_case(tmp_path: Path, seed: int, *, relative: bool) -> tuple[Path, str | None]:
    for attempt in range(30):  # a person whose name is long enough to streak its end alone
        ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(seed * 100 + attempt))
        person, _, pages, dpi = S._paper(ctx, prefilled=True, dpi=300)
        streaked = streak_through_surname(np.asarray(pages[0].convert("RGB")), dpi)
        if streaked is not None:
            break
    assert streaked is not None
    pages[0] = Image.fromarray(streaked)
    id_kw = {"given": RELATIVE} if relative else {}
    scanned = S.scan(pages + [S.id_page(person, dpi, ctx.rng, **id_kw)], ctx.rng, dpi=300,
                     src_dpi=dpi)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    return folder, person.email


def _external_case(tmp_path: Path, seed: int, *, relative: bool) -> tuple[Path, str | None]:
    for attempt in range(30):
        d = E.Draw(random.Random(seed * 100 + attempt), seed * 100 + attempt, KEY)
        pp = E.paper(d, dpi=300, prefilled=True, id_given=RELATIVE if relative else None)
        streaked = streak_through_surname(pp.form_pages[0], pp.dpi)
        if streaked is not None:
            break
    assert streaked is not None
    pp.form_pages[0] = streaked
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, pp.dpi, pp.person, how="folder")
    return path, frm


def _id_name(result: SubmissionResult) -> Status:
    return next(c for c in result.checks if c.code == "id_name").status


def _explain(result: SubmissionResult) -> list[tuple[str, str, str]]:
    return [(c.code, str(c.status), c.message) for c in result.checks
            if c.status is not Status.OK]


@pytest.mark.parametrize("seed", [3, 4])
def test_own_generator_name_from_the_token(tmp_path: Path, seed: int) -> None:
    path, frm = _own_case(tmp_path, seed, relative=False)
    result = check_submission(path, key=KEY, from_address=frm)
    assert _id_name(result) is Status.OK, _explain(result)
    assert result.verdict == "complete", _explain(result)


@pytest.mark.parametrize("seed", [3, 4])
def test_external_generator_name_from_the_token(tmp_path: Path, seed: int) -> None:
    path, frm = _external_case(tmp_path, seed, relative=False)
    result = check_submission(path, key=KEY, from_address=frm)
    assert _id_name(result) is Status.OK, _explain(result)
    assert result.verdict == "complete", _explain(result)


def test_own_generator_relative_against_the_token(tmp_path: Path) -> None:
    path, frm = _own_case(tmp_path, 5, relative=True)
    result = check_submission(path, key=KEY, from_address=frm)
    assert _id_name(result) is Status.REVIEW, _explain(result)
    assert result.verdict != "complete"


def test_external_generator_relative_against_the_token(tmp_path: Path) -> None:
    path, frm = _external_case(tmp_path, 5, relative=True)
    result = check_submission(path, key=KEY, from_address=frm)
    assert _id_name(result) is Status.REVIEW, _explain(result)
    assert result.verdict != "complete"


def test_a_form_printed_before_with_a_token_without_the_name_still_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A prefilled form printed before the token carried the name: its token verifies, and the
    name is read back from the name box as before."""
    monkeypatch.setattr(tokens, "holder_text", lambda name: "")
    monkeypatch.setattr(tokens, "id_number_text", lambda number: "")
    ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(8))
    path, frm, _ = S.scanned_case(ctx, prefilled=True, dpi=300)
    result = check_submission(path, key=KEY, from_address=frm)
    token = next(c for c in result.checks if c.code == "token")
    assert token.status is Status.OK and "aanvraag" in token.message
    assert _id_name(result) is Status.OK, _explain(result)
    assert result.verdict == "complete", _explain(result)
