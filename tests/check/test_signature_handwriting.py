"""A signature is handwriting: a typed script-font name or a stamp in the box is not `ok`.

Whole submissions, printed and scanned, from both corpus generators: the project's own
(tests/corpus/submissions.py: Pillow, Dancing Script, framed stamps) and the external one
(tests/corpus/external.py: poppler rendering, OpenCV's Hershey script fonts and ring stamps).
The signature check goes to a person with the reason; a pen signature stays `ok` (the corpus
tests hold that for every complete submission), also one written across a stamp.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus import external as E
from corpus import forms
from corpus import submissions as S
from PIL import Image, ImageDraw, ImageFont

from formgen.check.fields import NOT_HANDWRITTEN
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status

KEY = b"signature-handwriting-test-key-0123456789"
SCRIPT_FONT = "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf"
STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _own_typed(page: Image.Image, box: tuple[int, int, int, int], name: str) -> None:
    x0, y0, x1, y1 = box
    font = ImageFont.truetype(SCRIPT_FONT, int((y1 - y0) * 0.35))
    ImageDraw.Draw(page).text((x0 + (x1 - x0) * 0.1, y0 + (y1 - y0) * 0.3), name, font=font,
                              fill=(20, 30, 120))


def _own_stamp(page: Image.Image, box: tuple[int, int, int, int], name: str) -> None:
    x0, y0, x1, y1 = box
    w, h = (x1 - x0) * 0.6, (y1 - y0) * 0.65
    sx, sy = x0 + (x1 - x0) * 0.15, y0 + (y1 - y0) * 0.15
    draw = ImageDraw.Draw(page)
    draw.rounded_rectangle([sx, sy, sx + w, sy + h], radius=int(h * 0.08), outline=(160, 30, 40),
                           width=4)
    font = ImageFont.truetype(STAMP_FONT, int(h * 0.16))
    for i, text in enumerate([f"{name.split()[-1]} Hosting B.V.", "KvK 61843079", "Zwolle"]):
        draw.text((sx + w * 0.07, sy + h * (0.12 + 0.28 * i)), text, font=font,
                  fill=(160, 30, 40))


@pytest.mark.parametrize("mark", ["typed", "stamp", "stamp+pen"])
def test_own_generator(tmp_path: Path, mark: str) -> None:
    ctx = S.Ctx(tmp_path / "case", KEY, np.random.default_rng(23))
    person = S.make_person(np.random.default_rng(int(ctx.rng.integers(1, 2 ** 31))))
    pdf = S.form_pdf(person, KEY, True, ctx.rng)
    values = S.form_values(person, ctx.rng, prefilled=True)
    pages = S.filled_pages(pdf, values, 300, ctx.rng, signature="no")
    box = forms.field_box_px(S.contract(), "signature", 300)
    page = pages[1].convert("RGB")
    (_own_typed if mark == "typed" else _own_stamp)(page, box, person.name)
    if mark == "stamp+pen":
        page = forms.sign(page, S.contract(), 300, rng=ctx.rng)
    pages[1] = page
    scanned = S.scan(pages, ctx.rng, dpi=300, src_dpi=300)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    (folder / "id.jpg").write_bytes(forms.jpeg_bytes(S.id_page(person, 300, ctx.rng), 88))
    _assert_judged(check_submission(folder, key=KEY, from_address=person.email), mark)


def _external_typed(page: np.ndarray, box: tuple[int, int, int, int], name: str) -> None:
    x0, y0, x1, y1 = box
    scale = (y1 - y0) * 0.016
    cv2.putText(page, name, (x0 + (x1 - x0) // 10, y0 + int((y1 - y0) * 0.65)),
                cv2.FONT_HERSHEY_SCRIPT_COMPLEX, scale, (25, 25, 25), max(1, int(scale * 1.6)),
                cv2.LINE_AA)


def _external_stamp(page: np.ndarray, box: tuple[int, int, int, int], name: str) -> None:
    x0, y0, x1, y1 = box
    r = int((y1 - y0) * 0.38)
    cx, cy = x0 + (x1 - x0) * 2 // 5, (y0 + y1) // 2
    colour = (40, 50, 170)
    cv2.circle(page, (cx, cy), r, colour, max(3, r // 25), cv2.LINE_AA)
    cv2.circle(page, (cx, cy), int(r * 0.8), colour, max(2, r // 40), cv2.LINE_AA)
    scale = r / 60
    for i, text in enumerate(["KvK 35295198", "(Utrecht)"]):
        width = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)[0][0]
        cv2.putText(page, text, (cx - width // 2, cy - r // 6 + i * int(r * 0.45)),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, colour, max(2, int(scale * 2)), cv2.LINE_AA)


@pytest.mark.parametrize("mark", ["typed", "stamp", "stamp+pen"])
def test_external_generator(tmp_path: Path, mark: str) -> None:
    d = E.Draw(random.Random(31), 31, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, sign="none")
    box = E._px(E._field("signature")["rect"], 300)
    (_external_typed if mark == "typed" else _external_stamp)(pp.form_pages[1], box,
                                                               pp.person.name)
    if mark == "stamp+pen":
        E.signature(pp.form_pages[1], 300, (20, 40, 140), d.rng, pen_mm=0.5)
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, 300, pp.person, how="folder")
    _assert_judged(check_submission(path, key=KEY, from_address=frm), mark)


def _assert_judged(result: SubmissionResult, mark: str) -> None:
    """A typed name or a stamp goes to a person; a pen signature across a stamp is one."""
    check = next(c for c in result.checks if c.code == "signature")
    if mark == "stamp+pen":
        assert check.status is Status.OK, check.message
        return
    assert check.status is Status.REVIEW and check.message == NOT_HANDWRITTEN, check.message
    assert result.verdict == "review"
