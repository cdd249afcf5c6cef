"""Sanity checks of the test-corpus generator itself (not of the validator)."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus import forms, submissions
from PIL import Image

from formgen.form.build import blank_form, layout_contract

DPI = 100


@pytest.fixture(scope="module")
def contract() -> dict:
    return layout_contract()


@pytest.fixture(scope="module")
def blank_pages() -> list[Image.Image]:
    return forms.render_form_pages(blank_form(), DPI)


def _ink(image: Image.Image, box: tuple[int, int, int, int], inset: int = 3) -> int:
    """Dark pixels strictly inside a box (inset past the printed border)."""
    x0, y0, x1, y1 = box
    grey = np.asarray(image.convert("L"))[y0 + inset:y1 - inset, x0 + inset:x1 - inset]
    return int((grey < 128).sum())


def _ink_outside(before: Image.Image, after: Image.Image, boxes: list[tuple[int, int, int, int]],
                 pad: int) -> int:
    diff = np.abs(np.asarray(before.convert("L"), np.int16)
                  - np.asarray(after.convert("L"), np.int16)) > 60
    for x0, y0, x1, y1 in boxes:
        diff[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = False
    return int(diff.sum())


def test_handwriting_lands_inside_filled_boxes_only(contract, blank_pages) -> None:
    rng = np.random.default_rng(7)
    values = {"name": "Łukasz Nguyễn", "customer_id": "K1234567", "new_phone": "06-12345678",
              "street": "Kerkstraat 12"}
    page = forms.handwrite(blank_pages[0], contract, 1, values, DPI, rng=rng)
    filled = [forms.field_box_px(contract, f, DPI) for f in values]
    for fid in values:
        assert _ink(page, forms.field_box_px(contract, fid, DPI)) > 20, fid
    for fld in contract["fields"]:
        if fld["page"] == 1 and fld["id"] not in values:
            box = forms.rect_px(fld["rect"], DPI)
            assert _ink(page, box) == _ink(blank_pages[0], box), fld["id"]
    assert _ink_outside(blank_pages[0], page, filled, pad=2) == 0


def test_checkbox_tick_inside_box(contract, blank_pages) -> None:
    rng = np.random.default_rng(3)
    page = forms.handwrite(blank_pages[1], contract, 2, {"check_id": "x", "check_form": "v"},
                           DPI, rng=rng)
    boxes = [forms.field_box_px(contract, f, DPI) for f in ("check_id", "check_form")]
    for box in boxes:
        assert _ink(page, box, inset=1) > 5
    assert _ink_outside(blank_pages[1], page, boxes, pad=2) == 0


@pytest.mark.parametrize("faint", [False, True])
def test_signature_inside_signature_box(contract, blank_pages, faint: bool) -> None:
    page_no = forms.field_by_id(contract, "signature")["page"]
    before = blank_pages[page_no - 1]
    after = forms.sign(before, contract, DPI, np.random.default_rng(11), faint=faint)
    box = forms.field_box_px(contract, "signature", DPI)
    changed = np.abs(np.asarray(before.convert("L"), np.int16)
                     - np.asarray(after.convert("L"), np.int16)) > 25
    assert _ink_outside(before, after, [box], pad=0) == 0
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(changed[y0:y1, x0:x1])
    assert len(xs) > 50
    assert xs.max() - xs.min() > 0.4 * (x1 - x0)  # covers a reasonable part of the box
    assert ys.max() - ys.min() > 0.3 * (y1 - y0)


def test_fill_values_are_plausible() -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        iban = forms.fill_values("iban", rng)
        assert iban.startswith("NL") and forms.iban_valid(iban)
        assert "@" in forms.fill_values("email", rng)
        date = forms.fill_values("date", rng)
        assert len(date) == 10 and date[2] == date[5] == "-"


def _markers(image: Image.Image) -> set[int]:
    grey = np.asarray(image.convert("L"))
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50),
                                       cv2.aruco.DetectorParameters())
    _, ids, _ = detector.detectMarkers(grey)
    return set() if ids is None else {int(i) for i in ids.ravel()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_degrade_differs_by_seed_and_keeps_markers(seed: int) -> None:
    page = forms.render_form_pages(blank_form(), 200)[0]
    rng = np.random.default_rng(seed)
    angle = float(rng.uniform(0, 360))
    kwargs = dict(rotate_deg=angle, perspective=0.05, blur=0.8, noise=5, jpeg_quality=40)
    a = forms.degrade(page, np.random.default_rng(seed), **kwargs)
    b = forms.degrade(page, np.random.default_rng(seed + 100), **kwargs)
    again = forms.degrade(page, np.random.default_rng(seed), **kwargs)
    assert np.array_equal(np.asarray(a), np.asarray(again))  # reproducible
    assert a.size != b.size or not np.array_equal(np.asarray(a), np.asarray(b))
    assert len(_markers(a) & {0, 1, 2, 3}) >= 3, angle


def test_bw_scan_is_binary_and_keeps_markers() -> None:
    page = forms.render_form_pages(blank_form(), 200)[1]
    out = forms.degrade(page, np.random.default_rng(5), rotate_deg=180, bw=True, src_dpi=200,
                        dpi=150, noise=4)
    assert out.mode == "1"
    assert len(_markers(out)) >= 3


def test_build_corpus_small(tmp_path: Path) -> None:
    n = 14
    cases = submissions.build_corpus(tmp_path, b"corpus-test-key-0123456789abcdef", n, seed=5)
    assert len(cases) == n
    assert {"complete", "incomplete", "unreadable"} <= {c.expected for c in cases}
    for case in cases:
        assert case.path.exists(), case
        assert case.expected in submissions.VERDICTS
        if case.expected in ("complete", "unreadable"):
            assert not case.missing and not case.review, case
        else:
            assert case.missing or case.review, case
        if case.path.suffix == ".eml":
            msg = email.message_from_bytes(case.path.read_bytes(), policy=email.policy.default)
            assert any(True for _ in msg.iter_attachments())
            assert case.sender is None
        elif case.path.is_dir():
            assert any(case.path.iterdir())
    tampered = [c for c in cases if c.kind == "tampered"]
    assert tampered and tampered[0].review == {"token"} and not tampered[0].missing
