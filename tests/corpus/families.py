"""A third corpus: the submission families of issue 27, made with tools the other two do not use.

The project's own generator (``submissions.py``: PDFium renders, pypdf form filling, Dancing
Script and Humor Sans, Catmull-Rom signatures, its own NumPy degradations, img-saved PDFs) and
the external one (``external.py``: poppler's pdftoppm, Breip and Kaushan Script too, OpenCV
sine-loop signatures, augraphy, OpenCV scans and photos, img2pdf) were both looked at while the
validator was tuned. This one draws every family with something else:

* the PDF typed in "in a viewer" through PDFium's form-fill API (focus a field, type into it,
  tick a box with the space bar) and rendered by poppler's cairo backend (``pdftocairo``) or by
  PDFium with its form layer;
* handwriting in other hands (dkg-handwriting, Femke Klaver, the six "Because We Had To" hands,
  Ecolier, Rufscript), letter by letter with jitter, slant, pen pressure and ballpoint skips;
* signatures, ticks and strike lines from its own stroke model: a cubic spline (SciPy) through
  letter-like control points, drawn with a pen whose width follows its speed (scikit-image
  disks);
* stamps in Liberation Sans with a frame and an uneven single ink; names "typed as a signature"
  in Kristi or Typo Script; ID cards drawn with Liberation fonts (MRZ from the ``mrz`` package
  in OCR-B, which an MRZ needs);
* printing (fit to page, shifted feed), flatbed scans, copiers, scanner-app filters (Sauvola
  threshold, "magic colour"), phone photos (table texture, bowed page, shadow, thumb) with
  scikit-image and SciPy, and albumentations for noise, motion blur, elastic warps, downscaling
  and JPEG; photos saved as HEIC by pillow-heif; PDFs put together by PDFium.

Every family has a list of variants; round r of a family holds each variant once, and the
rounds alternate between the halves ``tune`` and ``report`` (which half round 0 is, is fixed by
a hash of the seed and the family), so every variant lands in both halves. Ground truth per
case as in ``external.py`` (:class:`ExternalCase`): expected verdict, codes that must be
``missing`` or ``review``, codes whose ``review`` still counts as right.

    PYTHONPATH=.:tests python -m corpus.families OUT_DIR [--rounds 2] [--family typed]
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import io
import json
import random
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from mrz.generator.td1 import TD1CodeGenerator
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage
from scipy.interpolate import splev, splprep
from skimage import draw as skdraw
from skimage import filters

from formgen.form import blank_form, layout_contract, prefilled_form

from .external import (
    GIVEN,
    ExternalCase,
    Person,
    handwritten_values,
    make_person,
    today,
    write_eml,
)

HANDS = [
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    "/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeConnect-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
    "/usr/share/fonts/opentype/bwht/BecauseWeMentor-Regular.otf",
    "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf",
    "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
]
SCRIPT_TYPED = ["/usr/share/fonts/truetype/kristi/Kristi.ttf",
                "/usr/share/fonts/opentype/levien/TypoScript.otf"]
PRINT_BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"
PRINT = "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"
OCRB = "/usr/share/fonts/opentype/ocr-b/OCRB.otf"
BALLPOINT = [(24, 48, 168), (35, 60, 190), (20, 35, 120)]  # blue ballpoints
INKS = BALLPOINT + [(25, 25, 32)]
STAMP_INKS = [(40, 60, 180), (170, 30, 45), (100, 45, 140)]
HALVES = ("tune", "report")
DPI = 200  # what the paper is drawn at; scans resample from it


# --------------------------------------------------------------------------------------------
# the PDF: typed into with PDFium's form-fill API, rendered by pdftocairo or PDFium
# --------------------------------------------------------------------------------------------


def _field_name(env: Any, annot: Any) -> str:
    n = pdfium_c.FPDFAnnot_GetFormFieldName(env, annot, None, 0)
    buf = ctypes.create_string_buffer(n)
    pdfium_c.FPDFAnnot_GetFormFieldName(env, annot, ctypes.cast(
        buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)), n)
    return buf.raw.decode("utf-16-le").rstrip("\x00")


def type_into(pdf: bytes, values: dict[str, str]) -> bytes:
    """The form with values typed into its fields as a viewer does (focus, type, leave);
    a checkbox is ticked with the space bar. PDFium writes the appearances."""
    doc = pdfium.PdfDocument(pdf)
    try:
        doc.init_forms()
        env = doc.formenv.raw  # type: ignore[union-attr]
        for i in range(len(doc)):
            page = doc[i]
            for k in range(pdfium_c.FPDFPage_GetAnnotCount(page.raw)):
                annot = pdfium_c.FPDFPage_GetAnnot(page.raw, k)
                try:
                    if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_WIDGET:
                        continue
                    value = values.get(_field_name(env, annot))
                    if not value:
                        continue
                    pdfium_c.FORM_SetFocusedAnnot(env, annot)
                    kind = pdfium_c.FPDFAnnot_GetFormFieldType(env, annot)
                    if kind == pdfium_c.FPDF_FORMFIELD_CHECKBOX:
                        pdfium_c.FORM_OnChar(env, page.raw, ord(" "), 0)
                    else:
                        text = (value + "\x00").encode("utf-16-le")
                        pdfium_c.FORM_ReplaceSelection(env, page.raw, ctypes.cast(
                            ctypes.c_char_p(text), pdfium_c.FPDF_WIDESTRING))
                    pdfium_c.FORM_ForceToKillFocus(env)
                finally:
                    pdfium_c.FPDFPage_CloseAnnot(annot)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    finally:
        doc.close()


def render(pdf: bytes, dpi: int, engine: str = "cairo") -> list[np.ndarray]:
    """RGB pages: poppler's cairo backend, or PDFium with its form layer drawn; copies the
    caller may write into (the same form is rendered once per process)."""
    return [page.copy() for page in _render(pdf, dpi, engine)]


@lru_cache(maxsize=4)
def _render(pdf: bytes, dpi: int, engine: str) -> tuple[np.ndarray, ...]:
    if engine == "pdfium":
        doc = pdfium.PdfDocument(pdf)
        try:
            doc.init_forms()
            return tuple(np.asarray(doc[i].render(scale=dpi / 72, may_draw_forms=True).to_pil()
                                    .convert("RGB")).copy() for i in range(len(doc)))
        finally:
            doc.close()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "f.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftocairo", "-png", "-r", str(dpi), str(src), str(Path(tmp) / "p")],
                       check=True, capture_output=True)
        return tuple(np.asarray(Image.open(f).convert("RGB")).copy()
                     for f in sorted(Path(tmp).glob("p-*.png")))


@cache
def contract() -> dict[str, Any]:
    return layout_contract()


def box_px(fid: str, dpi: int | None = None) -> tuple[int, int, int, int]:
    r = next(f for f in contract()["fields"] if f["id"] == fid)["rect"]
    s = (dpi or DPI) / 72
    return (round(r["x"] * s), round(r["y"] * s), round((r["x"] + r["width"]) * s),
            round((r["y"] + r["height"]) * s))


def page_of(fid: str) -> int:
    return int(next(f for f in contract()["fields"] if f["id"] == fid)["page"]) - 1


# --------------------------------------------------------------------------------------------
# ink: other hands, the stroke model, stamps, script-font names
# --------------------------------------------------------------------------------------------


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def lay_ink(page: np.ndarray, alpha: np.ndarray, ink: tuple[int, int, int], x: int, y: int
            ) -> None:
    """Ink of coverage alpha (0..1) onto page at (x, y): the paper shows through it."""
    h, w = alpha.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(page.shape[1], x + w), min(page.shape[0], y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
    region = page[y0:y1, x0:x1].astype(np.float32)
    region = region * (1 - a) + np.minimum(region, np.array(ink, np.float32)) * a
    page[y0:y1, x0:x1] = region.clip(0, 255).astype(np.uint8)


def _smooth_noise(shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth noise scaled to 0..1 (drawn coarse, about one cell per sigma, and enlarged)."""
    h, w = shape
    step = max(1.0, sigma)
    coarse = rng.standard_normal((max(2, int(h / step) + 2), max(2, int(w / step) + 2)))
    n = cv2.resize(coarse.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    return (n - n.min()) / max(1e-6, float(np.ptp(n)))


@dataclass
class Hand:
    """One writer: a font, a slant, a size, a pen."""

    font: str
    slant: float  # shear, x per y
    scale: float  # share of the box height
    ink: tuple[int, int, int]
    pen: float  # pressure floor: 1 = even, lower = lighter in places

    @classmethod
    def draw(cls, rng: random.Random, ink: tuple[int, int, int] | None = None) -> Hand:
        return cls(rng.choice(HANDS), rng.uniform(-0.05, 0.3), rng.uniform(0.8, 1.05),
                   ink or rng.choice(INKS), rng.uniform(0.55, 0.9))


def hand_alpha(text: str, hand: Hand, size: int, rng: random.Random) -> np.ndarray:
    """Coverage of text in a hand: letter by letter with jitter, slanted, with pressure."""
    f = _font(hand.font, size)
    width = int(f.getlength(text) * 1.2 + size * 1.5)
    img = Image.new("L", (width, int(size * 1.9)), 0)
    d = ImageDraw.Draw(img)
    x, drift = size * 0.3, 0.0
    for ch in text:
        drift += rng.gauss(0, size * 0.015)
        glyph = _font(hand.font, max(6, round(size * rng.uniform(0.92, 1.08))))
        d.text((x, size * 0.35 + drift + rng.gauss(0, size * 0.03)), ch, font=glyph, fill=255)
        x += glyph.getlength(ch) * rng.uniform(0.96, 1.1)
    img = img.crop((0, 0, int(x + size * 0.3), img.height))
    img = img.transform(img.size, Image.Transform.AFFINE,
                        (1, hand.slant, -hand.slant * img.height * 0.6, 0, 1, 0),
                        resample=Image.Resampling.BILINEAR)
    a = np.asarray(img, np.float32) / 255
    a = _pen_width(a, max(1.0, DPI * rng.uniform(0.3, 0.5) / 25.4))
    nrng = np.random.default_rng(rng.randint(0, 2 ** 31))
    pressure = hand.pen + (1 - hand.pen) * _smooth_noise(a.shape, size * 0.3, nrng)
    skips = nrng.random(a.shape) > 0.04  # a ballpoint skips here and there
    return a * pressure * ndimage.gaussian_filter(skips.astype(np.float32), 0.7)


def _pen_width(alpha: np.ndarray, pen_px: float) -> np.ndarray:
    """Thin hairline fonts thickened to a ballpoint's line (pen_px wide)."""
    mask = alpha > 0.5
    if not mask.any():
        return alpha
    half = float(np.percentile(ndimage.distance_transform_edt(mask)[mask], 90))
    grow = round(pen_px / 2 - half)
    if grow < 1:
        return alpha
    yy, xx = np.mgrid[-grow:grow + 1, -grow:grow + 1]
    return ndimage.grey_dilation(alpha, footprint=xx ** 2 + yy ** 2 <= grow ** 2)


def _ink_bbox(alpha: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(alpha > 0.3)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def write(page: np.ndarray, fid: str, text: str, hand: Hand, rng: random.Random, *,
          start: float | None = None, room: float = 0.92) -> tuple[int, int, int, int]:
    """Write text by hand in a box (from share start of its width, using at most share room);
    returns the ink's bounding box on the page. A checkbox gets a tick."""
    x0, y0, x1, y1 = box_px(fid)
    bw, bh = x1 - x0, y1 - y0
    if next(f for f in contract()["fields"] if f["id"] == fid)["kind"] == "checkbox":
        pts = [(0.15, 0.5), (0.4, 0.85), (0.95, -0.1)]
        alpha = stroke_alpha([(x * bw * 1.6, (y + 0.3) * bh * 1.6) for x, y in pts],
                             (int(bw * 1.8), int(bh * 2.2)), max(2.0, DPI / 110), rng)
        lay_ink(page, alpha, hand.ink, x0 - bw // 5, y0 - bh // 2)
        return x0, y0, x1, y1
    size = int(bh * hand.scale)
    alpha = hand_alpha(text, hand, size, rng)
    ax0, ay0, ax1, ay1 = _ink_bbox(alpha)
    while (ax1 - ax0 > bw * room or ay1 - ay0 > bh * 0.8) and size > 10:
        size = int(size * 0.9)
        alpha = hand_alpha(text, hand, size, rng)
        ax0, ay0, ax1, ay1 = _ink_bbox(alpha)
    alpha = alpha[ay0:ay1, ax0:ax1]
    at = rng.uniform(0.02, max(0.03, room - alpha.shape[1] / bw)) if start is None else start
    x = x0 + int(at * bw)
    y = y1 - alpha.shape[0] - int((bh - alpha.shape[0]) * rng.uniform(0.3, 0.7))
    lay_ink(page, alpha, hand.ink, x, y)
    return x, y, x + alpha.shape[1], y + alpha.shape[0]


def stroke_alpha(points: list[tuple[float, float]], size: tuple[int, int], pen: float,
                 rng: random.Random) -> np.ndarray:
    """A pen stroke through points (a cubic spline) on a canvas of size (w, h): the line is
    thinner where the pen moves fast and where it lands and lifts."""
    w, h = size
    pts = np.array(points, np.float64)
    k = min(3, len(pts) - 1)
    tck, _ = splprep([pts[:, 0], pts[:, 1]], s=0, k=k)
    xs, ys = splev(np.linspace(0, 1, max(200, len(pts) * 80)), tck)
    speed = np.hypot(np.gradient(xs), np.gradient(ys))
    speed = ndimage.uniform_filter1d(speed, 15)
    width = pen * (1.15 - 0.5 * speed / max(1e-6, float(speed.max())))
    ends = np.minimum(1, np.minimum(np.arange(len(xs)), np.arange(len(xs))[::-1]) / 12)
    width *= 0.45 + 0.55 * ends
    canvas = np.zeros((2 * h, 2 * w), np.float32)
    for x, y, r in zip(xs, ys, width, strict=True):
        rr, cc = skdraw.disk((2 * y, 2 * x), max(1.0, r), shape=canvas.shape)
        canvas[rr, cc] = 1
    alpha = canvas.reshape(h, 2, w, 2).mean(axis=(1, 3))
    return ndimage.gaussian_filter(alpha, 0.5) * rng.uniform(0.85, 1.0)


def signature_points(w: int, h: int, rng: random.Random) -> list[list[tuple[float, float]]]:
    """Control points of a signature: a tall initial, a run of letter humps, maybe a flourish."""
    strokes = []
    x, base = w * rng.uniform(0.06, 0.2), h * rng.uniform(0.55, 0.7)
    initial = [(x, base), (x + w * 0.02, base - h * rng.uniform(0.35, 0.5)),
               (x + w * 0.06, base - h * 0.2), (x - w * 0.01, base - h * 0.05)]
    strokes.append(initial)
    run = [(x + w * 0.06, base)]
    cx = x + w * 0.06
    for i in range(rng.randint(6, 12)):
        cx += w * rng.uniform(0.02, 0.07)
        if i % 2 == 0 and rng.random() < 0.3:  # a loop (l, e): up, back and down again
            top = base - h * rng.uniform(0.3, 0.5)
            run += [(cx + w * 0.02, top), (cx - w * 0.015, top + h * 0.08),
                    (cx + w * 0.01, base)]
            cx += w * 0.02
            continue
        up = h * rng.uniform(0.08, 0.3) if i % 2 == 0 else -h * rng.uniform(0.0, 0.12)
        run.append((cx, base - up + rng.uniform(-0.03, 0.03) * h))
    strokes.append(run)
    if rng.random() < 0.6:  # a flourish under the name
        strokes.append([(cx, base - h * 0.05), (cx + w * 0.05, base + h * 0.1),
                        ((x + cx) / 2, base + h * rng.uniform(0.15, 0.25)),
                        (x, base + h * 0.12)])
    return strokes


def sign(page: np.ndarray, rng: random.Random, ink: tuple[int, int, int], *,
         pen_mm: float | None = None) -> None:
    x0, y0, x1, y1 = box_px("signature")
    w, h = x1 - x0, y1 - y0
    pen = (pen_mm or rng.uniform(0.3, 0.6)) / 25.4 * DPI / 2
    for pts in signature_points(w, h, rng):
        lay_ink(page, stroke_alpha(pts, (w, h), pen, rng), ink, x0, y0)


def strike(page: np.ndarray, bbox: tuple[int, int, int, int], ink: tuple[int, int, int],
           rng: random.Random) -> None:
    """A pen line through written ink, a little past both ends, slightly bowed."""
    x0, y0, x1, y1 = bbox
    mid = (y0 + y1) / 2 + (y1 - y0) * rng.uniform(-0.1, 0.1)
    pad = 12
    w, h = x1 - x0 + 2 * pad + 20, y1 - y0 + 2 * pad
    pts = [(pad * rng.uniform(0, 1), mid - y0 + pad + rng.uniform(-3, 3)),
           (w / 2, mid - y0 + pad + (y1 - y0) * rng.uniform(-0.12, 0.12)),
           (w - pad * rng.uniform(0, 1), mid - y0 + pad + rng.uniform(-4, 4))]
    lay_ink(page, stroke_alpha(pts, (w, h), rng.uniform(2.0, 3.2), rng), ink, x0 - pad,
            y0 - pad)


def stamp(page: np.ndarray, rng: random.Random) -> None:
    """A company stamp in the signature box: frame, three lines, one uneven ink, a small tilt."""
    x0, y0, x1, y1 = box_px("signature")
    bw, bh = x1 - x0, y1 - y0
    w, h = int(bw * rng.uniform(0.5, 0.7)), int(bh * rng.uniform(0.55, 0.8))
    img = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(img)
    line = max(3, DPI // 60)
    if rng.random() < 0.5:
        d.rectangle([line, line, w - line, h - line], outline=255, width=line)
    else:
        d.ellipse([line, line, w - line, h - line], outline=255, width=line)
        d.ellipse([3 * line, 3 * line, w - 3 * line, h - 3 * line], outline=255,
                  width=max(2, line // 2))
    lines = [rng.choice(["Jansen Installatie B.V.", "Kok Hosting", "Visser & Zn.",
                         "Meijer Advies", "Bakkerij Bos"]),
             f"KvK {rng.randint(10000000, 99999999)}", rng.choice(["Zwolle", "Gouda", "Emmen"])]
    for i, text in enumerate(lines):
        f = _font(PRINT_BOLD, max(8, int(h * (0.15 if i == 0 else 0.12))))
        tw = f.getlength(text)
        d.text(((w - tw) / 2, h * (0.2 + 0.24 * i)), text, font=f, fill=255)
    img = img.rotate(rng.uniform(-8, 8), expand=True, resample=Image.Resampling.BILINEAR)
    a = np.asarray(img, np.float32) / 255
    nrng = np.random.default_rng(rng.randint(0, 2 ** 31))
    a *= 0.45 + 0.55 * _smooth_noise(a.shape, 6, nrng)  # the pad inks unevenly
    x = x0 + int((bw - a.shape[1]) * rng.uniform(0.1, 0.9))
    y = y0 + int((bh - a.shape[0]) * rng.uniform(0.2, 0.8))
    lay_ink(page, a, rng.choice(STAMP_INKS), x, y)


def script_name(page: np.ndarray, name: str, rng: random.Random) -> None:
    """A name typed in a script font in the signature box (a viewer's "type your signature")."""
    x0, y0, x1, y1 = box_px("signature")
    bw, bh = x1 - x0, y1 - y0
    f = _font(rng.choice(SCRIPT_TYPED), int(bh * rng.uniform(0.3, 0.45)))
    img = Image.new("L", (bw, bh), 0)
    ImageDraw.Draw(img).text((bw * rng.uniform(0.05, 0.15), bh * rng.uniform(0.2, 0.35)), name,
                             font=f, fill=255)
    lay_ink(page, np.asarray(img, np.float32) / 255, rng.choice([(10, 10, 10), (20, 30, 110)]),
            x0, y0)


# --------------------------------------------------------------------------------------------
# ID cards (Liberation fonts; the MRZ from the mrz package in OCR-B)
# --------------------------------------------------------------------------------------------


def id_card(p: Person, dpi: int, rng: random.Random, *, given: str | None = None,
            expired: bool = False) -> np.ndarray:
    """A fictitious Dutch ID card (TD1, 85.6 x 54 mm) at dpi, on a tinted guilloche ground."""
    s = dpi / 25.4
    w, h = round(85.6 * s), round(54 * s)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    wave = 0.5 + 0.5 * np.sin(xx / (2.2 * s) + 3 * np.sin(yy / (5 * s)))
    base = np.array([rng.randint(200, 225), rng.randint(215, 235), rng.randint(225, 245)])
    ground = base[None, None, :] + (wave[..., None] * 18 - 9)
    img = Image.fromarray(ground.clip(0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    head, small, value = (_font(PRINT_BOLD, int(2.6 * s)), _font(PRINT, int(1.6 * s)),
                          _font(PRINT_BOLD, int(2.3 * s)))
    d.text((3 * s, 2 * s), "NEDERLAND  IDENTITEITSKAART", font=head, fill=(20, 50, 110))
    d.rounded_rectangle([3 * s, 7 * s, 25 * s, 34 * s], radius=int(s), fill=(185, 175, 170))
    d.ellipse([8 * s, 11 * s, 20 * s, 26 * s], fill=(140, 115, 100))
    given = given or p.given
    birth = dt.date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
    expiry = today() + dt.timedelta(days=-rng.randint(20, 900) if expired
                                    else rng.randint(100, 3000))
    number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXZ") for _ in range(2)) + "".join(
        rng.choice("ABCDEFGHJKLMNPRSTUVWXZ0123456789") for _ in range(6)) + str(rng.randint(0, 9))
    y = 7 * s
    for label, text in [("Achternaam", p.surname.upper()), ("Voornamen", given.upper()),
                        ("Geboortedatum", birth.strftime("%d.%m.%Y")),
                        ("Vervaldatum", expiry.strftime("%d.%m.%Y")),
                        ("Documentnummer", number)]:
        d.text((28 * s, y), label, font=small, fill=(70, 70, 80))
        d.text((28 * s, y + 1.8 * s), text, font=value, fill=(15, 15, 20))
        y += 4.9 * s
    code = TD1CodeGenerator("I", "NLD", number, birth.strftime("%y%m%d"), rng.choice("MF"),
                            expiry.strftime("%y%m%d"), "NLD", p.surname, given)
    band = h - 17.5 * s
    d.rectangle([0, band, w, h], fill=(245, 245, 242))
    ocrb = _font(OCRB, int(3.2 * s))
    for i, row in enumerate(str(code).splitlines()):
        for j, ch in enumerate(row):
            d.text((4 * s + j * 2.54 * s, band + 1.5 * s + i * 4.8 * s), ch, font=ocrb,
                   fill=(5, 5, 5))
    return np.asarray(img).copy()


def _turn(img: np.ndarray, angle: float, fill: float | tuple[float, ...], *,
          resize: bool = False) -> np.ndarray:
    """img turned by angle degrees (counter-clockwise) about its centre."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    if resize:
        cos, sin = abs(m[0, 0]), abs(m[0, 1])
        nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
        m[0, 2] += nw / 2 - w / 2
        m[1, 2] += nh / 2 - h / 2
        w, h = nw, nh
    border = fill if isinstance(fill, tuple) else (fill,) * 3
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def on_page(card: np.ndarray, rng: random.Random, *, dpi: int | None = None,
            page: np.ndarray | None = None, where: tuple[float, float, float, float] | None = None,
            tilt: float = 4.0) -> np.ndarray:
    """The card laid on a page (a fresh white A4 when none) within where (x0, y0, x1, y1 as
    shares of the page), tilted a little: the paper around it stays as it was."""
    if page is None:
        dpi = dpi or DPI
        page = np.full((round(11.69 * dpi), round(8.27 * dpi), 3), 250, np.uint8)
    page = page.copy()
    rot = _turn(card.astype(np.float32), rng.uniform(-tilt, tilt), -1.0, resize=True)
    mask = rot[..., 0] >= 0
    rot = rot.clip(0, 255).astype(np.uint8)
    wx0, wy0, wx1, wy1 = where or (0.05, 0.05, 0.95, 0.95)
    ph, pw = page.shape[:2]
    h, w = rot.shape[:2]
    x = int(pw * wx0 + (pw * (wx1 - wx0) - w) * rng.uniform(0, 1))
    y = int(ph * wy0 + max(0, ph * (wy1 - wy0) - h) * rng.uniform(0, 1))
    region = page[y:y + h, x:x + w]
    region[mask[:region.shape[0], :region.shape[1]]] = rot[:region.shape[0], :region.shape[1]][
        mask[:region.shape[0], :region.shape[1]]]
    return page


# --------------------------------------------------------------------------------------------
# paper routes: printer, flatbed, copier, scanner apps, phone, albumentations
# --------------------------------------------------------------------------------------------


def _rng_np(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.randint(0, 2 ** 31))


def printed(page: np.ndarray, rng: random.Random, *, fit: float = 1.0,
            shift_mm: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """A laser print: scaled about the centre ("fit to page"), moved by a crooked feed, toner
    a little uneven; what leaves the sheet is lost."""
    h, w = page.shape[:2]
    s = DPI / 25.4
    m = np.float32([[fit, 0, (1 - fit) * w / 2 + shift_mm[0] * s],
                    [0, fit, (1 - fit) * h / 2 + shift_mm[1] * s]])
    out = cv2.warpAffine(page, m, (w, h), flags=cv2.INTER_AREA if fit < 1 else cv2.INTER_LINEAR,
                         borderValue=(255, 255, 255)).astype(np.float32)
    toner = 0.92 + 0.08 * _smooth_noise((h, w), 40, _rng_np(rng))
    return (255 - (255 - out) * toner[..., None]).clip(0, 255).astype(np.uint8)


def flatbed(page: np.ndarray, rng: random.Random, dpi: int) -> np.ndarray:
    """A flatbed scan at dpi: resampled, a small tilt, optics blur, column stripes (the sensor's
    fixed pattern), sensor noise, a cream paper tint."""
    nrng = _rng_np(rng)
    h, w = page.shape[:2]
    size = (round(w * dpi / DPI), round(h * dpi / DPI))
    out = cv2.resize(page, size, interpolation=cv2.INTER_AREA if dpi < DPI else cv2.INTER_CUBIC)
    out = _turn(out, rng.uniform(-1.2, 1.2), 247.0)
    out = cv2.GaussianBlur(out.astype(np.float32), (0, 0), rng.uniform(0.3, 0.8))
    cols = nrng.normal(0, 2.0, out.shape[1]).astype(np.float32)[None, :, None]
    tint = np.array([1.0, 0.985, 0.95], np.float32)[None, None, :]
    out *= tint
    out += cols
    out += (nrng.standard_normal(out.shape[:2], dtype=np.float32) * rng.uniform(1.2, 3.5))[
        ..., None]
    return out.clip(0, 255).astype(np.uint8)


def copier(page: np.ndarray, rng: random.Random, *, heavy: bool = False) -> np.ndarray:
    """A photocopy: grey, hard contrast, a grey background, toner specks and streaks."""
    nrng = _rng_np(rng)
    g = page.astype(np.float32).mean(axis=2) / 255
    g = np.clip((g - 0.25) / 0.6, 0, 1) ** (1.6 if heavy else 1.2)
    g = g * rng.uniform(0.8, 0.92) + 0.04
    specks = nrng.random(g.shape) < (0.004 if heavy else 0.0008)
    g[ndimage.binary_dilation(specks, iterations=1)] *= 0.25
    if heavy:  # a dirty drum: dark streaks along the paper path
        for _ in range(rng.randint(2, 5)):
            x = rng.randint(0, g.shape[1] - 8)
            g[:, x:x + rng.randint(2, 6)] *= rng.uniform(0.45, 0.75)
        g += nrng.normal(0, 0.06, g.shape)
    return (np.repeat(g[..., None], 3, axis=2).clip(0, 1) * 255).astype(np.uint8)


def drum_band(page: np.ndarray, rng: random.Random, y: int, height: int) -> np.ndarray:
    """A copier drum's grey band across the page at y, with streaks in it."""
    out = page.astype(np.float32)
    band = np.ones(page.shape[:2], np.float32)
    band[y:y + height] = rng.uniform(0.62, 0.78)
    band = cv2.GaussianBlur(band, (0, 0), 6)
    streaks = 1 - 0.15 * (_rng_np(rng).random(page.shape[1]) < 0.05)
    out *= band[..., None]
    out[y:y + height] *= streaks[None, :, None]
    return out.clip(0, 255).astype(np.uint8)


def drum_stipple(page: np.ndarray, rng: random.Random, ys: list[int], *,
                 sparse: float = 0.0) -> np.ndarray:
    """A worn copier drum's bands of toner across the page, one at each y: mottled clumps
    (smooth noise over a threshold, denser in patches along the band) in dark toner, as wide
    as a box or more, and a speckle of loose dots around them. sparse: the threshold raised
    by this much (fewer, smaller clumps: writing shows between them)."""
    nrng = _rng_np(rng)
    h, w = page.shape[:2]
    out = page.astype(np.float32)
    for y in ys:
        half = rng.randint(20, 45)
        lo, hi = max(0, y - half), min(h, y + half)
        field = _smooth_noise((hi - lo, w), rng.uniform(2.0, 4.0), nrng)
        patches = _smooth_noise((hi - lo, w), rng.uniform(15, 40), nrng)
        across = np.sqrt(np.hanning(hi - lo))[:, None].astype(np.float32)
        clumps = field * (0.5 + 0.5 * patches) * across > rng.uniform(0.2, 0.3) + sparse
        dots = nrng.random((hi - lo, w)) < 0.05 * across
        toner = np.where(clumps | dots, nrng.uniform(0.2, 0.55, (hi - lo, w)), 1.0)
        out[lo:hi] *= toner[..., None].astype(np.float32)
    return out.clip(0, 255).astype(np.uint8)


def sauvola_bw(page: np.ndarray) -> np.ndarray:
    """A scanner app's black-and-white filter (local Sauvola threshold)."""
    g = page.astype(np.float32).mean(axis=2) / 255
    window = (page.shape[1] // 12) | 1  # wide enough that a solid mark stays solid
    bw = (g > filters.threshold_sauvola(g, window_size=window, k=0.2, r=0.5)) & (g > 0.35)
    return np.repeat((bw * 255).astype(np.uint8)[..., None], 3, axis=2)


def magic_colour(page: np.ndarray, rng: random.Random) -> np.ndarray:
    """A scanner app's "magic colour": the paper divided out to white, contrast and colour up."""
    f = page.astype(np.float32)
    background = ndimage.maximum_filter(ndimage.median_filter(f[::4, ::4], (9, 9, 1)),
                                        (15, 15, 1))
    background = cv2.resize(background, (f.shape[1], f.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    out = np.clip(f / np.maximum(background, 1) * 255, 0, 255)
    out = 255 - (255 - out) * rng.uniform(1.2, 1.5)
    grey = out.mean(axis=2, keepdims=True)
    out = grey + (out - grey) * rng.uniform(1.3, 1.8)
    return out.clip(0, 255).astype(np.uint8)


def crop_close(page: np.ndarray, rng: random.Random) -> np.ndarray:
    """The app's page detection cuts a little inside the paper's edge."""
    h, w = page.shape[:2]
    cut = [int(rng.uniform(0.0, 0.02) * d) for d in (w, h, w, h)]
    return page[cut[1]:h - cut[3], cut[0]:w - cut[2]].copy()


def _table(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A wooden table: grain along x, rings, knots of noise."""
    nrng = _rng_np(rng)
    yy = np.arange(h, dtype=np.float32)[:, None]  # a column: broadcast, not a page of rows
    grain = np.sin(yy / rng.uniform(6, 14) + 4 * _smooth_noise((h, w), 60, nrng))
    colour = np.array([rng.randint(120, 170), rng.randint(80, 115), rng.randint(45, 70)],
                      np.float32)
    out = colour[None, None, :] * (0.85 + 0.1 * grain[..., None])
    return out + nrng.normal(0, 4, (h, w, 1)).astype(np.float32)


def phone_photo(page: np.ndarray, rng: random.Random, *, thumb: bool = False,
                shadow: bool = False, bow: bool = False, turns: int = 0) -> np.ndarray:
    """The page photographed on a table: bowed, in perspective, with a shadow and a thumb."""
    nrng = _rng_np(rng)
    img = page.astype(np.float32) / 255
    h, w = img.shape[:2]
    if bow:  # the page lifts in the middle: rows bend
        amp = rng.uniform(0.006, 0.014) * h
        yy, xg = np.mgrid[0:h, 0:w].astype(np.float32)
        dy = (amp * np.sin(np.pi * xg[0] / w)).astype(np.float32)
        img = cv2.remap(img, xg, yy + dy[None, :], cv2.INTER_LINEAR,
                        borderMode=cv2.BORDER_CONSTANT, borderValue=(1.0, 1.0, 1.0))
    margin = int(0.1 * max(h, w))
    H, W = h + 2 * margin, w + 2 * margin
    j = 0.05 * min(w, h)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    dst = (src + margin + np.array([[rng.uniform(-j, j), rng.uniform(-j, j)] for _ in range(4)])
           ).astype(np.float32)
    warped = cv2.warpPerspective(img, cv2.getPerspectiveTransform(src, dst), (W, H),
                                 flags=cv2.INTER_LINEAR, borderValue=(-1.0, -1.0, -1.0))
    table = (_table(H, W, rng) / 255).astype(np.float32)
    out = np.where(warped[..., :1] < 0, table, warped)
    yy = np.arange(H, dtype=np.float32)[:, None]  # a column and a row: broadcast
    xx = np.arange(W, dtype=np.float32)[None, :]
    light = 1 - 0.22 * ((xx / W) * rng.uniform(-1, 1) + (yy / H) * rng.uniform(-1, 1) + 1) / 2
    out *= light[..., None]
    if shadow:  # a phone's or a hand's shadow: a soft dark half-plane
        a, b = rng.uniform(-1, 1), rng.uniform(0.3, 0.7)
        side = (yy / H - b - a * (xx / W - 0.5)) > 0
        soft = cv2.GaussianBlur(side.astype(np.float32), (0, 0), 25)
        out *= (1 - rng.uniform(0.25, 0.45) * soft)[..., None]
    if thumb:  # a thumb holding the page at an edge
        cx = margin + rng.uniform(0.2, 0.8) * w
        cy = rng.choice([margin * 0.6, H - margin * 0.6])
        rr, cc = skdraw.ellipse(cy, cx, margin * 0.9, margin * 0.45, shape=(H, W),
                                rotation=rng.uniform(-0.4, 0.4))
        out[rr, cc] = np.array([0.85, 0.62, 0.52]) * (0.9 + 0.1 * nrng.random((len(rr), 1)))
    out = cv2.GaussianBlur(out.astype(np.float32), (0, 0), rng.uniform(0.5, 1.1))
    scale = rng.uniform(0.6, 0.85)
    out = cv2.resize(out, (round(W * scale), round(H * scale)), interpolation=cv2.INTER_AREA)
    out += nrng.standard_normal(out.shape, dtype=np.float32) * 0.012
    return np.ascontiguousarray(np.rot90((out.clip(0, 1) * 255).astype(np.uint8), k=turns))


def albumented(page: np.ndarray, names: list[str], seed: int) -> np.ndarray:
    """Degradations from albumentations (noise, motion blur, elastic, downscale, JPEG)."""
    import albumentations as A

    ops = {
        "noise": lambda: A.GaussNoise(std_range=(0.04, 0.1), p=1),
        "motion": lambda: A.MotionBlur(blur_limit=(5, 9), p=1),
        "elastic": lambda: A.ElasticTransform(alpha=120, sigma=30, p=1),
        "downscale": lambda: A.Downscale(scale_range=(0.45, 0.6), p=1),
        "jpeg": lambda: A.ImageCompression(quality_range=(20, 40), p=1),
    }
    pipeline = A.Compose([ops[n]() for n in names], seed=seed)
    return np.asarray(pipeline(image=page)["image"])


# --------------------------------------------------------------------------------------------
# delivery: PDF put together by PDFium, loose JPEG/PNG/HEIC, e-mail
# --------------------------------------------------------------------------------------------


def encode(image: np.ndarray, fmt: str, quality: int = 80) -> bytes:
    buf = io.BytesIO()
    im = Image.fromarray(image)
    if fmt == "heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
        im.save(buf, "HEIF", quality=quality, enc_params={"preset": "ultrafast"})
    elif fmt == "jpg":
        im.save(buf, "JPEG", quality=quality)
    else:
        im.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def pdf_of(images: list[np.ndarray], dpi: int, quality: int = 80) -> bytes:
    """A PDF whose pages are the JPEG images at dpi, made by PDFium."""
    doc = pdfium.PdfDocument.new()
    try:
        for image in images:
            h, w = image.shape[:2]
            pw, ph = w * 72 / dpi, h * 72 / dpi
            page = doc.new_page(pw, ph)
            obj = pdfium.PdfImage.new(doc)
            obj.load_jpeg(io.BytesIO(encode(image, "jpg", quality)), inline=True)
            obj.set_matrix(pdfium.PdfMatrix().scale(pw, ph))
            page.insert_obj(obj)
            page.gen_content()
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()
    finally:
        doc.close()


# --------------------------------------------------------------------------------------------
# a submission: content variants and family routes
# --------------------------------------------------------------------------------------------


@dataclass
class Draft:
    """One case's dice, its paper and what it says about itself."""

    rng: random.Random
    key: bytes
    person: Person
    prefilled: bool
    tags: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    pages: list[np.ndarray] = field(default_factory=list)  # the form pages at DPI
    card: np.ndarray | None = None  # the ID card at DPI (None: none sent)
    extra: list[tuple[str, bytes]] = field(default_factory=list)  # files sent beside the scan


Expectation = tuple[str, set[str], set[str]]  # verdict, missing, review

CONTENT: dict[str, Expectation] = {
    "complete": ("complete", set(), set()),
    "unsigned": ("incomplete", {"signature"}, set()),
    "empty_place": ("incomplete", {"field:sign_place"}, set()),
    "empty_date": ("incomplete", {"field:sign_date"}, set()),
    "no_change": ("incomplete", {"group:change"}, set()),
    "no_id": ("incomplete", {"id_document"}, set()),
    "expired": ("incomplete", {"id_expiry"}, set()),
    "corrected": ("review", set(), {"group:change"}),
    # traps: never complete
    "stamp": ("review", set(), {"signature"}),
    "script_name": ("review", set(), {"signature"}),
    "relative": ("review", set(), {"id_name"}),
    "struck_only": ("incomplete", {"group:change"}, set()),  # the issue: struck is not a value
    # look-alikes: complete
    "id_on_form": ("complete", set(), set()),
    "stamp_signed": ("complete", set(), set()),
}


def _form(d: Draft) -> bytes:
    if not d.prefilled:
        d.tags.append("blank")
        return blank_form()
    d.tags.append("prefilled")
    rid = "FAM" + "".join(d.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
    pdf, _ = prefilled_form(d.person.customer, d.key, request_id=rid,
                            issued=today() - dt.timedelta(days=d.rng.randint(1, 25)))
    return pdf


def make_paper(d: Draft, variant: str, *, typed: str | None = None,
               ink: tuple[int, int, int] | None = None) -> None:
    """The form pages written (or typed, typed = the renderer) and the card, for a variant."""
    rng = d.rng
    omit = {"empty_place": {"sign_place"}, "empty_date": {"sign_date"}}.get(variant, set())
    values = handwritten_values(d.person, rng, prefilled=d.prefilled, omit=frozenset(omit),
                                group=variant not in ("no_change",))
    hand = Hand.draw(rng, ink)
    d.tags.append(f"hand:{Path(hand.font).stem}")
    pdf = _form(d)
    if typed:
        pdf = type_into(pdf, values)
        d.pages = render(pdf, DPI, typed)
        d.tags.append(f"typed:{typed}")
    else:
        d.pages = render(pdf, DPI)
    change = [f for f in values if f.startswith("new_")]
    if variant == "struck_only":  # the only change, struck out: no other change is written
        for fid in change[1:]:
            values.pop(fid)
    for fid, text in values.items():
        if typed:
            break
        page = d.pages[page_of(fid)]
        if variant == "struck_only" and fid == change[0]:
            strike(page, write(page, fid, text, hand, rng), hand.ink, rng)
        elif variant == "corrected" and fid == change[0]:  # struck, the right value beside it
            half = max(5, len(text) // 2)
            strike(page, write(page, fid, text[:half], hand, rng, start=0.03, room=0.45),
                   hand.ink, rng)
            write(page, fid, text[-half:], hand, rng, start=0.55, room=0.98)
        else:
            write(page, fid, text, hand, rng)
    d.written = sorted(values)
    sig = d.pages[page_of("signature")]
    if variant == "stamp":
        stamp(sig, rng)
    elif variant == "script_name":
        script_name(sig, d.person.name, rng)
    elif variant == "stamp_signed":
        stamp(sig, rng)
        sign(sig, rng, hand.ink)
        d.written.append("signature")
    elif variant != "unsigned":
        sign(sig, rng, hand.ink)
        d.written.append("signature")
    if variant != "no_id":
        given = None
        if variant == "relative":
            given = rng.choice([g for g in GIVEN if g[0] != d.person.given[0]])
        d.card = id_card(d.person, DPI, rng, given=given, expired=variant == "expired")


def scan_dpi(d: Draft, choices: tuple[int, ...]) -> int:
    """A scanner resolution (for paper drawn at 200 dpi; in proportion when DPI is lowered)."""
    return d.rng.choice(choices) * DPI // 200


def _id_page(d: Draft) -> list[np.ndarray]:
    return [on_page(d.card, d.rng)] if d.card is not None else []


Route = Callable[[Draft, str], tuple[list[np.ndarray], int, str]]  # images, dpi, how sent


def route_typed(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Typed into the PDF in a viewer (PDFium's form API), rendered by PDFium or poppler,
    printed, signed with a pen, scanned."""
    make_paper(d, variant, typed=d.rng.choice(["pdfium", "cairo"]))
    pages = [printed(p, d.rng) for p in d.pages + _id_page(d)]
    dpi = scan_dpi(d, (200, 300))
    return [flatbed(p, d.rng, dpi) for p in pages], dpi, d.rng.choice(["pdf", "eml"])


def route_fit(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Printed "fit to page" (92-97 %) or by a crooked feed (shifted up to 5 mm), scanned."""
    make_paper(d, variant)
    if d.rng.random() < 0.6:
        fit = d.rng.uniform(0.92, 0.97)
        d.tags.append(f"fit{fit:.2f}")
        pages = [printed(p, d.rng, fit=fit) for p in d.pages]
    else:
        shift = (d.rng.uniform(-5, 5), d.rng.uniform(-5, 5))
        d.tags.append(f"shift{shift[0]:.0f},{shift[1]:.0f}mm")
        pages = [printed(p, d.rng, shift_mm=shift) for p in d.pages]
    pages += _id_page(d)
    dpi = scan_dpi(d, (150, 200, 300))
    return [flatbed(p, d.rng, dpi) for p in pages], dpi, d.rng.choice(["pdf", "folder", "eml"])


def route_scanapp(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """A phone scanner app: black-and-white or "magic colour", cropped close to the page."""
    make_paper(d, variant)
    mode = d.rng.choice(["bw", "magic"])
    d.tags.append(f"app:{mode}")
    out = []
    for p in d.pages + _id_page(d):
        shot = flatbed(printed(p, d.rng), d.rng, DPI)
        shot = sauvola_bw(shot) if mode == "bw" else magic_colour(shot, d.rng)
        out.append(crop_close(shot, d.rng))
    return out, DPI, d.rng.choice(["pdf", "eml"])


def route_phone(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Phone photos on a table: texture, a thumb, a shadow, a bowed page; HEIC or JPEG."""
    make_paper(d, variant)
    out = []
    for p in d.pages + _id_page(d):
        kw = {k: d.rng.random() < 0.5 for k in ("thumb", "shadow", "bow")}
        d.tags += [k for k, v in kw.items() if v and k not in d.tags]
        out.append(phone_photo(printed(p, d.rng), d.rng, **kw))
    fmt = d.rng.choice(["heic", "jpg"])
    d.tags.append(fmt)
    return out, DPI, f"photos:{fmt}"


def route_degrade(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Scans degraded by albumentations: noise, motion blur, elastic, downscale, JPEG."""
    make_paper(d, variant)
    names = d.rng.sample(["noise", "motion", "elastic", "downscale", "jpeg"], d.rng.randint(1, 2))
    d.tags += [f"alb:{n}" for n in names]
    dpi = scan_dpi(d, (200, 300))
    out = [albumented(flatbed(printed(p, d.rng), d.rng, dpi), names, d.rng.randint(0, 2 ** 31))
           for p in d.pages + _id_page(d)]
    return out, dpi, d.rng.choice(["pdf", "folder"])


def route_id(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """The ID as people send it: a photo of the card on a table, photocopied, scanned at 150
    dpi, turned; the form itself scanned plainly."""
    make_paper(d, variant)
    how = d.rng.choice(["photo", "photocopy", "150dpi", "turned"])
    d.tags.append(f"id:{how}")
    dpi = scan_dpi(d, (150,) if how == "150dpi" else (200,))
    pages = [flatbed(printed(p, d.rng), d.rng, dpi) for p in d.pages]
    if d.card is None:
        return pages, dpi, "pdf"
    if how == "photo":
        card = d.card
        big = np.full((card.shape[0] + 2, card.shape[1] + 2, 3), 250, np.uint8)
        big[1:-1, 1:-1] = card
        shot = phone_photo(big, d.rng, shadow=d.rng.random() < 0.5)
        d.extra.append((f"IMG_{d.rng.randint(1000, 9999)}.jpg", encode(shot, "jpg", 85)))
        return pages, dpi, "folder"
    page = on_page(d.card, d.rng)
    if how == "photocopy":
        page = copier(printed(page, d.rng), d.rng)
    page = flatbed(page, d.rng, dpi)
    if how == "turned":
        page = np.ascontiguousarray(np.rot90(page, k=d.rng.choice([1, 2, 3])))
    return pages + [page], dpi, d.rng.choice(["pdf", "eml"])


def route_hands(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Handwriting in other hands in blue ballpoint, corrections struck through; scanned."""
    make_paper(d, variant, ink=d.rng.choice(BALLPOINT))
    dpi = scan_dpi(d, (200, 300))
    return ([flatbed(printed(p, d.rng), d.rng, dpi) for p in d.pages + _id_page(d)], dpi,
            d.rng.choice(["pdf", "eml", "folder"]))


def route_traps(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """Traps (a stamp or a script-font name as the signature, a relative's ID, the only change
    struck out) and look-alikes (the ID laid on form page 2; a stamp signed across)."""
    make_paper(d, variant)
    pages = [printed(p, d.rng) for p in d.pages]
    if variant == "id_on_form" and d.card is not None:
        pages[1] = on_page(d.card, d.rng, page=pages[1], where=(0.1, 0.735, 0.55, 0.92),
                           tilt=2.0)
        d.card = None
    dpi = scan_dpi(d, (200, 300))
    images = [flatbed(p, d.rng, dpi) for p in pages + _id_page(d)]
    if variant == "id_on_form" and d.rng.random() < 0.5:  # or photographed, ID and all
        d.tags.append("photo")
        return [phone_photo(p, d.rng) for p in pages], DPI, "photos:jpg"
    return images, dpi, d.rng.choice(["pdf", "eml"])


def route_heldout(d: Draft, variant: str) -> tuple[list[np.ndarray], int, str]:
    """The older held-out cases: a whole submission photographed at 90/180 degrees under heavy
    copier noise; a 150-dpi ID under a drum band."""
    if variant == "drum_id":
        make_paper(d, "complete")
        dpi = scan_dpi(d, (150,))
        pages = [flatbed(printed(p, d.rng), d.rng, dpi) for p in d.pages]
        assert d.card is not None
        idp = flatbed(on_page(d.card, d.rng, where=(0.1, 0.1, 0.9, 0.5)), d.rng, dpi)
        g = idp.mean(axis=2)
        ys = np.nonzero((g < 200).any(axis=1))[0]
        top = int(ys.max() - (ys.max() - ys.min()) * d.rng.uniform(0.15, 0.35))  # over the MRZ
        band = d.rng.randint(25, 45) * dpi // 150
        return pages + [drum_band(idp, d.rng, top, band)], dpi, "pdf"
    make_paper(d, "unsigned" if variant == "copier_rot_unsigned" else "complete")
    turns = d.rng.choice([1, 2, 3])
    d.tags.append(f"rot{turns * 90}")
    return ([phone_photo(copier(printed(p, d.rng), d.rng, heavy=True), d.rng, turns=turns)
             for p in d.pages + _id_page(d)], DPI, "photos:jpg")


HELDOUT: dict[str, Expectation] = {
    "copier_rot": CONTENT["complete"], "drum_id": CONTENT["complete"],
    "copier_rot_unsigned": CONTENT["unsigned"]}

# family: (route, variants in one round); complete and not complete alternate
FAMILIES: dict[str, tuple[Route, list[str]]] = {
    "typed": (route_typed, ["complete", "unsigned", "complete", "no_id", "complete",
                            "no_change"]),
    "fit": (route_fit, ["complete", "unsigned", "complete", "expired", "complete",
                        "empty_place"]),
    "scanapp": (route_scanapp, ["complete", "unsigned", "complete", "no_change", "complete",
                                "empty_date"]),
    "phone": (route_phone, ["complete", "unsigned", "complete", "no_id", "complete",
                            "empty_place"]),
    "degrade": (route_degrade, ["complete", "unsigned", "complete", "no_change", "complete",
                                "expired"]),
    "id": (route_id, ["complete", "expired", "complete", "no_id", "complete", "complete"]),
    "hands": (route_hands, ["complete", "unsigned", "complete", "corrected", "complete",
                            "empty_date"]),
    "traps": (route_traps, ["stamp", "script_name", "relative", "struck_only", "id_on_form",
                            "stamp_signed"]),
    "heldout": (route_heldout, ["copier_rot", "drum_id", "copier_rot_unsigned"]),
}


def half_of(seed: int, family: str, index: int) -> str:
    """Round r = index // len(variants) of a family: rounds alternate halves, the first one's
    half fixed by a hash of (seed, family) - never by a case's content."""
    first = hashlib.sha256(f"families:{seed}:{family}".encode()).digest()[0] & 1
    return HALVES[(first + index // len(FAMILIES[family][1])) % 2]


def deliver(d: Draft, root: Path, images: list[np.ndarray], dpi: int, how: str
            ) -> tuple[Path, str | None]:
    """Write the submission: a PDF, a folder of files, photos, or an e-mail."""
    rng, sender = d.rng, d.person.customer.email
    if how.startswith("photos:"):
        fmt = how.split(":")[1]
        files = [(f"IMG_{rng.randint(1000, 9999)}_{i}.{fmt}", encode(im, fmt, rng.randint(60, 90)))
                 for i, im in enumerate(images)]
        how = rng.choice(["folder", "eml"])
    elif how == "folder" and rng.random() < 0.5:
        files = [(f"scan{i + 1}.png", encode(im, "png")) for i, im in enumerate(images)]
    else:
        files = [(f"scan_{rng.randint(1, 99):02d}.pdf", pdf_of(images, dpi, rng.randint(55, 90)))]
    files += d.extra
    d.tags.append(how)
    if how == "eml":
        path = root.with_suffix(".eml")
        write_eml(path, sender, files, rng)
        return path, None
    if how == "pdf" and len(files) == 1:
        path = root.with_name(root.name + ".pdf")
        path.write_bytes(files[0][1])
        return path, sender
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (root / name).write_bytes(data)
    return root, sender


def build_one(out_dir: Path, key: bytes, seed: int, family: str, index: int) -> ExternalCase:
    route, variants = FAMILIES[family]
    variant = variants[index % len(variants)]
    case_seed = int.from_bytes(hashlib.sha256(f"{seed}:{family}:{index}".encode()).digest()[:6],
                               "big")
    rng = random.Random(case_seed)
    person = make_person(rng)
    d = Draft(rng, key, person, prefilled=family != "typed" and rng.random() < 0.5)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"fam-{family}-{index:03d}-{variant}"
    images, dpi, how = route(d, variant)
    path, sender = deliver(d, out_dir / name, images, dpi, how)
    expected, missing, review = (HELDOUT if family == "heldout" else CONTENT)[variant]
    return ExternalCase(name, path, expected, f"{family}:{variant}", half_of(seed, family, index),
                        set(missing), set(review), set(), sender, d.tags,
                        len(images) + len(d.extra), d.written)


def _build(args: tuple[Path, bytes, int, str, int]) -> ExternalCase:
    return build_one(*args)


def build_families(out_dir: Path, key: bytes, rounds: int, seed: int, *,
                   families: list[str] | None = None, half: str | None = None,
                   workers: int = 1) -> list[ExternalCase]:
    """Rounds 0..rounds-1 of each family (each round: every variant once), those in half."""
    jobs = [(Path(out_dir), key, seed, fam, i) for fam in (families or list(FAMILIES))
            for i in range(rounds * len(FAMILIES[fam][1]))
            if half is None or half_of(seed, fam, i) == half]
    if workers <= 1 or len(jobs) < 2:
        return [_build(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_build, jobs, chunksize=1))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--family", nargs="+", choices=list(FAMILIES))
    ap.add_argument("--half", choices=HALVES)
    ap.add_argument("--key", default="external-corpus-key-0123456789abcdef")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args(argv)
    cases = build_families(args.out_dir, args.key.encode(), args.rounds, args.seed,
                           families=args.family, half=args.half, workers=args.workers)
    (args.out_dir / "cases.json").write_text(json.dumps([c.to_json() for c in cases], indent=1))
    for c in cases:
        print(f"{c.half:6s} {c.expected:10s} {c.name}  {' '.join(c.tags)}")


if __name__ == "__main__":
    main()
