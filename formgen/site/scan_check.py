"""What the help center's scan check ("Controleer uw scan") needs, written into the site at build
time: the form's pages, boxes and rules from the layout contract, the validator's ink measures,
the validator's darkness rules for pen, the pinned browser parts (pdf.js, the ZXing QR reader,
js-aruco2, heic-to, onnxruntime-web) copied from node_modules, the validator's text recogniser
made small (formgen.site.ocr_model), and the MRZ's character shapes for the browser's
MRZ reader (controle-mrz.js), with the digits of a few type faces for a BSN printed elsewhere on
the copy, the letters of its label ("BSN", "Persoonsnummer") and the place where the ID card and
the passport print it (formgen.check.identity.layout).

The MRZ shapes are the 37 characters of the MRZ alphabet rendered from OCR-B (ICAO 9303
prescribes it for every MRZ), from the Debian package fonts-ocr-b (Matthew Skala's OCR-B, public
domain; Norbert Schwarz's metafont sources, "free to use, modify and distribute"). Only the small
grids go into the site, not the font.

Nothing here is a second copy of a fact: the boxes come from `layout_contract` (what
`formgen fields --json` prints), the token's parts and their patterns from `formgen.token`,
the ink measures from `formgen.check.ink`, the pen's darkness from `formgen.check.decision`.
The browser loads all of it only when the customer uses the check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.errors import SiteBuildError
from formgen.form.build import layout_contract, write_bytes
from formgen.site.ocr_model import browser_model, gzipped, validator_model

CHECK_DIR = "controle"  # docs/controle/ -> site/controle/
DATA_NAME = "formulier.json"
MRZ_NAME = "mrz.json"  # loaded only when a page without the form's QR code is checked
VENDOR_DIR = "vendor"


@dataclass(frozen=True)
class VendorFile:
    package: str
    path: str  # inside node_modules/<package>/
    name: str  # in docs/controle/vendor/
    gzip: bool = False  # written gzip-compressed as name + ".gz" (the browser unpacks it)


# The browser parts, pinned in package.json / package-lock.json (npm ci installs them).
VENDOR_FILES = (
    VendorFile("pdfjs-dist", "build/pdf.min.mjs", "pdf.min.mjs"),
    VendorFile("pdfjs-dist", "build/pdf.worker.min.mjs", "pdf.worker.min.mjs"),
    VendorFile("pdfjs-dist", "LICENSE", "LICENSE.pdfjs.txt"),
    VendorFile("zxing-wasm", "dist/iife/reader/index.js", "zxing-reader.js"),
    VendorFile("zxing-wasm", "dist/reader/zxing_reader.wasm", "zxing_reader.wasm"),
    VendorFile("zxing-wasm", "LICENSE", "LICENSE.zxing-wasm.txt"),
    VendorFile("js-aruco2", "src/cv.js", "aruco-cv.js"),
    VendorFile("js-aruco2", "src/aruco.js", "aruco.js"),
    VendorFile("js-aruco2", "src/dictionaries/aruco_4x4_1000.js", "aruco_4x4_1000.js"),
    VendorFile("js-aruco2", "LICENSE.txt", "LICENSE.js-aruco2.txt"),
    # libheif for HEIC photos (iPhone), the build that needs no 'unsafe-eval' in the CSP;
    # loaded only when a HEIC photo is picked that the browser cannot open itself
    VendorFile("heic-to", "dist/csp/heic-to.js", "heic-to.js"),
    VendorFile("heic-to", "LICENSE", "LICENSE.heic-to.txt"),
    # onnxruntime-web for the validator's text recogniser (controle-ocr.js): loaded only when an
    # ID copy's MRZ is read; its wasm (14.8 MB) is sent gzip-compressed (3.8 MB)
    VendorFile("onnxruntime-web", "dist/ort.wasm.bundle.min.mjs", "ort.wasm.bundle.min.mjs"),
    VendorFile("onnxruntime-web", "dist/ort-wasm-simd-threaded.wasm",
               "ort-wasm-simd-threaded.wasm", gzip=True),
)
OCR_MODEL_NAME = "ocr-rec.onnx.gz"  # the validator's recogniser made small (site/ocr_model.py)
OCR_CHARS_NAME = "ocr-rec.json"  # its classes' characters (0: the CTC blank)


OCRB_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
OCRB_LICENSE = Path("/usr/share/doc/fonts-ocr-b/copyright")  # beside the other licences
LICENSE_OCRB_NAME = "LICENSE.ocr-b.txt"
# the recogniser's models are PaddleOCR's (Apache-2.0), as rapidocr-onnxruntime ships them
OCR_LICENSE = Path("/usr/share/common-licenses/Apache-2.0")
LICENSE_OCR_NAME = "LICENSE.paddleocr.txt"
MRZ_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
# a character's cell: one pitch wide, from the top of a capital to the baseline, sampled on this
# grid (the browser samples a read character on the same grid)
MRZ_GRID = (12, 16)  # columns, rows
_RENDER_PITCH_PX = 96
# Printed numbers (a BSN printed on the card or the passport page, outside the MRZ): the digits
# of OCR-B and of common sans-serif type faces, each glyph's own ink box sampled on this grid
# (the browser samples a speck's box the same way). Each font with its Debian package.
DIGIT_FONTS = (
    (OCRB_FONT, "fonts-ocr-b"),
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), "fonts-dejavu-core"),
    (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"), "fonts-dejavu-core"),
    (Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
     "fonts-liberation2"),
    (Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"), "fonts-liberation2"),
)
DIGIT_GRID = (8, 12)  # columns, rows
# the letters too, so that a letter is not read as the digit it is least unlike
DIGIT_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# The personal number's label ("BSN", "Persoonsnummer"), read in the document's small print:
# the capitals, small letters and digits of the common sans-serif faces (DIGIT_FONTS but
# OCR-B), on the digits' grid
LABEL_FONTS = DIGIT_FONTS[1:]
LABEL_CHARS = DIGIT_CHARS + "abcdefghijklmnopqrstuvwxyz"
# a long label is read as one shape (its small letters run together in small print): the word's
# ink box sampled on WORD_COLUMNS columns per letter and WORD_ROWS rows
LONG_LABELS = ("Persoonsnummer",)
WORD_COLUMNS = 4
WORD_ROWS = 10


def mrz_templates(font_path: Path = OCRB_FONT) -> dict[str, Any]:
    """The MRZ alphabet's shapes as ink grids (0-100 per sample) for the browser's reader."""
    from PIL import Image, ImageDraw, ImageFont

    if not font_path.is_file():
        raise SiteBuildError("het lettertype van de MRZ ontbreekt (voor de scancontrole): "
                             "installeer het pakket 'fonts-ocr-b'",
                             source=str(font_path))
    probe = ImageFont.truetype(str(font_path), 100)
    size = max(8, round(100 * _RENDER_PITCH_PX / probe.getlength("0")))
    font = ImageFont.truetype(str(font_path), size)
    pitch = font.getlength("0")
    cap_top = font.getbbox("H", anchor="ls")[1]  # negative: above the baseline
    cols, rows = MRZ_GRID
    shapes = []
    for ch in MRZ_CHARS:
        left, _, right, _ = font.getbbox(ch, anchor="ls")
        height = -cap_top
        canvas = Image.new("L", (round(pitch), round(height)), 0)
        # the glyph's ink centred in its cell, the baseline at the cell's bottom
        x = pitch / 2 - (left + right) / 2
        ImageDraw.Draw(canvas).text((x, height), ch, font=font, fill=255, anchor="ls")
        small = canvas.resize((cols, rows), Image.Resampling.BOX)
        shapes.append([round(v * 100 / 255) for v in small.tobytes()])
    return {"chars": MRZ_CHARS, "cols": cols, "rows": rows, "shapes": shapes,
            "digits": digit_templates(), "letters": digit_templates(LABEL_FONTS, LABEL_CHARS),
            "words": word_templates(),
            "documents": document_layouts()}


def document_layouts() -> dict[str, Any]:
    """The ID card's and the passport's layout around the MRZ (formgen.check.identity.layout),
    in MRZ pitches from the MRZ's first character: the document's height and the personal
    number's place, which the browser must see covered before it says the BSN is."""
    from formgen.check.identity.layout import LAYOUTS, in_pitches

    return {kind: in_pitches(layout) for kind, layout in LAYOUTS.items()}


def digit_templates(fonts: tuple[tuple[Path, str], ...] = DIGIT_FONTS,
                    chars: str = DIGIT_CHARS) -> dict[str, Any]:
    """The characters (default: the digits and capitals, DIGIT_CHARS) of each font (default
    DIGIT_FONTS) as ink grids (0-100), each glyph's ink box stretched over the grid, for the
    browser's search for a printed BSN (and with LABEL_FONTS, LABEL_CHARS: for its label)."""
    from PIL import Image, ImageDraw, ImageFont

    cols, rows = DIGIT_GRID
    shapes = []
    for path, package in fonts:
        if not path.is_file():
            raise SiteBuildError("een lettertype voor de scancontrole ontbreekt: installeer het "
                                 f"pakket '{package}'", source=str(path))
        font = ImageFont.truetype(str(path), 120)
        for char in chars:
            left, top, right, bottom = (round(v) for v in font.getbbox(char))
            canvas = Image.new("L", (right - left + 4, bottom - top + 4), 0)
            ImageDraw.Draw(canvas).text((2 - left, 2 - top), char, font=font, fill=255)
            box = canvas.getbbox()
            small = canvas.crop(box).resize((cols, rows), Image.Resampling.BOX)
            shapes.append([round(v * 100 / 255) for v in small.tobytes()])
    return {"chars": chars, "cols": cols, "rows": rows, "shapes": shapes}


def word_templates(fonts: tuple[tuple[Path, str], ...] = LABEL_FONTS,
                   words: tuple[str, ...] = LONG_LABELS) -> list[dict[str, Any]]:
    """Each long label in each font as one ink grid (0-100) over the word's ink box, with the
    box's width over its height (the browser compares a run of letters of about that shape)."""
    from PIL import Image, ImageDraw, ImageFont

    out = []
    for word in words:
        cols, shapes, aspects = WORD_COLUMNS * len(word), [], []
        for path, package in fonts:
            if not path.is_file():
                raise SiteBuildError("een lettertype voor de scancontrole ontbreekt: "
                                     f"installeer het pakket '{package}'", source=str(path))
            font = ImageFont.truetype(str(path), 120)
            left, top, right, bottom = (round(v) for v in font.getbbox(word))
            canvas = Image.new("L", (right - left + 4, bottom - top + 4), 0)
            ImageDraw.Draw(canvas).text((2 - left, 2 - top), word, font=font, fill=255)
            box = canvas.getbbox()
            if box is None:
                raise SiteBuildError(f"het lettertype tekent '{word}' niet", source=str(path))
            aspects.append(round((box[2] - box[0]) / (box[3] - box[1]), 3))
            small = canvas.crop(box).resize((cols, WORD_ROWS), Image.Resampling.BOX)
            shapes.append([round(v * 100 / 255) for v in small.tobytes()])
        out.append({"word": word, "cols": cols, "rows": WORD_ROWS, "aspects": aspects,
                    "shapes": shapes})
    return out


def check_data(config: Path | None = None) -> dict[str, Any]:
    """The pages, boxes and rules the browser checks, from the contract and the validator."""
    from formgen.check import decision, ink, signature, text_lines

    contract = layout_contract(config)
    return {
        "form": contract["form"],
        "units": contract["units"],
        "origin": contract["origin"],
        "pages": contract["pages"],
        "groups": contract["groups"],
        "fields": [{k: f[k] for k in ("id", "label", "kind", "required", "group", "page", "rect")}
                   for f in contract["fields"]],
        "token": token_structure(),
        "ink": {"dpi": ink.CHECK_DPI, "ink_contrast": ink.INK_CONTRAST,
                "faint_contrast": ink.FAINT_CONTRAST, "min_component": ink.MIN_COMPONENT,
                "line_length": ink.LINE_LENGTH,
                "print_percentile": ink.PRINT_PERCENTILE,
                "print_level": ink.PRINT_LEVEL, "print_widen": ink.PRINT_WIDEN,
                "pen_chroma": ink.PEN_CHROMA, "word_gap": ink.WORD_GAP},
        # the validator's darkness rules for pen (formgen.check.decision, rule ink-written),
        # and the darkness below which it reads a required value before calling it written
        # (rules light-seen, light-unread): the page, which reads no text, is not sure there
        # unless the value is as dark as a pen against the copy's print (dark_as_pen)
        "pen": {"signature_min_contrast": decision.SIGNATURE_MIN_CONTRAST,
                "pen_vs_print": decision.PEN_VS_PRINT,
                "change_min_contrast": decision.CHANGE_MIN_CONTRAST,
                "light_answer_contrast": decision.LIGHT_ANSWER_CONTRAST},
        # an empty box by the validator's rule faint-noise: next to no ink (faint_factor of the
        # minimum) and faint marks fewer than the minimum (a signature), or beyond the faint
        # marks around fewer than a faint letter's (a text box: rule faint-letter)
        "empty": {"signature_min_fraction": decision.SIGNATURE_MIN_FRACTION,
                  "faint_factor": decision.FAINT_FACTOR,
                  "faint_letter_min_pixels": decision.FAINT_LETTER_MIN_PIXELS,
                  # not in a band taken for paper (rule band-shaded)
                  "paper_shade_max": decision.PAPER_SHADE_MAX, "shade_inset": ink.SHADE_INSET},
        # the noise of the paper around a box, per column and row (formgen.check.ink.measure),
        # and how much ink beyond it a text box needs to be written (rule ink-written)
        "noise": {"context": ink.CONTEXT, "reach": ink.REACH, "window": ink.NOISE_WINDOW,
                  "min_paper": ink.NOISE_MIN_PAPER, "margin": ink.NOISE_MARGIN,
                  "paper_window": ink.PAPER_WINDOW},
        "written": {"field_min_fraction": decision.FIELD_MIN_FRACTION,
                    "writing_min_share": decision.WRITING_MIN_SHARE,
                    "field_min_pixels": decision.FIELD_MIN_PIXELS,
                    # and as wide as writing, spanning the box, not mostly noise (a signature)
                    "writing_min_width": decision.WRITING_MIN_WIDTH,
                    "signature_min_span": decision.SIGNATURE_MIN_SPAN,
                    "noisy_share": decision.NOISY_SHARE},
        # a required value in light ink is written where so many letters or digits are read
        # on a line that does not span the box from edge to edge (rules light-seen, band_read)
        # where a box's printed border lies near where the page's placement puts it, and its
        # bend along a crease (formgen.check.placement): the box is measured there
        "place": place_data(),
        # the longest smooth pen line through the signature box (signature.longest_pen_curve)
        "pen_curve": {"ridge_sigmas": list(signature.PEN_RIDGE_SIGMAS),
                      "ridge_level": signature.PEN_RIDGE_LEVEL,
                      "margin": signature.RIDGE_MARGIN, "inset": text_lines.INSET,
                      "min": decision.PEN_CURVE_MIN},
        # straight lines and a drum's bands taken out before ink is counted (ink._lines)
        "lines": lines_data(),
        # pen strokes told from grain (ink.stroke_strength), and how many a signature amid
        # noise needs beyond the noise (decision.amid_grain)
        "strokes": strokes_data(),
        "read": {"value_min_characters": decision.VALUE_MIN_CHARACTERS,
                 "across_min_reach": decision.ACROSS_MIN_REACH},
    }


def _offsets(kernel: Any, weights: bool = False) -> list[list[Any]]:
    """A kernel's pixels as [dx, dy] from its anchor (OpenCV's: the centre); with weights,
    [dx, dy, weight]."""
    import numpy as np

    ys, xs = np.nonzero(kernel)
    cy, cx = kernel.shape[0] // 2, kernel.shape[1] // 2
    return [[int(x - cx), int(y - cy)] + ([float(kernel[y, x])] if weights else [])
            for y, x in zip(ys, xs, strict=True)]


def lines_data() -> dict[str, Any]:
    """formgen.check.ink's straight runs and bands (_lines), for controle-lines.js: its
    kernels as OpenCV draws them, so that the browser takes out the same pixels."""
    import cv2

    from formgen.check import ink

    near = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ink.LINE_MAX_WIDTH,) * 2)
    return {"kernels": [_offsets(k) for k in ink.line_kernels()],
            "across": [_offsets(k) for k in ink.across_kernels()],
            "near": _offsets(near), "max_width": ink.LINE_MAX_WIDTH, "inset": ink.MEASURE_INSET,
            "beyond": ink.LINE_BEYOND, "piece_length": ink.PIECE_LENGTH}


def strokes_data() -> dict[str, Any]:
    """formgen.check.ink's stroke strength (stroke_strength), for controle-strokes.js: its
    segments as [dx, dy, weight] from their centre, their mean, and the level a stroke has."""
    import numpy as np

    from formgen.check import decision, ink

    kernels = ink.stroke_kernels()
    return {"kernels": [_offsets(k, weights=True) for k in kernels],
            "mean": _offsets(np.mean(kernels, axis=0), weights=True),
            "contrast": ink.STROKE_CONTRAST, "min_pixels": decision.STROKE_MIN_PIXELS}


def place_data() -> dict[str, Any]:
    """formgen.check.placement's search for a box's border, for controle-place.js."""
    from formgen.check import decision, ink
    from formgen.check import placement as pl

    return {"dpi": ink.CHECK_DPI, "paper_window": ink.PAPER_WINDOW, "margin": pl.MARGIN,
            "search": pl.SEARCH, "follow": pl.FOLLOW, "context": pl.CONTEXT, "dark": pl.DARK,
            "dark_share": pl.DARK_SHARE, "faint": pl.FAINT, "in_place": pl.IN_PLACE,
            "bend_reach": pl.BEND_REACH, "bend_step_cost": pl.BEND_STEP_COST,
            "bend_min": pl.BEND_MIN, "bend_gain": pl.BEND_GAIN,
            "bend_line_shifts": pl.BEND_LINE_SHIFTS, "bend_clear": pl.BEND_CLEAR,
            "bend_held": pl.BEND_HELD, "found_score": decision.FOUND_SCORE,
            "found_cover": decision.FOUND_COVER, "whole_cover": decision.WHOLE_COVER}


def _js_pattern(pattern: re.Pattern[str]) -> str:
    """A Python pattern anchored with \\A...\\Z as a JavaScript one (^...$ without the m flag
    also matches at the very ends only)."""
    source = pattern.pattern
    if not (source.startswith("\\A") and source.endswith("\\Z")):
        raise ValueError(f"pattern not anchored with \\A...\\Z: {source}")
    return source.replace("\\A", "^").replace("\\Z", "$")


def token_structure() -> dict[str, Any]:
    """What the browser can check of a page's token without the key: its parts and their
    patterns, as `formgen.token.parse` checks them (the tag itself only the validator checks)."""
    from formgen import token
    from formgen.definition import FORM_ID_PATTERN

    return {
        "prefix": token.PREFIX,
        "parts": list(token.PART_COUNTS),
        "patterns": {"form_id": _js_pattern(FORM_ID_PATTERN),
                     "number": _js_pattern(token._NUMBER),
                     "date": _js_pattern(token._DATE),
                     "id": _js_pattern(token.ID_PATTERN),
                     "holder": _js_pattern(token._HOLDER),
                     "id_number": _js_pattern(token._ID_NUMBER),
                     "tag": _js_pattern(token._TAG)},
    }


def require_browser_parts(node_modules: Path) -> None:
    """Refuse a help center build without the scan check's parts, before anything is written."""
    missing = [f"{v.package}/{v.path}" for v in VENDOR_FILES
               if not (node_modules / v.package / v.path).is_file()]
    if missing:
        raise SiteBuildError(f"de onderdelen voor de scancontrole ontbreken ({missing[0]}): "
                             "draai eerst 'npm ci' in de map van het helpcentrum",
                             source=str(node_modules))


def write_check_files(docs_dir: Path, node_modules: Path | None,
                      config: Path | None = None) -> Path:
    """Write docs_dir/controle/: always the data; with node_modules, the browser parts too (a
    help center's build needs them; a copy of the form for elsewhere does not)."""
    target = docs_dir / CHECK_DIR
    if node_modules is not None:
        require_browser_parts(node_modules)
    data = json.dumps(check_data(config), ensure_ascii=False, indent=1, sort_keys=True)
    _write_if_changed(target / DATA_NAME, data.encode("utf-8") + b"\n")
    if node_modules is None:
        return target
    shapes = json.dumps(mrz_templates(), separators=(",", ":"))
    _write_if_changed(target / MRZ_NAME, shapes.encode("utf-8") + b"\n")
    if OCRB_LICENSE.is_file():
        _write_if_changed(target / VENDOR_DIR / LICENSE_OCRB_NAME, OCRB_LICENSE.read_bytes())
    if OCR_LICENSE.is_file():
        _write_if_changed(target / VENDOR_DIR / LICENSE_OCR_NAME,
                          b"The text recogniser (PaddleOCR's PP-OCRv4 rec model, from "
                          b"rapidocr-onnxruntime), made smaller by formgen/site/ocr_model.py, "
                          b"is under the Apache License 2.0:\n\n" + OCR_LICENSE.read_bytes())
    for v in VENDOR_FILES:
        part = (node_modules / v.package / v.path).read_bytes()
        _write_if_changed(target / VENDOR_DIR / (v.name + ".gz" if v.gzip else v.name),
                          gzipped(part) if v.gzip else part)
    model, chars = browser_model(*validator_model())
    _write_if_changed(target / VENDOR_DIR / OCR_MODEL_NAME, gzipped(model))
    _write_if_changed(target / VENDOR_DIR / OCR_CHARS_NAME,
                      json.dumps({"chars": chars}, ensure_ascii=False).encode("utf-8") + b"\n")
    return target


def _write_if_changed(path: Path, data: bytes) -> None:
    # mkdocs serve watches docs/: rewriting identical bytes would rebuild forever.
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)
