"""Crossed-out writing is not a value.

A request whose only change is struck through is never complete. Struck out with a straight
line, a zigzag or a scribble, also across a short value, and nothing beside it, the change box
is empty, so the request is incomplete and the customer is asked for a change (issue 27); a
struck value with a new one beside or above it goes to a person (who reads which holds). A
written value (a felt pen, an underline, a paraph, descenders) is never surely struck. Whole
submissions,
printed and scanned, from both corpus generators: the project's own (tests/corpus/submissions.py,
a Pillow pen line) and the external one (tests/corpus/external.py, its own fonts and an OpenCV
stroke); and the box level on both families (benchmarks/bench_struck.py).
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from corpus import external as E
from corpus import families as F
from corpus import forms
from corpus import submissions as S
from PIL import Image, ImageDraw, ImageFont

from formgen.check.fields import CORRECTED
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Status

KEY = b"struck-through-test-key-0123456789abcdef"
FIELD = "new_account_holder"
CHANGE = ("new_name", "new_email", "new_phone", "new_street", "new_postcode", "new_city",
          "new_country", "new_iban", "new_account_holder", "new_billing_email")
CORRECTION_FONT = "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf"


def _value_box(page: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    ys, xs = np.nonzero(page[y0 + 8:y1 - 8, x0 + 8:x1 - 8].min(axis=2) < 150)
    return x0 + 8 + int(xs.min()), y0 + 8 + int(ys.min()), x0 + 8 + int(xs.max()), \
        y0 + 8 + int(ys.max())


def _correct(page: np.ndarray, box: tuple[int, int, int, int], after: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    image = Image.fromarray(page)
    font = ImageFont.truetype(CORRECTION_FONT, int((y1 - y0) * 0.5))
    ImageDraw.Draw(image).text((after + 60, y0 + (y1 - y0) * 0.2), "A. Smit", font=font,
                               fill=(20, 40, 140))
    return np.asarray(image).copy()


def _assert(result: SubmissionResult, corrected: bool) -> None:
    checks = {c.code: c for c in result.checks}
    if not corrected:  # the only change struck out: no change at all
        assert checks["group:change"].status is Status.MISSING, checks["group:change"].message
        assert checks["group:change"].explain["rule"] == "group-empty"
        assert result.verdict == "incomplete", [(c.code, c.message) for c in result.checks]
    else:
        assert checks["group:change"].status is Status.REVIEW
        assert CORRECTED in checks["group:change"].message, checks["group:change"].message
        assert result.verdict == "review", [(c.code, c.message) for c in result.checks]


@pytest.mark.parametrize(("corrected", "value"), [(False, "Jan Pieter de Vries"),
                                                   (True, "J. de Vries"),
                                                   (False, "A. Smit")])
def test_own_generator(tmp_path: Path, corrected: bool, value: str) -> None:
    """A straight Pillow line across the value: across a short value ("A. Smit", under 4.5
    letter heights) too."""
    rng = np.random.default_rng(61 + corrected)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = {k: v for k, v in S.form_values(person, rng, prefilled=True).items()
              if k not in CHANGE}
    values[FIELD] = value
    pages = S.filled_pages(pdf, values, 300, rng)
    box = forms.field_box_px(S.contract(), FIELD, 300)
    page = np.asarray(pages[1].convert("RGB")).copy()
    vx0, vy0, vx1, vy1 = _value_box(page, box)
    image = Image.fromarray(page)
    ImageDraw.Draw(image).line([(vx0 - 6, (vy0 + vy1) / 2), (vx1 + 8, (vy0 + vy1) / 2 + 3)],
                               fill=(20, 40, 140), width=5)
    page = np.asarray(image).copy()
    if corrected:
        page = _correct(page, box, vx1)
    pages[1] = Image.fromarray(page)
    scanned = S.scan(pages, rng, dpi=300, src_dpi=300)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    (folder / "id.jpg").write_bytes(forms.jpeg_bytes(S.id_page(person, 300, rng), 88))
    _assert(check_submission(folder, key=KEY, from_address=person.email), corrected)


@pytest.mark.parametrize(("corrected", "value"), [(False, "Jan Pieter de Vries"),
                                                   (True, "J. de Vries"),
                                                   (False, "B. Os")])
def test_external_generator(tmp_path: Path, corrected: bool, value: str) -> None:
    """A wavy OpenCV stroke across the value, also a short one."""
    d = E.Draw(random.Random(43 + corrected), 43 + corrected, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, group=False)
    page = pp.form_pages[1]
    E.write_text(page, FIELD, value, 300, E.HANDWRITING["breip"], (30, 30, 30), d.rng)
    box = E._px(E._field(FIELD)["rect"], 300)
    vx0, vy0, vx1, vy1 = _value_box(page, box)
    xs = np.linspace(vx0 - 5, vx1 + 5, 40)
    ys = (vy0 + vy1) / 2 + np.sin(np.linspace(0, 4, 40)) * 2 + np.linspace(-4, 4, 40)
    cv2.polylines(page, [np.stack([xs, ys], 1).round().astype(np.int32)], False, (30, 30, 30),
                  4, cv2.LINE_AA)
    if corrected:
        pp.form_pages[1] = _correct(page, box, vx1)
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, 300, pp.person, how="folder")
    _assert(check_submission(path, key=KEY, from_address=frm), corrected)


def _zigzag(value: tuple[int, int, int, int], turns: int) -> np.ndarray:
    """A scribble over the value: a zigzag from its top to its foot and back, `turns` times."""
    x0, y0, x1, y1 = value
    return np.array([(x0 + (x1 - x0) * i / turns, y0 - 3 if i % 2 else y1 + 3)
                     for i in range(turns + 1)], np.float64)


def test_own_generator_zigzag(tmp_path: Path) -> None:
    """The only change scribbled out with a zigzag (Pillow) is not a value: no change."""
    rng = np.random.default_rng(67)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY, True, rng)
    values = {k: v for k, v in S.form_values(person, rng, prefilled=True).items()
              if k not in CHANGE}
    values[FIELD] = "Jan Pieter de Vries"
    pages = S.filled_pages(pdf, values, 300, rng)
    box = forms.field_box_px(S.contract(), FIELD, 300)
    page = np.asarray(pages[1].convert("RGB")).copy()
    image = Image.fromarray(page)
    ImageDraw.Draw(image).line([tuple(p) for p in _zigzag(_value_box(page, box), 7)],
                               fill=(20, 40, 140), width=5, joint="curve")
    pages[1] = image
    scanned = S.scan(pages, rng, dpi=300, src_dpi=300)
    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, 300, 85))
    (folder / "id.jpg").write_bytes(forms.jpeg_bytes(S.id_page(person, 300, rng), 88))
    _assert(check_submission(folder, key=KEY, from_address=person.email), corrected=False)


def test_external_generator_zigzag(tmp_path: Path) -> None:
    """The same with the external generator's fonts and a wavy OpenCV stroke."""
    d = E.Draw(random.Random(47), 47, KEY)
    pp = E.paper(d, dpi=300, prefilled=True, group=False)
    page = pp.form_pages[1]
    E.write_text(page, FIELD, "Jan Pieter de Vries", 300, E.HANDWRITING["breip"], (30, 30, 30),
                 d.rng)
    points = _zigzag(_value_box(page, E._px(E._field(FIELD)["rect"], 300)), 9)
    dense = np.concatenate([np.linspace(a, b, 20) for a, b in zip(points, points[1:],
                                                                   strict=False)])
    dense[:, 0] += np.sin(np.linspace(0, 9, len(dense))) * 3
    cv2.polylines(page, [dense.round().astype(np.int32)], False, (30, 30, 30), 4, cv2.LINE_AA)
    images = E._scanned(d, pp, noise=False)
    path, frm, _ = E.deliver(d, tmp_path / "case", images, 300, pp.person, how="folder")
    _assert(check_submission(path, key=KEY, from_address=frm), corrected=False)


@pytest.mark.parametrize("i", [27, 36])
def test_capitals_leaning_both_ways_are_no_scribble(i: int) -> None:
    """Capitals in a bold hand (A, V, M, N: straight strokes leaning both ways across the
    value) written in a change box (the families generator's hands) are no scribble: each letter
    is a piece of ink of its own, a scribble's strokes meet."""
    from formgen.check.ink import reference_pages
    from formgen.check.struck import struck_through
    from formgen.form.template import get_template

    rng = random.Random(f"h1{i}")
    values = {"new_email": ["EVA@MAIL.NL", "JAN.DE.VRIES@KPN.NL", "info@smit.nl", "AVM@WNM.NL"],
              "new_phone": ["06-14285359", "+31 6 47114711", "0201234567"],
              "new_account_holder": ["M. VAN WAMEL", "ANNA VERMEULEN", "Noor Visser"],
              "new_iban": ["NL91 ABNA 0417 1643 00", "NL20 INGB 0001 2345 67"]}
    field_id = rng.choice(list(values))
    text = rng.choice(values[field_id])
    hand = F.Hand.draw(rng)
    page = F.render(F.blank_form(), F.DPI, "pdfium")[1].copy()
    F.write(page, field_id, text, hand, rng)
    page = cv2.GaussianBlur(page, (3, 3), rng.uniform(0.3, 1.0))
    _, buffer = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(50, 90)])
    template = get_template()
    printed = reference_pages(template.pdf)[1]
    grey = cv2.resize(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), printed.shape[::-1],
                      interpolation=cv2.INTER_AREA)
    assert text == "AVM@WNM.NL"
    assert struck_through(grey, printed, template.layout.box(field_id).rect) is None


def _felt_pen_box(generator: str, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """A change value written in a felt pen (every stroke widened, letters filled), scanned
    (blur, JPEG) and brought to the validator's working size: the own generator's handwriting
    at 300 dpi, or the families generator's hands at 200 dpi."""
    import pypdfium2 as pdfium

    from formgen.check.ink import reference_pages
    from formgen.form.build import layout_contract
    from formgen.form.template import get_template

    rng = random.Random(f"felt{generator}{seed}")
    template = get_template()
    field_id = rng.choice(["new_billing_email", "new_account_holder", "new_iban", "new_email"])
    text = rng.choice(["info@smit.nl", "Bakker BV", "J. de Vries", "NL91 ABNA 0417",
                       "jan@mail.nl", "Noor Visser", "ANNA VERMEULEN"])
    if generator == "own":
        dpi = 300
        blank = pdfium.PdfDocument(template.pdf)[1].render(scale=dpi / 72).to_pil()
        page = np.asarray(forms.handwrite(
            blank.convert("RGB"), layout_contract(), 2, {field_id: text}, dpi,
            rng=np.random.default_rng(seed))).copy()
    else:
        dpi = F.DPI
        page = F.render(F.blank_form(), dpi, "pdfium")[1].copy()
        F.write(page, field_id, text, F.Hand.draw(rng), rng)
    size = rng.choice([3, 5, 7]) * dpi // 300 | 1
    page = cv2.erode(page, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    page = cv2.GaussianBlur(page, (3, 3), rng.uniform(0.3, 1.0))
    _, buffer = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(50, 90)])
    printed = reference_pages(template.pdf)[1]
    grey = cv2.resize(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), printed.shape[::-1],
                      interpolation=cv2.INTER_AREA)
    return grey, printed, field_id


@pytest.mark.parametrize("generator", ["own", "families"])
def test_a_felt_pen_value_is_never_surely_struck(generator: str) -> None:
    """A bold value in a felt pen can hold a straight run through its letters as long as a
    strike across it (a look-alike: it may go to a person), but the ink across that run is
    its filled letters, not a thin pen line: never struck out surely, so never `missing`."""
    from formgen.check.decision import surely_struck
    from formgen.check.struck import struck_through
    from formgen.form.template import get_template

    layout = get_template().layout
    found, sure = 0, []
    for seed in range(16):
        grey, printed, field_id = _felt_pen_box(generator, seed)
        strike = struck_through(grey, printed, layout.box(field_id).rect)
        found += strike is not None
        if strike is not None and surely_struck(strike):
            sure.append((seed, field_id, strike))
    assert sure == []
    assert found >= 1  # the family does hold look-alikes


def _scan_page_two(page: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """Page 2 as a scan (blur, JPEG) at the validator's working size, and its printed ink."""
    from formgen.check.ink import reference_pages
    from formgen.form.template import get_template

    page = cv2.GaussianBlur(page, (3, 3), rng.uniform(0.3, 1.0))
    _, buffer = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(50, 90)])
    printed = reference_pages(get_template().pdf)[1]
    grey = cv2.resize(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), printed.shape[::-1],
                      interpolation=cv2.INTER_AREA)
    return grey, printed


def _blank_page_two(dpi: int) -> np.ndarray:
    import pypdfium2 as pdfium

    from formgen.form.template import get_template

    blank = pdfium.PdfDocument(get_template().pdf)[1].render(scale=dpi / 72).to_pil()
    return np.asarray(blank.convert("RGB")).copy()


def _written(generator: str, field_id: str, text: str, seed: int, dpi: int = 300) -> np.ndarray:
    """The value written in its box on a blank page 2: the own generator's handwriting or the
    external generator's fonts."""
    page = _blank_page_two(dpi)
    if generator == "own":
        from formgen.form.build import layout_contract

        return np.asarray(forms.handwrite(Image.fromarray(page), layout_contract(), 2,
                                          {field_id: text}, dpi,
                                          rng=np.random.default_rng(seed))).copy()
    font = random.Random(seed).choice(list(E.HANDWRITING.values()))
    E.write_text(page, field_id, text, dpi, font, (30, 30, 30), random.Random(seed))
    return page


def _line(page: np.ndarray, generator: str, points: list[tuple[float, float]],
          width: int) -> np.ndarray:
    """A pen line through points: Pillow (own generator) or a wavy OpenCV stroke (external)."""
    if generator == "own":
        image = Image.fromarray(page)
        ImageDraw.Draw(image).line(points, fill=(20, 40, 140), width=width, joint="curve")
        return np.asarray(image).copy()
    pts = np.array(points, np.float64)
    dense = np.concatenate([np.linspace(a, b, 20) for a, b in zip(pts, pts[1:], strict=False)])
    dense[:, 1] += np.sin(np.linspace(0, 5, len(dense))) * 1.5
    cv2.polylines(page, [dense.round().astype(np.int32)], False, (30, 30, 30), width,
                  cv2.LINE_AA)
    return page


def _small(generator: str, text: str, seed: int, box: tuple[int, int, int, int]) -> np.ndarray:
    """The value as the generator writes it in the box, cut out at half its size."""
    fresh = _written(generator, FIELD, text, seed)
    vx0, vy0, vx1, vy1 = _value_box(fresh, box)
    return cv2.resize(fresh[vy0:vy1 + 1, vx0:vx1 + 1], None, fx=0.5, fy=0.5,
                      interpolation=cv2.INTER_AREA)


@pytest.mark.parametrize("generator", ["own", "external"])
def test_a_correction_above_the_struck_value_is_a_correction(generator: str) -> None:
    """A value written small in the box's lower half and struck through, the correction
    written small above it in the same columns: a correction (a person reads which holds),
    never an empty box. Failed before: the struck line's height took the correction in, so
    the strike was not found or found without a correction (own 0 of 6 corrections seen,
    external 0 of 6)."""
    from formgen.check.decision import surely_struck
    from formgen.check.struck import struck_through
    from formgen.form.template import get_template

    layout = get_template().layout
    box = forms.field_box_px(S.contract(), FIELD, 300)
    x0, y0, x1, y1 = box
    seen = []
    for seed in range(6):
        rng = random.Random(f"above{generator}{seed}")
        page = _blank_page_two(300)
        struck = _small(generator, rng.choice(["Jan de Vries", "Bakker BV", "Noor Visser"]),
                        2 * seed, box)
        top, at = y1 - 26 - struck.shape[0], x0 + 60
        region = page[top:top + struck.shape[0], at:at + struck.shape[1]]
        np.minimum(region, struck, out=region)
        mid = top + struck.shape[0] * rng.uniform(0.4, 0.6)
        page = _line(page, generator, [(at - 4, mid), (at + struck.shape[1] + 4,
                                                       mid + rng.uniform(-3, 3))], 5)
        fresh = _small(generator, rng.choice(["A. Smit", "Eva Jansen"]), 2 * seed + 1, box)
        top = max(y0 - fresh.shape[0] // 3, top - 4 - fresh.shape[0])  # may cross the border
        at += rng.randint(-10, 30)
        region = page[top:top + fresh.shape[0], at:at + fresh.shape[1]]
        np.minimum(region, fresh, out=region)
        grey, printed = _scan_page_two(page, rng)
        strike = struck_through(grey, printed, layout.box(FIELD).rect)
        seen.append(strike is not None and strike.corrected)
        assert strike is None or not surely_struck(strike), (seed, strike)
    assert sum(seen) >= 5, seen  # one own-generator case is not found as struck (stays ok)


FOOT_VALUES = {"new_account_holder": ["Pijpers Jg", "J. Pygmalion", "Gijs Jager", "Noor Visser"],
               "new_billing_email": ["gygy@jip.nl", "pj@yq.nl", "info@smit.nl"],
               "new_iban": ["NL19 JGGY 0017", "NL91 ABNA 0417"]}


@pytest.mark.parametrize("generator", ["own", "external"])
@pytest.mark.parametrize("mark", ["underline", "paraph"])
def test_an_underlined_or_flourished_value_is_never_surely_struck(generator: str,
                                                                  mark: str) -> None:
    """A written value, with descenders, underlined at its foot or with a signature's paraph
    under it: a look-alike (it may go to a person) but never surely struck. Failed before
    for underlines: the line through the descenders lies in the middle of the writing's
    height (descenders included), so a straight underline was struck-empty."""
    from formgen.check.decision import surely_struck
    from formgen.check.struck import struck_through
    from formgen.form.template import get_template

    layout = get_template().layout
    sure = []
    for seed in range(12):
        rng = random.Random(f"{mark}{generator}{seed}")
        field_id = rng.choice(list(FOOT_VALUES))
        page = _written(generator, field_id, rng.choice(FOOT_VALUES[field_id]), seed)
        x0, y0, x1, y1 = _value_box(page, forms.field_box_px(S.contract(), field_id, 300))
        h, w = y1 - y0, x1 - x0
        if mark == "underline":
            y = y0 + h * rng.uniform(0.8, 1.0)
            points = [(x0 - rng.uniform(0, 10), y), (x1 + rng.uniform(0, 10), y)]
        else:  # from the last letter up, down and back under the value: a smooth sweep
            from scipy.interpolate import splev, splprep

            control = np.array([(x1 - 0.05 * w, y0 + 0.5 * h), (x1 + 0.04 * w, y0 + 0.05 * h),
                                (x1 + 0.02 * w, y0 + 0.95 * h), (x0 + 0.5 * w, y1 + 0.1 * h),
                                (x0 - 0.03 * w, y0 + 0.85 * h)])
            tck, _ = splprep([control[:, 0], control[:, 1]], s=0, k=3)
            xs, ys = splev(np.linspace(0, 1, 80), tck)
            points = list(zip(xs.tolist(), ys.tolist(), strict=True))
        page = _line(page, generator, points, rng.choice([3, 4, 5]))
        grey, printed = _scan_page_two(page, rng)
        strike = struck_through(grey, printed, layout.box(field_id).rect)
        if strike is not None and surely_struck(strike):
            sure.append((seed, field_id, strike))
    assert sure == []


@pytest.mark.parametrize("generator", ["own", "external"])
def test_a_line_drawn_on_to_the_boxs_edge_is_a_strike_or_an_underline(generator: str) -> None:
    """A line drawn from the value on to the box's right edge: through the letters it is a
    strike, or in doubt where the writing starts at the box's left edge (then nothing tells
    it from the box's own frame on a page a few pixels off), never written; at the value's
    foot an underline, never surely struck. Failed before: every strike so drawn was taken
    for a frame, so the value for written (own 4 of 6, external 3 of 6)."""
    from formgen.check.decision import strike_rule, surely_struck
    from formgen.check.struck import strike_measures
    from formgen.form.template import get_template

    layout = get_template().layout
    written, sure = [], []
    for seed in range(6):
        rng = random.Random(f"edge{generator}{seed}")
        field_id = rng.choice(list(FOOT_VALUES))
        text = rng.choice(FOOT_VALUES[field_id])
        box = forms.field_box_px(S.contract(), field_id, 300)
        for where, low, high in (("through", 0.4, 0.6), ("foot", 0.85, 1.0)):
            page = _written(generator, field_id, text, seed)
            x0, y0, x1, y1 = _value_box(page, box)
            y = y0 + (y1 - y0) * rng.uniform(low, high)
            page = _line(page, generator, [(x0 - 4, y), (box[2] - 10, y + rng.uniform(-3, 3))],
                         rng.choice([3, 4, 5]))
            grey, printed = _scan_page_two(page, rng)
            strike, doubt = strike_measures(grey, printed, layout.box(field_id).rect)
            if where == "through" and strike_rule(strike, doubt) is None:
                written.append((seed, field_id, text))
            elif where == "foot" and strike is not None and surely_struck(strike):
                sure.append((seed, field_id, strike))
    assert written == []
    assert sure == []
