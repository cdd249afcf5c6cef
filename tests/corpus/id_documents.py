"""Synthetic identity documents (and a non-ID letter page) for tests.

Everything drawn here is fictitious: made-up names, document numbers and BSNs that merely pass
the 11-test. The MRZ is generated with the ``mrz`` package (valid check digits) and drawn in
OCR-B. Images are returned in memory as RGB ``uint8`` arrays; nothing is written to disk.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OCRB_PATH = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
DEJAVU_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

A4_MM = (210.0, 297.0)
TD1_MM = (85.6, 54.0)
TD3_MM = (125.0, 88.0)
MRZ_PITCH_MM = 2.54  # ICAO 9303: 10 characters per inch
DEFAULT_TODAY = dt.date(2026, 11, 24)

MaskStyle = Literal["bar", "filler"]
Obscure = Literal["blur", "cover"]


# --------------------------------------------------------------------------------------------
# fictitious data
# --------------------------------------------------------------------------------------------


def make_bsn(rng: random.Random) -> str:
    """A random 9-digit number that passes the Dutch 11-test (fictitious)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


def make_document_number(rng: random.Random) -> str:
    """Dutch-style document number: 2 letters, 6 letters/digits, 1 digit (no letter O)."""
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    alnum = letters + "0123456789"
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + "".join(rng.choice(alnum) for _ in range(6))
        + str(rng.randint(0, 9))
    )


def _yymmdd(d: dt.date) -> str:
    return d.strftime("%y%m%d")


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _fit_name(surname: str, given_names: str, limit: int) -> tuple[str, str]:
    """Truncate as ICAO 9303 does when the name field is too short: given names first."""
    if len(surname) + 2 + len(given_names) <= limit:
        return surname, given_names
    room = limit - len(surname) - 2
    if room >= 1:
        return surname, given_names[:room].rstrip(" -")
    return surname[: limit - 2].rstrip(" -"), ""


@dataclass
class GeneratedId:
    """A generated page plus the ground truth used to draw it."""

    image: np.ndarray
    doc_type: Literal["TD1", "TD3"]
    mrz_lines: list[str]  # as printed (after masking / corruption)
    surname: str
    given_names: str
    document_number: str
    birth_date: dt.date
    expiry: dt.date
    bsn: str
    masked_bsn: bool
    corrupt_check_digit: bool
    extra: dict[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# drawing helpers
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _mm(mm: float, dpi: int) -> int:
    return int(round(mm / 25.4 * dpi))


@lru_cache(maxsize=16)
def _ocrb_for_pitch(pitch_px: float) -> ImageFont.FreeTypeFont:
    """OCR-B at the size whose character advance equals ``pitch_px``."""
    probe = ImageFont.truetype(OCRB_PATH, 100)
    advance = probe.getlength("<" * 10) / 10
    return ImageFont.truetype(OCRB_PATH, max(6, int(round(100 * pitch_px / advance))))


def _draw_mrz(
    draw: ImageDraw.ImageDraw,
    lines: list[str],
    x0: int,
    y_bottom: int,
    dpi: int,
    *,
    mask_spans: list[tuple[int, int, int]] | None = None,
) -> tuple[int, int, int, int]:
    """Draw MRZ lines (bottom line ends at ``y_bottom``); returns the band box.

    ``mask_spans`` holds (line, first, last) character positions to cover with a black bar.
    """
    pitch = MRZ_PITCH_MM / 25.4 * dpi
    font = _ocrb_for_pitch(pitch)
    line_step = _mm(4.2, dpi)
    char_h = _mm(2.6, dpi)
    top = y_bottom - line_step * (len(lines) - 1) - char_h
    for i, text in enumerate(lines):
        y = top + i * line_step
        for j, ch in enumerate(text):
            draw.text((x0 + j * pitch, y + char_h), ch, font=font, fill=(20, 20, 20), anchor="ls")
    for line, first, last in mask_spans or []:
        y = top + line * line_step
        draw.rectangle(
            (
                int(x0 + first * pitch - pitch * 0.15),
                y - _mm(0.5, dpi),
                int(x0 + (last + 1) * pitch + pitch * 0.1),
                y + char_h + _mm(0.6, dpi),
            ),
            fill=(0, 0, 0),
        )
    width = int(pitch * max(len(t) for t in lines))
    return (x0, top, x0 + width, y_bottom + _mm(0.5, dpi))


def _label_value(
    draw: ImageDraw.ImageDraw,
    x: int,
    y: int,
    label: str,
    value: str,
    dpi: int,
) -> int:
    small = _font(DEJAVU_PATH, max(6, _mm(1.6, dpi)))
    big = _font(DEJAVU_BOLD_PATH, max(7, _mm(2.4, dpi)))
    draw.text((x, y), label, font=small, fill=(70, 70, 110))
    y += _mm(2.1, dpi)
    draw.text((x, y), value, font=big, fill=(10, 10, 10))
    return y + _mm(3.6, dpi)


def _card_base(size_px: tuple[int, int], dpi: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    card = Image.new("RGB", size_px, (222, 232, 240))
    draw = ImageDraw.Draw(card)
    r = _mm(3.2, dpi)
    # rounded card outline on a slightly tinted background
    draw.rounded_rectangle((0, 0, size_px[0] - 1, size_px[1] - 1), radius=r, outline=(90, 90, 90),
                           width=max(1, _mm(0.25, dpi)))
    # a faint guilloche-like pattern
    step = max(4, _mm(2.0, dpi))
    for k in range(-size_px[1], size_px[0], step):
        draw.line((k, 0, k + size_px[1], size_px[1]), fill=(210, 222, 232), width=1)
    return card, draw


def _photo(card: Image.Image, box: tuple[int, int, int, int]) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    photo = Image.new("RGB", (w, h), (176, 176, 186))
    draw = ImageDraw.Draw(photo)
    cx = w // 2
    draw.ellipse((cx - w // 4, h // 6, cx + w // 4, h // 6 + w // 2), fill=(140, 140, 150))
    draw.ellipse((w // 8, h * 2 // 3, w - w // 8, h + h // 3), fill=(140, 140, 150))
    draw.rectangle((0, 0, w - 1, h - 1), outline=(80, 80, 80))
    card.paste(photo, (x0, y0))


def _dutch_date(d: dt.date) -> str:
    months = ["JAN", "FEB", "MAA", "APR", "MEI", "JUN", "JUL", "AUG", "SEP", "OKT", "NOV", "DEC"]
    return f"{d.day:02d} {months[d.month - 1]} {d.year}"


# --------------------------------------------------------------------------------------------
# page post-processing
# --------------------------------------------------------------------------------------------


def _finish(
    page: Image.Image,
    *,
    rotate: float,
    blur: float,
    noise: float,
    jpeg_quality: int | None,
    seed: int,
) -> np.ndarray:
    if blur > 0:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    if rotate:
        r = rotate % 360
        if r in (90, 180, 270):
            page = page.transpose(
                {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
                 270: Image.Transpose.ROTATE_270}[int(r)]
            )
        else:
            page = page.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=False,
                               fillcolor=(255, 255, 255))
    arr = np.asarray(page, dtype=np.uint8)
    if noise > 0:
        gen = np.random.default_rng(seed)
        noisy = arr.astype(np.float32) + gen.normal(0.0, noise, arr.shape).astype(np.float32)
        arr = np.clip(noisy, 0, 255).astype(np.uint8)
    if jpeg_quality is not None:
        buf = io.BytesIO()
        Image.fromarray(arr).save(buf, format="JPEG", quality=jpeg_quality)
        buf.seek(0)
        arr = np.asarray(Image.open(buf).convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(arr)


def _corrupt_digit(line: str, pos: int) -> str:
    old = line[pos]
    new = str((int(old) + 3) % 10) if old.isdigit() else "7"
    return line[:pos] + new + line[pos + 1:]


def _obscure(page: Image.Image, box: tuple[int, int, int, int], how: Obscure | None,
             dpi: int) -> Image.Image:
    if how is None:
        return page
    pad = _mm(1.5, dpi)
    box = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
    if how == "cover":
        ImageDraw.Draw(page).rectangle(box, fill=(250, 240, 150))  # a sticky note
        return page
    region = page.crop(box).filter(ImageFilter.GaussianBlur(_mm(1.2, dpi)))
    page.paste(region, box[:2])
    return page


# --------------------------------------------------------------------------------------------
# public generators
# --------------------------------------------------------------------------------------------


def id_card_page(
    *,
    dpi: int = 300,
    surname: str = "de Vries",
    given_names: str = "Jan Pieter",
    masked_bsn: bool = False,
    mask_style: MaskStyle = "bar",
    corrupt_check_digit: bool = False,
    expired: bool = False,
    today: dt.date = DEFAULT_TODAY,
    rotate: float = 0,
    jpeg_quality: int | None = None,
    blur: float = 0.0,
    noise: float = 0.0,
    obscure_mrz: Obscure | None = None,
    seed: int = 1,
    document_number: str | None = None,
    print_masked: bool | None = None,
) -> GeneratedId:
    """A4 page with the front and the back of a (fictitious) Dutch ID card (TD1).

    The BSN sits on the back ("Persoonsnummer") and in the MRZ optional data of line 1.
    ``print_masked``: the printed BSN blacked out (default: as ``masked_bsn``, the MRZ's).
    """
    rng = random.Random(seed)
    bsn = make_bsn(rng)
    docnum = make_document_number(rng)  # drawn always: the same dice for the rest
    docnum = document_number or docnum
    birth = dt.date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
    expiry = _add_years(today, -1) if expired else _add_years(today, 6)
    expiry = expiry.replace(day=min(expiry.day, 28))
    issue = _add_years(expiry, -10)
    sex = rng.choice("MF")

    mrz_surname, mrz_given = _fit_name(surname, given_names, 30)
    code = TD1CodeGenerator("I", "NLD", docnum, _yymmdd(birth), sex, _yymmdd(expiry), "NLD",
                            mrz_surname, mrz_given, bsn)
    lines = str(code).splitlines()
    if corrupt_check_digit:  # expiry check digit, TD1 line 2 position 15
        lines[1] = _corrupt_digit(lines[1], 14)
    mask_spans: list[tuple[int, int, int]] = []
    if masked_bsn:
        if mask_style == "filler":
            lines[0] = lines[0][:15] + "<" * 9 + lines[0][24:]
        else:
            mask_spans.append((0, 15, 23))

    page_w, page_h = _mm(A4_MM[0], dpi), _mm(A4_MM[1], dpi)
    page = Image.new("RGB", (page_w, page_h), (255, 255, 255))
    cw, ch = _mm(TD1_MM[0], dpi), _mm(TD1_MM[1], dpi)
    left = (page_w - cw) // 2
    top_front, top_back = _mm(30, dpi), _mm(30, dpi) + ch + _mm(25, dpi)

    # front
    card, draw = _card_base((cw, ch), dpi)
    head = _font(DEJAVU_BOLD_PATH, max(7, _mm(2.6, dpi)))
    draw.text((_mm(4, dpi), _mm(2.5, dpi)), "KONINKRIJK DER NEDERLANDEN", font=head,
              fill=(20, 40, 90))
    draw.text((_mm(4, dpi), _mm(6.0, dpi)), "IDENTITEITSKAART / IDENTITY CARD",
              font=_font(DEJAVU_PATH, max(6, _mm(2.0, dpi))), fill=(20, 40, 90))
    _photo(card, (_mm(4, dpi), _mm(11, dpi), _mm(27, dpi), _mm(41, dpi)))
    x, y = _mm(31, dpi), _mm(11, dpi)
    y = _label_value(draw, x, y, "Naam / Surname", surname.upper(), dpi)
    y = _label_value(draw, x, y, "Voornamen / Given names", given_names.upper(), dpi)
    y = _label_value(draw, x, y, "Geboortedatum / Date of birth", _dutch_date(birth), dpi)
    y = _label_value(draw, x, y, "Geldig tot / Date of expiry", _dutch_date(expiry), dpi)
    draw.text((_mm(4, dpi), _mm(46, dpi)), f"Documentnummer {docnum}",
              font=_font(DEJAVU_BOLD_PATH, max(7, _mm(2.2, dpi))), fill=(10, 10, 10))
    page.paste(card, (left, top_front))

    # back
    card, draw = _card_base((cw, ch), dpi)
    x, y = _mm(4, dpi), _mm(3, dpi)
    y = _label_value(draw, x, y, "Datum van afgifte / Date of issue", _dutch_date(issue), dpi)
    y = _label_value(draw, x, y, "Lengte / Height", "1,78 m", dpi)
    label_y = y
    y = _label_value(draw, x, y, "Persoonsnummer / Personal No.", bsn[:4] + "." + bsn[4:6] + "."
                     + bsn[6:], dpi)
    if masked_bsn if print_masked is None else print_masked:
        draw.rectangle((x - _mm(0.5, dpi), label_y + _mm(1.9, dpi), x + _mm(30, dpi),
                        label_y + _mm(5.4, dpi)), fill=(0, 0, 0))
    band = _draw_mrz(draw, lines, _mm(4.5, dpi), ch - _mm(3.5, dpi), dpi, mask_spans=mask_spans)
    page.paste(card, (left, top_back))
    band_page = (band[0] + left, band[1] + top_back, band[2] + left, band[3] + top_back)
    page = _obscure(page, band_page, obscure_mrz, dpi)

    image = _finish(page, rotate=rotate, blur=blur, noise=noise, jpeg_quality=jpeg_quality,
                    seed=seed)
    return GeneratedId(image, "TD1", lines, surname, given_names, docnum, birth, expiry, bsn,
                       masked_bsn, corrupt_check_digit, {"mrz_box": band_page})


def passport_page(
    *,
    dpi: int = 300,
    surname: str = "van den Berg",
    given_names: str = "Anna Maria",
    masked_bsn: bool = False,
    mask_style: MaskStyle = "bar",
    corrupt_check_digit: bool = False,
    expired: bool = False,
    today: dt.date = DEFAULT_TODAY,
    rotate: float = 0,
    jpeg_quality: int | None = None,
    blur: float = 0.0,
    noise: float = 0.0,
    obscure_mrz: Obscure | None = None,
    seed: int = 2,
    document_number: str | None = None,
    print_masked: bool | None = None,
) -> GeneratedId:
    """A4 page with the data page of a (fictitious) Dutch passport (TD3); ``print_masked``:
    the printed BSN blacked out (default: as ``masked_bsn``, the MRZ's)."""
    rng = random.Random(seed)
    bsn = make_bsn(rng)
    docnum = make_document_number(rng)  # drawn always: the same dice for the rest
    docnum = document_number or docnum
    birth = dt.date(1960 + rng.randint(0, 40), rng.randint(1, 12), rng.randint(1, 28))
    expiry = _add_years(today, -1) if expired else _add_years(today, 7)
    expiry = expiry.replace(day=min(expiry.day, 28))
    issue = _add_years(expiry, -10)
    sex = rng.choice("MF")

    mrz_surname, mrz_given = _fit_name(surname, given_names, 39)
    code = TD3CodeGenerator("P", "NLD", mrz_surname, mrz_given, docnum, "NLD", _yymmdd(birth),
                            sex, _yymmdd(expiry), bsn)
    lines = str(code).splitlines()
    if corrupt_check_digit:  # expiry check digit, TD3 line 2 position 28
        lines[1] = _corrupt_digit(lines[1], 27)
    mask_spans: list[tuple[int, int, int]] = []
    if masked_bsn:
        if mask_style == "filler":
            lines[1] = lines[1][:28] + "<" * 9 + lines[1][37:]
        else:
            mask_spans.append((1, 28, 36))

    page_w, page_h = _mm(A4_MM[0], dpi), _mm(A4_MM[1], dpi)
    page = Image.new("RGB", (page_w, page_h), (255, 255, 255))
    pw, ph = _mm(TD3_MM[0], dpi), _mm(TD3_MM[1], dpi)
    left, top = (page_w - pw) // 2, _mm(40, dpi)

    card, draw = _card_base((pw, ph), dpi)
    draw.text((_mm(5, dpi), _mm(3, dpi)), "KONINKRIJK DER NEDERLANDEN", font=_font(
        DEJAVU_BOLD_PATH, max(7, _mm(3.0, dpi))), fill=(90, 20, 40))
    draw.text((_mm(5, dpi), _mm(7.5, dpi)), "PASPOORT / PASSPORT",
              font=_font(DEJAVU_PATH, max(6, _mm(2.4, dpi))), fill=(90, 20, 40))
    _photo(card, (_mm(5, dpi), _mm(14, dpi), _mm(35, dpi), _mm(54, dpi)))
    x, y = _mm(40, dpi), _mm(13, dpi)
    y = _label_value(draw, x, y, "Naam / Surname", surname.upper(), dpi)
    y = _label_value(draw, x, y, "Voornamen / Given names", given_names.upper(), dpi)
    y = _label_value(draw, x, y, "Geboortedatum / Date of birth", _dutch_date(birth), dpi)
    y2 = _label_value(draw, _mm(85, dpi), _mm(13, dpi), "Documentnummer / Document No.",
                      docnum, dpi)
    y2 = _label_value(draw, _mm(85, dpi), y2, "Datum van afgifte / Date of issue",
                      _dutch_date(issue), dpi)
    _label_value(draw, _mm(85, dpi), y2, "Geldig tot / Date of expiry", _dutch_date(expiry), dpi)
    label_y = y
    _label_value(draw, x, y, "Persoonsnummer / Personal No.",
                 bsn[:4] + "." + bsn[4:6] + "." + bsn[6:], dpi)
    if masked_bsn if print_masked is None else print_masked:
        draw.rectangle((x - _mm(0.5, dpi), label_y + _mm(1.9, dpi), x + _mm(30, dpi),
                        label_y + _mm(5.4, dpi)), fill=(0, 0, 0))
    band = _draw_mrz(draw, lines, _mm(6.5, dpi), ph - _mm(4.5, dpi), dpi, mask_spans=mask_spans)
    page.paste(card, (left, top))
    band_page = (band[0] + left, band[1] + top, band[2] + left, band[3] + top)
    page = _obscure(page, band_page, obscure_mrz, dpi)

    image = _finish(page, rotate=rotate, blur=blur, noise=noise, jpeg_quality=jpeg_quality,
                    seed=seed)
    return GeneratedId(image, "TD3", lines, surname, given_names, docnum, birth, expiry, bsn,
                       masked_bsn, corrupt_check_digit, {"mrz_box": band_page})


LETTER_TEXT = [
    "Geachte heer, mevrouw,",
    "",
    "Hierbij stuur ik u het ingevulde wijzigingsformulier voor mijn klantenkaart.",
    "Ik ben op 1 oktober verhuisd en wil graag dat mijn nieuwe adres wordt",
    "verwerkt. Ook mijn telefoonnummer is gewijzigd; het nieuwe nummer staat op",
    "het formulier. Wilt u de pas op het nieuwe adres bezorgen?",
    "",
    "Mocht u nog vragen hebben, dan kunt u mij het beste 's avonds bellen.",
    "Alvast hartelijk dank voor de moeite.",
    "",
    "Met vriendelijke groet,",
    "",
    "Jan de Vries",
]


def letter_page(
    *,
    dpi: int = 300,
    bsn_in_text: bool = False,
    rotate: float = 0,
    jpeg_quality: int | None = None,
    seed: int = 3,
) -> tuple[np.ndarray, str | None]:
    """A plain A4 letter (not an identity document); optionally mentions a (fictitious) BSN.

    Returns the image and the BSN written in it (or None).
    """
    rng = random.Random(seed)
    page_w, page_h = _mm(A4_MM[0], dpi), _mm(A4_MM[1], dpi)
    page = Image.new("RGB", (page_w, page_h), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    font = _font(DEJAVU_PATH, max(8, _mm(3.9, dpi)))
    x, y = _mm(25, dpi), _mm(30, dpi)
    for text in ["J. de Vries", "Lindelaan 12", "1234 AB Voorbeeldstad", "", "Voorbeeldstad,"
                 " 20 november 2026", "", "Betreft: wijziging klantgegevens", ""]:
        draw.text((x, y), text, font=font, fill=(0, 0, 0))
        y += _mm(6.5, dpi)
    bsn = make_bsn(rng) if bsn_in_text else None
    body = list(LETTER_TEXT)
    if bsn:
        body.insert(6, f"Mijn burgerservicenummer is {bsn}.")
    for text in body:
        draw.text((x, y), text, font=font, fill=(0, 0, 0))
        y += _mm(6.5, dpi)
    image = _finish(page, rotate=rotate, blur=0, noise=0, jpeg_quality=jpeg_quality, seed=seed)
    return image, bsn
