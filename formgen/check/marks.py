"""Accents a typed value's reading lost, put back by comparing it with the page.

PP-OCR's recogniser (a model for Chinese and English) reads "Zoë Öztürk" as "Zoe Ozturk". A
value typed in a PDF viewer is drawn in the form's field font (DejaVu Sans), so the page shows
what each letter is: the reading is drawn in that font and laid on the line's ink once (scale
from the width, placed where it fits best); then, letter by letter, a marked form of the
letter (ë, Ö, Ø) is taken when the pixels it adds or takes away agree with the ink on the
page for the most part (MARK_AGREEMENT), both the pixels it adds (the mark is on the page)
and those it takes away (the dot of an i is not). The layout is fitted on the reading as read, so an
accent tried never moves the fit: only the mark's own pixels decide.
"""

from __future__ import annotations

import itertools
import unicodedata
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formgen.form.fonts import REGULAR
from formgen.resources import fonts_dir

RENDER_SIZE = 48  # px
# A marked letter is taken when at least this share of the pixels in which it differs from
# the letter as read agree with the ink on the page (and at least MARK_MIN_PIXELS differ).
# Chosen on the tune half of benchmarks/bench_changes.py.
MARK_AGREEMENT = 0.5
MARK_MIN_PIXELS = 10  # pixels; fewer: noise at the edge of a letter
EDGE_PIXELS = 2  # pixels on the edge of a mark that may disagree, whatever its size
# The marked letters tried: Latin-1's (ë, é, ö, ø, ç...), the most common in the names
# customers write. At 150 dpi the marks of the other Latin blocks are told apart from these
# less surely than they are missed (ł taken for l, ē for ë, Ķ for K on the tune half).
_MARKED_BLOCKS = ((0xC0, 0xFF),)
_NO_DECOMPOSITION = {"O": "Øø"}
SHIFT = 0.25  # the reading is moved up and down by up to this part of its height to fit it
# Slopes a line's fit is tried at (pixels down per pixel along): up to 1.4 % (about 4 px over
# a name at 300 dpi).
SLOPES = tuple(k / 500 for k in range(-7, 8) if k)


@cache
def drawing_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts_dir() / REGULAR), RENDER_SIZE)


@cache
def marked(letter: str) -> tuple[str, ...]:
    """The letters with marks of this letter (é, ë for e; Ø for O), same case. None for i:
    its mark takes the place of the dot, a change too small to tell from the dot at 150 dpi
    (an i read as ì in plain words on the tune side)."""
    if letter in "iI":
        return ()
    found = []
    for first, last in _MARKED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            if char != letter and unicodedata.normalize("NFD", char)[:1] == letter and \
                    unicodedata.category(char) in ("Lu", "Ll"):
                found.append(char)
    extra = _NO_DECOMPOSITION.get(letter.upper(), "")
    return tuple(found) + tuple(c for c in extra if c.isupper() == letter.isupper())


# A PDF viewer writes a field's value letter after letter without kerning ("To" as wide as
# "T" and "o"): drawn so too.
UNKERNED = ["-kern"]


def _draw(text: str, size: tuple[int, int], origin: tuple[float, float]) -> np.ndarray:
    return _draw_grey(text, size, origin) > 127


def _draw_grey(text: str, size: tuple[int, int], origin: tuple[float, float]) -> np.ndarray:
    canvas = Image.new("L", size, 0)
    ImageDraw.Draw(canvas).text(origin, text, fill=255, font=drawing_font(), features=UNKERNED)
    return np.asarray(canvas)


class Fit:
    """The reading drawn at RENDER_SIZE, and how it maps onto the line's ink."""

    def __init__(self, ink: np.ndarray, text: str) -> None:
        font = drawing_font()
        left, top, right, bottom = font.getbbox(text, features=UNKERNED)
        pad = RENDER_SIZE
        self.size = (int(right - left) + 2 * pad, int(bottom - top) + 2 * pad)
        self.origin = (pad - left, pad - top)
        drawn = _draw(text, self.size, self.origin)
        ys, xs = np.nonzero(drawn)
        sy, sx = np.nonzero(ink)
        scale = (sx.max() - sx.min() + 1) / max(1, xs.max() - xs.min() + 1)
        self.shape = ink.shape
        source = drawn.astype(np.float32)
        inked = ink.astype(bool)

        def score(matrix: np.ndarray) -> int:
            """Pixels the placed drawing lays on ink, less those it lays on paper."""
            placed = self._warp(source, matrix) > 0.5
            on_ink = np.count_nonzero(placed & inked)
            return int(2 * on_ink - np.count_nonzero(placed))

        best = None
        height = (ys.max() - ys.min() + 1) * scale
        for dy in np.linspace(-SHIFT * height, SHIFT * height, 17):
            for dx in (-1.0, 0.0, 1.0):
                matrix = np.array([[scale, 0, sx.min() - xs.min() * scale + dx],
                                   [0, scale, sy.max() - ys.max() * scale + dy]],
                                  dtype=np.float32)
                found = score(matrix)
                if best is None or found > best[0]:
                    best = (found, matrix)
        assert best is not None
        # a line cut a little askew (the scan's turn left in it: a few pixels from one end to
        # the other) is fitted with a slope too, turned about its middle
        middle = (sx.min() + sx.max()) / 2
        level = best[1]
        for slope in SLOPES:
            for dy in (-1.0, -0.5, 0.0, 0.5, 1.0):
                matrix = level.copy()
                matrix[1] = [slope * scale, scale,
                             level[1, 2] + dy + slope * (level[0, 2] - middle)]
                found = score(matrix)
                if found > best[0]:
                    best = (found, matrix)
        self.matrix = best[1]

    def _warp(self, drawn: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        return cv2.warpAffine(drawn, matrix, (self.shape[1], self.shape[0]),
                              flags=cv2.INTER_AREA)

    def _place(self, drawn: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        return self._warp(drawn.astype(np.float32), matrix) > 0.5

    def place(self, text: str) -> np.ndarray:
        return self._place(_draw(text, self.size, self.origin), self.matrix)

    def place_grey(self, text: str) -> np.ndarray:
        """The reading placed as place() does, in grey: the share of each pixel the letters
        cover (0..1)."""
        drawn = _draw_grey(text, self.size, self.origin).astype(np.float32) / 255
        return self._warp(drawn, self.matrix)


def _agrees(pixels: np.ndarray, where: np.ndarray) -> bool:
    """At least MARK_AGREEMENT of these pixels (if any) lie where the page says they should."""
    count = int(pixels.sum())
    return count - int((pixels & where).sum()) <= max(EDGE_PIXELS,
                                                      (1 - MARK_AGREEMENT) * count)


def restore_marks(line: np.ndarray, text: str) -> str:
    """The reading of a line typed in the field font with its lost accents put back (see the
    module docstring); line: the line's crop as the recogniser got it. (A line the Latin
    recogniser read has its letters chosen by check.typed_letters instead.)"""
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = binary.astype(bool)
    if not ink.any() or not any(c.isalpha() for c in text):
        return text
    fit = Fit(ink, text)
    chars = list(text)
    base = fit.place(text)
    for i, char in enumerate(chars):
        if not char.isalpha():
            continue
        candidates = marked(char) if char.isascii() else ()
        best, choice = 0, char
        for candidate in candidates:
            chars[i] = candidate
            tried = fit.place("".join(chars))
            added, removed = tried & ~base, base & ~tried
            changed = int(added.sum() + removed.sum())
            if changed < MARK_MIN_PIXELS:
                continue
            agree = int((added & ink).sum()) + int((removed & ~ink).sum())
            gain = 2 * agree - changed  # pixels that agree with the page, less those that do not
            if _agrees(added, ink) and _agrees(removed, ~ink) and gain > best:
                best, choice = gain, candidate
        chars[i] = choice
        if choice != char:
            base = fit.place("".join(chars))
    return "".join(chars)


# Letters and digits PP-OCR's recogniser takes for one another in print; in the field font
# each pair looks clearly different (the 1's flag and foot, the 0 narrower than the O); an I
# and an l do not (the l a little taller), so I is left as read.
CONFUSABLE = ("l1", "O0")
# A swap is taken when the line drawn with it, fitted anew, differs from the page's ink in
# this share fewer pixels than the reading as read. Chosen on the tune half of
# benchmarks/bench_changes.py.
SWAP_GAIN = 0.05


def mismatch(ink: np.ndarray, text: str) -> int:
    return int((Fit(ink, text).place(text) ^ ink).sum())


def line_ink(line: np.ndarray) -> np.ndarray:
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return binary.astype(bool)


def resolve_confusables(line: np.ndarray, text: str) -> str:
    """The reading of a line typed in the field font with each confusable character (see
    CONFUSABLE) as the page shows it: the whole line drawn with the other one of the pair,
    fitted anew, must match the ink clearly better (SWAP_GAIN). Two of a pair read the other
    way round ("aylin1" read "ay1inl") are swapped together: each alone makes the line wider
    or narrower than the page and fits it worse."""
    ink = line_ink(line)
    if not ink.any():
        return text
    best = mismatch(ink, text)
    while True:
        places = [i for i, c in enumerate(text) if any(c in g for g in CONFUSABLE)]
        options = [_swapped(text, (i,)) for i in places]
        options += [_swapped(text, (i, j)) for i, j in itertools.combinations(places, 2)
                    if any(text[i] + text[j] in (g, g[::-1]) for g in CONFUSABLE)]
        if not options:
            return text
        score, option = min((mismatch(ink, option), option) for option in options)
        if score > (1 - SWAP_GAIN) * best:
            return text
        best, text = score, option


def _swapped(text: str, places: tuple[int, ...]) -> str:
    """text with the characters at places each the other one of its CONFUSABLE pair."""
    chars = list(text)
    for i in places:
        (pair,) = [g for g in CONFUSABLE if chars[i] in g]
        chars[i] = pair.replace(chars[i], "")
    return "".join(chars)
