"""Read a value in a box word by word, so the spaces between its words are kept.

PP-OCR's recogniser (a model trained mostly on Chinese, which has no spaces) often drops the
space between two printed words ("Dorpsstraat241", "MehmetdeVries"). The words are told apart
on the page instead: a line the detector finds is cut where a run of empty columns is wider
than WORD_GAP times the line's ink height, and each piece is recognised on its own.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formgen.check import latin_ocr
from formgen.check.fine_lines import FineSource
from formgen.check.identity import ocr
from formgen.check.marks import CONFUSABLE, UNKERNED, resolve_confusables, restore_marks
from formgen.check.text_lines import READ_SCALE, detect_box_lines
from formgen.check.typed_letters import (
    DROP_PROBE,
    Choice,
    bars_by_height,
    base,
    choose_letters,
    drop_extra,
    join_ligatures,
    letters_for_digits,
    put_dropped,
    without_mark_signs,
)
from formgen.form.fonts import REGULAR
from formgen.form.layout import Rect
from formgen.resources import fonts_dir

# Between words of print the gap is about half the height of the ink (a space and two side
# bearings against capitals); between letters a fifth or less.
WORD_GAP = 0.35
PIECE_PAD = 4  # px of the gap kept on each side of a piece
# The confidence of a line with a letter that was not read but put in: from the other
# recogniser's reading, or an accent from the drawing (below changes.SURE_CONFIDENCE).
GUESSED = 0.9
MARK_ROOM = 0.15  # of a line's height, added above and below it to read its marks
# A line at least this much like print (print_likeness) has its letters chosen from the page
# (check.typed_letters) before it is told typed or not: a mark below the line (Ę, Ț) that
# the reading lacks makes a typed line look less like its reading.
LETTERS_FROM = 0.45
# Of a line's height, added above and below it to choose its letters (check.typed_letters):
# the detector's box cuts off a mark stacked on another (ầ, ỗ) and a dot below (ạ).
CHOICE_ROOM = 0.4


@dataclass(frozen=True)
class ValueLine:
    text: str  # with the spaces between its words
    confidence: float  # the least sure word's, from the recogniser (0..1)
    likeness: float  # to the text drawn in the field font (see print_likeness)


def read_value_lines(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                     scale: float = READ_SCALE, typed_from: float | None = None,
                     marks: bool = False, fine: FineSource | None = None) -> list[ValueLine]:
    """Each line the detector finds in the box (print wiped off, enlarged scale times), read
    word by word. With typed_from, a line at least that much like print (print_likeness)
    has its confusable characters checked against the page (1 or l, 0 or O); with marks (a
    box of words: names, streets, places) it is read again by the recogniser for Latin
    script (check.latin_ocr), and the accents put back that a recogniser left off
    (check.marks). fine: the scan at its own resolution; the lines of such a box are cut from
    it to choose their letters (check.fine_lines, check.typed_letters)."""
    found = detect_box_lines(page, printed, rect, scale=scale)
    if found is None:
        return []
    pieces: list[np.ndarray] = []
    spans: list[tuple[int, int]] = []
    crops: list[np.ndarray] = []
    roomy: list[np.ndarray] = []
    wide: list[np.ndarray | Callable[[], np.ndarray]] = []
    for quad in found.quads:
        line = ocr.crop_box(found.big, quad)
        crops.append(line)
        roomy.append(ocr.crop_box(found.big, quad, pad=MARK_ROOM) if marks else line)
        wide.append(partial(_wide_line, found.big, quad, (found.origin, scale), printed, fine)
                    if marks else line)
        words = split_words(line)
        spans.append((len(pieces), len(pieces) + len(words)))
        pieces += words
    read = ocr.recognize(pieces)
    lines = []
    for crop, room, whole, (start, end) in zip(crops, roomy, wide, spans, strict=True):
        value = _read_line(crop, (room, whole), read[start:end], typed_from, marks)
        if value is not None:
            lines.append(value)
    return lines


def _wide_line(big: np.ndarray, quad: np.ndarray, place: tuple[np.ndarray, float],
               printed: np.ndarray, fine: FineSource | None) -> np.ndarray:
    """The line with room (CHOICE_ROOM) to choose its letters: cut from the scan at its own
    resolution (fine; rendered only now, for a line that looks typed), else from big (the
    box enlarged, where the detector found quad). place: big's origin on the page, and its
    scale."""
    if fine is not None:
        origin, scale = place
        line = fine.cut(quad / scale + origin, printed, pad=CHOICE_ROOM)
        if line is not None:
            return line
    return ocr.crop_box(big, quad, pad=CHOICE_ROOM)


def _read_line(crop: np.ndarray,
               rooms: tuple[np.ndarray, np.ndarray | Callable[[], np.ndarray]],
               read: list[tuple[str, float]], typed_from: float | None,
               marks: bool) -> ValueLine | None:
    """One line from its words' readings (see read_value_lines). A line of words (marks) is
    read again by the recogniser for Latin script, with room above and below for the marks
    (roomy: the detector's box cuts off the cedilla of a Ş); a line so read that looks like
    print takes that reading, and a letter it dropped or a mark put back from the drawing
    lowers its confidence to GUESSED; so does a letter chosen from the drawing
    (check.typed_letters, on the line with more room: wide), and, on a line not so read,
    letters the two recognisers read differently. wide may be a function that cuts it."""
    roomy, wide_line = rooms
    words = [(text.strip(), score) for text, score in read if text.strip()]
    if not words:
        return None
    text = " ".join(t for t, _ in words)
    confidence = min(s for _, s in words)
    likeness = print_likeness(crop, text)
    latin = None
    wide = None  # the line the letters were chosen on (check.typed_letters)
    if typed_from is not None and marks:
        latin = _read_latin(roomy, text)
        if latin is not None:
            latin_likeness = print_likeness(crop, latin.text)
            plain = without_mark_signs(latin.text)  # "My.n" for Mỵn: drop_extra decides
            signless = print_likeness(crop, plain) if plain != latin.text else 0.0
            chosen, dropped, misfit = None, False, False
            alike = max(likeness, latin_likeness, signless)
            if alike < LETTERS_FROM:
                # a word of one letter both dropped at an end of the line ("Trỹp Chuy Ở" read
                # "Tryp Chuy"): the line drawn as read is stretched over it (put_dropped); or
                # a letter put in from the first reading is one too many (ừ read "ur" there:
                # "Bùra" 0.34, "Bùa" 0.66; drop_extra takes it out)
                lone = DROP_PROBE.upper()
                alike = max([print_likeness(crop, f"{plain} {lone}"),
                             print_likeness(crop, f"{lone} {plain}")]
                            + [print_likeness(crop, latin.text[:i] + latin.text[i + 1:])
                               for i in sorted(latin.filled) if latin.text[i].isalpha()])
            if alike >= LETTERS_FROM:
                wide = wide_line() if callable(wide_line) else wide_line
                kept, filled = drop_extra(wide, latin.text, latin.filled)
                kept, filled = join_ligatures(wide, kept, filled)
                others = latin.others if kept == latin.text else {}
                kept, filled, digits = letters_for_digits(kept, filled)
                short = kept
                kept, filled, misfit = put_dropped(wide, kept, filled)
                dropped = kept != latin.text
                others = others | digits if kept == short else {}
                chosen = choose_letters(wide, kept, filled, others)
                if kept != short:
                    # the line was fitted with plain letters put in: chosen again, fitted
                    # with the letters chosen ("Tryp Chuy O": the y's mark told on "... Ở")
                    again = choose_letters(wide, chosen.text, filled | chosen.changed, others)
                    chosen = Choice(again.text, chosen.changed | again.changed,
                                    chosen.doubtful or again.doubtful)
                latin_likeness = max(latin_likeness, print_likeness(crop, chosen.text))
            if chosen is not None and max(likeness, latin_likeness) >= typed_from:
                text, likeness = chosen.text, max(likeness, latin_likeness)
                guessed = latin.filled or dropped or chosen.changed or chosen.doubtful
                confidence = min(latin.confidence, GUESSED) if guessed else latin.confidence
            else:
                # letters one recogniser saw and the other did not, or saw otherwise, or a
                # letter both dropped (the line drawn as read misfits its ink)
                if latin.filled or _fold(latin.text) != _fold(text) or misfit:
                    confidence = min(confidence, GUESSED)
                latin = None
    if typed_from is not None and likeness < typed_from and _has_confusables(text):
        # a narrow l read for a 1 shifts the rest of the drawing off the page: "kees11" read
        # "keesl1" looks 0.61 like print, swapped 0.97; told typed so, not surely
        swapped = resolve_confusables(crop, text)
        alike = print_likeness(crop, swapped) if swapped != text else 0.0
        if alike >= typed_from:
            text, likeness, confidence = swapped, alike, min(confidence, GUESSED)
    if typed_from is None or likeness < typed_from:
        return ValueLine(text, confidence, likeness)
    text = resolve_confusables(crop, text)
    if marks and latin is None:
        restored = restore_marks(roomy, text)
        if restored != text:
            text, confidence = restored, min(confidence, GUESSED)
    places = bars_in_doubt(text)
    if places:
        # told apart by their height on the line the letters were chosen on, if it decides
        decided = bars_by_height(wide, text, places) if wide is not None and latin else None
        if decided is None:
            confidence = min(confidence, GUESSED)
        else:
            text = decided
    return ValueLine(text, confidence, likeness)


def _has_confusables(text: str) -> bool:
    return any(c in group for group in CONFUSABLE for c in text)


def bars_in_doubt(text: str) -> list[int]:
    """Capital I and small l are one bar each in the field font, a pixel apart in height:
    the places where the word does not decide between them (an l starting a word, an I after
    a small letter). A typed reading is not sure there ("Iúlia" read "lúlia" at 0.998) unless
    the line's heights decide (typed_letters.bars_by_height)."""
    places = []
    for i, char in enumerate(text):
        starts = i == 0 or not text[i - 1].isalpha()
        if (char == "l" and starts) or (char == "I" and not starts and text[i - 1].islower()):
            places.append(i)
    return places


@dataclass(frozen=True)
class _LatinReading:
    text: str
    confidence: float
    filled: frozenset[int]  # where letters it dropped were put in from the first reading
    others: dict[int, str]  # where the first reading has another letter: that letter


# Read for one another in print (I and l look alike in the field font; the recogniser's case
# of an S or a C is often wrong): one character for the alignment.
_ALIKE = str.maketrans({"I": "l", "1": "l", "|": "l"})


def _fold(text: str) -> str:
    """Each letter as its base letter, in lower case, the look-alikes as one (ễ -> e, Ł -> l,
    I -> l), one character for one: to align two readings of a line."""
    return "".join(base(c) or c for c in text.translate(_ALIKE)).lower()


def fill_drops(latin: str, plain: str) -> tuple[str, frozenset[int]]:
    """The Latin recogniser's reading of a word with the letters it dropped put in from the
    other recogniser's reading (plain), where the two, without their marks, say a letter more
    there: the Latin recogniser leaves out a letter it does not know (ễ in "Nguyễn" read as
    "Nguyn"; the other read "Nguyen"); and the places of the letters put in."""
    out, filled, _ = _merge(latin, plain)
    return out, filled


def _merge(latin: str, plain: str) -> tuple[str, frozenset[int], dict[int, str]]:
    """fill_drops, and where the two readings say another letter one for one (ỗ read ð
    and o), the other reading's letter by place."""
    out, filled = "", set()
    others: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(None, _fold(latin), _fold(plain), autojunk=False)
    for op, i0, i1, j0, j1 in matcher.get_opcodes():
        if op == "insert":
            filled |= {len(out) + k for k, c in enumerate(plain[j0:j1]) if not c.isspace()}
            out += plain[j0:j1]
        else:
            if op == "replace" and i1 - i0 == j1 - j0:
                others |= {len(out) + k: c for k, c in enumerate(plain[j0:j1]) if c.isalpha()}
            out += latin[i0:i1]
    return out, frozenset(filled), others


def _read_latin(line: np.ndarray, plain: str) -> _LatinReading | None:
    """The line read again by the recogniser for Latin script (check.latin_ocr), whole (it
    keeps the spaces between words, and reads a word better among the others: "El", not
    "EI"), with the letters it dropped filled in from plain (fill_drops); None when it finds
    no text."""
    ((text, score),) = latin_ocr.recognize([line])
    if not text.strip():
        return None
    filled, places, others = _merge(" ".join(text.split()), plain)
    return _LatinReading(filled, score, places, others)


def split_words(line: np.ndarray) -> list[np.ndarray]:
    """The line cut at its wide gaps (see WORD_GAP); the line itself when it has none."""
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.asarray(ink.any(axis=0))
    if rows.size == 0 or not columns.any():
        return [line]
    height = rows[-1] - rows[0] + 1
    cuts = []
    run_start = None
    used = np.flatnonzero(columns)
    for x in range(int(used[0]), int(used[-1]) + 1):
        if not columns[x]:
            run_start = x if run_start is None else run_start
        elif run_start is not None:
            if x - run_start >= WORD_GAP * height:
                cuts.append((run_start, x))
            run_start = None
    if not cuts:
        return [line]
    pieces = []
    left = 0
    for start, end in cuts:
        pieces.append(line[:, left:min(line.shape[1], start + PIECE_PAD)])
        left = max(0, end - PIECE_PAD)
    pieces.append(line[:, left:])
    return pieces


RENDER_SIZE = 48  # px: the field font's size when a reading is drawn to compare it


@cache
def _field_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts_dir() / REGULAR), RENDER_SIZE)


def _ink_box(mask: np.ndarray) -> np.ndarray | None:
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return mask[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]


def print_likeness(line: np.ndarray, text: str) -> float:
    """How well the line looks like text drawn in the form's field font (DejaVu Sans, the
    font PDF viewers write a typed value in, letter after letter, unkerned): the reading
    drawn in that font, stretched onto the line's ink, against that ink (correlation of the
    two, blurred a little; 1 is the same). Handwriting, and a reading that is not what the
    line shows, look less alike."""
    grey = line if line.ndim == 2 else cv2.cvtColor(line, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    seen = _ink_box(ink.astype(bool))
    if seen is None or not text.strip():
        return 0.0
    font = _field_font()
    left, top, right, bottom = font.getbbox(text, features=UNKERNED)
    canvas = Image.new("L", (int(right - left) + 8, int(bottom - top) + 8), 0)
    ImageDraw.Draw(canvas).text((4 - left, 4 - top), text, fill=255, font=font,
                                features=UNKERNED)
    drawn = _ink_box(np.asarray(canvas) > 127)
    if drawn is None:
        return 0.0
    h, w = seen.shape
    drawn_f = cv2.resize(drawn.astype(np.float32), (w, h), interpolation=cv2.INTER_AREA)
    blur = max(1.0, h / 12)
    a = cv2.GaussianBlur(seen.astype(np.float32), (0, 0), blur)
    b = cv2.GaussianBlur(drawn_f, (0, 0), blur)
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / norm) if norm else 0.0
