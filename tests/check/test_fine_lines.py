"""Typed names with small marks (ả á, ủ ú, Ý Y, ỹ ÿ, Ű Ü, ģ ġ) read from a scanned PDF at
the scan's own resolution (check.fine_lines, intake.pdf), not from the page warped to 150 dpi.

The pages here are made by another generator than the benchmark's (bench_changes: pypdf fills
the fields, PDFium or poppler prints): the blank form is rendered with PDFium, the names are
drawn onto it with Pillow in the field font at 600 dpi, and the page is scanned by a model of
its own (a small turn, the scanner's blur, sampling at the scan's resolution, sensor noise,
JPEG) into a PDF Pillow writes.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from corpus import forms
from corpus.submissions import today
from corpus.typed import forms_contract
from PIL import Image, ImageDraw, ImageFont

from formgen.check.changes import SURE_CONFIDENCE, TYPED_MIN_LIKENESS
from formgen.check.fine_lines import fine_source
from formgen.check.form_pages import find_form_page
from formgen.check.ink import reference_pages
from formgen.check.intake import SubmissionReader
from formgen.check.submission import check_submission
from formgen.check.typed_letters import choose_letters, letters_for_digits, put_dropped
from formgen.check.validate_value import tidy
from formgen.check.value_reading import read_value_lines
from formgen.form.appearance import FIELD_FONT_SIZE
from formgen.form.fonts import REGULAR
from formgen.form.template import get_template
from formgen.resources import fonts_dir

PRINT_DPI = 600
# Letters whose marks differ by two or three pixels at 150 dpi, each with the letters of its
# base it is mistaken for.
SMALL_MARKS = "ảáủúÝYỹÿŰÜģġẻéỏó"
WORD_FIELDS = ("new_name", "new_street", "new_city")


def _word(rng: np.random.Generator, marks: str = SMALL_MARKS) -> str:
    consonants, vowels = "bdghklmnprstv", "aeiou"
    letters = [(consonants if k % 2 == 0 else vowels)[int(rng.integers(5 + 8 * (k % 2 == 0)))]
               for k in range(int(rng.integers(3, 6)))]
    at = int(rng.integers(len(letters)))
    mark = marks[int(rng.integers(len(marks)))]
    letters.insert(at, mark if at == 0 else mark.lower())
    word = "".join(letters)
    return word[:1].upper() + word[1:]


def _names(seed: int) -> dict[str, str]:
    rng = np.random.default_rng([71, seed])  # (the families looked at: seeds 0-11)
    return {field: f"{_word(rng)} {_word(rng)}" for field in WORD_FIELDS}


@cache
def _blank_page() -> np.ndarray:
    pdf = pdfium.PdfDocument(get_template().pdf)
    bitmap = pdf[0].render(scale=PRINT_DPI / 72, grayscale=True)
    return np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)


def _typed_page(names: dict[str, str]) -> np.ndarray:
    """Page 1 of the blank form at PRINT_DPI (grey) with the names typed in their boxes as a
    viewer draws them: the field font at its size, 3 pt in, centred in the box, unkerned."""
    template = get_template()
    page = Image.fromarray(_blank_page())
    px = PRINT_DPI / 72
    font = ImageFont.truetype(str(fonts_dir() / REGULAR), round(FIELD_FONT_SIZE * px))
    draw = ImageDraw.Draw(page)
    for field, text in names.items():
        rect = template.layout.box(field).rect
        draw.text(((rect.x + 3) * px, (rect.y + rect.height / 2) * px), text, fill=0,
                  font=font, anchor="lm", features=["-kern"])
    return np.asarray(page)


def _scanned_pdf(page: np.ndarray, dpi: int, seed: int) -> bytes:
    """The page through a flatbed scanner of our own model, as a one-image PDF at dpi."""
    rng = np.random.default_rng(seed)
    h, w = page.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), float(rng.uniform(-0.8, 0.8)), 1.0)
    turned = cv2.warpAffine(page, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=250)
    optics = cv2.GaussianBlur(turned.astype(np.float32), (0, 0), 0.45 * PRINT_DPI / dpi)
    factor = dpi / PRINT_DPI
    sampled = cv2.resize(optics, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    paper = 0.93 * sampled + 14 + rng.normal(0, 3.5, sampled.shape)
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
    out = io.BytesIO()
    image.save(out, "PDF", resolution=dpi, quality=88)
    return out.getvalue()


# (seed, the scan's dpi): the names of each case hold a letter the page warped to 150 dpi
# read wrong; chosen once among seeds 100-111, which no rule was tuned on.
CASES = ((100, 200), (102, 300), (106, 200), (110, 150))
# Of the 12 names, read exactly (8 read from the page warped to 150 dpi; 12 from the scan).
EXACT = 11


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, dict[str, str], Path]]:
    """Each case: the scan's dpi, the names typed, the path of its scanned PDF."""
    folder = tmp_path_factory.mktemp("fine")
    made = []
    for seed, dpi in CASES:
        names = _names(seed)
        path = folder / f"scan-{seed}.pdf"
        path.write_bytes(_scanned_pdf(_typed_page(names), dpi, seed))
        made.append((dpi, names, path))
    return made


def test_a_scanned_page_is_kept_at_its_own_resolution(scans) -> None:
    for dpi, _, path in scans:
        (page,) = SubmissionReader(path).items()
        assert page.dpi == 200  # the rendering every other measure is taken on
        finer = page.fine.image() if page.fine is not None else page.image
        assert finer is not None
        assert abs(finer.shape[0] / 11.69 - max(dpi, 200)) < 6, (dpi, finer.shape)


def _assert_read_exactly(scans, exact: int) -> None:
    """At least ``exact`` of the names typed on the scans ((dpi, {field: name}, path)) read
    back exactly, and none read wrong surely."""
    read_back = []
    for dpi, names, path in scans:
        result = check_submission(path, key=None, today=today())
        read = {c.field: c for c in result.changes}
        read_back += [(dpi, text, read.get(field)) for field, text in names.items()]
    wrong = [(dpi, text, c) for dpi, text, c in read_back if c is None or c.value != tidy(text)]
    assert len(read_back) - len(wrong) >= exact, wrong
    assert not [c for _, _, c in wrong if c is not None and c.confidence >= SURE_CONFIDENCE]


def test_names_with_small_marks_are_read_exactly_from_the_scan(scans) -> None:
    _assert_read_exactly(scans, EXACT)


def test_a_page_is_rendered_again_only_to_read_typed_names(scans, tmp_path) -> None:
    """Rendering a page again costs time and memory: a page whose names are written by hand
    is read without it; a typed page's is rendered when asked for, the pixels PDFium renders
    at that resolution."""
    _, _, path = next(scan for scan in scans if scan[0] == 300)
    (page,) = SubmissionReader(path).items()
    assert page.fine is not None and not page.fine.rendered
    pdf = pdfium.PdfDocument(path.read_bytes())
    direct = pdf[0].render(scale=page.fine.dpi / 72, grayscale=True).to_numpy()
    fine = page.fine.image()
    assert page.fine.rendered and fine is not None and np.array_equal(fine, direct)
    assert fine.shape == page.fine.size[::-1]

    names = {"new_name": "Jan de Vries", "new_street": "Dorpsstraat 12", "new_city": "Utrecht"}
    by_hand = forms.handwrite(Image.fromarray(_blank_page()), forms_contract(), 1, names,
                              PRINT_DPI, font=forms.HANDWRITING_FONTS[0],
                              rng=np.random.default_rng(3))
    path = tmp_path / "by-hand.pdf"
    path.write_bytes(_scanned_pdf(np.asarray(by_hand.convert("L")), 300, 3))
    template = get_template()
    (page,) = SubmissionReader(path).items()
    found = find_form_page(page, template, None)
    assert found is not None and page.fine is not None
    printed = reference_pages(template.pdf)[0]
    for field in names:  # read as changes._read reads a box of words
        lines = read_value_lines(found.warped, printed, template.layout.box(field).rect,
                                 typed_from=TYPED_MIN_LIKENESS, marks=True, fine=found.fine)
        assert lines and min(line.likeness for line in lines) < TYPED_MIN_LIKENESS, field
    assert not page.fine.rendered


def test_a_photo_with_fewer_pixels_than_the_warped_page_is_not_cut_again() -> None:
    grey = np.full((1000, 700), 255, np.uint8)  # A4 at about 85 dpi
    to_image = np.diag([700 / 595.0, 1000 / 842.0, 1.0])
    assert fine_source(grey, to_image, (1240, 1754)) is None
    finer = np.full((2000, 1400), 255, np.uint8)  # the same page at about 170 dpi
    found = fine_source(grey, to_image, (1240, 1754), finer=finer)
    assert found is None
    finest = np.full((3000, 2100), 255, np.uint8)  # and at about 255 dpi
    found = fine_source(grey, to_image, (1240, 1754), finer=finest)
    assert found is not None and found.image is finest


# Names with a capital I at the start of a word where an l reads as well (the field font draws
# both as one bar), and with marks, so that the Latin recogniser reads them.
BAR_NAMES = {"new_name": "Hodań Iitanű", "new_street": "Iłowa Ilenka", "new_city": "Iúlia Iiké"}


@pytest.mark.parametrize("dpi", [200, 300])
def test_a_capital_i_read_as_small_l_is_never_sure(dpi: int, tmp_path: Path) -> None:
    """"Hodań Iitanű" was read "Hodań litanű" at 0.973: where the word does not decide
    between I and l, the reading is not sure."""
    path = tmp_path / "bars.pdf"
    path.write_bytes(_scanned_pdf(_typed_page(BAR_NAMES), dpi, dpi))
    result = check_submission(path, key=None, today=today())
    read = {c.field: c for c in result.changes}
    sure_wrong = [(field, read[field]) for field, text in BAR_NAMES.items()
                  if field in read and read[field].value != tidy(text)
                  and read[field].confidence >= SURE_CONFIDENCE]
    assert not sure_wrong, sure_wrong
    if dpi == 300:  # the l's top a pixel above the I's: the line's heights decide
        sure_right = [field for field, text in BAR_NAMES.items() if field in read
                      and read[field].value == tidy(text)
                      and read[field].confidence >= SURE_CONFIDENCE]
        assert len(sure_right) >= 2, read


# Names starting with an I before an i, which the recognisers read as an l ("Iida" as "lida"),
# with letters of flat tops beside them (H, K, L, b, d, h, k, l, t...).
I_NAMES = {"new_name": "Iida Hakkinen", "new_street": "Iiris Kolbe", "new_city": "Iivari Lahti"}
# Of the 6 names (300 and 200 dpi), read exactly and surely: none before the heights decided,
# 2 after ("Iiris" at both; "Iida" at 200 dpi exactly but not surely; the rest read "lida" or
# "livari", not surely: their tops not clear enough).
I_NAMES_SURE = 2


def test_a_bar_is_told_capital_i_or_small_l_by_its_height(tmp_path: Path) -> None:
    sure_right, sure_wrong = [], []
    for dpi in (300, 200):
        path = tmp_path / f"i-names-{dpi}.pdf"
        path.write_bytes(_scanned_pdf(_typed_page(I_NAMES), dpi, dpi + 1))
        read = {c.field: c for c in check_submission(path, key=None, today=today()).changes}
        for field, text in I_NAMES.items():
            change = read.get(field)
            if change is not None and change.confidence >= SURE_CONFIDENCE:
                (sure_right if change.value == tidy(text) else sure_wrong).append(change)
    assert not sure_wrong, sure_wrong
    assert len(sure_right) >= I_NAMES_SURE, sure_right


# Marks on an i (ỉ, ì, ĩ: in place of its dot), below a letter (ç, ņ), and a caron the field's
# box may clip (Ň): the ink must be moved to meet each letter tried, not only the letter as
# read, and a line cut a little askew fitted with its slope.
I_AND_BELOW = "ỉìĩçŇņ"
# Of the 12 names (seeds 0 and 1, 300 and 200 dpi), read exactly: 5 before, 9 after.
I_AND_BELOW_EXACT = 9


def test_marks_on_an_i_and_below_a_letter_are_read_from_the_scan(tmp_path: Path) -> None:
    scans = []
    for seed in (0, 1):
        rng = np.random.default_rng([83, seed])
        names = {field: f"{_word(rng, I_AND_BELOW)} {_word(rng, I_AND_BELOW)}"
                 for field in WORD_FIELDS}
        for dpi in (300, 200):
            path = tmp_path / f"i-{seed}-{dpi}.pdf"
            path.write_bytes(_scanned_pdf(_typed_page(names), dpi, seed))
            scans.append((dpi, names, path))
    _assert_read_exactly(scans, I_AND_BELOW_EXACT)


def _typed_lines(names: dict[str, str], dpi: int, folder: Path) -> dict[str, list]:
    """The lines read in each name's box (as changes._read reads a box of words) on a page
    with the names typed, scanned at dpi."""
    path = folder / f"typed-{dpi}.pdf"
    path.write_bytes(_scanned_pdf(_typed_page(names), dpi, dpi))
    template = get_template()
    (page,) = SubmissionReader(path).items()
    found = find_form_page(page, template, None)
    assert found is not None
    printed = reference_pages(template.pdf)[0]
    return {field: read_value_lines(found.warped, printed, template.layout.box(field).rect,
                                    typed_from=TYPED_MIN_LIKENESS, marks=True, fine=found.fine)
            for field in names}


# Letters both recognisers drop or read narrower, whose line drawn as read misfits the ink:
# ứ dropped ("Cứ" read "C"), ư read u (its horn left off), ữ read ũ.
DROPPED = {"new_name": "Cứ Đỡc", "new_street": "Trồ Ngư", "new_city": "Ngà Ngậ Phữ"}


def test_a_letter_both_recognisers_drop_is_put_back(tmp_path: Path) -> None:
    """"Gèng Hắ Tành" was read "Geng H Tanh" at 0.977 (bench_changes seed 53): the vowel
    the readings lack is put back where the line fits its ink clearly better with it, and
    the line is then a guess."""
    for field, lines in _typed_lines(DROPPED, 150, tmp_path).items():
        assert [line.text for line in lines] == [DROPPED[field]], field
        assert lines[0].confidence < SURE_CONFIDENCE


# A tilde and a macron at 150 dpi, both ways ("Dẽn" was read "Dēn", "Ēupu" "Ẽupu").
TILDES = {"new_name": "Hẽn Dẽn Tõ", "new_street": "Khũ Xẽ Giĩ", "new_city": "Lāzeve Ēupu Mū"}


def test_a_tilde_is_told_from_a_macron_by_its_height(tmp_path: Path) -> None:
    read = _typed_lines(TILDES, 150, tmp_path)
    assert {field: " ".join(line.text for line in lines)
            for field, lines in read.items()} == TILDES


def _typed_line(text: str, dpi: int, seed: int = 0) -> np.ndarray:
    """A line typed in the field font as the letter choice gets it: drawn at PRINT_DPI,
    through the scanner's optics and sampled at dpi, sensor noise, then brought to 300 px
    per inch (the page at 200 dpi enlarged READ_SCALE times, or a finer scan as it is),
    with room above and below."""
    px = PRINT_DPI / 72
    font = ImageFont.truetype(str(fonts_dir() / REGULAR), round(FIELD_FONT_SIZE * px))
    left, top, right, bottom = font.getbbox(text, features=["-kern"])
    room = int(0.6 * (bottom - top))
    canvas = Image.new("L", (right - left + 2 * room, bottom - top + 2 * room), 255)
    ImageDraw.Draw(canvas).text((room - left, room - top), text, fill=0, font=font,
                                features=["-kern"])
    rng = np.random.default_rng(seed)
    optics = cv2.GaussianBlur(np.asarray(canvas, np.float32), (0, 0), 0.45 * PRINT_DPI / dpi)
    sampled = cv2.resize(optics, None, fx=dpi / PRINT_DPI, fy=dpi / PRINT_DPI,
                         interpolation=cv2.INTER_AREA)
    paper = np.clip(0.93 * sampled + 14 + rng.normal(0, 3.5, sampled.shape), 0, 255)
    line = cv2.resize(paper.astype(np.float32), None, fx=300 / dpi, fy=300 / dpi,
                      interpolation=cv2.INTER_LINEAR)
    return np.clip(line, 0, 255).astype(np.uint8)


# Names bench_changes' seeds 59 and 61 read wrong (all not sure): a capital read small, a
# horned o read as a or as a g, a word of one letter dropped.
FRESH_CLASSES = {"new_name": "Trỹp Chuy Ở", "new_street": "Mợm Chợ", "new_city": "Dőfegun Ğþsuk"}


def test_a_capital_a_horned_o_and_a_lone_letter_are_read_at_150_dpi(tmp_path: Path) -> None:
    read = _typed_lines(FRESH_CLASSES, 150, tmp_path)
    assert {field: " ".join(line.text for line in lines)
            for field, lines in read.items()} == FRESH_CLASSES


# Lines read wrong, each with the reading the letter choice got: a horned o read as a or as
# a g (a word without a vowel), a caron read as a breve and the other way round.
READ_WRONG = (
    ("Mợm Chợ Khưởch", "Mợm Chg Khưảch", 300),
    ("Ěeği Pĕtil Ěużu", "Ĕeği Pětil Ĕużu", 200),
    ("Ěeği Biço", "Ĕeği Biço", 300),
)


@pytest.mark.parametrize(("typed", "read", "dpi"), READ_WRONG)
def test_a_letter_of_another_base_or_mark_is_chosen_on_the_page(typed: str, read: str,
                                                              dpi: int) -> None:
    assert choose_letters(_typed_line(typed, dpi), read).text == typed


def test_a_word_of_one_letter_both_recognisers_drop_is_put_back() -> None:
    """"Trỹp Chuy Ở" was read "Tryp Chuy" (bench_changes seed 59, 200 dpi): the word went
    with its space, and the y's tilde was told on the line fitted without it."""
    line = _typed_line("Trỹp Chuy Ở", 200)
    text, filled, misfit = put_dropped(line, "Tryp Chuy", frozenset({2}))
    assert text.upper() == "TRYP CHUY O" and 10 in filled and not misfit
    chosen = choose_letters(line, text, filled)
    assert choose_letters(line, chosen.text, filled | chosen.changed).text == "Trỹp Chuy Ở"


def test_a_zero_beside_letters_is_an_o_or_a_u_with_its_marks() -> None:
    """"Ůðzi" was read "0ðzi" (seed 59, 150 dpi)."""
    text, filled, others = letters_for_digits("Măzagaz 0ðzi", frozenset())
    assert text == "Măzagaz Oðzi" and filled == {8} and others == {8: "U"}
    line = _typed_line("Măzagaz Ůðzi", 150)
    assert choose_letters(line, text, filled, others).text == "Măzagaz Ůðzi"
    # a house number is no letter
    assert letters_for_digits("Kade 10", frozenset())[0] == "Kade 10"


def test_a_breve_with_a_tilde_read_as_a_ring_is_told_by_the_marks_shapes() -> None:
    """"Vốm Vấnh Quẵn" was read "Quån" (bench_changes seed 67, 150 dpi): the ring and the
    breve with a tilde overlap all over, so neither the pixels nor the grey levels told them
    apart."""
    line = _typed_line("Vốm Vấnh Quẵn", 150)
    assert choose_letters(line, "Vốm Vấnh Quån").text == "Vốm Vấnh Quẵn"
    assert choose_letters(line, "Vốm Vấnh Quẵn").text == "Vốm Vấnh Quẵn"


def test_a_bar_with_a_mark_below_read_as_an_exclamation_mark() -> None:
    """"Áinizí Ļodulļ" was read "Ļodul!" (seed 67, 150 dpi); Ị at a word's start as "!"."""
    for typed, read in (("Áinizí Ļodulļ", "Áinizí Ļodul!"), ("Ịnga Bịl", "!nga Bịl")):
        text, filled, others = letters_for_digits(read, frozenset())
        assert "!" not in text and len(filled) == 1
        assert choose_letters(_typed_line(typed, 150), text, filled, others).text == typed


def test_a_joined_letter_read_as_its_two_letters() -> None:
    """"Æaboő Ļasu" was read "AEabo? Lasu" (seed 67), "Æokűpo" "AEokøpo" (seed 80); a line
    with two joined letters is drawn with both (one alone stretches the fit wrongly); a
    Dutch oe or ae stays."""
    from formgen.check.typed_letters import join_ligatures

    for typed, read in (("Æokűpo Noéi", "AEokűpo Noéi"), ("Bæku Læ", "Baeku Lae"),
                        ("Hoek Maes", "Hoek Maes")):
        text, filled = join_ligatures(_typed_line(typed, 150), read, frozenset())
        assert text == typed and len(filled) == (typed != read) * (len(read) - len(typed))


def test_a_typed_address_with_an_l_read_for_a_1_is_typed_and_read_right() -> None:
    """"kees11@voorbeeld.nl" read "keesl1" looked 0.61 like print (the narrow l shifts the
    rest of the drawing): told handwritten, its reading kept, wrong and valid (seed 80)."""
    from formgen.check.value_reading import _read_line

    for dpi in (150, 300):
        line = _typed_line("jo11@test.nl", dpi)
        value = _read_line(line, (line, line), [("jol1@test.nl", 0.99)], TYPED_MIN_LIKENESS,
                           False)
        assert value is not None and value.text == "jo11@test.nl", dpi
        assert value.likeness >= TYPED_MIN_LIKENESS and value.confidence < SURE_CONFIDENCE


def test_an_l_and_a_1_read_the_other_way_round_are_swapped_together() -> None:
    """"aylin1@example.nl" read "ay1inl" at 0.961, "lukasz1" read "1ukaszl" at 0.971: wrong
    and valid (bench_changes seed 101); swapping either alone fits the line worse."""
    from formgen.check.marks import resolve_confusables

    line = _typed_line("aylin1@example.nl", 200)
    assert resolve_confusables(line, "ay1inl@example.nl") == "aylin1@example.nl"


@pytest.mark.parametrize(("typed", "read"), [("Nòm Hược Mỡng", "Nòm Hưqc Mỡng"),
                                             ("Mźöe Niło", "Mźöe Nito"),
                                             ("Bąłuł Tạt", "Bątut Tạt")])
def test_a_horned_o_read_q_and_an_l_crossed_read_t_are_chosen_on_the_page(typed: str,
                                                                       read: str) -> None:
    """"Hược" was read "Hưqc" (bench_changes seed 73): a horned vowel was tried only for a
    vowel or in a word without one; "Niło" was read "Nito" (seed 71) by both recognisers."""
    for dpi in (150, 300):
        assert choose_letters(_typed_line(typed, dpi), read).text == typed, dpi


def test_a_letter_alone_in_its_family_casts_no_doubt_of_its_own() -> None:
    """Looked at for a horned vowel only, a W or a q the drawing does not quite explain does
    not make a line read right unsure (as on main, where it was not looked at: "België" was
    sure on main, 0.9 with the horned vowel tried for any letter, bench_changes seed 81)."""
    for typed in ("Wim Bakker", "Qatar Xaviq"):
        assert not choose_letters(_typed_line(typed, 200), typed).doubtful, typed


@pytest.mark.parametrize(("typed", "latin", "filled", "read"), [
    ("Bừa Sỉa Nạnh", "Bùra Sía Nanh", {2, 10}, ["Bura", "Sia", "Nanh"]),
    ("Lựt Nua Chữa", "Lut Nua Chũra", {1, 11}, ["Lut", "Nua", "Chura"])])
def test_a_letter_read_as_two_does_not_keep_a_line_from_the_letter_choice(
        typed: str, latin: str, filled: set[int], read: list[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """ừ read "ur" by the first recogniser and put in the Latin reading (bench_changes seed
    117): the line drawn so looked 0.34 like print and never reached the letter choice."""
    from formgen.check import value_reading

    monkeypatch.setattr(value_reading, "_read_latin", lambda line, plain: value_reading.
                        _LatinReading(latin, 0.95, frozenset(filled), {}))
    line = _typed_line(typed, 200)
    value = value_reading._read_line(line, (line, line), [(w, 0.95) for w in read],
                                     TYPED_MIN_LIKENESS, True)
    assert value is not None and value.text == typed and value.confidence < SURE_CONFIDENCE


def test_letters_the_field_font_draws_alike_are_known() -> None:
    """Đ is DejaVu Sans's Ð (one outline): no page tells them apart, so bench_changes counts
    them apart from the letters read wrong."""
    from formgen.check.typed_letters import letters_drawn_alike

    assert letters_drawn_alike() == (("Ð", "Đ"),)


def test_a_capitals_double_acute_at_150_dpi_is_told_by_the_marks_shape() -> None:
    """Ő and Ű at 150 dpi tie by pixels with Ō and Ū (the capital's marks are flat): their
    marks' shapes decide among the letters of the base (bench_changes seed 119: "Őakapa"
    read "Ōakapa", "Űźhe" read "Ūźhe")."""
    assert choose_letters(_typed_line("Őrsa Űbe", 150), "Örsa Übe").text == "Őrsa Űbe"


def test_a_capital_with_an_acute_at_a_words_start_is_not_read_small() -> None:
    """"Íipuö" read "iipuö" (seed 113): the line fitted anew with Í is a pixel off after it,
    so it fits worse pixel for pixel, but better within a pixel."""
    assert choose_letters(_typed_line("Nuáuł Íipuö", 200), "Nuáuł íipuö").text == "Nuáuł Íipuö"


def test_an_apostrophe_read_for_a_horn_is_the_horn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ự read "U'" by the Latin recogniser (seed 117: "Xìn Điễp Ựch" read "Ự'ch"): the sign
    beside a U or an O may stand for its horn, as for a caron."""
    from formgen.check import value_reading

    monkeypatch.setattr(value_reading, "_read_latin", lambda line, plain: value_reading.
                        _LatinReading("Xìn Điep U'ch", 0.95, frozenset({6, 9}), {}))
    line = _typed_line("Xìn Điễp Ựch", 200)
    value = value_reading._read_line(line, (line, line), [("Xin Diep", 0.93), ("U'ch", 0.88)],
                                     TYPED_MIN_LIKENESS, True)
    assert value is not None and value.text == "Xìn Điễp Ựch"
    assert value.confidence < SURE_CONFIDENCE


def test_an_8_after_a_letter_is_an_o_with_its_marks() -> None:
    """"Cổ" read "C8" (bench_changes seed 149), as "Cố" was read "C6": the circumflex and the
    hook above an o look like an 8's upper loop."""
    text, filled, others = letters_for_digits("C8 Vuổch Gúc", frozenset())
    line = _typed_line("Cổ Vuổch Gúc", 200)
    assert choose_letters(line, text, filled, others).text == "Cổ Vuổch Gúc"
