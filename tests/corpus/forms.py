"""Form pages as a customer returns them: rendered, written by hand, signed, scanned, photographed.

All coordinates come from :func:`formgen.form.layout_contract` (PDF points, origin top-left),
scaled by ``dpi / 72``. Every random choice goes through a ``numpy.random.Generator``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import unicodedata
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

from . import clock

HANDWRITING_FONTS = (
    "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
    "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
)
INKS = ((22, 32, 120), (12, 14, 22), (35, 45, 150), (30, 30, 60))  # blue-black ballpoints

Rng = np.random.Generator


# --------------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------------

_RENDER_CACHE: dict[tuple[str, int], list[Image.Image]] = {}


def render_form_pages(pdf: bytes, dpi: int) -> list[Image.Image]:
    """Every page of ``pdf`` as an RGB image at ``dpi`` (form fields drawn).

    Cached by content and dpi; callers get fresh copies they may draw on.
    """
    key = (hashlib.sha256(pdf).hexdigest(), dpi)
    if key not in _RENDER_CACHE:
        doc = pdfium.PdfDocument(pdf)
        try:
            doc.init_forms()
            pages = [doc[i].render(scale=dpi / 72, may_draw_forms=True).to_pil().convert("RGB")
                     for i in range(len(doc))]
        finally:
            doc.close()
        if len(_RENDER_CACHE) > 48:
            _RENDER_CACHE.clear()
        _RENDER_CACHE[key] = pages
    return [p.copy() for p in _RENDER_CACHE[key]]


def field_box_px(contract: dict[str, Any], field_id: str, dpi: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) in pixels of a field's rectangle at ``dpi``."""
    fld = field_by_id(contract, field_id)
    return rect_px(fld["rect"], dpi)


def rect_px(rect: dict[str, float], dpi: int) -> tuple[int, int, int, int]:
    s = dpi / 72
    return (int(round(rect["x"] * s)), int(round(rect["y"] * s)),
            int(round((rect["x"] + rect["width"]) * s)),
            int(round((rect["y"] + rect["height"]) * s)))


def field_by_id(contract: dict[str, Any], field_id: str) -> dict[str, Any]:
    for fld in contract["fields"]:
        if fld["id"] == field_id:
            return fld
    raise KeyError(field_id)


# --------------------------------------------------------------------------------------------
# handwriting
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=128)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def pick_font(rng: Rng) -> str:
    return HANDWRITING_FONTS[int(rng.integers(len(HANDWRITING_FONTS)))]


def pick_ink(rng: Rng) -> tuple[int, int, int]:
    return INKS[int(rng.integers(len(INKS)))]


FALLBACK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"


@lru_cache(maxsize=8)
def _charset(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path).getBestCmap())


def _runs(text: str, path: str) -> list[tuple[str, str]]:
    """Split ``text`` into (run, font path) pieces: characters the handwriting font lacks
    (Ł, Ş, ễ ...) are drawn with an oblique fallback font."""
    have = _charset(path)
    runs: list[tuple[str, str]] = []
    for ch in text:
        fp = path if (ord(ch) in have or ch == " ") else FALLBACK_FONT
        if runs and runs[-1][1] == fp:
            runs[-1] = (runs[-1][0] + ch, fp)
        else:
            runs.append((ch, fp))
    return runs


def _measure(text: str, path: str, size: int) -> tuple[float, int, int]:
    """(advance width, top, bottom) of ``text`` at ``size``, with fallback runs."""
    width, top, bottom = 0.0, 10 ** 6, -(10 ** 6)
    for run, fp in _runs(text, path):
        font = _font(fp, size)
        _, y0, _, y1 = font.getbbox(run)
        if run.strip():
            top, bottom = min(top, y0), max(bottom, y1)
        width += font.getlength(run)
    return width, (top if top < 10 ** 6 else 0), (bottom if bottom > -(10 ** 6) else size)


HEIGHT_PROBE = "ÅHdgjy"  # a line's full height: accents and descenders


def _fit_size(path: str, text: str, box_w: int, box_h: int) -> int:
    """Largest size (up to ~80% of the box height) whose ink fits the box with a margin."""
    size = max(6, int(box_h * 0.8))
    while size > 6:
        width = _measure(text, path, size)[0]
        _, top, bottom = _measure(HEIGHT_PROBE, path, size)
        if width <= box_w * 0.9 and bottom - top <= box_h * 0.95:
            return size
        size = int(size * 0.92)
    return 6


def _text_layer(text: str, path: str, size: int, w: int, h: int, ink: tuple[int, int, int],
                rng: Rng) -> Image.Image:
    """Text written word by word with a wavering baseline, on a transparent layer of w x h."""
    mask = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(mask)
    width = _measure(text, path, size)[0]
    _, top, bottom = _measure(HEIGHT_PROBE, path, size)
    slack_x = max(0.0, w - width)
    x = float(min(slack_x * 0.5, h * 0.15 + rng.uniform(0, h * 0.4)))
    y_top = (h - (bottom - top)) / 2 - top
    jitter = h * 0.04
    for word in text.split(" "):
        dy = rng.uniform(-jitter, jitter)
        for run, fp in _runs(word, path):
            font = _font(fp, size)
            draw.text((x, y_top + dy), run, font=font, fill=255)
            x += font.getlength(run)
        x += _font(path, size).getlength(" ") * rng.uniform(0.85, 1.2)
    alpha = int(rng.integers(215, 256))
    if alpha < 255:
        mask = mask.point(lambda v: v * alpha // 255)
    coloured = Image.new("RGBA", (w, h), (*ink, 0))
    coloured.putalpha(mask)
    return coloured


def _draw_tick(image: Image.Image, box: tuple[int, int, int, int], mark: str,
               ink: tuple[int, int, int],
               rng: Rng) -> None:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    width = max(2, int(round(min(w, h) / 7)))
    draw = ImageDraw.Draw(image)

    def p(fx: float, fy: float) -> tuple[float, float]:
        return (x0 + w * (fx + rng.uniform(-0.05, 0.05)), y0 + h * (fy + rng.uniform(-0.05, 0.05)))

    if mark.strip().lower() == "x":
        draw.line([p(0.2, 0.2), p(0.8, 0.8)], fill=ink, width=width)
        draw.line([p(0.8, 0.2), p(0.2, 0.8)], fill=ink, width=width)
    else:
        draw.line([p(0.18, 0.55), p(0.42, 0.8), p(0.85, 0.15)], fill=ink, width=width,
                  joint="curve")


def handwrite(image: Image.Image, contract: dict[str, Any], page_number: int,
              values: dict[str, str], dpi: int, font: str | None = None,
              rng: Rng | None = None, ink: tuple[int, int, int] | None = None) -> Image.Image:
    """Write ``values`` (field id -> text) by hand into their boxes on page ``page_number``.

    Fields on other pages are skipped. Checkboxes get a tick (or a cross for ``"x"``) when the
    value is non-empty. Returns a new image; ``image`` is left untouched.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    font = font or pick_font(rng)
    ink = ink or pick_ink(rng)
    out = image.convert("RGB").copy()
    for fld in contract["fields"]:
        value = values.get(fld["id"])
        if not value or fld["page"] != page_number or fld["kind"] == "signature":
            continue
        x0, y0, x1, y1 = rect_px(fld["rect"], dpi)
        if fld["kind"] == "checkbox":
            _draw_tick(out, (x0, y0, x1, y1), value, ink, rng)
            continue
        # stay inside the printed border (about 1 pt) with a small margin
        pad = max(2, int(round(dpi / 72 * 2)))
        w, h = x1 - x0 - 2 * pad, y1 - y0 - 2 * pad
        size = _fit_size(font, value, w, h)
        layer = _text_layer(value, font, size, w, h, ink, rng)
        angle = float(rng.uniform(-1.2, 1.2))
        layer = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
        out.paste(layer, (x0 + pad, y0 + pad), layer)
    return out


# --------------------------------------------------------------------------------------------
# signature
# --------------------------------------------------------------------------------------------


def _catmull_rom(points: np.ndarray, samples: int = 18) -> np.ndarray:
    pts = np.vstack([points[0], points, points[-1]])
    out = []
    t = np.linspace(0, 1, samples, endpoint=False)[:, None]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out.append(points[-1][None, :])
    return np.vstack(out)


def signature_strokes(box: tuple[int, int, int, int], rng: Rng) -> list[np.ndarray]:
    """Polylines (pixel coordinates) of a made-up signature inside ``box``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    strokes = []
    left = x0 + w * rng.uniform(0.06, 0.2)
    right = x0 + w * rng.uniform(0.65, 0.92)
    mid = y0 + h * rng.uniform(0.42, 0.58)
    amp = h * rng.uniform(0.15, 0.3)
    # main stroke: a loopy line travelling left to right
    n = int(rng.integers(7, 13))
    xs = np.linspace(left, right, n) + rng.normal(0, w * 0.02, n)
    wave = np.sin(np.linspace(0, rng.uniform(3, 6) * np.pi, n))
    ys = mid + amp * wave + rng.normal(0, h * 0.05, n)
    strokes.append(_catmull_rom(np.column_stack([xs, ys])))
    # an initial: a tall loop at the start
    k = int(rng.integers(4, 7))
    ix = left + rng.normal(0, w * 0.03, k) + np.linspace(0, w * 0.08, k)
    iy = np.linspace(y0 + h * 0.15, y0 + h * 0.85, k)[rng.permutation(k)]
    strokes.append(_catmull_rom(np.column_stack([ix, iy])))
    # usually an underline flourish
    if rng.random() < 0.75:
        uy = y0 + h * rng.uniform(0.72, 0.85)
        ux = np.array([left + w * 0.05, (left + right) / 2, right + w * 0.03])
        strokes.append(_catmull_rom(np.column_stack([ux, uy + rng.normal(0, h * 0.04, 3)])))
    # keep well inside the box
    margin = max(3.0, min(w, h) * 0.06)
    return [np.column_stack([np.clip(s[:, 0], x0 + margin, x1 - margin),
                             np.clip(s[:, 1], y0 + margin, y1 - margin)]) for s in strokes]


def sign(image: Image.Image, contract: dict[str, Any], dpi: int, rng: Rng | None = None, *,
         faint: bool = False, ink: tuple[int, int, int] | None = None,
         field_id: str = "signature") -> Image.Image:
    """Draw a handwritten signature in the signature box (on that field's page image).

    ``faint=True`` gives a thin, light (pencil-like) signature.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    ink = ink or pick_ink(rng)
    box = field_box_px(contract, field_id, dpi)
    arr = np.array(image.convert("RGB"))
    base_w = dpi / 72 * (0.6 if faint else rng.uniform(1.0, 1.7))
    colour = np.array((150, 155, 175) if faint else ink, dtype=np.float32)
    x0, y0, x1, y1 = box
    layer = np.zeros((y1 - y0, x1 - x0), np.float32)
    for stroke in signature_strokes(box, rng):
        n = len(stroke)
        widths = base_w * (0.7 + 0.6 * np.sin(np.linspace(0, np.pi, n)) ** 0.5)
        pts = np.round(stroke - np.float64([x0, y0])).astype(np.int32)
        for i in range(n - 1):
            cv2.line(layer, tuple(map(int, pts[i])), tuple(map(int, pts[i + 1])), 1.0,
                     max(1, int(round(widths[i]))), lineType=cv2.LINE_AA)
    alpha = layer[..., None] * (0.55 if faint else 0.95)
    crop = arr[y0:y1, x0:x1].astype(np.float32)
    arr[y0:y1, x0:x1] = (crop * (1 - alpha) + colour * alpha).astype(np.uint8)
    return Image.fromarray(arr)


# --------------------------------------------------------------------------------------------
# fictitious values
# --------------------------------------------------------------------------------------------

GIVEN_NAMES = ["Łukasz", "Sanne", "Daan", "Fatima", "Mehmet", "Thi Lan", "Anouk", "Jeroen",
               "Søren", "Émile", "Noor", "Bram", "Aylin", "Pieter", "Zoë", "Kees"]
SURNAMES = ["Nguyễn", "Ørsted", "Şahin", "de Vries", "van den Berg", "Jansen", "Bakker",
            "El Amrani", "Visser", "Kowalski", "van Dijk", "Smit", "Müller", "Öztürk"]
PLACES = ["Amsterdam", "Utrecht", "'s-Hertogenbosch", "Den Haag", "Zwolle", "Groningen",
          "Leeuwarden", "Maastricht", "Enschede", "Haarlem", "Delft", "Nijmegen"]
STREETS = ["Keizersgracht", "Lindelaan", "Kerkstraat", "Dorpsstraat", "Oranjeweg", "Molenpad",
           "Stationsplein", "Beukenlaan", "Havenkade"]
BANKS = ["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"]
MAIL_DOMAINS = ["voorbeeld.nl", "example.com", "example.nl", "test.nl"]


def ascii_fold(text: str) -> str:
    """'Łukasz Ørsted' -> 'Lukasz Orsted' (for e-mail addresses)."""
    table = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Æ": "AE",
                           "æ": "ae", "Đ": "D", "đ": "d", "ı": "i"})
    text = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in text if not unicodedata.combining(c))


def _pick(rng: Rng, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def iban_nl(rng: Rng) -> str:
    """A Dutch IBAN with a valid mod-97 checksum, grouped by four ('NL91 ABNA 0417 1643 00')."""
    bank = _pick(rng, BANKS)
    account = "".join(str(int(d)) for d in rng.integers(0, 10, 10))
    bban = bank + account
    digits = "".join(str(int(c, 36)) for c in bban + "NL00")
    check = 98 - int(digits) % 97
    iban = f"NL{check:02d}{bban}"
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def iban_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def person(rng: Rng) -> dict[str, str]:
    """A consistent fictitious person: given, surname, name, email, phone, address."""
    given, surname = _pick(rng, GIVEN_NAMES), _pick(rng, SURNAMES)
    local = ascii_fold(f"{given.split()[0]}.{surname}").lower().replace(" ", "").replace("'", "")
    return {
        "given": given, "surname": surname, "name": f"{given} {surname}",
        "email": f"{local}@{_pick(rng, MAIL_DOMAINS)}", "phone": fill_values("phone", rng),
        "street": fill_values("street", rng), "postcode": fill_values("postcode", rng),
        "city": _pick(rng, PLACES), "country": "Nederland",
    }


def fill_values(kind: str, rng: Rng, *, today: dt.date | None = None) -> str:
    """A realistic fictitious value for a field kind (text, email, phone, iban, date, place,
    checkbox) or a few well-known ids (name, street, postcode, customer_id, id_number)."""
    if kind in ("text", "name"):
        return f"{_pick(rng, GIVEN_NAMES)} {_pick(rng, SURNAMES)}"
    if kind == "email":
        local = ascii_fold(_pick(rng, GIVEN_NAMES).split()[0]).lower()
        return f"{local}{int(rng.integers(1, 99))}@{_pick(rng, MAIL_DOMAINS)}"
    if kind == "phone":
        n = "".join(str(int(d)) for d in rng.integers(0, 10, 8))
        style = int(rng.integers(3))
        return (f"06-{n}", f"+31 6 {n[:4]} {n[4:]}", f"020-{n[1:]}")[style]
    if kind == "iban":
        return iban_nl(rng)
    if kind == "date":
        d = (today or clock.today()) - dt.timedelta(days=int(rng.integers(0, 8)))
        return d.strftime("%d-%m-%Y")
    if kind == "place":
        return _pick(rng, PLACES)
    if kind == "checkbox":
        return "x" if rng.random() < 0.4 else "v"
    if kind == "street":
        return f"{_pick(rng, STREETS)} {int(rng.integers(1, 250))}"
    if kind == "postcode":
        letters = "ABCDEGHJKLMNPRSTVWXZ"
        return (f"{int(rng.integers(1000, 9999))} "
                f"{letters[int(rng.integers(20))]}{letters[int(rng.integers(20))]}")
    if kind == "customer_id":
        return f"K{int(rng.integers(1000000, 9999999))}"
    if kind == "id_number":
        letters = "ABCDEFGHJKLMNPRSTUVWXZ"
        return ("".join(letters[int(i)] for i in rng.integers(0, 22, 2))
                + "".join(str(int(d)) for d in rng.integers(0, 10, 6)) + str(int(rng.integers(10))))
    raise ValueError(f"unknown kind {kind!r}")


# --------------------------------------------------------------------------------------------
# degradation: scanner and phone camera
# --------------------------------------------------------------------------------------------


def _grain(shape: tuple[int, ...], sigma: float, rng: Rng) -> np.ndarray:
    """Gaussian noise (float32); OpenCV's generator, seeded from ``rng`` (fast, reproducible)."""
    cv2.setRNGSeed(int(rng.integers(2 ** 31)))
    out = np.empty(shape, np.float32)
    cv2.randn(out, 0.0, float(sigma))
    return out


def _smooth_field(h: int, w: int, rng: Rng, cells: int) -> np.ndarray:
    """Low-frequency noise in [-1, 1]-ish, computed small and scaled up (fast)."""
    small = rng.standard_normal((max(2, cells * h // max(h, w)), max(2, cells * w // max(h, w))),
                                dtype=np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _background(h: int, w: int, rng: Rng) -> np.ndarray:
    """A table-like background: a wood/desk colour with low-frequency blotches and grain."""
    base = np.array([(150, 110, 75), (185, 170, 150), (90, 90, 95), (200, 195, 185),
                     (120, 80, 50)][int(rng.integers(5))], np.float32)
    sh, sw = max(8, h // 8), max(8, w // 8)
    small = (base + 12 * _smooth_field(sh, sw, rng, 24)[..., None]
             + 10 * cv2.resize(rng.standard_normal((sh // 2 + 1, 3), dtype=np.float32),
                               (sw, sh))[..., None]
             + _grain((sh, sw, 1), 4, rng))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _lighting(h: int, w: int, rng: Rng, strength: float) -> np.ndarray:
    """Uneven light: a smooth gradient plus a soft shadow, values around 1 (H x W x 1)."""
    sh, sw = max(8, h // 16), max(8, w // 16)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    gx, gy = rng.uniform(-1, 1, 2)
    grad = 1 - strength * 0.5 * (1 + (gx * (xx / sw - 0.5) + gy * (yy / sh - 0.5)))
    cx, cy = rng.uniform(0, sw), rng.uniform(0, sh)
    r = max(sh, sw) * rng.uniform(0.3, 0.6)
    shadow = 1 - strength * 0.6 * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
    return cv2.resize((grad * shadow).astype(np.float32), (w, h),
                      interpolation=cv2.INTER_LINEAR)[..., None]


def _rotate_any(arr: np.ndarray, deg: float, fill: tuple[int, int, int],
                skew: float = 0.0) -> np.ndarray:
    """Turn by ``deg`` (counter-clockwise) after a horizontal shear, in one warp, canvas grown."""
    deg = deg % 360
    if not skew:
        for right, code in ((90, cv2.ROTATE_90_COUNTERCLOCKWISE), (180, cv2.ROTATE_180),
                            (270, cv2.ROTATE_90_CLOCKWISE)):
            if abs(deg - right) < 1e-6:
                return cv2.rotate(arr, code)
        if abs(deg) < 1e-6:
            return arr
    h, w = arr.shape[:2]
    t = np.deg2rad(deg)
    rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    lin = rot @ np.array([[1.0, skew], [0.0, 1.0]])
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], float) @ lin.T
    lo, hi = corners.min(axis=0), corners.max(axis=0)
    m = np.hstack([lin, -lo[:, None]]).astype(np.float32)
    size = (int(np.ceil(hi[0] - lo[0])), int(np.ceil(hi[1] - lo[1])))
    return cv2.warpAffine(arr, m, size, flags=cv2.INTER_LINEAR, borderValue=fill)


def degrade(image: Image.Image, rng: Rng, *, rotate_deg: float = 0.0, skew: float = 0.0,
            perspective: float = 0.0, blur: float = 0.0, noise: float = 0.0,
            jpeg_quality: int | None = None, bw: bool = False, src_dpi: int | None = None,
            dpi: int | None = None, lighting: float | None = None,
            paper_tint: bool = False) -> Image.Image:
    """Make a clean page look scanned or photographed.

    rotate_deg: any angle (counter-clockwise; 90/180/270 are exact, lossless turns).
    skew: horizontal shear factor (e.g. 0.02), like a page dragged through a feeder.
    perspective: 0 = flat scan; 0.02-0.1 = phone photo: the page warped by that fraction of its
        size at each corner onto a larger table background, with uneven lighting.
    blur: Gaussian sigma in pixels. noise: Gaussian sigma in grey levels.
    jpeg_quality: 30-95 -> JPEG round trip. bw: binarised black-and-white scan.
    src_dpi/dpi: resample from the render resolution to the scan resolution (e.g. 300 -> 150).
    """
    arr = np.array(image.convert("RGB"))
    if src_dpi and dpi and src_dpi != dpi:
        f = dpi / src_dpi
        arr = cv2.resize(arr, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    if paper_tint:
        tint = rng.uniform(235, 252, 3) / 255
        lut = np.stack([np.arange(256) * t for t in tint], axis=-1).astype(np.uint8)
        arr = cv2.LUT(arr, lut.reshape(256, 1, 3))
    white = (255, 255, 255)
    if skew and perspective > 0:
        arr = _rotate_any(arr, 0.0, white, skew)
        skew = 0.0
    if perspective > 0:
        h, w = arr.shape[:2]
        border = rng.uniform(0.08, 0.2)
        bh, bw_ = int(h * (1 + 2 * border)), int(w * (1 + 2 * border))
        ox, oy = (bw_ - w) / 2, (bh - h) / 2
        src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
        jitter = rng.uniform(-perspective, perspective, (4, 2)) * np.float32([w, h])
        dst = (src + np.float32([ox, oy]) + jitter).astype(np.float32)
        m = cv2.getPerspectiveTransform(src, dst)
        bg = np.clip(_background(bh, bw_, rng), 0, 255).astype(np.uint8)
        warped = cv2.warpPerspective(arr, m, (bw_, bh), flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (bw_, bh))
        np.copyto(bg, warped, where=(mask > 127)[..., None])
        light = _lighting(bh, bw_, rng, lighting if lighting is not None
                          else rng.uniform(0.15, 0.4))[..., 0]
        balance = (rng.uniform(0.96, 1.0), 1.0, rng.uniform(0.98, 1.04))
        arr = cv2.merge([cv2.multiply(ch, light, scale=b, dtype=cv2.CV_8U)
                         for ch, b in zip(cv2.split(bg), balance, strict=True)])
        white = tuple(int(v) for v in arr[0, 0])
    elif lighting:
        h, w = arr.shape[:2]
        arr = np.clip(arr.astype(np.float32) * _lighting(h, w, rng, lighting), 0, 255
                      ).astype(np.uint8)
    if rotate_deg % 360 or skew:
        arr = _rotate_any(arr, rotate_deg, white, skew)
    if blur > 0:
        arr = cv2.GaussianBlur(arr, (0, 0), blur)
    if noise > 0:
        grain = _grain(arr.shape[:2], noise, rng)
        arr = cv2.add(arr, cv2.merge([grain] * 3), dtype=cv2.CV_8U)
    if bw:
        grey = cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
        # a scanner's fixed threshold (Otsu, nudged): solid areas stay solid
        otsu, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        level = float(np.clip(otsu + rng.uniform(-15, 15), 60, 200))
        _, binary = cv2.threshold(grey, level, 255, cv2.THRESH_BINARY)
        out = Image.fromarray(binary).convert("1", dither=Image.Dither.NONE)
        return out if jpeg_quality is None else _jpeg(out.convert("L"), jpeg_quality)
    out = Image.fromarray(arr)
    return out if jpeg_quality is None else _jpeg(out, jpeg_quality)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=int(quality))
    buf.seek(0)
    out = Image.open(buf)
    out.load()
    return out


def jpeg_bytes(image: Image.Image, quality: int = 85, dpi: int | None = None) -> bytes:
    buf = io.BytesIO()
    img = image if image.mode in ("RGB", "L") else image.convert(
        "L" if image.mode == "1" else "RGB")
    kwargs: dict[str, Any] = {"quality": int(quality)}
    if dpi:
        kwargs["dpi"] = (dpi, dpi)
    img.save(buf, format="JPEG", **kwargs)
    return buf.getvalue()


def pages_to_pdf(images: list[Image.Image], dpi: int, quality: int = 80) -> bytes:
    """A scanner-style PDF: one full-page image per page (JPEG, or 1-bit for b/w pages)."""
    buf = io.BytesIO()
    prepared = [im if im.mode in ("RGB", "L", "1") else im.convert("RGB") for im in images]
    kwargs: dict[str, Any] = {}
    if all(im.mode == "1" for im in prepared):  # 1-bit pages (CCITT G4), no JPEG quality
        pass
    else:
        prepared = [im.convert("L") if im.mode == "1" else im for im in prepared]
        kwargs["quality"] = int(quality)
    prepared[0].save(buf, format="PDF", save_all=True, append_images=prepared[1:],
                     resolution=float(dpi), **kwargs)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# a digital PDF filled in a viewer (typed, never printed)
# --------------------------------------------------------------------------------------------


def fill_digital(pdf: bytes, values: dict[str, str]) -> bytes:
    """The form with AcroForm values typed in (as a PDF viewer would save it).

    Text values get pypdf-generated appearances; ticked checkboxes are set to their 'on' state.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        texts: dict[str, str] = {}
        for annot_ref in page.get("/Annots") or []:
            annot = annot_ref.get_object()
            name = annot.get("/T") or (annot.get("/Parent") or {}).get("/T")
            value = values.get(str(name)) if name is not None else None
            if not value:
                continue
            if annot.get("/FT") == "/Btn":
                states = [k for k in annot["/AP"]["/N"] if k != "/Off"]
                on = NameObject(states[0] if states else "/Yes")
                annot[NameObject("/V")] = on
                annot[NameObject("/AS")] = on
            else:
                texts[str(name)] = value
        if texts:
            writer.update_page_form_field_values(page, texts, auto_regenerate=False)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
