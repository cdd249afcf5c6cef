"""A second, independent corpus of submissions, built with other tools than ``tests.corpus``.

The project's own corpus generator (``tests/corpus/``) and the validator were tuned together. This
one shares nothing with it but the form itself: the project's blank and prefilled PDFs are rendered
with poppler (``pdftoppm``), written on with Debian handwriting fonts in pen or pencil, signed with
pen strokes, degraded with augraphy pipelines (dirty drum, bad photocopy, low-ink lines, ink bleed,
folds, shadows, bleed-through, letterpress), scanned at 150/200/300 dpi, saved as JPEG 30-90 or
thresholded to black and white, or photographed in perspective at 0/90/180/270 degrees. ID cards
and passports get their MRZ from the ``mrz`` package, drawn in OCR-B, placed anywhere on the
page, small or tilted. PDFs are assembled with img2pdf, e-mails with the standard library.

Every case is seeded by (seed, index) and falls in one half by a hash of both: ``tune`` (thresholds
may be chosen on it) or ``report`` (only ever measured). Ground truth per case: the expected
verdict, the check codes that must be ``missing`` or ``review``, and the codes whose ``review``
still counts as right for a complete submission (a handwritten reply address).

    PYTHONPATH=.:tests python -m corpus.external OUT_DIR [-n 40] [--seed 7] [--half report]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast

import cv2
import img2pdf
import numpy as np
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw, ImageFont

from formgen.form import Customer, blank_form, layout_contract, prefilled_form

from . import clock

HANDWRITING = {
    "dancing": "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    "humor": "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "breip": "/usr/share/fonts/truetype/breip/Breip.ttf",
    "kaushan": "/usr/share/fonts/opentype/kaushanscript/KaushanScript-Regular.otf",
}
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SANS_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
PENS = {"black": (28, 28, 38), "blue": (30, 50, 165), "pencil": (150, 150, 155)}
HALVES = ("tune", "report")


@dataclass
class ExternalCase:
    name: str
    path: Path
    expected: str  # complete | incomplete | review | unreadable
    recipe: str
    half: str  # tune | report
    missing: set[str] = field(default_factory=set)  # codes that must be "missing"
    review: set[str] = field(default_factory=set)  # codes that must be "review"
    review_ok: set[str] = field(default_factory=set)  # "review" here still counts as right
    sender: str | None = None  # pass as from_address (None for .eml and no-sender cases)
    tags: list[str] = field(default_factory=list)  # degradations and failure classes
    pages: int = 0  # images and PDF pages written
    written: list[str] = field(default_factory=list)  # boxes written in by hand (signature too)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["path"] = str(self.path)
        for k in ("missing", "review", "review_ok"):
            d[k] = sorted(d[k])
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ExternalCase:
        d = dict(d)
        d["path"] = Path(d["path"])
        for k in ("missing", "review", "review_ok"):
            d[k] = set(d[k])
        return cls(**d)


def half_of(seed: int, index: int) -> str:
    """Which half a case belongs to: fixed by (seed, index) alone, never by its content."""
    digest = hashlib.sha256(f"external:{seed}:{index}".encode()).digest()
    return HALVES[digest[0] & 1]


def today() -> dt.date:
    return clock.today()


# --------------------------------------------------------------------------------------------
# people and values
# --------------------------------------------------------------------------------------------

GIVEN = ["Anna", "Pieter", "Fatima", "Daan", "Sanne", "Mohammed", "Lotte", "Jeroen", "Eva",
         "Bram", "Noor", "Kees", "Ilse", "Thijs", "Yara", "Wouter", "Mila", "Ruben", "Femke",
         "Joost"]
SURNAMES = ["Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
            "Dijkstra", "Kok", "Yilmaz", "El Amrani", "Verhoeven", "Kuipers", "Postma", "Hoekstra"]
STREETS = ["Dorpsstraat", "Kerkweg", "Molenlaan", "Stationsplein", "Lindenlaan", "Beukenhof",
           "Havenkade", "Schoolstraat", "Julianalaan", "Marktstraat"]
PLACES = ["Utrecht", "Zwolle", "Leiden", "Arnhem", "Delft", "Gouda", "Assen", "Breda", "Hoorn",
          "Emmen", "Tilburg", "Haarlem"]
CHANGE_FIELDS = ["new_name", "new_email", "new_phone", "new_street", "new_iban",
                 "new_account_holder", "new_billing_email"]


@dataclass
class Person:
    given: str
    surname: str
    customer: Customer

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"


def _iban(rng: random.Random) -> str:
    bank = rng.choice(["ABNA", "INGB", "RABO", "TRIO"])
    account = "".join(str(rng.randint(0, 9)) for _ in range(10))
    digits = "".join(str(int(c, 36)) for c in bank + account + "NL00")
    check = 98 - int(digits) % 97
    raw = f"NL{check:02d}{bank}{account}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def make_person(rng: random.Random) -> Person:
    given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
    mail = f"{given.lower()}.{surname.lower().replace(' ', '')}@voorbeeld.nl"
    customer = Customer(
        customer_id=f"KK{rng.randint(100000, 999999)}", name=f"{given} {surname}",
        id_number=f"{rng.randint(10000000, 99999999)}", email=mail,
        phone=f"06-{rng.randint(10000000, 99999999)}",
        street=f"{rng.choice(STREETS)} {rng.randint(1, 220)}",
        postcode=f"{rng.randint(1000, 9999)} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                 f"{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}",
        city=rng.choice(PLACES), country="Nederland")
    return Person(given, surname, customer)


def handwritten_values(p: Person, rng: random.Random, *, prefilled: bool,
                       omit: frozenset[str] = frozenset(), group: bool = True,
                       reply: bool = False) -> dict[str, str]:
    """What the customer writes by hand on the form (a prefilled form already prints the rest)."""
    v: dict[str, str] = {}
    if not prefilled:
        c = p.customer
        v.update(customer_id=c.customer_id, id_number=c.id_number, name=p.name, email=c.email)
    if group:
        for fid in rng.sample(CHANGE_FIELDS, rng.randint(1, 3)):
            v[fid] = {
                "new_name": f"{rng.choice(GIVEN)} {p.surname}",
                "new_email": f"{p.given.lower()}@{rng.choice(['mail', 'post', 'web'])}.nl",
                "new_phone": f"06-{rng.randint(10000000, 99999999)}",
                "new_street": f"{rng.choice(STREETS)} {rng.randint(1, 90)}",
                "new_iban": _iban(rng),
                "new_account_holder": p.name,
                "new_billing_email": f"factuur@{p.surname.lower().replace(' ', '')}.nl",
            }[fid]
    if reply:
        v["reply_email"] = p.customer.email
    signed = today() - dt.timedelta(days=rng.randint(0, 9))
    v.update(signer_name=p.name, sign_place=rng.choice(PLACES),
             sign_date=signed.strftime(rng.choice(["%d-%m-%Y", "%d/%m/%Y", "%-d-%-m-%Y"])))
    for box in ("check_form", "check_id", "check_email"):
        if rng.random() < 0.5:
            v[box] = "x"
    return {k: val for k, val in v.items() if k not in omit}


# --------------------------------------------------------------------------------------------
# paper: poppler renders, handwriting, signatures
# --------------------------------------------------------------------------------------------


@cache
def contract() -> dict[str, Any]:
    return layout_contract()


def _field(fid: str) -> dict[str, Any]:
    return next(f for f in contract()["fields"] if f["id"] == fid)


def _px(rect: dict[str, float], dpi: int) -> tuple[int, int, int, int]:
    s = dpi / 72
    return (round(rect["x"] * s), round(rect["y"] * s), round((rect["x"] + rect["width"]) * s),
            round((rect["y"] + rect["height"]) * s))


def poppler_pages(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """RGB renders of every page by pdftoppm (not the project's PDFium renderer); copies the
    caller may write into (the same form is rendered once per process)."""
    return [page.copy() for page in _poppler_pages(pdf, dpi)]


@lru_cache(maxsize=4)
def _poppler_pages(pdf: bytes, dpi: int) -> tuple[np.ndarray, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "form.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(src), str(Path(tmp) / "p")],
                       check=True, capture_output=True)
        return tuple(np.array(Image.open(f).convert("RGB"))
                     for f in sorted(Path(tmp).glob("p-*.png")))


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _ink_onto(page: np.ndarray, alpha: np.ndarray, colour: tuple[int, int, int], x: int, y: int,
              pencil: bool, rng: random.Random) -> None:
    """Lay ink (alpha 0..1) onto the page at (x, y), multiplying like real ink."""
    h, w = alpha.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(page.shape[1], x + w), min(page.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x]
    if pencil:  # graphite: light, grainy
        grain = np.random.default_rng(rng.randint(0, 2 ** 31)).uniform(0.3, 1.0, a.shape)
        a = a * grain * 0.8
    region = page[y0:y1, x0:x1].astype(np.float32)
    ink = np.array(colour, np.float32) / 255.0
    region *= 1 - a[..., None] * (1 - ink)
    page[y0:y1, x0:x1] = region.clip(0, 255).astype(np.uint8)


def write_text(page: np.ndarray, fid: str, text: str, dpi: int, font: str,
               colour: tuple[int, int, int], rng: random.Random, pencil: bool = False) -> None:
    x0, y0, x1, y1 = _px(_field(fid)["rect"], dpi)
    bw, bh = x1 - x0, y1 - y0
    if _field(fid)["kind"] == "checkbox":
        pts = np.array([[x0 + bw * 0.2, y0 + bh * 0.2], [x1 - bw * 0.2, y1 - bh * 0.2],
                        [x0 + bw * 0.5, y0 + bh * 0.5], [x1 - bw * 0.2, y0 + bh * 0.2],
                        [x0 + bw * 0.2, y1 - bh * 0.2]], np.int32)
        ox, oy = x0 - bw, y0 - bh
        layer = np.zeros((3 * bh, 3 * bw), np.uint8)
        shifted = [(q - [ox, oy]).astype(np.int32) for q in (pts[:2], pts[3:])]
        cv2.polylines(layer, shifted, False, 255, max(1, dpi // 80), cv2.LINE_AA)
        _ink_onto(page, layer / 255.0, colour, ox, oy, pencil, rng)
        return
    size = int(bh * rng.uniform(0.7, 0.95))
    f = _font(font, size)
    while f.getlength(text) > bw * 0.92 and size > 8:
        size -= 2
        f = _font(font, size)
    width = int(f.getlength(text)) + 10
    img = Image.new("L", (width, int(size * 1.6)), 0)
    ImageDraw.Draw(img).text((5, int(size * 0.2)), text, font=f, fill=255)
    img = img.rotate(rng.uniform(-2.5, 2.5), resample=Image.Resampling.BICUBIC, expand=True)
    alpha = np.asarray(img, np.float32) / 255.0
    x = x0 + int(rng.uniform(0.02, max(0.03, 0.95 - width / bw)) * bw)
    y = y0 + bh - alpha.shape[0] + int(size * rng.uniform(0.1, 0.35))
    _ink_onto(page, alpha, colour, x, y, pencil, rng)


def signature(page: np.ndarray, dpi: int, colour: tuple[int, int, int], rng: random.Random, *,
              pen_mm: float = 0.5, pencil: bool = False) -> None:
    """Pen strokes in the signature box: a few connected loops and a flourish."""
    x0, y0, x1, y1 = _px(_field("signature")["rect"], dpi)
    bw, bh = x1 - x0, y1 - y0
    left = x0 + bw * rng.uniform(0.05, 0.3)
    right = left + bw * rng.uniform(0.35, 0.65)
    mid = y0 + bh * rng.uniform(0.4, 0.65)
    n = rng.randint(90, 160)
    t = np.linspace(0, 1, n)
    loops = rng.uniform(3, 7)
    xs = left + (right - left) * t + bw * 0.04 * np.sin(2 * np.pi * loops * t + rng.random())
    ys = mid + bh * rng.uniform(0.15, 0.3) * np.sin(2 * np.pi * loops * t * rng.uniform(0.9, 1.3))
    ys += bh * 0.08 * np.sin(2 * np.pi * t * rng.uniform(0.5, 1.5))
    ox, oy = x0 - bw // 2, y0 - bh // 2  # strokes may leave the box a little
    layer = np.zeros((2 * bh, 2 * bw), np.uint8)
    thick = max(1, round(pen_mm / 25.4 * dpi))
    strokes = [np.stack([xs, ys], 1)]
    if rng.random() < 0.6:  # underline flourish
        ux = np.linspace(left - bw * 0.03, right + bw * 0.05, 30)
        uy = y0 + bh * 0.8 + bh * 0.05 * np.sin(np.linspace(0, 3, 30))
        strokes.append(np.stack([ux, uy], 1))
    for s in strokes:
        cv2.polylines(layer, [np.round(s - [ox, oy]).astype(np.int32)], False, 255, thick,
                      cv2.LINE_AA)
    _ink_onto(page, layer / 255.0, colour, ox, oy, pencil, rng)


def fill(pdf: bytes, dpi: int, values: dict[str, str], rng: random.Random, *, sign: str = "pen",
         colour: str | None = None, pen_mm: float | None = None, font: str | None = None
         ) -> tuple[list[np.ndarray], str]:
    """Rendered pages written on by hand; sign: pen, pencil, thin or none; font: the hand (a
    font file) instead of the drawn one."""
    pages = poppler_pages(pdf, dpi)
    drawn = rng.choice(list(HANDWRITING.values()))
    font = font or drawn
    colour = colour or rng.choice(["black", "blue"])
    for fid, text in values.items():
        write_text(pages[_field(fid)["page"] - 1], fid, text, dpi, font, PENS[colour], rng)
    sig_page = pages[_field("signature")["page"] - 1]
    if sign == "pen":
        signature(sig_page, dpi, PENS[colour], rng, pen_mm=pen_mm or rng.uniform(0.4, 0.8))
    elif sign == "thin":
        signature(sig_page, dpi, PENS["blue"], rng, pen_mm=pen_mm or rng.uniform(0.15, 0.25))
    elif sign == "pencil":
        signature(sig_page, dpi, PENS["pencil"], rng, pen_mm=0.5, pencil=True)
    return pages, f"{Path(font).stem}/{colour}"


# --------------------------------------------------------------------------------------------
# identity documents (own drawing, MRZ from the mrz package in OCR-B)
# --------------------------------------------------------------------------------------------


def id_document(p: Person, dpi: int, rng: random.Random, *, passport: bool,
                expired: bool = False, surname: str | None = None,
                given: str | None = None, number: str | None = None) -> np.ndarray:
    """An RGB image of a fictitious ID card (TD1) or passport data page (TD3) at dpi; surname
    and given: someone else's names instead of the person's; number: the document number."""
    w_mm, h_mm = (125.0, 88.0) if passport else (85.6, 54.0)
    s = dpi / 25.4
    w, h = round(w_mm * s), round(h_mm * s)
    tint = tuple(rng.randint(215, 245) for _ in range(3))
    img = Image.new("RGB", (w, h), tint)
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([0, 0, w - 1, h - 1], radius=int(3 * s), outline=(120, 120, 130),
                        width=max(1, int(0.3 * s)))
    small = _font(SANS, max(6, int(1.8 * s)))
    value = _font(SANS_BOLD, max(7, int(2.4 * s)))
    d.text((4 * s, 2.5 * s), "KONINKRIJK DER NEDERLANDEN", font=value, fill=(30, 40, 90))
    d.text((4 * s, 6 * s), "PASPOORT" if passport else "IDENTITEITSKAART", font=small,
           fill=(30, 40, 90))
    face = (4 * s, 11 * s, 4 * s + 0.3 * w, 11 * s + 0.45 * h)
    d.rectangle(face, fill=(200, 195, 190))
    cx, cy = (face[0] + face[2]) / 2, (face[1] + face[3]) / 2
    d.ellipse([cx - 0.09 * w, cy - 0.16 * h, cx + 0.09 * w, cy + 0.1 * h], fill=(150, 130, 120))
    sur, given = surname or p.surname, given or p.given
    expiry = (today() - dt.timedelta(days=rng.randint(30, 700)) if expired
              else today() + dt.timedelta(days=rng.randint(200, 3000)))
    birth = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    drawn_number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXZ") for _ in range(2)) + "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXZ0123456789") for _ in range(6)) + str(rng.randint(0, 9))
    number = number or drawn_number
    rows = [("Naam / Surname", sur.upper()), ("Voornamen / Given names", given.upper()),
            ("Geboortedatum", birth.strftime("%d %m %Y")),
            ("Geldig tot / Date of expiry", expiry.strftime("%d %m %Y")),
            ("Documentnummer", number)]
    x = face[2] + 3 * s
    y = 11 * s
    for label, text in rows:
        d.text((x, y), label, font=small, fill=(80, 80, 90))
        d.text((x, y + 2 * s), text, font=value, fill=(20, 20, 20))
        y += 5.2 * s
    d.text((x, y), "BSN", font=small, fill=(80, 80, 90))
    d.rectangle([x, y + 2 * s, x + 22 * s, y + 4.6 * s], fill=(15, 15, 15))  # masked
    yymmdd = "%y%m%d"
    if passport:
        code = TD3CodeGenerator("P", "NLD", sur, given, number, "NLD", birth.strftime(yymmdd),
                                rng.choice("MF"), expiry.strftime(yymmdd))
    else:
        code = TD1CodeGenerator("I", "NLD", number, birth.strftime(yymmdd), rng.choice("MF"),
                                expiry.strftime(yymmdd), "NLD", sur, given)
    lines = str(code).splitlines()
    ocrb = _font(OCRB, int(3.3 * s))
    pitch = 2.54 * s
    band_top = h - (len(lines) * 4.2 + 2.5) * s
    d.rectangle([0, band_top - 1.5 * s, w, h], fill=(250, 250, 250))
    for i, line in enumerate(lines):
        for j, ch in enumerate(line):
            d.text((3 * s + j * pitch, band_top + i * 4.2 * s), ch, font=ocrb, fill=(10, 10, 10))
    return np.array(img)


def id_on_page(doc: np.ndarray, dpi: int, rng: random.Random, *, scale: float, angle: float,
               ) -> np.ndarray:
    """The document on a white A4 page, anywhere, scaled and tilted (a copy on paper)."""
    pw, ph = round(8.27 * dpi), round(11.69 * dpi)
    page = np.full((ph, pw, 3), 252, np.uint8)
    doc = cv2.resize(doc, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = doc.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    rot = cv2.warpAffine(doc, m, (nw, nh), borderValue=(252, 252, 252))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (nw, nh)) > 0
    if nw >= pw or nh >= ph:
        return rot
    x = rng.randint(0, pw - nw)
    y = rng.randint(0, ph - nh)
    region = page[y:y + nh, x:x + nw]
    region[mask] = rot[mask]
    return page


# --------------------------------------------------------------------------------------------
# degradations: augraphy, scanner, black and white, phone photos
# --------------------------------------------------------------------------------------------

HEAVY_COPY = ("BadPhotoCopy", "DirtyDrum")  # a worn copier: toner speckle and drum streaks
BW_SAFE = ("DirtyDrum", "LowInkLines", "InkBleed", "Letterpress", "Folding")
AUGRAPHY = ("DirtyDrum", "BadPhotoCopy", "LowInkLines", "InkBleed", "Folding", "ShadowCast",
            "BleedThrough", "Letterpress")


@cache
def _numba_seed() -> Callable[[int], None]:
    """Seeds numba's own generators (its jitted code does not draw from Python's or NumPy's)."""
    import numba

    @numba.njit(parallel=True)  # type: ignore[misc]
    def seed(value: int) -> None:
        for _ in numba.prange(1):  # on the thread that runs parallel code, whatever the layer
            np.random.seed(value)
            random.seed(value)

    return cast(Callable[[int], None], seed)


def augraphy_pass(page: np.ndarray, names: list[str], seed: int) -> np.ndarray:
    """The page through augraphy's effects, the same for the same seed: Folding's noise is drawn
    in numba's parallel code, one generator per thread, so it runs on one seeded thread."""
    import numba

    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        _numba_seed()(seed % 2 ** 32)
        return _augraphy_pass(page, names, seed)
    finally:
        numba.set_num_threads(threads)


def _augraphy_pass(page: np.ndarray, names: list[str], seed: int) -> np.ndarray:
    import augraphy as ag

    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    ops: dict[str, Callable[[], Any]] = {
        "DirtyDrum": lambda: ag.DirtyDrum(p=1),
        # noise type 4 (Worley) takes a minute per page in pure Python: left out
        "BadPhotoCopy": lambda: ag.BadPhotoCopy(noise_type=random.choice([1, 2, 3, 5]),
                                                noise_iteration=(1, 1), p=1),
        "LowInkLines": lambda: (ag.LowInkRandomLines(p=1) if random.random() < 0.5
                                else ag.LowInkPeriodicLines(p=1)),
        "InkBleed": lambda: ag.InkBleed(p=1),
        "Folding": lambda: ag.Folding(fold_count=random.randint(1, 2), fold_noise=0.01,
                                      fold_angle_range=(-2, 2), gradient_width=(0.1, 0.2),
                                      gradient_height=(0.005, 0.01), backdrop_color=(0, 0, 0),
                                      p=1),
        "ShadowCast": lambda: ag.ShadowCast(p=1),
        "BleedThrough": lambda: ag.BleedThrough(p=1),
        "Letterpress": lambda: ag.Letterpress(p=1),
    }
    out = cv2.cvtColor(page, cv2.COLOR_RGB2BGR)
    for name in names:
        res = ops[name]()(out)
        out = res[0] if isinstance(res, tuple) else res
        if out.ndim == 2:
            out = cv2.cvtColor(out, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB)


def rotate_k(page: np.ndarray, quarter_turns: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(page, k=quarter_turns % 4))


def scan(page: np.ndarray, rng: random.Random, *, bw: bool = False, tilt: float = 1.2,
         turns: int = 0) -> np.ndarray:
    """A flatbed scan: a small tilt, grey or colour, sensor noise, optional threshold, turned."""
    h, w = page.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-tilt, tilt), 1.0)
    out = cv2.warpAffine(page, m, (w, h), borderValue=(245, 245, 245),
                         flags=cv2.INTER_LINEAR)
    noise = np.random.default_rng(rng.randint(0, 2 ** 31)).normal(
        0, rng.uniform(1, 4), out.shape[:2]).astype(np.float32)
    out = (out.astype(np.float32) + noise[..., None]).clip(0, 255).astype(np.uint8)
    if bw:
        grey = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        if rng.random() < 0.5:
            _, t = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        else:
            t = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY,
                                      51, 18)
        out = cv2.cvtColor(t, cv2.COLOR_GRAY2RGB)
    return rotate_k(out, turns)


def photograph(page: np.ndarray, rng: random.Random, *, turns: int) -> np.ndarray:
    """A phone photo: the page on a table, in perspective, uneven light, turned k*90 degrees."""
    h, w = page.shape[:2]
    margin = int(0.12 * max(h, w))
    H, W = h + 2 * margin, w + 2 * margin
    table = np.array([rng.randint(60, 170) for _ in range(3)], np.uint8)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    j = 0.06 * min(w, h)
    dst = np.float32([[margin + rng.uniform(-j, j), margin + rng.uniform(-j, j)],
                      [margin + w + rng.uniform(-j, j), margin + rng.uniform(-j, j)],
                      [margin + w + rng.uniform(-j, j), margin + h + rng.uniform(-j, j)],
                      [margin + rng.uniform(-j, j), margin + h + rng.uniform(-j, j)]])
    m = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(page, m, (W, H), borderValue=tuple(int(c) for c in table))
    yy = np.arange(H, dtype=np.float32)[:, None]  # a column and a row: broadcast
    xx = np.arange(W, dtype=np.float32)[None, :]
    a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1 - 0.25 * ((a * xx / W + b * yy / H) + 1) / 2
    out = (out.astype(np.float32) * light[..., None]).clip(0, 255).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.2))
    scale = rng.uniform(0.55, 0.85)  # a 12-megapixel photo of A4 is about 200 dpi
    out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return rotate_k(out, turns)


def jpeg(image: np.ndarray, quality: int) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def png(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def to_pdf(images: list[bytes], dpi: int) -> bytes:
    """img2pdf: JPEG and PNG pages without re-encoding, at the scan resolution."""
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    return img2pdf.convert(images, layout_fun=layout)


def write_eml(path: Path, sender: str, attachments: list[tuple[str, bytes]],
              rng: random.Random) -> None:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "klantenservice@example.nl"
    msg["Subject"] = rng.choice(["Formulier", "wijziging klantenkaart", "RE: uw aanvraag", ""])
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(domain="example.nl")
    msg.set_content("Goedemiddag,\n\nHierbij het formulier en mijn legitimatie.\n\nGroet\n")
    for name, data in attachments:
        sub = {"pdf": ("application", "pdf"), "jpg": ("image", "jpeg"), "png": ("image", "png"),
               "heic": ("image", "heic")}
        maintype, subtype = sub[name.rsplit(".", 1)[-1]]
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(bytes(msg))


# --------------------------------------------------------------------------------------------
# recipes
# --------------------------------------------------------------------------------------------


@dataclass
class Draw:
    """One case's dice and what it says about itself."""

    rng: random.Random
    seed: int
    key: bytes
    tags: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    def dpi(self, choices: tuple[int, ...] = (150, 150, 200, 200, 300)) -> int:
        dpi = self.rng.choice(choices)
        self.tags.append(f"{dpi}dpi")
        return dpi


def _form_pdf(d: Draw, p: Person, prefilled: bool) -> bytes:
    if not prefilled:
        d.tags.append("blank")
        return blank_form()
    d.tags.append("prefilled")
    rid = "EXT" + "".join(d.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
    pdf, _ = prefilled_form(p.customer, d.key, request_id=rid,
                            issued=today() - dt.timedelta(days=d.rng.randint(1, 25)))
    return pdf


def _noise(d: Draw, pages: list[np.ndarray], count: tuple[int, int] = (1, 2),
           ops: tuple[str, ...] = AUGRAPHY) -> list[np.ndarray]:
    names = d.rng.sample(list(ops), d.rng.randint(*count))
    d.tags += [f"aug:{n}" for n in names]
    return [augraphy_pass(pg, names, d.seed * 7 + i) for i, pg in enumerate(pages)]


@dataclass
class Paper:
    form_pages: list[np.ndarray]
    id_page: np.ndarray | None
    dpi: int
    person: Person


def paper(d: Draw, *, dpi: int, prefilled: bool | None = None, omit: frozenset[str] = frozenset(),
          group: bool = True, sign: str = "pen", reply: bool = False, with_id: bool = True,
          expired: bool = False, id_surname: str | None = None,
          id_given: str | None = None, id_number: str | None = None,
          id_doc_number: str | None = None, font: str | None = None) -> Paper:
    """id_number: the customer's ID number (on the form) instead of the drawn one;
    id_doc_number: the number of the ID document sent; font: the hand (a font file) instead
    of the drawn one (the draws stay the same)."""
    rng = d.rng
    p = make_person(rng)
    if id_number is not None:
        p.customer = replace(p.customer, id_number=id_number)
    prefilled = rng.random() < 0.6 if prefilled is None else prefilled
    pdf = _form_pdf(d, p, prefilled)
    values = handwritten_values(p, rng, prefilled=prefilled, omit=omit, group=group, reply=reply)
    pages, how = fill(pdf, dpi, values, rng, sign=sign, font=font)
    d.written = sorted(values) + (["signature"] if sign != "none" else [])
    d.tags += [how, f"sign:{sign}"]
    id_img = None
    if with_id:
        passport = rng.random() < 0.4
        doc = id_document(p, dpi, rng, passport=passport, expired=expired, surname=id_surname,
                          given=id_given, number=id_doc_number)
        scale = rng.uniform(0.75, 1.15)
        angle = rng.choice([0, 0, rng.uniform(-20, 20), 90, -90])
        d.tags += ["passport" if passport else "idcard", f"idscale:{scale:.2f}",
                   f"idangle:{angle:.0f}"]
        id_img = id_on_page(doc, dpi, rng, scale=scale, angle=angle)
    return Paper(pages, id_img, dpi, p)


def deliver(d: Draw, root: Path, images: list[np.ndarray], dpi: int, p: Person, *,
            how: str | None = None, fmt: str | None = None, sender: bool = True
            ) -> tuple[Path, str | None, int]:
    """Write the submission (eml, folder or single PDF); returns (path, --from, file pages)."""
    rng = d.rng
    how = how or rng.choice(["eml", "folder", "pdf"])
    fmt = fmt or rng.choice(["jpeg", "jpeg", "png"])
    if fmt == "jpeg":
        q = rng.randint(30, 90)
        d.tags.append(f"jpeg{q}")
        blobs = [jpeg(im, q) for im in images]
        ext = "jpg"
    else:
        blobs = [png(im) for im in images]
        ext = "png"
    d.tags.append(how)
    if how == "pdf" or (how in ("eml", "folder") and rng.random() < 0.5):
        files = [(f"scan_{rng.randint(1, 99):02d}.pdf", to_pdf(blobs, dpi))]
    else:
        files = [(f"IMG_{rng.randint(1000, 9999)}_{i}.{ext}", b) for i, b in enumerate(blobs)]
    if how == "eml" and sender:
        path = root.with_suffix(".eml")
        write_eml(path, p.customer.email, files, rng)
        return path, None, len(images)
    if how == "pdf":
        path = root.with_name(root.name + ".pdf")
        path.write_bytes(files[0][1])
    else:
        root.mkdir(parents=True, exist_ok=True)
        for name, data in files:
            (root / name).write_bytes(data)
        path = root
    return path, (p.customer.email if sender else None), len(images)


Result = tuple[str, set[str], set[str], set[str], Path, str | None, int]
Recipe = Callable[[Draw, Path], Result]


def _scanned(d: Draw, pp: Paper, *, noise: bool, bw: bool = False, turns: int = 0,
             noise_ops: tuple[str, ...] = AUGRAPHY) -> list[np.ndarray]:
    pages = pp.form_pages
    if bw:  # a copier's black-and-white mode after toner trouble, not on top of a bad copy
        noise_ops = tuple(n for n in noise_ops if n in BW_SAFE)
    if noise:  # on the form pages (the boxes); augraphy costs seconds per page
        pages = _noise(d, pages, ops=noise_ops)
    pages = pages + ([pp.id_page] if pp.id_page is not None else [])
    if bw:
        d.tags.append("bw")
    if turns:
        d.tags.append(f"rot{turns * 90}")
    return [scan(pg, d.rng, bw=bw, turns=turns) for pg in pages]


def r_scan(d: Draw, root: Path) -> Result:
    """Complete: scanned at 150/200/300 dpi, clean or with one or two augraphy effects."""
    pp = paper(d, dpi=d.dpi())
    images = _scanned(d, pp, noise=d.rng.random() < 0.6, bw=d.rng.random() < 0.2)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "complete", set(), set(), set(), path, frm, n


def r_rotated(d: Draw, root: Path) -> Result:
    """Complete: the whole submission scanned upside down or a quarter turn."""
    turns = d.rng.choice([1, 2, 2, 3])
    pp = paper(d, dpi=d.dpi((150, 200, 300)))
    images = _scanned(d, pp, noise=d.rng.random() < 0.3, turns=turns)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "complete", set(), set(), set(), path, frm, n


def r_photo(d: Draw, root: Path) -> Result:
    """Complete: phone photos in perspective at 0/90/180/270 degrees."""
    turns = d.rng.choice([0, 1, 2, 3])
    d.tags += ["photo", f"rot{turns * 90}"]
    pp = paper(d, dpi=200)
    pages = pp.form_pages + ([pp.id_page] if pp.id_page is not None else [])
    if d.rng.random() < 0.3:
        pages = _noise(d, pages, count=(1, 1), ops=("ShadowCast", "Folding", "InkBleed"))
    images = [photograph(pg, d.rng, turns=turns) for pg in pages]
    path, frm, n = deliver(d, root, images, 200, pp.person, fmt="jpeg",
                           how=d.rng.choice(["eml", "folder"]))
    return "complete", set(), set(), set(), path, frm, n


def r_thin_blue(d: Draw, root: Path) -> Result:
    """Complete: a clean scan, signed in thin blue ink."""
    pp = paper(d, dpi=d.dpi((150, 200, 300)), sign="thin")
    images = _scanned(d, pp, noise=False)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "complete", set(), set(), set(), path, frm, n


def r_reply_by_hand(d: Draw, root: Path) -> Result:
    """Complete, review allowed for email: folder, no sender, reply address written by hand."""
    pp = paper(d, dpi=d.dpi((200, 300)), reply=True)
    images = _scanned(d, pp, noise=d.rng.random() < 0.4)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person, how="folder", sender=False)
    return "complete", set(), set(), {"email"}, path, frm, n


def r_unsigned_noisy(d: Draw, root: Path) -> Result:
    """Incomplete: not signed, on a dirty copy (noise in the empty signature box)."""
    pp = paper(d, dpi=d.dpi(), sign="none")
    images = _scanned(d, pp, noise=True, bw=d.rng.random() < 0.2)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {"signature"}, set(), set(), path, frm, n


def r_field_empty(d: Draw, root: Path) -> Result:
    """Incomplete: one required field left empty, often on a dirty copy."""
    prefilled = d.rng.random() < 0.5
    options = ["signer_name", "sign_place", "sign_date"]
    if not prefilled:
        options += ["name", "customer_id", "id_number"]
    fid = d.rng.choice(options)
    d.tags.append(f"empty:{fid}")
    pp = paper(d, dpi=d.dpi(), prefilled=prefilled, omit=frozenset({fid}))
    images = _scanned(d, pp, noise=d.rng.random() < 0.7)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {f"field:{fid}"}, set(), set(), path, frm, n


def r_no_change(d: Draw, root: Path) -> Result:
    """Incomplete: signed, but no new value in the at-least-one-of group (dirty copy)."""
    pp = paper(d, dpi=d.dpi(), group=False)
    images = _scanned(d, pp, noise=d.rng.random() < 0.7)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {"group:change"}, set(), set(), path, frm, n


def r_no_id(d: Draw, root: Path) -> Result:
    pp = paper(d, dpi=d.dpi(), with_id=False)
    images = _scanned(d, pp, noise=d.rng.random() < 0.4)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {"id_document"}, set(), set(), path, frm, n


def r_expired(d: Draw, root: Path) -> Result:
    pp = paper(d, dpi=d.dpi((200, 300)), expired=True)
    images = _scanned(d, pp, noise=d.rng.random() < 0.3)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {"id_expiry"}, set(), set(), path, frm, n


def r_page2_missing(d: Draw, root: Path) -> Result:
    pp = paper(d, dpi=d.dpi())
    pp.form_pages = pp.form_pages[:1]
    images = _scanned(d, pp, noise=d.rng.random() < 0.4)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "incomplete", {"pages", "signature"}, set(), set(), path, frm, n


def r_id_only(d: Draw, root: Path) -> Result:
    pp = paper(d, dpi=200)
    d.tags.append("photo")
    images = [photograph(pp.id_page, d.rng, turns=d.rng.choice([0, 1, 2, 3]))]
    path, frm, n = deliver(d, root, images, 200, pp.person, fmt="jpeg", how="eml")
    return "incomplete", {"form"}, set(), set(), path, frm, n


def r_pencil(d: Draw, root: Path) -> Result:
    """Review: signed in pencil (light, grainy): a person should look."""
    pp = paper(d, dpi=d.dpi((200, 300)), sign="pencil")
    images = _scanned(d, pp, noise=False)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "review", set(), {"signature"}, set(), path, frm, n


def r_other_name(d: Draw, root: Path) -> Result:
    """Review: a prefilled (printed) name and an ID of someone else."""
    other = d.rng.choice(["Zwart", "Timmermans", "Oosterhout"])
    pp = paper(d, dpi=d.dpi((200, 300)), prefilled=True, id_surname=other)
    images = _scanned(d, pp, noise=False)
    path, frm, n = deliver(d, root, images, pp.dpi, pp.person)
    return "review", set(), {"id_name"}, set(), path, frm, n


def _copier_photo(d: Draw, root: Path, sign: str) -> tuple[Path, str | None, int]:
    turns = d.rng.choice([1, 2, 3])
    pp = paper(d, dpi=200, sign=sign)
    pages = _noise(d, pp.form_pages + ([pp.id_page] if pp.id_page is not None else []),
                   count=(2, 2), ops=HEAVY_COPY)
    d.tags += ["photo", f"rot{turns * 90}"]
    images = [photograph(pg, d.rng, turns=turns) for pg in pages]
    return deliver(d, root, images, 200, pp.person, fmt="jpeg",
                   how=d.rng.choice(["eml", "folder"]))


def r_copier_photo(d: Draw, root: Path) -> Result:
    """Complete: the whole submission copied on a worn copier (toner speckle, drum streaks)
    and the copy photographed at 90/180/270 degrees (not in RECIPES: benchmarks/
    bench_copier_photo.py and its test draw it)."""
    path, frm, n = _copier_photo(d, root, "pen")
    return "complete", set(), set(), set(), path, frm, n


def r_copier_photo_thin(d: Draw, root: Path) -> Result:
    """Complete: the same, signed with a thin ballpoint: lighter than the toner specks."""
    path, frm, n = _copier_photo(d, root, "thin")
    return "complete", set(), set(), set(), path, frm, n


def r_copier_photo_unsigned(d: Draw, root: Path) -> Result:
    """Incomplete: the same, not signed (toner speckle in the empty signature box)."""
    path, frm, n = _copier_photo(d, root, "none")
    return "incomplete", {"signature"}, set(), set(), path, frm, n


# Complete ones first and often: the review rate of complete submissions is a target.
RECIPES: list[Recipe] = [
    r_scan, r_unsigned_noisy, r_photo, r_field_empty, r_rotated, r_no_change, r_thin_blue,
    r_scan, r_no_id, r_reply_by_hand, r_page2_missing, r_photo, r_expired, r_rotated, r_pencil,
    r_scan, r_unsigned_noisy, r_id_only, r_thin_blue, r_other_name,
]


def build_one(out_dir: Path, key: bytes, seed: int, index: int,
              recipes: list[Recipe] | None = None) -> ExternalCase:
    """Case index of the corpus (recipes: others than RECIPES, for a family of its own)."""
    recipes = recipes or RECIPES
    recipe = recipes[index % len(recipes)]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    case_seed = int.from_bytes(hashlib.sha256(f"{seed}:{index}".encode()).digest()[:6], "big")
    d = Draw(random.Random(case_seed), case_seed, key)
    name = f"ext-{index:04d}-{recipe.__name__.removeprefix('r_')}"
    expected, missing, review, review_ok, path, frm, n = recipe(d, out_dir / name)
    return ExternalCase(name, path, expected, recipe.__name__.removeprefix("r_"),
                        half_of(seed, index), missing, review, review_ok, frm, d.tags, n, d.written)


def _build(args: tuple[Path, bytes, int, int]) -> ExternalCase:
    return build_one(*args)


def build_external(out_dir: Path, key: bytes, n: int, seed: int, *, half: str | None = None,
                   workers: int = 1, start: int = 0) -> list[ExternalCase]:
    """The cases with index start..start+n-1 that fall in half (both halves when None)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(out_dir, key, seed, i) for i in range(start, start + n)
            if half is None or half_of(seed, i) == half]
    if workers <= 1 or len(jobs) < 2:
        return [_build(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_build, jobs, chunksize=1))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=40, help="indices to draw (both halves)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--half", choices=HALVES)
    ap.add_argument("--key", default="external-corpus-key-0123456789abcdef")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    cases = build_external(args.out_dir, args.key.encode(), args.n, args.seed, half=args.half,
                           workers=args.workers, start=args.start)
    took = time.perf_counter() - t0
    (args.out_dir / "cases.json").write_text(json.dumps([c.to_json() for c in cases], indent=1))
    for c in cases:
        print(f"{c.half:6s} {c.expected:10s} {','.join(sorted(c.missing | c.review)) or '-':24s} "
              f"{c.name}  {' '.join(c.tags)}")
    print(f"{len(cases)} cases in {took:.1f} s ({took / max(1, len(cases)):.2f} s each, "
          f"{args.workers} workers)")


if __name__ == "__main__":
    main()
