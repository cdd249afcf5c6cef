"""Name boxes written by hand, cut as the validator cuts them (CHECK_DPI), from two generators.

* ``external``: the external corpus generator's hands (Breip, Kaushan Script, Dancing Script,
  Humor Sans, ``corpus.external.write_text``) and its degradations (augraphy, scanner
  threshold), the box written at 150-300 dpi;
* ``own``: other handwriting fonts on this machine (DkgHandwriting, Femkeklaver, Ecolier,
  Because We Learn, Kristi, Rufscript), drawn with Pillow, and numpy noise (toner specks, a
  drum's stipple band, sensor noise, blur, a 100-150 dpi scan, a black-and-white threshold).

Used to tune and test scoring a known name against the box without reading it
(formgen.check.identity.name_score) and by benchmarks/bench_name_score.py.
"""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from corpus import external as E
from formgen.check.ink import CHECK_DPI
from formgen.form import layout_contract

OWN_FONTS = tuple(p for p in (
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf",
    "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
    "/usr/share/fonts/truetype/kristi/Kristi.ttf",
    "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
) if Path(p).exists())

# Hands by name, for a box in one hand (external_box's ``hand``): the external generator's
# four and the own generator's six, and two more neither generator draws.
HAND_FONTS = {
    **E.HANDWRITING,
    "dkg": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "femkeklaver": "/usr/share/fonts/truetype/femkeklaver/femkeklaver.ttf",
    "ecolier": "/usr/share/fonts/truetype/ecolier-court/Ecolier-court.ttf",
    "becausewelearn": "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
    "kristi": "/usr/share/fonts/truetype/kristi/Kristi.ttf",
    "rufscript": "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
    "becausewebuild": "/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf",
    "typoscript": "/usr/share/fonts/opentype/levien/TypoScript.otf",
}

# People: given names and surnames of both generators, and relatives' given names drawn from
# a list of their own (none in formgen.check.identity.name_score.COMMON_GIVEN_NAMES), so a
# relative is caught by the rule, not by the competitor list.
GIVEN = ("Anna", "Pieter", "Fatima", "Daan", "Sanne", "Lotte", "Jeroen", "Eva", "Bram", "Noor",
         "Kees", "Ilse", "Thijs", "Yara", "Wouter", "Mila", "Ruben", "Femke", "Joost", "Anouk")
SURNAMES = ("Jansen", "de Vries", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "Ooms",
            "Dijkstra", "Kok", "Yilmaz", "Verhoeven", "Kuipers", "Postma", "Hoekstra")
RELATIVE_GIVEN = ("Gijs", "Roos", "Merel", "Koen", "Floor", "Niels", "Hanna", "Teun", "Vera",
                  "Olaf", "Duco", "Nina", "Quinten", "Ymke", "Otto", "Lieve")


def _rect(field_id: str, dpi: int) -> tuple[int, int, int, int]:
    field = next(f for f in layout_contract()["fields"] if f["id"] == field_id)
    return E._px(field["rect"], dpi)


def _cut(image: np.ndarray, dpi: int, field_id: str, margin: int) -> np.ndarray:
    """The box as the validator cuts it: the page at CHECK_DPI, the box's rectangle + 2 px."""
    scale = CHECK_DPI / dpi
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    x0, y0, x1, y1 = _rect(field_id, CHECK_DPI)
    m = round(margin * scale)
    return np.ascontiguousarray(small[m - 2:m + (y1 - y0) + 2, m - 2:m + (x1 - x0) + 2])


def _form_box(dpi: int, field_id: str, margin: int) -> tuple[np.ndarray, int, int]:
    """A white strip with the box's printed border, and the box's top-left corner in it."""
    x0, y0, x1, y1 = _rect(field_id, dpi)
    strip = np.full((y1 - y0 + 2 * margin, x1 - x0 + 2 * margin, 3), 255, np.uint8)
    cv2.rectangle(strip, (margin, margin), (margin + x1 - x0, margin + y1 - y0), (90, 90, 90),
                  max(1, dpi // 150))
    return strip, x0 - margin, y0 - margin


def external_box(text: str, seed: int, field_id: str = "name", hand: str | None = None
                 ) -> np.ndarray:
    """The external generator's hand (or the font file ``hand``) and noise."""
    rng = random.Random(seed)
    dpi = rng.choice((150, 150, 200, 300))
    margin = dpi // 6
    strip, ox, oy = _form_box(dpi, field_id, margin)
    page = np.full((oy + strip.shape[0], ox + strip.shape[1], 3), 255, np.uint8)
    page[oy:, ox:] = strip
    font = rng.choice(sorted(E.HANDWRITING.values()))
    E.write_text(page, field_id, text, dpi, hand or font,
                 rng.choice((E.PENS["black"], E.PENS["blue"])), rng)
    box = page[oy:, ox:]
    names = rng.sample(["DirtyDrum", "BadPhotoCopy", "LowInkLines", "InkBleed", "Letterpress"],
                       rng.randint(1, 2))
    box = E.augraphy_pass(box, names, seed)
    box = E.scan(box, rng, bw=rng.random() < 0.3, tilt=0.3)
    return _cut(box, dpi, field_id, margin)


def own_ink(text: str, width: int, height: int, dpi: int, seed: int) -> np.ndarray:
    """The inside of a box (RGB, height x width at ``dpi``) with ``text`` written in another
    hand (OWN_FONTS) and own noise: toner specks, sometimes a band of drum stipple, blur, a
    scan at 100-200 dpi with sensor noise, sometimes a black-and-white threshold; no augraphy.
    Returned at ``dpi`` (a low-resolution scan enlarged again)."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    size = int(height * rng.uniform(0.6, 0.85))
    font = ImageFont.truetype(rng.choice(OWN_FONTS), size)
    while font.getlength(text) > width * 0.9 and size > 10:
        size -= 3
        font = ImageFont.truetype(font.path, size)
    layer = Image.new("L", (width, height), 0)
    x = int(rng.uniform(0.02, max(0.03, 0.95 - font.getlength(text) / width)) * width)
    ImageDraw.Draw(layer).text((x, height * rng.uniform(0.5, 0.62)), text, font=font,
                               fill=255, anchor="lm")
    layer = layer.rotate(rng.uniform(-2, 2), resample=Image.Resampling.BICUBIC)
    alpha = np.asarray(layer, np.float32)[..., None] / 255.0
    ink = np.array(rng.choice(((20, 20, 30), (25, 45, 150))), np.float32)
    grey = 250 * (1 - alpha) + ink * alpha
    # toner specks all over, and a denser band of stipple somewhere across the box
    specks = nrng.random((height, width)) < rng.uniform(0.0, 0.01)
    if rng.random() < 0.5:
        cx = int(nrng.integers(0, width))
        half = int(nrng.integers(dpi // 20, dpi // 6))
        lo, hi = max(0, cx - half), min(width, cx + half)
        specks[:, lo:hi] |= nrng.random((height, hi - lo)) < 0.04
    dots = cv2.dilate(specks.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    grey[dots] = np.minimum(grey[dots], rng.uniform(40, 120))
    grey = cv2.GaussianBlur(grey, (0, 0), rng.uniform(0.5, 1.6) * dpi / 300)
    scan_dpi = rng.choice((100, 120, 150, 200))
    small = cv2.resize(grey, None, fx=scan_dpi / dpi, fy=scan_dpi / dpi,
                       interpolation=cv2.INTER_AREA)
    small += nrng.normal(0, rng.uniform(2, 12), small.shape[:2])[..., None]
    out = small.clip(0, 255).astype(np.uint8)
    if rng.random() < 0.3:  # a black-and-white scanner
        g = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        _, t = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
        out = cv2.cvtColor(t, cv2.COLOR_GRAY2RGB)
    return cv2.resize(out, (width, height), interpolation=cv2.INTER_LINEAR)


def own_box(text: str, seed: int, field_id: str = "name") -> np.ndarray:
    """Another hand and own noise (own_ink) in the box, cut as the validator cuts it."""
    dpi = 300
    margin = dpi // 6
    strip, _, _ = _form_box(dpi, field_id, margin)
    h = strip.shape[0] - 2 * margin
    w = strip.shape[1] - 2 * margin
    strip[margin + 3:margin + h - 3, margin + 3:margin + w - 3] = own_ink(
        text, w - 6, h - 6, dpi, seed)
    return _cut(strip, dpi, field_id, margin)


def write_own(page: np.ndarray, dpi: int, field_id: str, text: str, seed: int) -> None:
    """Write ``text`` into the field's box of a form page (own_ink), over what it held."""
    x0, y0, x1, y1 = _rect(field_id, dpi)
    page[y0 + 3:y1 - 3, x0 + 3:x1 - 3] = own_ink(text, x1 - x0 - 6, y1 - y0 - 6, dpi, seed)


def person(seed: int) -> tuple[str, str, str]:
    """(given name, surname, a relative's given name) for a seed."""
    rng = random.Random(seed * 7919)
    given = rng.choice(GIVEN)
    return given, rng.choice(SURNAMES), rng.choice(RELATIVE_GIVEN)


def written(given: str, surname: str, seed: int) -> str:
    """How the person writes their name: in full mostly, sometimes as an initial."""
    return f"{given[0]}. {surname}" if random.Random(seed).random() < 0.2 else \
        f"{given} {surname}"
