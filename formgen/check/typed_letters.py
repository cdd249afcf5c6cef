"""Each letter of a typed line chosen from the page among the Latin letters of its base.

A value typed in a PDF viewer is drawn in the form's field font (DejaVu Sans). The recognisers
know the base letters well but not every mark: PP-OCRv6 drops or reads plain the Vietnamese
letters (ị, ặ, ộ), the first recogniser reads them plain or with another mark. Here the line's
reading is drawn in the field font and fitted on the line's ink once (check.marks); then, left
to right, each letter whose surroundings on the page the drawing does not explain is drawn as
every letter of the same base the field font has (LETTERS: o, ó, ô, ộ, ơ, ợ, ø ...) and the
one that differs least from the ink around it is taken, when it is clearly better
(CHOICE_GAIN); where the pixels of a few letters tie (a hook above or an acute, two or three
pixels), their drawings in grey are compared with the grey levels of the ink. A letter
changed so is a guess: the caller lowers the line's confidence.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache

import cv2
import numpy as np
from PIL import ImageFont

from formgen.check.marks import (
    RENDER_SIZE,
    SWAP_GAIN,
    UNKERNED,
    Fit,
    drawing_font,
    line_ink,
    mismatch,
)

# The letters chosen among: Latin-1 Supplement and Latin Extended-A (West, Central and North
# European, Turkish, Baltic letters), Romanian's comma below (ș, ț), Vietnamese's horn (ơ, ư)
# and Latin Extended Additional's Vietnamese letters (U+1EA0..1EF9). Not the rest of
# Extended-B and Additional: phonetic and historic letters nobody types in a name, each a
# look-alike more (ȯ, ḷ).
_LETTER_RANGES = ((0xC0, 0x17F), (0x1A0, 0x1A1), (0x1AF, 0x1B0), (0x218, 0x21B),
                  (0x1EA0, 0x1EF9))
# Latin letters whose first character after decomposition is not their base letter.
_BASE = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ı": "i",
                       "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t"})
# Letters of no base letter, or of another, that look like one (Icelandic þ like b and p, ð
# like d and o, Ð like D; ł like t, a bar crossed: both recognisers read "Niło" as "Nito"),
# chosen among that letter's family too.
_LOOK_ALIKE = {"b": "þ", "p": "þ", "P": "Þ", "d": "ð", "o": "ð", "D": "Ð", "t": "ł"}
# A letter is tried only where the drawing and the ink around it differ in at least this many
# pixels (a mark the reading lacks, or one it has that the page does not show).
UNEXPLAINED_PIXELS = 5
# A line where a letter's surroundings still differ from the drawing in this many pixels
# after the choice is not read surely (a mark no letter of the family explains).
DOUBT_PIXELS = 8
# Another letter is taken when it differs from the ink around the letter in at least
# CHOICE_MIN_PIXELS fewer pixels than the letter as read, and in CHOICE_GAIN of the pixels
# in which the two drawings differ (most of its mark agrees with the page).
CHOICE_MIN_PIXELS = 5
CHOICE_GAIN = 0.25
NEAR = 2  # px: the ink around a letter is moved by up to this much to meet its drawing
# Where the pixels tie, the drawings and the page are compared in grey, both blurred by
# GREY_BLUR px (the scanner's optics), where the letters' drawings differ by GREY_DIFFER.
GREY_BLUR = 1.0
GREY_DIFFER = 0.25


def base(letter: str) -> str:
    """The letter without its marks, same case (ộ -> o, Ł -> L)."""
    return unicodedata.normalize("NFD", letter.translate(_BASE))[:1]


@cache
def family(letter: str) -> tuple[str, ...]:
    """Every letter of the field font's Latin letters (see _LETTER_RANGES) with the base of
    this one, the base letter first (for o: o, ò, ó, ô, ... ø, ơ, ọ, ộ, ợ)."""
    root = base(letter)
    if not root.isascii() or not root.isalpha():
        return (letter,)
    found = [root]
    found += [c for c in _LOOK_ALIKE.get(root, "") if _drawn(c)]
    for first, last in _LETTER_RANGES:
        for code in range(first, last + 1):
            char = chr(code)
            if char != root and unicodedata.category(char) in ("Lu", "Ll") and \
                    base(char) == root and _drawn(char):
                found.append(char)
    return tuple(found)


@cache
def letters_drawn_alike() -> tuple[tuple[str, ...], ...]:
    """The letters chosen among (_LETTER_RANGES) that the field font draws with one outline
    and one advance (Đ is DejaVu Sans's Ð: no page tells them apart), in groups."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(drawing_font().path)
    glyphs, cmap, advances = font.getGlyphSet(), font.getBestCmap(), font["hmtx"]
    groups: dict[tuple[str, int], list[str]] = {}
    for first, last in ((0x41, 0x5A), (0x61, 0x7A), *_LETTER_RANGES):
        for code in range(first, last + 1):
            if code not in cmap or unicodedata.category(chr(code)) not in ("Lu", "Ll"):
                continue
            pen = DecomposingRecordingPen(glyphs)
            glyphs[cmap[code]].draw(pen)
            key = (repr(pen.value), advances[cmap[code]][0])
            groups.setdefault(key, []).append(chr(code))
    return tuple(tuple(group) for group in groups.values() if len(group) > 1)


@cache
def _drawn(char: str) -> bool:
    """The field font has a glyph of its own for char (not its empty box)."""
    font = drawing_font()
    return np.array_equal(font.getmask(char), font.getmask("\uffff")) is False


@lru_cache(maxsize=4096)
def _length(text: str) -> float:
    """The width of text drawn as the viewer draws it (the prefixes of a line are measured
    again and again)."""
    return drawing_font().getlength(text, features=UNKERNED)


def _spans(fit: Fit, text: str) -> list[tuple[int, int]]:
    """Each character's columns on the line (where the fitted drawing puts it)."""
    scale, shift = float(fit.matrix[0, 0]), float(fit.matrix[0, 2])
    spans = []
    for i in range(len(text)):
        x0 = fit.origin[0] + _length(text[:i])
        x1 = fit.origin[0] + _length(text[:i + 1])
        spans.append((int(np.floor(x0 * scale + shift)), int(np.ceil(x1 * scale + shift))))
    return spans


def _grown(mask: np.ndarray) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0


def _unexplained(drawn: np.ndarray, ink: np.ndarray, window: tuple[slice, slice]) -> int:
    """Pixels in the window where the drawing and the ink disagree by more than a pixel:
    ink with no drawing next to it, drawing with no ink next to it (next to it beyond the
    window's edge too: a neighbour's stroke a pixel off at the edge is explained)."""
    x0, x1 = window[1].start, window[1].stop
    a, b = max(0, x0 - 1), min(ink.shape[1], x1 + 1)
    drawn, ink = drawn[:, a:b], ink[:, a:b]
    return int(((ink & ~_grown(drawn)) | (drawn & ~_grown(ink)))[:, x0 - a:x1 - a].sum())


@dataclass(frozen=True)
class Choice:
    text: str
    changed: frozenset[int]  # the places of the letters changed
    # a letter's surroundings are still not explained (DOUBT_PIXELS), or a marked letter is
    # not clearly the page's among the letters of its base (CHOICE_MIN_PIXELS)
    doubtful: bool


def choose_letters(line: np.ndarray, text: str, always: frozenset[int] = frozenset(),
                   others: Mapping[int, str] | None = None, *,
                   refitted: frozenset[int] = frozenset()) -> Choice:
    """The reading of a line typed in the field font with each letter as the page shows it
    (see the module docstring); letters at the places in always (put in from another
    reading) are chosen even where the drawing explains the ink; at the places in others,
    where another reading saw another letter, among both letters' families. refitted: the
    places where a letter of another base was put in (_refitted), not tried again."""
    others = others or {}
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = binary.astype(bool)
    if not ink.any() or not any(c.isalpha() for c in text):
        return Choice(text, frozenset(), False)
    fit = Fit(ink, text)
    # The field's box clips what the viewer draws: a mark stacked on another (ễ, ồ) loses its
    # top on the page; the drawing is clipped where the ink ends.
    rows = np.flatnonzero(ink.any(axis=1))
    shown = np.zeros(ink.shape, dtype=bool)
    shown[rows[0]:rows[-1] + 1] = True
    moves = range(-NEAR, NEAR + 1)
    steps = [(dy, dx) for dy in moves for dx in moves]
    shifted = [np.roll(ink, step, axis=(0, 1)) for step in steps]
    chars = list(text)
    spans = _spans(fit, text)
    placed = fit.place(text) & shown
    changed = set()
    doubtful = False
    dark: np.ndarray | None = None
    for i, char in enumerate(chars):
        options = family(char) if char.isalpha() else (char,)
        if i in others:
            options += tuple(c for c in family(others[i]) if c not in options)
        if char not in options:
            options = (char, *options)
        # a letter alone in its base's family (q, B) is looked at only for a letter elsewhere
        # (a horned vowel read q): its ink left unexplained then says nothing of its own
        alone = len(options) < 2 and not _vowel_place(chars, i)
        if len(options) < 2 and not _elsewhere(chars, i):
            continue
        x0, x1 = max(0, spans[i][0] - NEAR), min(ink.shape[1], spans[i][1] + NEAR)
        if x1 <= x0:
            continue
        window = np.s_[:, x0:x1]
        # the ink moved by up to NEAR to meet the letter as read (the line's fit is off by a
        # pixel or two here and there); the letters tried are compared with it so
        step = min(range(len(steps)),
                   key=lambda k: int((shifted[k][window] ^ placed[window]).sum()))
        here = shifted[step]
        unexplained = _unexplained(placed, here, window)
        explained = i not in always and i not in others and unexplained < UNEXPLAINED_PIXELS
        marked = base(char) != char
        if explained and not marked:
            continue
        # each letter tried is compared with the ink moved to meet it best, and with the ink
        # moved to meet the line's x-height band there (where no mark lies), half and half:
        # the move that suits the letter as read would favour it (its dot beside a hook
        # above), and a letter's own move alone lets a mark slide up or down along the stems
        band = _body_rows(fit, (x0 + x1) / 2, ink.shape[0])
        level = min(range(len(steps)), key=lambda k: int(
            (shifted[k][band, x0:x1] ^ placed[band, x0:x1]).sum()))
        scores = []
        moved = {}
        for option in options:
            chars[i] = option
            tried = (fit.place("".join(chars)) & shown)[window]
            own, moved[option] = min((int((shifted[k][window] ^ tried).sum()), k)
                                     for k in range(len(steps)))
            misfit = (own + int((shifted[level][window] ^ tried).sum())) // 2
            scores.append((misfit, option != char, option, int((tried ^ placed[window]).sum())))
        chars[i] = char
        as_read = next(score for score, _, option, _ in scores if option == char)
        best, _, choice, differ = min(scores)
        if marked:  # a mark as read is sure only where the page clearly prefers it (Ň, Ñ)
            rival = min(score for score, _, option, _ in scores if option != char)
            doubtful |= rival - as_read < CHOICE_MIN_PIXELS
        take = choice != char and as_read - best >= max(CHOICE_MIN_PIXELS, CHOICE_GAIN * differ)
        if explained and not take:  # a marked letter the page explains, no other clearly better
            continue
        # letters whose pixels tie (within CHOICE_MIN_PIXELS of the best, and the letter as
        # read when no other is clearly better): their grey levels decide among them
        close = [option for score, _, option, _ in sorted(scores)
                 if score - best < CHOICE_MIN_PIXELS or (option == char and not take)]
        if len(close) > 1 and (take or as_read > best):
            if dark is None:
                dark = darkness(grey, ink)
            # letters of one base: the marks' shapes decide where one clearly matches (a
            # capital's double acute, flat at 150 dpi, ties with a macron by pixels: Ő, Ō)
            shaped = _of_twins(fit, chars, i, tuple(close), dark, window) \
                if len({base(option) for option in close}) == 1 else None
            if shaped is not None:
                doubtful |= shaped != min(scores)[2]
                choice, take = shaped, shaped != char
            else:
                choice, clear = _by_grey(fit, chars, i, close, np.roll(
                    dark, steps[moved[close[0]]], axis=(0, 1))[window], window, shown)
                take = take or (choice != char and clear)
        if marked and not take:
            # neither a marked letter as read nor its nearest rival of the same base is
            # clearly better by pixels, and the grey levels saw none apart (a ring and a
            # breve with a tilde overlap all over: ẵ read å at 150 dpi): the marks' shapes
            # decide, as a tilde's from a macron's
            near, _, runner, apart = min(score for score in scores if score[2] != char)
            if base(runner) == base(char) and \
                    near - as_read < max(CHOICE_MIN_PIXELS, CHOICE_GAIN * apart):
                if dark is None:
                    dark = darkness(grey, ink)
                if _of_twins(fit, chars, i, (char, runner), dark, window) == runner:
                    take, choice = True, runner
        if take:
            fit, spans = _put(ink, chars, i, choice, fit, spans)
            changed.add(i)
            placed = fit.place("".join(chars)) & shown
            here = shifted[moved[choice]]
            unexplained = _unexplained(placed, here, window)
            # two letters the font draws alike (Đ, Ð): the page cannot tell which
            doubtful |= any(score == best and option != choice for score, _, option, _ in scores)
        if unexplained >= DOUBT_PIXELS:
            # no letter of its base explains the page: a letter with a horn, which neither
            # recogniser knows, read as another vowel (ớ as á); a capital read as a small
            # letter at the start of a word (Í as í, Þ as þ)
            options = _elsewhere(chars, i) if i not in refitted else ()
            other, tied, settled = _refitted(ink, chars, i, shown, options)
            doubtful |= tied
            if other is not None and not settled:
                # the line fits clearly better with it, but the page's marks on it are not
                # yet drawn (Ğ read ğ, fitted best as G): its letter chosen anew among its
                # base's, the whole line with it; a guess
                chars[i] = other
                again = choose_letters(line, "".join(chars), always | {i}, others,
                                       refitted=refitted | {i})
                return Choice(again.text, again.changed | changed | {i}, True)
            if other is not None:
                fit, spans = _put(ink, chars, i, other, fit, spans)
                changed.add(i)
                placed = fit.place("".join(chars)) & shown
                unexplained = _unexplained(placed, here, window)
        doubtful |= unexplained >= DOUBT_PIXELS and not alone
    for i, char in enumerate(chars):
        twin = _twin(char)
        if twin is None:
            continue
        if dark is None:
            dark = darkness(grey, ink)
        spans = _spans(fit, "".join(chars))
        x0, x1 = max(0, spans[i][0] - NEAR), min(ink.shape[1], spans[i][1] + NEAR)
        if x1 <= x0:
            continue
        told = _of_twins(fit, chars, i, (char, twin), dark, np.s_[:, x0:x1])
        if told is None:
            doubtful = True
        elif told != char:
            chars[i] = told
            changed.add(i)
    return Choice("".join(chars), frozenset(changed), doubtful)


TILDE, MACRON, CARON, BREVE = "\u0303", "\u0304", "\u030c", "\u0306"
# A tilde and a macron are alike but for their height (a wave about twice as tall as the bar:
# 7 and 4 px at RENDER_SIZE), a caron and a breve but for their bottom (a v, a u: Ě read
# Ĕ); each drawn, blurred by each of MARK_BLURS px and moved by up to a pixel, is matched
# with the page's darkness where the marks lie; one is taken where it matches in at most
# TWIN_RATIO of the other's misfit.
TWINS = ((TILDE, MACRON), (MACRON, TILDE), (CARON, BREVE), (BREVE, CARON))
MARK_BLURS = (0.7, 1.0, 1.4, 1.8)
TWIN_RATIO = 0.8


def _twin(letter: str) -> str | None:
    """The letter with a macron for one with a tilde, with a breve for one with a caron, and
    the other way round (ẽ, ē; ě, ĕ), if it is one of the letters chosen among (family)."""
    split = unicodedata.normalize("NFD", letter)
    for mark, other in TWINS:
        if mark in split:
            twin = unicodedata.normalize("NFC", split.replace(mark, other))
            return twin if len(twin) == 1 and twin in family(letter) else None
    return None


def _of_twins(fit: Fit, chars: list[str], i: int, pair: tuple[str, ...],
              dark: np.ndarray, window: tuple[slice, slice]) -> str | None:
    """Of a letter and its twin (pair: a tilde and a macron, a caron and a breve; or more
    letters of one base), the one whose mark matches the page (see TWIN_RATIO, against each
    other one), the page moved first (by up to NEAR) to meet the letter's own strokes; None
    when none clearly does."""
    letter = chars[i]
    chars[i] = base(pair[0])
    plain = fit.place_grey("".join(chars))[window]
    drawn = {}
    for option in pair:
        chars[i] = option
        drawn[option] = fit.place_grey("".join(chars))[window]
    chars[i] = letter
    marks = np.zeros(plain.shape, dtype=bool)
    for grey in drawn.values():
        marks |= grey - plain > 0.25
    region = cv2.dilate(marks.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    region &= ~(cv2.dilate((plain > 0.25).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    if not region.any():
        return None
    body = cv2.dilate((plain > 0.25).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    moves = range(-NEAR, NEAR + 1)
    page = min((np.roll(dark, (dy, dx), axis=(0, 1))[window] for dy in moves for dx in moves),
               key=lambda moved: float(((moved - plain)[body] ** 2).sum()))
    misfit: dict[str, float] = {}
    for option, grey in drawn.items():
        scores = []
        for blur in MARK_BLURS:
            blurred = cv2.GaussianBlur(grey, (0, 0), blur)
            for dy in (-1.0, -0.5, 0.0, 0.5, 1.0):
                move = np.array([[1, 0, 0], [0, 1, dy]], dtype=np.float32)
                moved = cv2.warpAffine(blurred, move, (blurred.shape[1], blurred.shape[0]))
                scores.append(float(((moved - page)[region] ** 2).sum()))
        misfit[option] = min(scores)
    one, other = sorted(pair, key=lambda option: misfit[option])[:2]
    return one if misfit[one] <= TWIN_RATIO * misfit[other] else None


def _body_rows(fit: Fit, x: float, height: int) -> slice:
    """The rows of the line's x-height band (from the top of an x to the baseline, a pixel
    more on each side) at column x, where the fit puts them: no mark lies in it."""
    _, top, _, bottom = drawing_font().getbbox("x")
    m = fit.matrix
    x_in = (x - float(m[0, 2])) / float(m[0, 0])
    rows = [float(m[1, 0]) * x_in + float(m[1, 1]) * (fit.origin[1] + y) + float(m[1, 2])
            for y in (top, bottom)]
    return slice(max(0, int(np.floor(rows[0])) - 1), min(height, int(np.ceil(rows[1])) + 1))


def _put(ink: np.ndarray, chars: list[str], i: int, letter: str, fit: Fit,
         spans: list[tuple[int, int]]) -> tuple[Fit, list[tuple[int, int]]]:
    """chars[i] becomes letter; a wider or narrower letter (Ư for U) moves the rest of the
    line, which is then fitted anew: the fit and the letters' spans for the line."""
    before, chars[i] = chars[i], letter
    font = drawing_font()
    if font.getlength(letter) == font.getlength(before):
        return fit, spans
    fit = Fit(ink, "".join(chars))
    return fit, _spans(fit, "".join(chars))


def _vowel_place(chars: list[str], i: int) -> bool:
    """chars[i] is a vowel, or a letter of a word read without one (ợ read g: "Chg")."""
    start, end = i, i + 1
    while start and chars[start - 1].isalpha():
        start -= 1
    while end < len(chars) and chars[end].isalpha():
        end += 1
    return base(chars[i]).lower() in VOWELS or (
        chars[i].isalpha() and not any(base(c).lower() in VOWELS for c in chars[start:end]))


# Vowels whose letters with a horn (ơ, ư: Vietnamese) a recogniser reads as another vowel's
# (ớ read as á): neither recogniser knows them (see _elsewhere).
VOWELS = "aeiouy"


@cache
def _horned(vowel: str) -> tuple[str, ...]:
    """The letters of the vowel's family with a horn (ơ, ớ, ợ ...; none for most)."""
    return tuple(c for c in family(vowel) if "\u031b" in unicodedata.normalize("NFD", c))


def _elsewhere(chars: list[str], i: int) -> tuple[str, ...]:
    """The letters outside chars[i]'s family tried where none of it explains the page: the
    other vowels' letters with a horn (same case), which neither recogniser knows, for any
    letter (ớ read á; ợ read g or q: "Chợ" read "Chg", "Hược" read "Hưqc"), and at the start
    of a word, the capitals of its base."""
    char = chars[i]
    vowels = VOWELS.upper() if char.isupper() else VOWELS
    found: tuple[str, ...] = ()
    if char.isalpha():
        found += tuple(c for v in vowels if v != base(char) for c in _horned(v))
    if char.islower() and (i == 0 or not chars[i - 1].isalpha()) and char.upper() != char:
        found += family(char.upper())
    return found


def _refitted(ink: np.ndarray, chars: list[str], i: int, shown: np.ndarray,
              options: tuple[str, ...]) -> tuple[str | None, bool, bool]:
    """Of the options for chars[i], the one with which the whole line, fitted anew (a letter
    with a horn or a capital is wider), matches the ink clearly better than as it stands
    (CHOICE_MIN_PIXELS, CHOICE_GAIN of what the two differ around the letter); else None.
    And whether another option matched as well (Ð and Đ, drawn alike: the page cannot tell
    which); and whether it leaves fewer than DOUBT_PIXELS unexplained around it (settled:
    else its marks are to be chosen on the page)."""
    char = chars[i]
    fits: dict[float, Fit] = {}

    def drawn(letter: str) -> tuple[np.ndarray, tuple[slice, slice]]:
        chars[i] = letter
        text = "".join(chars)
        width = drawing_font().getlength(letter)
        if width not in fits:
            fits[width] = Fit(ink, text)
        fit = fits[width]
        x0, x1 = _spans(fit, text)[i]
        window = np.s_[:, max(0, x0 - NEAR):min(ink.shape[1], x1 + NEAR)]
        return fit.place(text) & shown, window

    moves = range(-NEAR, NEAR + 1)
    shifted = [np.roll(ink, (dy, dx), axis=(0, 1)) for dy in moves for dx in moves]

    def near(placed: np.ndarray, window: tuple[slice, slice]) -> int:
        """How the letter's drawing differs from the ink around it moved to meet it."""
        return min(int((moved[window] ^ placed[window]).sum()) for moved in shifted)

    now, now_window = drawn(char)
    as_now, loose_now = int((now ^ ink).sum()), _misfit(now, ink)
    near_now = near(now, now_window)
    tried = []
    for option in options:
        placed, window = drawn(option)
        around = np.s_[:, min(window[1].start, now_window[1].start):max(window[1].stop,
                                                                        now_window[1].stop)]
        differ = int((placed[around] ^ now[around]).sum())
        score, loose = int((placed ^ ink).sum()), _misfit(placed, ink)
        # the line fits better, and the letter its own ink: the fit of a whole line moves
        # with a letter's width ("Lokegūú" fitted better with ớ, whose strokes the u's ink
        # around it fits worse: 184 against 165 pixels differing). The fit is found on whole
        # pixels, so the line also counts as fitting better within a pixel (Í read í: the
        # letters after it a pixel off, 420 against 566 pixels; within a pixel 32 against 16)
        here = near_now - near(placed, window) >= CHOICE_MIN_PIXELS
        gain = max(CHOICE_MIN_PIXELS, CHOICE_GAIN * differ)
        clear = here and (as_now - score >= gain or loose_now - loose >= gain)
        better = here and (score < as_now or loose < loose_now)
        tried.append((score, option, _unexplained(placed, ink, window), clear, better))
    chars[i] = char
    if not tried or not min(tried)[3]:
        return None, False, True
    score, option, unexplained, _, _ = min(tried)
    if unexplained >= DOUBT_PIXELS:
        # the line's fit moves with the letter's width: of the letters that fit it better,
        # the one that leaves the least unexplained around it (ở, not ử, for ả)
        unexplained, score, option = min((u, s, o) for s, o, u, _, b in tried if b)
    tied = [s for s, _, _, _, _ in tried].count(score) > 1
    return option, tied, unexplained < DOUBT_PIXELS


def _misfit(drawn: np.ndarray, ink: np.ndarray) -> int:
    """Pixels where the drawing and the ink disagree by more than a pixel (see _unexplained),
    over the whole line."""
    return int(((ink & ~_grown(drawn)) | (drawn & ~_grown(ink))).sum())


def darkness(grey: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """How dark each pixel of the line is, from the paper's level (0) to the ink's (1)."""
    paper = float(np.median(grey[~ink])) if (~ink).any() else 255.0
    full = float(np.percentile(grey[ink], 10))
    return np.clip((paper - grey.astype(np.float32)) / max(1.0, paper - full), 0, 1)


def _by_grey(fit: Fit, chars: list[str], i: int, close: list[str], dark: np.ndarray,
             window: tuple[slice, slice], shown: np.ndarray) -> tuple[str, bool]:
    """Of the letters close (their pixels tie, the best first), the one whose drawing in
    grey lies nearest the line's darkness (dark, in the window) where their drawings differ;
    and whether it is clearly nearer than the letter as read (chars[i]): by CHOICE_GAIN of
    what the two drawings differ (at least a pixel's worth of ink), as the pixel comparison
    asks."""
    char = chars[i]
    drawings = {}
    for option in close:
        chars[i] = option
        drawings[option] = cv2.GaussianBlur(fit.place_grey("".join(chars)), (0, 0), GREY_BLUR)[
            window] * shown[window]
    chars[i] = char
    stack = np.stack(list(drawings.values()))
    # where they differ, away from the strokes all share (a page's strokes are a little
    # bolder or thinner than the drawing's: that must not count for the letter with more ink)
    shared = cv2.dilate((stack.min(axis=0) > GREY_DIFFER).astype(np.uint8),
                        np.ones((2 * NEAR + 1, 2 * NEAR + 1), np.uint8)) > 0
    differ = (np.ptp(stack, axis=0) > GREY_DIFFER) & ~shared
    if not differ.any():
        return close[0], False
    page = cv2.GaussianBlur(dark, (0, 0), GREY_BLUR)[differ]
    misfit = {option: float(((drawn[differ] - page) ** 2).sum())
              for option, drawn in drawings.items()}
    choice = min(close, key=lambda option: (misfit[option], option != char))
    if choice == char or char not in drawings:
        return choice, False
    apart = float(((drawings[choice][differ] - drawings[char][differ]) ** 2).sum())
    return choice, apart >= 1 and misfit[char] - misfit[choice] >= CHOICE_GAIN * apart


# Signs a recogniser reads for a mark it does not know, beside the letter that carries it,
# and the marks each may stand for: the caron of ď ť ľ or the horn of ư ơ (Ự read U') as an
# apostrophe, the dot below (ỵ) as a full stop, the comma below or cedilla (ș, ķ, ş) as a
# comma.
_APOSTROPHE = "\u030c\u031b"
MARK_SIGNS = {"'": _APOSTROPHE, "’": _APOSTROPHE, "`": _APOSTROPHE, "´": _APOSTROPHE,
              ".": "\u0323", ",": "\u0326\u0327"}


def _signed(letter: str, sign: str) -> list[str]:
    """The letters of the field font the letter with the mark sign stands for is (d' -> ď)."""
    found = []
    for mark in MARK_SIGNS[sign]:
        char = unicodedata.normalize("NFC", letter + mark)
        if len(char) == 1 and _drawn(char):
            found.append(char)
    return found


def mark_signs(text: str) -> list[int]:
    """The places of MARK_SIGNS right after a letter and before a letter or the end of a
    word ("d'z", "My.n", "s,")."""
    return [i for i, c in enumerate(text) if c in MARK_SIGNS and i and text[i - 1].isalpha()
            and (i + 1 == len(text) or text[i + 1].isalpha() or text[i + 1].isspace())]


def without_mark_signs(text: str) -> str:
    signs = set(mark_signs(text))
    return "".join(c for i, c in enumerate(text) if i not in signs)


def drop_extra(line: np.ndarray, text: str, filled: frozenset[int]) -> tuple[str, frozenset[int]]:
    """The reading with a character too many taken out: a letter put in from the other
    reading (filled; the first recogniser reads a letter it does not know as two: ư as
    "ur"), or a sign read for a mark (mark_signs: "d'" for ď). One at a time, the one whose
    going makes the whole line drawn, fitted anew, match the ink best goes, while that is
    clearly better (check.marks.SWAP_GAIN). Returns the reading and the places filled that
    are left, with the letter before a sign that went (a mark to choose there)."""
    ink = line_ink(line)
    if not ink.any():
        return text, filled
    tried = sorted({i for i in filled if text[i].isalpha()} | set(mark_signs(text)))
    if not tried:
        return text, filled
    best = mismatch(ink, text)
    while tried:
        options = [(text[:i] + text[i + 1:], i) for i in tried]
        options += [(text[:i - 1] + letter + text[i + 1:], i) for i in tried
                     if text[i] in MARK_SIGNS for letter in _signed(text[i - 1], text[i])]
        score, shorter, i = min((mismatch(ink, option), option, i) for option, i in options)
        if score > (1 - SWAP_GAIN) * best:
            break
        sign = text[i] in MARK_SIGNS
        best, text = score, shorter
        filled = frozenset(j if j < i else j - 1 for j in filled if j != i)
        if sign:
            filled |= {i - 1}
        tried = [j if j < i else j - 1 for j in tried if j != i]
    return text, filled


# Letters of two joined (Æ, Œ) the recognisers read as the two ("Æaboő" read "AEabo?").
LIGATURES = {"AE": "Æ", "Ae": "Æ", "ae": "æ", "OE": "Œ", "Oe": "Œ", "oe": "œ"}
LIGATURES_TRIED = 3  # pairs of a line, the first ones (each set of them is drawn)


def join_ligatures(line: np.ndarray, text: str, filled: frozenset[int]
                   ) -> tuple[str, frozenset[int]]:
    """The reading with two letters read for one joined letter (LIGATURES) made that letter,
    at the places (each set of them: one joined alone stretches the line's fit wrongly when
    two are) where the whole line drawn so, fitted anew, matches the ink best, if clearly
    better than as read (check.marks.SWAP_GAIN, as drop_extra); those places join filled."""
    places = [i for i in range(len(text) - 1) if text[i:i + 2] in LIGATURES][:LIGATURES_TRIED]
    ink = line_ink(line) if places else None
    if ink is None or not ink.any():
        return text, filled
    options = []
    for chosen in itertools.chain.from_iterable(
            itertools.combinations(places, k) for k in range(1, len(places) + 1)):
        if any(b - a < 2 for a, b in itertools.pairwise(chosen)):
            continue  # "AEE": overlapping pairs
        joined = text
        for i in reversed(chosen):
            joined = joined[:i] + LIGATURES[joined[i:i + 2]] + joined[i + 2:]
        options.append((mismatch(ink, joined), joined, chosen))
    score, joined, chosen = min(options)
    if score > (1 - SWAP_GAIN) * mismatch(ink, text):
        return text, filled
    for i in reversed(chosen):
        filled = frozenset(j if j <= i else j - 1 for j in filled if j != i + 1) | {i}
    return joined, filled


# A letter both recognisers dropped (ắ in "Gèng Hắ Tành" read "Geng H Tanh": a lone capital
# where a letter went), or read narrower (ư as u): the line drawn as read and fitted on the
# ink is stretched to the ink's width and differs from it in DROP_MISFIT of the ink's pixels
# or more (lines read right: less).
DROP_MISFIT = 0.5
# A vowel is put in where the line, drawn with it and fitted anew, differs from the ink in
# DROP_GAIN fewer pixels than as read (a letter the page shows and the reading lacks).
DROP_GAIN = 0.25
DROP_PROBE = "o"  # the vowel tried at each place first; then every vowel at the best place
HORNS = {"u": "ư", "o": "ơ", "U": "Ư", "O": "Ơ"}


def put_dropped(line: np.ndarray, text: str, filled: frozenset[int]
                ) -> tuple[str, frozenset[int], bool]:
    """The reading with the vowels the recognisers dropped put back (see DROP_MISFIT), or a
    horn they left off (HORNS; that letter's marks are chosen anew): one at a time, while the
    line fits clearly better so (DROP_GAIN); its place joins filled (choose_letters chooses
    its marks there). And whether the line still misfits its ink (a letter dropped that no
    vowel put in explains: the reading is not sure)."""
    ink = line_ink(line)
    pixels = int(ink.sum())
    if not pixels or not any(c.isalpha() for c in text):
        return text, filled, False
    best = mismatch(ink, text)
    for _ in range(2):
        if best < DROP_MISFIT * pixels:
            break
        # in a word or at its ends, or a word of one letter of its own before, between or
        # after the words ("Trỹp Chuy Ở" read "Tryp Chuy": the word went with its space)
        spots = [(i, False) for i in range(len(text) + 1)
                 if (i and text[i - 1].isalpha()) or (i < len(text) and text[i].isalpha())]
        spots += [(i, True) for i in range(len(text) + 1)
                  if i in (0, len(text)) or text[i].isspace()]
        probe = min((mismatch(ink, _put_in(text, i, DROP_PROBE, alone)[0]), i, alone)
                    for i, alone in spots)
        _, at, alone = probe
        tried = [(mismatch(ink, _put_in(text, at, v, alone)[0]), at, v) for v in VOWELS]
        # or a horn the readings left off (ư read u: the letter is wider on the page)
        tried += [(mismatch(ink, text[:i] + HORNS[base(c)] + text[i + 1:]), i, "")
                  for i, c in enumerate(text) if base(c) in HORNS and not _horned_letter(c)]
        score, at, letter = min(tried)
        if score > (1 - DROP_GAIN) * best:
            break
        best = score
        if letter:
            text, place, grown = _put_in(text, at, letter, alone)
            filled = frozenset(j if j < at else j + grown for j in filled) | {place}
        else:
            text = text[:at] + HORNS[base(text[at])] + text[at + 1:]
            filled |= {at}
    return text, filled, best >= DROP_MISFIT * pixels


def _put_in(text: str, at: int, vowel: str, alone: bool) -> tuple[str, int, int]:
    """text with the vowel put in before text[at] (alone: as a word of its own, a capital,
    with a space between it and the words); and the vowel's place, and how many characters
    were put in."""
    if not alone:
        return text[:at] + _vowel(vowel, text, at) + text[at:], at, 1
    if at == 0:
        return vowel.upper() + " " + text, 0, 2
    return text[:at] + " " + vowel.upper() + text[at:], at + 1, 2


def letters_for_digits(text: str, filled: frozenset[int]
                       ) -> tuple[str, frozenset[int], dict[int, str]]:
    """The reading with a 6 or an 8 after a letter in a word of letters read as an o (ố, ổ,
    ỗ in "Cố", "Khổ" read "C6", "Kh6", "Cổ" read "C8": a circumflex and a tone on an o look
    like a 6's loop and stem, or an 8's upper loop), and a 0 beside a letter, or a word of its
    own in a line of no other digit, as an O or a U (Ů in "Ůðzi" read "0ðzi", Ở alone read
    "0"), and a "!" in a word as a bar with a mark below (Ị, ļ: "Ļodulļ" read "Ļodul!"), an I
    at the start of a word, else an l; their places join filled (choose_letters chooses their
    marks there), and the U's family, or the other bar's, is tried too (others)."""
    chars = list(text)
    others = {}

    def digit(k: int) -> bool:
        return 0 <= k < len(chars) and chars[k].isdigit()

    def letter(k: int) -> bool:
        return 0 <= k < len(chars) and chars[k].isalpha()

    alone_ok = sum(c.isdigit() for c in chars) == 1
    for i, char in enumerate(chars):
        if char in "68" and letter(i - 1) and not digit(i + 1):
            chars[i] = "o"
            filled |= {i}
        elif char == "0" and not digit(i - 1) and not digit(i + 1) and (
                letter(i - 1) or letter(i + 1) or alone_ok):
            starts = not letter(i - 1)
            chars[i], others[i] = ("O", "U") if starts else ("o", "u")
            filled |= {i}
        elif char == "!" and (letter(i - 1) or letter(i + 1)):
            chars[i], others[i] = ("l", "I") if letter(i - 1) else ("I", "l")
            filled |= {i}
    return "".join(chars), filled, others


def _horned_letter(letter: str) -> bool:
    return "\u031b" in unicodedata.normalize("NFD", letter)


def _vowel(vowel: str, text: str, at: int) -> str:
    """The vowel as a capital at the start of a word, else small."""
    return vowel.upper() if at == 0 or not text[at - 1].isalpha() else vowel


# Capital I and small l are one bar each in the field font; the l reaches a little higher (its
# top at the ascender, the I's at the cap height: 63 of 2048 units, 1.3 px at 300 dpi). Letters
# whose tops are flat (not i and j: the dot above), at one of the heights, tell where the
# line's tops lie.
FLAT_TOPS = "BDEFHIKLMNPRTZbdhkluvwxz"
# The tops of those letters, measured against where the fitted drawing puts them, must agree
# within this share of the I-l gap (a line cut off at the top, a reading not of this line: no
# decision).
BAR_REFERENCE_SPREAD = 0.5
# A bar is an l where its top lies within BAR_DECIDED of the gap from the l's top, an I where it
# lies as near the I's; between, undecided. Measured on both generators (bench_changes',
# test_fine_lines') at 150, 200 and 300 dpi: 76 l's at -0.31 to 0.31 of the gap, 55 I's at
# 0.51 to 1.41.
BAR_DECIDED = 0.3


@cache
def _glyph_top(char: str) -> float:
    """The top of char drawn at RENDER_SIZE, from its draw origin, to a tenth of a pixel."""
    big = ImageFont.truetype(drawing_font().path, 10 * RENDER_SIZE)
    return big.getbbox(char)[1] / 10


def _top_edge(dark: np.ndarray, columns: range, near: float) -> float | None:
    """Where the ink's top edge lies (darkness crossing one half, between pixels) in the
    columns, near row near: the median of the columns within a pixel of the highest."""
    tops = []
    for x in columns:
        column = dark[:, x]
        for y in range(max(0, int(near) - 6), min(len(column) - 1, int(near) + 6)):
            if column[y] < 0.5 <= column[y + 1]:
                tops.append(y + (0.5 - column[y]) / (column[y + 1] - column[y]))
                break
    if not tops:
        return None
    found = np.array(tops)
    return float(np.median(found[found <= found.min() + 1]))


def bars_by_height(line: np.ndarray, text: str, places: list[int]) -> str | None:
    """The reading with the bars at places (I or l, which the word does not decide) told
    apart by their height (see BAR_DECIDED): the line's flat tops (FLAT_TOPS, two at least)
    say where the fitted drawing puts tops on this line; None when a bar, or the line, does
    not decide."""
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    ink = line_ink(grey)
    if not ink.any():
        return None
    fit = Fit(ink, text)
    dark = darkness(grey, ink)
    m = fit.matrix
    spans = _spans(fit, text)

    def measured(i: int, char: str, stem: bool) -> tuple[float, float] | None:
        """The top of the letter at i (in the middle third of its columns: a bar's stem),
        and where the drawing puts the top of char there."""
        x0, x1 = spans[i]
        third = (x1 - x0) / 3 if stem else 1
        columns = range(max(0, int(x0 + third)), min(ink.shape[1], int(np.ceil(x1 - third))))
        x = ((x0 + x1) / 2 - float(m[0, 2])) / float(m[0, 0])
        drawn = float(m[1, 0] * x + m[1, 1] * (fit.origin[1] + _glyph_top(char)) + m[1, 2])
        top = _top_edge(dark, columns, drawn)
        return None if top is None else (top, drawn)

    references = []
    for i, char in enumerate(text):
        if char in FLAT_TOPS and i not in places:
            found = measured(i, char, char in "Il")
            if found is not None:
                references.append(found[0] - found[1])
    gap = float(m[1, 1]) * (_glyph_top("I") - _glyph_top("l"))
    if len(references) < 2 or np.ptp(references) > BAR_REFERENCE_SPREAD * gap:
        return None
    offset = float(np.median(references))
    chars = list(text)
    for i in places:
        found = measured(i, "l", True)
        if found is None:
            return None
        above = (found[0] - found[1] - offset) / gap  # 0 at the l's top, 1 at the I's
        if above <= BAR_DECIDED:
            chars[i] = "l"
        elif above >= 1 - BAR_DECIDED:
            chars[i] = "I"
        else:
            return None
    return "".join(chars)
