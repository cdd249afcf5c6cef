"""Is the writing in a box struck through? Crossed-out writing is not a value.

A customer who changes their mind strikes the value out: one or two lines through the middle
of the writing, a cross, or a zigzag. Such a line is a long straight stroke (LINE_LENGTH or
more, at any angle up to STRIKE_MAX_ANGLE from the rows) that runs through the middle of the
writing's height and across most of its width. Handwriting has no straight stroke that long
through its middle: the long strokes it has (a baseline connection, an underline, a box's
border) lie at its foot or outside it. A copy's noise makes straight runs too: a drum band's
stipple holds short ones at any angle, and a box's own frame lies inside the box where the page
is a few pixels off. So a strike is a straight run of LINE_LENGTH px beyond the noise that the
paper around the box shows on the same columns and rows (as the ink measures count writing,
formgen.check.ink), and one that runs on along the box past its ends is a frame. The history
of the thresholds is in benchmarks/tuning-struck.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np

from formgen.check.ink import (
    CONTEXT,
    INK_CONTRAST,
    LINE_LENGTH,
    MIN_COMPONENT,
    NOISE_MIN_PAPER,
    NOISE_WINDOW,
    PAPER_WINDOW,
    REACH,
    WORD_GAP,
    boxes_mask,
    darker_than_paper,
    pixel_box,
)
from formgen.form.layout import Rect

STRIKE_MAX_ANGLE = 40  # degrees from the rows: a strike or a cross, not a letter's stem
STRIKE_ANGLE_STEP = 4
STRIKE_MIN_COVER = 0.6  # a strike crosses at least this part of the writing's width ...
STRIKE_MIDDLE = (0.2, 0.8)  # ... through this band of the writing's height
# A zigzag or a steep cross: strokes at ZIGZAG_ANGLES degrees from the rows, straight over
# ZIGZAG_HEIGHT of the ink's height (at least ZIGZAG_MIN_LENGTH px high), leaning both ways.
ZIGZAG_ANGLES = (16, 76)
ZIGZAG_HEIGHT = 0.8
ZIGZAG_MIN_LENGTH = 18
ZIGZAG_MIN_STROKES = 3
ZIGZAG_MIN_ASPECT = 2.0  # ... across twice the ink's height at least: no single N, M or W
# Ink left of, right of, above or below the struck writing, this many px at CHECK_DPI or more,
# is another value written next to it: a correction. Above or below the struck line only pieces
# of CORRECTION_MIN_PIECE px or more count (an i's dot or an accent is no correction).
CORRECTION_MIN_PIXELS = 60
CORRECTION_MIN_PIECE = 20
INSET = 3  # px: the box's own border is not writing
# A stretch of ink no wider nor taller than this (px at CHECK_DPI) is a toner speck, no word:
# a copy's specks across the box made the writing's width, which a strike must cover, the box's.
SPECK_WORD = 6
# A line that runs on past the box's border (BEYOND_BORDER px outside its edge, for
# PAGE_LINE_REACH px, ink on PAGE_LINE_SHARE of them) crosses the page: a fold or a streak.
BEYOND_BORDER, PAGE_LINE_REACH, PAGE_LINE_SHARE = 8, 25, 0.6
FRAME_SIDE = 10  # px: a side of the writing this wide shows a frame's ink, if it is one
# A column (row) of the box is in noise when the paper above and below it (left and right of
# it) shows marks on NOISE_DENSE of its blank pixels or more, on both sides: a band through the
# box (clean paper 0-0.06, a drum band's columns 0.15-0.75). A strike along rows in noise is
# NOISE_RUN_MARGIN times as long as the straight runs of the noise beside the box.
NOISE_DENSE = 0.1
NOISE_RUN_MARGIN = 1.5
# A straight line through the writing in ink this much darker than the paper only (a light or
# long pen line drawn thin, under the copy's grain) is a strike in doubt.
LIGHT_STRIKE_CONTRAST = 25
# Straight runs on one line (the ends that meet within CHAIN_OFF px of the other's line), at
# most CHAIN_GAP px apart, are one strike that the copy broke into pieces, when together they
# are CHAIN_LENGTH px long or more (two short runs side by side are a streak's pieces).
CHAIN_OFF = 2.5
CHAIN_GAP = 2 * LINE_LENGTH
CHAIN_LENGTH = 2 * LINE_LENGTH
# A faint line (a thin pen line under a copy's grain, lighter than LIGHT_STRIKE_CONTRAST): a
# straight line (FAINT_ANGLE degrees from the rows at most, 1 px of bow either way) through
# the middle of the writing, seen on its paper only (FAINT_CLEAR px from any ink): in pieces
# of FAINT_PIECE px, a piece shows it when its median is FAINT_CONTRAST darker than the paper
# FAINT_ACROSS px above and below. It is there when FAINT_MIN_SCORE more pieces show it than
# do not, and it does not go on along the box FAINT_PAST px beyond the writing's ends.
FAINT_ANGLE = 10
FAINT_ACROSS = 3
FAINT_CLEAR = 1
FAINT_PIECE = 8
FAINT_CONTRAST = 12
FAINT_MIN_SCORE = 6
FAINT_PAST = 30
# A strike along a dirty drum's band: a straight line BAND_MIN_LENGTH px long or more through
# the middle of the writing, whose cover is measured against the writing without the band: its
# rows and columns in noise, the line's own rows (BAND_STRIP px either side: the band's streaks
# along the strike), the stretches with no piece of ink BAND_LETTER px high (the stipple's
# specks and the streaks' dashes are no letters) and the stray ones (see _letters: a blob of
# stipple on its own). Only a strike in doubt.
BAND_MIN_LENGTH = 2 * LINE_LENGTH
BAND_STRIP = 3
BAND_LETTER = 8
BAND_STRAY, BAND_STRAY_GAP = 3 * BAND_LETTER, LINE_LENGTH
# ... and it is no band's streak: not thicker than BAND_THICK of the writing's height (a line
# through a bold script's letters), and its line does not run on along the page past it and
# the writing (BAND_END px and more): dark there on BAND_RUNS_ON of its points, or not
# BAND_DARKER less dark there than on the line (see _runs_along).
BAND_THICK = 0.35
BAND_END = 15
BAND_RUNS_ON = 0.6
BAND_DARKER = 20


Segment = tuple[float, float, float, float]  # x0, y0, x1, y1 in the box's pixels


@dataclass(frozen=True)
class Strike:
    corrected: bool  # another value stands next to or above the struck one
    # The measures that tell a line across a whole value from a straight run inside a bold
    # word (formgen.check.decision.surely_struck): its length in heights of the struck
    # writing; the share of the writing's width it covers; the ink across it (median run), in
    # heights of the writing.
    reach: float = 0.0
    cover: float = 0.0
    thickness: float = 0.0
    straight: bool = True  # a straight line (else a scribble: a zigzag or a steep cross)
    # The share of the struck writing above the line: a strike runs through the letters, an
    # underline under them (only descenders below it).
    above: float = 0.5
    # The share of the straight line's points on ink (within 1 px): a curve's is less.
    on_ink: float = 1.0
    # A scribble beside a straight run of LINE_LENGTH px or more that is no strike (an
    # underline, whose run joins a slanted hand's capitals into one piece).
    lined: bool = False


def _ink(page: np.ndarray, printed: np.ndarray, rect: Rect,
         contrast: float = INK_CONTRAST) -> np.ndarray:
    x0, y0, x1, y1 = pixel_box(rect)
    region = page[y0 + INSET:y1 - INSET, x0 + INSET:x1 - INSET]
    on_form = printed[y0 + INSET:y1 - INSET, x0 + INSET:x1 - INSET]
    if region.size == 0 or on_form.shape != region.shape:
        return np.zeros((0, 0), bool)
    ink = (darker_than_paper(region) > contrast) & ~on_form
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                           connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= MIN_COMPONENT
    keep[0] = False
    return keep[labels]


@cache
def _kernels() -> tuple[tuple[float, np.ndarray], ...]:
    """(angle, kernel): a one-pixel straight line LINE_LENGTH long, every STRIKE_ANGLE_STEP
    degrees up to STRIKE_MAX_ANGLE either way from the rows."""
    kernels = []
    for degrees in range(-STRIKE_MAX_ANGLE, STRIKE_MAX_ANGLE + 1, STRIKE_ANGLE_STEP):
        angle = np.radians(degrees)
        dx, dy = (LINE_LENGTH - 1) / 2 * np.cos(angle), (LINE_LENGTH - 1) / 2 * np.sin(angle)
        size = (int(np.ceil(abs(dx))) * 2 + 1, int(np.ceil(abs(dy))) * 2 + 1)
        kernel = np.zeros((size[1], size[0]), np.uint8)
        c = (size[0] // 2, size[1] // 2)
        cv2.line(kernel, (round(c[0] - dx), round(c[1] - dy)), (round(c[0] + dx), round(c[1] + dy)),
                 1, 1)
        kernels.append((angle, kernel))
    return tuple(kernels)


def _segments(ink: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Straight runs of ink LINE_LENGTH px or longer (a strike), as (x0, y0, x1, y1) with
    x0 <= x1: where a one-pixel line that long fits in the ink entirely. Writing has gaps
    between its letters; a strike runs on through them."""
    mask = ink.astype(np.uint8)
    found = []
    for angle, kernel in _kernels():
        runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        count, labels = cv2.connectedComponents(runs, connectivity=8)
        for k in range(1, count):
            ys, xs = np.nonzero(labels == k)
            along = xs * np.cos(angle) + ys * np.sin(angle)
            first, last = int(np.argmin(along)), int(np.argmax(along))
            if along[last] - along[first] >= LINE_LENGTH - 1:
                found.append((float(xs[first]), float(ys[first]), float(xs[last]),
                              float(ys[last])))
    return found


@cache
def _steep_kernels(length: int) -> tuple[tuple[float, np.ndarray], ...]:
    """(angle, kernel): one-pixel lines `length` px high, from ZIGZAG_ANGLES[0] to
    ZIGZAG_ANGLES[1] degrees either way from the rows."""
    kernels = []
    for degrees in range(ZIGZAG_ANGLES[0], ZIGZAG_ANGLES[1] + 1, STRIKE_ANGLE_STEP):
        for sign in (1, -1):
            angle = np.radians(sign * degrees)
            half_y = (length - 1) / 2
            half_x = half_y / np.tan(abs(angle))
            size = (int(np.ceil(half_x)) * 2 + 1, int(np.ceil(half_y)) * 2 + 1)
            kernel = np.zeros((size[1], size[0]), np.uint8)
            c = (size[0] // 2, size[1] // 2)
            dx = half_x * (1 if sign > 0 else -1)
            cv2.line(kernel, (round(c[0] - dx), round(c[1] - half_y)),
                     (round(c[0] + dx), round(c[1] + half_y)), 1, 1)
            kernels.append((float(angle), kernel))
    return tuple(kernels)


def zigzag(ink: np.ndarray) -> bool:
    """A scribble over the writing (see _scribble)."""
    return _scribble(ink) is not None


def _scribble(ink: np.ndarray) -> tuple[np.ndarray, int, int, list[Segment]] | None:
    """A scribble over the writing: ZIGZAG_MIN_STROKES or more steep straight strokes in one
    piece of ink (a scribble's strokes meet, and join the letters they cross), each spanning
    ZIGZAG_HEIGHT of the ink's height, leaning both ways, together across STRIKE_MIN_COVER of
    its width and ZIGZAG_MIN_ASPECT times its height. Letters' stems lean one way, or do not
    reach so far; capitals that lean both ways (A, V, M, N) are pieces of their own, no wider
    than they are high. Returns the scribble's piece of ink (a mask), the first and last
    column its strokes cover and the strokes (segments), or None."""
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    if rows.size < 2:
        return None
    height = int(rows[-1] - rows[0] + 1)
    width = int(columns[-1] - columns[0] + 1)
    length = max(ZIGZAG_MIN_LENGTH, round(ZIGZAG_HEIGHT * height))
    mask = ink.astype(np.uint8)
    _, pieces = cv2.connectedComponents(mask, connectivity=8)
    # by the piece of ink they lie in: (first column, last column, leaning right, segment)
    strokes: dict[int, list[tuple[int, int, bool, Segment]]] = {}
    for angle, kernel in _steep_kernels(length):
        runs = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        for k in range(1, count):
            if stats[k, cv2.CC_STAT_HEIGHT] >= length:
                x = int(stats[k, cv2.CC_STAT_LEFT])
                ys, xs = np.nonzero(labels == k)
                along = xs * np.cos(angle) + ys * np.sin(angle)
                first, last = int(np.argmin(along)), int(np.argmax(along))
                piece = int(pieces[ys[0], xs[0]])
                strokes.setdefault(piece, []).append(
                    (x, x + int(stats[k, cv2.CC_STAT_WIDTH]), angle > 0,
                     (float(xs[first]), float(ys[first]), float(xs[last]), float(ys[last]))))
    for piece, found in strokes.items():  # one scribble: its strokes meet, in one piece of ink
        if len(found) < ZIGZAG_MIN_STROKES or len({lean for _, _, lean, _ in found}) < 2:
            continue
        covered = np.zeros(ink.shape[1], bool)
        for a, b, _, _ in found:
            covered[a:b] = True
        if covered.sum() >= max(STRIKE_MIN_COVER * width, ZIGZAG_MIN_ASPECT * height):
            spanned = np.flatnonzero(covered)
            return pieces == piece, int(spanned[0]), int(spanned[-1]), \
                [segment for _, _, _, segment in found]
    return None


def _zigzag_strike(ink: np.ndarray) -> Strike | None:
    """A scribble as a strike: corrected when ink the scribble does not hold lies clear of the
    columns it covers (WORD_GAP either side) or above or below it; its reach is the width it
    covers in heights of the scribbled ink, its thickness the ink across its strokes (median
    run across them, see _across_normal) in the same heights."""
    found = _scribble(ink)
    if found is None:
        return None
    piece, left, right, strokes = found
    rows = np.flatnonzero(piece.any(axis=1))
    height = max(1, int(rows[-1] - rows[0] + 1))
    beside = _beside(ink, piece.astype(np.uint8), left, right, (int(rows[0]), int(rows[-1])))
    return Strike(corrected=beside >= CORRECTION_MIN_PIXELS,
                  reach=(right - left + 1) / height, cover=(right - left + 1) / _width(ink),
                  thickness=float(np.median(np.concatenate(
                      [_across_normal(ink, segment) for segment in strokes]))) / height,
                  straight=False)


def _width(ink: np.ndarray) -> int:
    columns = np.flatnonzero(ink.any(axis=0))
    return int(columns[-1] - columns[0] + 1)


def _across_normal(ink: np.ndarray, segment: Segment) -> np.ndarray:
    """At each pixel along the segment, the run of ink through it square to the segment (0
    where the segment's point has no ink). A pen's scribble is as thin as the pen where it
    runs between and above the letters; a straight run inside a felt pen's letters lies in
    letters filled with ink."""
    x0, y0, x1, y1 = segment
    length = float(np.hypot(x1 - x0, y1 - y0))
    if length < 1:
        return np.zeros(1)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    t = np.linspace(0.0, 1.0, max(2, round(length) + 1))[:, None]
    reach = max(ink.shape)
    steps = np.arange(-reach, reach + 1)[None, :]
    xs = np.round(x0 + t * (x1 - x0) + steps * nx).astype(int)
    ys = np.round(y0 + t * (y1 - y0) + steps * ny).astype(int)
    inside = (xs >= 0) & (xs < ink.shape[1]) & (ys >= 0) & (ys < ink.shape[0])
    on = np.zeros(xs.shape, bool)
    on[inside] = ink[ys[inside], xs[inside]]
    ahead = np.argmin(np.c_[on[:, reach:], np.zeros(len(on), bool)], axis=1)
    behind = np.argmin(np.c_[on[:, reach::-1], np.zeros(len(on), bool)], axis=1)
    return np.where(on[:, reach], ahead + behind - 1, 0).astype(float)


def struck_through(page: np.ndarray, printed: np.ndarray, rect: Rect,
                   boxes: Sequence[Rect] = ()) -> Strike | None:
    """The strike through the writing in rect (form points) on a page warped to CHECK_DPI
    (grey uint8; printed: the blank form's widened ink; boxes: the page's boxes, whose
    writing is no noise), or None when it is not struck."""
    return strike_measures(page, printed, rect, boxes)[0]


def strike_measures(page: np.ndarray, printed: np.ndarray, rect: Rect,
                    boxes: Sequence[Rect] = ()) -> tuple[Strike | None, float]:
    """The strike through the writing in rect (see struck_through), and when there is none,
    the strike in doubt: the share of the writing's width that a straight run through its
    middle covers which only the noise tells from a strike (it lies in a band of the copy's
    noise, or a line of ink seems to run on past the box), or that a line in light ink or a
    faint line on the paper between the letters (_faint_line) covers; 0.0 when there is none."""
    ink = _ink(page, printed, rect)
    if not ink.any():
        return None, 0.0
    strike, doubt = _straight_strike(page, printed, rect, ink, boxes)
    if strike is None:
        strike = _zigzag_strike(ink)
        if strike is not None and _segments(ink):
            strike = replace(strike, lined=True)
    if strike is not None:
        return strike, 0.0
    if doubt == 0.0:  # a light strike: a line at LIGHT_STRIKE_CONTRAST through the writing
        light, light_doubt = _straight_strike(
            page, printed, rect, _ink(page, printed, rect, LIGHT_STRIKE_CONTRAST), boxes,
            written=ink)
        doubt = light.cover if light is not None else light_doubt
    noise = noise_around(page, printed, rect, boxes)
    # a line along a drum's band, or fainter still: a thin line on the paper between the letters
    return None, max(doubt, _band_line(page, printed, rect, ink, noise),
                     _faint_line(page, printed, rect, ink, noise))


def _band_line(page: np.ndarray, printed: np.ndarray, rect: Rect, ink: np.ndarray,
               noise: Noise) -> float:
    """The widest cover of the writing without a drum's band (see BAND_*) by a straight line
    through its middle, in ink or in light ink, whole or in pieces, no thicker than BAND_THICK
    of the writing's height, that is no frame and does not run on along the page (see
    _runs_along); 0.0 when there is none, or when the band's marks (its rows, specks, dashes,
    stray blobs) do not widen the writing (a clean box: an underline or a flourish is no
    strike, and the line's own rows are only left out where a band is)."""
    light = _ink(page, printed, rect, LIGHT_STRIKE_CONTRAST)
    h, w = ink.shape
    whole = ink & ~noise.columns[None, :]  # the writing's height: its letters reach into a band
    clean = whole & ~noise.rows[:, None] if (~noise.rows).sum() >= 2 * BAND_LETTER else whole
    banded, plain = _letters(clean), _words(whole)
    if not banded or not plain or banded[-1][1] - banded[0][0] >= plain[-1][1] - plain[0][0]:
        return 0.0  # no band's marks widen the writing: the strike rules have measured it
    xs, rows = np.arange(w), np.arange(h)[:, None]
    best = 0.0
    for lines in (ink, light):
        segments = _segments(lines)
        for segment in segments + _chained(segments):
            x0, y0, x1, y1 = segment
            if np.hypot(x1 - x0, y1 - y0) < BAND_MIN_LENGTH:
                continue
            ys = y0 + (y1 - y0) / max(x1 - x0, 1.0) * (xs - x0)
            writing = clean & (np.abs(rows - ys[None, :]) > BAND_STRIP)
            words = _letters(writing)
            if not words or noise.along_box(lines, segment, (words[0][0], words[-1][1])) == "frame":
                continue
            left, right = words[0][0], words[-1][1]
            height = np.flatnonzero(whole[:, left:right + 1].sum(axis=1) >= 3)
            if height.size < 2:
                continue
            top, bottom = int(height[0]), int(height[-1])
            cover = _cover(segment, words)
            if cover > best and top + STRIKE_MIDDLE[0] * (bottom - top) <= (y0 + y1) / 2 \
                    <= top + STRIKE_MIDDLE[1] * (bottom - top) \
                    and _across(lines, segment) <= BAND_THICK * (bottom - top + 1) \
                    and not _runs_along(page, printed, rect, segment, (left, right)):
                best = cover
    return best


def _runs_along(page: np.ndarray, printed: np.ndarray, rect: Rect, segment: Segment,
                writing: tuple[int, int]) -> bool:
    """The segment's line (box interior pixels), followed from CONTEXT px left of the box to
    CONTEXT px right of it, off the form's print, BAND_END px and more past the segment's ends
    and the writing's (first and last column), is a band's streak the segment runs along: dark
    (LIGHT_STRIKE_CONTRAST, within 1 px) on BAND_RUNS_ON of its points, or as dark there (its
    90th percentile) as the segment less BAND_DARKER (median): a strike stands out from the
    band it lies in, and ends where the writing does."""
    x0, y0, x1, y1 = segment
    bx0, by0, bx1, _ = pixel_box(rect)
    slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
    xs = np.arange(max(0, bx0 - CONTEXT), min(page.shape[1], bx1 + CONTEXT))
    inner = xs - bx0 - INSET
    ys = np.round(y0 + slope * (inner - x0)).astype(int) + by0 + INSET
    keep = (ys >= 1) & (ys < page.shape[0] - 1)
    xs, ys, inner = xs[keep], ys[keep], inner[keep]
    lo, hi = max(0, int(ys.min()) - PAPER_WINDOW), int(ys.max()) + PAPER_WINDOW
    darker = darker_than_paper(page[lo:hi, xs.min():xs.max() + 1])
    near = np.max([darker[ys - lo + dy, xs - xs.min()] for dy in (-1, 0, 1)], axis=0)
    on = (inner >= x0) & (inner <= x1)
    past = (inner < min(x0, writing[0]) - BAND_END) | (inner > max(x1, writing[1]) + BAND_END)
    past &= ~printed[ys, xs]
    if past.sum() < LINE_LENGTH or not on.any():
        return False
    return bool((near[past] > LIGHT_STRIKE_CONTRAST).mean() >= BAND_RUNS_ON
                or np.percentile(near[past], 90) > np.median(near[on]) - BAND_DARKER)


def _letters(writing: np.ndarray) -> list[tuple[int, int]]:
    """The words (see _words) that hold a piece of ink BAND_LETTER px high, less a stray one
    (no wider than BAND_STRAY, BAND_STRAY_GAP px or more from the others: a band's blob)."""
    words = []
    for a, b in _words(writing):
        _, _, stats, _ = cv2.connectedComponentsWithStats(
            writing[:, a:b + 1].astype(np.uint8), connectivity=8)
        if stats[1:, cv2.CC_STAT_HEIGHT].max(initial=0) >= BAND_LETTER:
            words.append((a, b))
    return [(a, b) for i, (a, b) in enumerate(words)
            if b - a + 1 > BAND_STRAY or len(words) == 1
            or (i > 0 and a - words[i - 1][1] < BAND_STRAY_GAP)
            or (i + 1 < len(words) and words[i + 1][0] - b < BAND_STRAY_GAP)]


def _faint_line(page: np.ndarray, printed: np.ndarray, rect: Rect, ink: np.ndarray,
                noise: Noise) -> float:
    """A faint straight line through the middle of the writing (see FAINT_*), as the share of
    the writing's width between the first and last piece that shows it; 0.0 when none."""
    writing = ink & ~noise.columns[None, :]
    words = _words(writing)
    if not words:
        return 0.0
    left, right = words[0][0], words[-1][1]
    rows = np.flatnonzero(writing[:, left:right + 1].sum(axis=1) >= 3)
    if rows.size < 2:
        return 0.0
    x0, y0, x1, y1 = pixel_box(rect)
    region = page[y0 + INSET:y1 - INSET, x0 + INSET:x1 - INSET]
    on_form = printed[y0 + INSET:y1 - INSET, x0 + INSET:x1 - INSET]
    darker = darker_than_paper(region).astype(np.float32)
    h, w = darker.shape
    k = FAINT_ACROSS
    paper = ~cv2.dilate((ink | on_form).astype(np.uint8),
                        np.ones((2 * FAINT_CLEAR + 1,) * 2, np.uint8)).astype(bool)
    ridge = np.full((h, w), np.nan, np.float32)  # darker than the paper above and below
    ridge[k:h - k] = np.minimum(darker[k:h - k] - darker[:h - 2 * k],
                                darker[k:h - k] - darker[2 * k:])
    ridge[k:h - k][~(paper[k:h - k] & paper[:h - 2 * k] & paper[2 * k:])] = np.nan
    top, bottom = int(rows[0]), int(rows[-1])
    lo = int(np.ceil(top + STRIKE_MIDDLE[0] * (bottom - top)))
    hi = int(np.floor(top + STRIKE_MIDDLE[1] * (bottom - top)))
    xs = np.arange(w)
    middle = (left + right) / 2
    inside = (xs >= left) & (xs <= right)
    past = (xs < left - FAINT_PAST) | (xs > right + FAINT_PAST)
    best, span = 0, 0.0
    for degrees in range(-FAINT_ANGLE, FAINT_ANGLE + 1):
        slope = np.tan(np.radians(degrees))
        for y in range(lo, hi + 1):
            ys = np.round(y + (xs - middle) * slope).astype(int)
            if ys[inside].min() < 1 or ys[inside].max() >= h - 1:
                continue
            near = np.clip(ys, 1, h - 2)
            line = np.fmax(np.fmax(ridge[near - 1, xs], ridge[near, xs]), ridge[near + 1, xs])
            line[(ys < 1) | (ys >= h - 1)] = np.nan
            shown, hidden = _faint_pieces(line, inside)
            score = len(shown) - len(hidden)
            if score < FAINT_MIN_SCORE or score <= best:
                continue
            if noise.along_rows((float(left), float(ys[left]), float(right), float(ys[right]))):
                continue  # a band's streaks across the box
            beyond_shown, beyond_hidden = _faint_pieces(line, past)
            if len(beyond_shown) >= 3 and len(beyond_shown) > len(beyond_hidden):
                continue  # runs on along the box: a frame or a streak
            best = score
            span = (max(shown) - min(shown) + FAINT_PIECE) / (right - left + 1)
    return min(1.0, span)


def _faint_pieces(line: np.ndarray, where: np.ndarray) -> tuple[list[int], list[int]]:
    """The first columns of the pieces (FAINT_PIECE px of the line on paper, 3 px at least)
    where the line shows (median over FAINT_CONTRAST), and of those where it does not."""
    seen = where & np.isfinite(line)
    edges = np.flatnonzero(np.diff(np.r_[0, seen.astype(np.int8), 0]))
    runs = [np.arange(a, b, FAINT_PIECE) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    if not runs:
        return [], []
    start = np.concatenate(runs)
    end = np.minimum(start + FAINT_PIECE, np.repeat(edges[1::2], [len(r) for r in runs]))
    start, end = start[end - start >= 3], end[end - start >= 3]
    medians = np.empty(len(start), np.float64)
    whole = end - start == FAINT_PIECE  # all at once; a run's shorter last piece alone
    medians[whole] = np.median(line[start[whole][:, None] + np.arange(FAINT_PIECE)], axis=1)
    for i in np.flatnonzero(~whole):
        medians[i] = np.median(line[start[i]:end[i]])
    shows = medians > FAINT_CONTRAST
    return start[shows].tolist(), start[~shows].tolist()


def _straight_strike(page: np.ndarray, printed: np.ndarray, rect: Rect,
                     ink: np.ndarray, boxes: Sequence[Rect],
                     written: np.ndarray | None = None) -> tuple[Strike | None, float]:
    """One or two straight lines through the middle of the writing (see struck_through),
    beyond the noise around the box and not along the box past their ends; straight runs
    on one line are one strike broken by the copy (_chained). The writing they cross, and a
    correction beside them, are the ink off the columns in noise (a band's stipple is no
    word); no straight run is writing. With no strike: the cover of the widest run through
    the middle of the writing that the noise, or the box's edge, set aside (see
    strike_measures and Noise.along_box). written: the
    writing, when the lines are looked for in lighter ink (else the ink)."""
    strikes = _segments(ink)
    if not strikes:
        return None, 0.0
    stroke = np.zeros(ink.shape, np.uint8)
    for x0, y0, x1, y1 in strikes:
        cv2.line(stroke, (round(x0), round(y0)), (round(x1), round(y1)), 1, 5)
    noise = noise_around(page, printed, rect, boxes)
    clean = (ink if written is None else written) & ~noise.columns[None, :]
    writing = clean & ~stroke.astype(bool)
    words = _words(writing)
    if not words:
        return None, 0.0

    def not_frames(segments: list[Segment]) -> list[Segment]:
        return [s for s in segments
                if noise.along_box(ink, s, (words[0][0], words[-1][1])) != "frame"]

    along = {s: noise.along_box(ink, s, (words[0][0], words[-1][1])) for s in strikes}
    strikes = [s for s in strikes if along[s] != "frame"]
    # a line on to the box's edge from writing with no room beside it ("edge") is in doubt
    clear = [s for s in strikes if noise.beyond(s) >= LINE_LENGTH - 1  # as _segments
             and along[s] is None]
    in_noise = [s for s in strikes if s not in clear]
    chained = [s for s in not_frames(_chained(clear)) if noise.beyond(s) >= LINE_LENGTH - 1
               and not noise.along_rows(s)]  # a broken line along a band: its streaks
    bx0, by0, _, _ = pixel_box(rect)

    def runs_on(segment: Segment) -> bool:  # a fold or streak across the page
        x0, y0, x1, y1 = segment
        return _runs_on(page, printed, rect, (x0 + bx0 + INSET, y0 + by0 + INSET,
                                              x1 + bx0 + INSET, y1 + by0 + INSET))

    found: Strike | None = None
    longest = 0.0
    set_aside = list(in_noise)
    by_length = sorted(clear, key=lambda s: -float(np.hypot(s[2] - s[0], s[3] - s[1])))
    for segment in by_length + chained:  # a whole run first: its measures are the surer
        x0, y0, x1, y1 = segment
        length = float(np.hypot(x1 - x0, y1 - y0))
        if length <= longest or found is not None and segment in chained and written is None:
            continue  # a shorter run of the same strike (in light ink a chain may be longer)
        if runs_on(segment):
            set_aside.append(segment)
            continue
        through = _through(segment, words, writing, stroke)
        if through is None:
            continue
        left, right, (top, bottom, struck) = through
        longest = length
        found = Strike(corrected=_beside(clean, stroke, left, right, (top, bottom))
                       >= CORRECTION_MIN_PIXELS,
                       reach=length / max(1, bottom - top + 1),
                       cover=_cover(segment, words),
                       thickness=_across(ink, segment) / max(1, bottom - top + 1),
                       on_ink=_on_ink(ink, segment),
                       above=_above_share(struck, stroke, segment, left, right))
    if found is not None:
        return found, 0.0
    return None, max((_cover(s, words) for s in set_aside
                      if _through(s, words, writing, stroke) is not None), default=0.0)


def _through(segment: Segment, words: list[tuple[int, int]], writing: np.ndarray,
             stroke: np.ndarray) -> tuple[int, int, tuple[int, int, np.ndarray]] | None:
    """The first and last column of the words the segment crosses and the band of the
    struck writing (see _band), when it runs through the middle of the writing's height
    (STRIKE_MIDDLE) across STRIKE_MIN_COVER of the words it crosses; else None."""
    x0, y0, x1, y1 = segment
    crossed = [(a, b) for a, b in words if b >= x0 and a <= x1]
    if not crossed:
        return None
    left, right = crossed[0][0], crossed[-1][1]
    band = _band(writing, stroke, left, right)
    if band is None:
        return None
    top, bottom, _ = band
    y = (y0 + y1) / 2
    if not top + STRIKE_MIDDLE[0] * (bottom - top) <= y <= \
            top + STRIKE_MIDDLE[1] * (bottom - top):
        return None
    if min(x1, right) - max(x0, left) < STRIKE_MIN_COVER * (right - left + 1):
        return None
    return left, right, band


def _cover(segment: Segment, words: list[tuple[int, int]]) -> float:
    """The share of the writing's width (first to last word) that the segment spans."""
    x0, _, x1, _ = segment
    return (min(x1, words[-1][1]) - max(x0, words[0][0])) / (words[-1][1] - words[0][0] + 1)


def _chained(segments: list[Segment]) -> list[Segment]:
    """Straight runs on one line (their ends within CHAIN_OFF px of each other's line, at
    most CHAIN_GAP px apart) joined end to end: a strike the copy broke into pieces (a light
    or skipping pen, a thin line under a drum's grain). Only the joined lines that hold more
    than one run and are CHAIN_LENGTH px long or more."""
    ordered = sorted(segments, key=lambda s: s[0])
    chains: list[list[Segment]] = []
    for segment in ordered:
        for chain in chains:
            last = chain[-1]
            if segment[0] - last[2] <= CHAIN_GAP and segment[0] > last[0] \
                    and _off_line(last, segment) <= CHAIN_OFF:
                chain.append(segment)
                break
        else:
            chains.append([segment])
    joined = []
    for chain in chains:
        first = min(chain, key=lambda s: s[0])
        last = max(chain, key=lambda s: s[2])
        if len(chain) > 1 and np.hypot(last[2] - first[0], last[3] - first[1]) >= CHAIN_LENGTH:
            joined.append((first[0], first[1], last[2], last[3]))
    return joined


def _off_line(a: Segment, b: Segment) -> float:
    """How far b's first end lies from a's line, and a's last end from b's (px, the larger):
    a pen's line bends a little along a value, so only the ends that meet are compared."""
    def off(line: Segment, x: float, y: float) -> float:
        x0, y0, x1, y1 = line
        length = max(1e-6, float(np.hypot(x1 - x0, y1 - y0)))
        return abs((x1 - x0) * (y0 - y) - (x0 - x) * (y1 - y0)) / length
    return max(off(a, b[0], b[1]), off(b, a[2], a[3]))


@dataclass(frozen=True)
class Noise:
    """The noise on the paper around a box, as far as it makes straight runs in the box."""

    columns: np.ndarray  # per column of the box's interior (INSET): in a band of noise
    rows: np.ndarray  # per row: in a band of noise
    row_run: float  # px: the longest straight run in the noise on the box's rows beside it

    def beyond(self, segment: Segment) -> float:
        """The length (px) of the segment's part on columns not in noise (a band down the
        page, which a strike crosses); 0 for a segment along rows in noise (a band across
        the page, along which it runs) that is not NOISE_RUN_MARGIN times as long as the
        noise's own straight runs there."""
        x0, y0, x1, y1 = segment
        length = float(np.hypot(x1 - x0, y1 - y0))
        n = max(2, round(max(abs(x1 - x0), abs(y1 - y0))) + 1)
        xs = np.clip(np.round(np.linspace(x0, x1, n)).astype(int), 0, self.columns.size - 1)
        if self.along_rows(segment) and length < NOISE_RUN_MARGIN * self.row_run:
            return 0.0
        return length * float(1.0 - self.columns[xs].mean())

    def along_rows(self, segment: Segment) -> bool:
        """The segment runs along rows in a band of noise (on more than half its points)."""
        x0, y0, x1, y1 = segment
        n = max(2, round(max(abs(x1 - x0), abs(y1 - y0))) + 1)
        ys = np.clip(np.round(np.linspace(y0, y1, n)).astype(int), 0, self.rows.size - 1)
        return bool(self.rows[ys].mean() > 0.5)

    def along_box(self, ink: np.ndarray, segment: Segment, writing: tuple[int, int]) -> str | None:
        """"frame" when the segment's line goes on along the box past its own ends, or past the
        writing's (writing: its first and last column; WORD_GAP on) on each side with
        FRAME_SIDE px of room, with ink (within 1 px) on PAGE_LINE_SHARE of the box's width
        there, on columns and rows not in noise: the box's own frame inside it on a page a few
        pixels off, whole or in pieces, not a strike, which stops near the writing's ends.
        "edge" when it goes on so past one end of the writing with no room on the other side
        to tell a frame from a strike drawn on to the box's edge; else None."""
        x0, y0, x1, y1 = segment
        slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
        xs = np.arange(ink.shape[1])
        ys = np.round(y0 + slope * (xs - x0)).astype(int)
        on = (ys >= 1) & (ys < ink.shape[0] - 1) & ~self.columns
        on[on] &= ~self.rows[ys[on]]
        near = np.zeros(xs.size, bool)
        near[on] = np.max([ink[ys[on] + dy, xs[on]] for dy in (-1, 0, 1)], axis=0)

        def inked(past: np.ndarray) -> bool:
            return bool((past & on).sum() >= PAGE_LINE_REACH
                        and near[past & on].mean() >= PAGE_LINE_SHARE)

        if inked((xs < x0 - WORD_GAP) | (xs > x1 + WORD_GAP)):
            return "frame"
        sides = [past & on for past in (xs < writing[0] - WORD_GAP, xs > writing[1] + WORD_GAP)]
        if not inked(sides[0] | sides[1]):
            return None
        room = [side for side in sides if side.sum() >= FRAME_SIDE]
        if not all(near[side].mean() >= PAGE_LINE_SHARE for side in room):
            return None  # a frame shows on both sides; a strike drawn on to one edge does not
        return "frame" if len(room) == 2 else "edge"


def noise_around(page: np.ndarray, printed: np.ndarray, rect: Rect,
                 boxes: Sequence[Rect] = ()) -> Noise:
    """The noise around the box (rect, form points; boxes: the page's boxes, whose writing is
    no noise) on the blank paper, the form's print left out. A column (row) of the box is in
    noise when the paper above and below it, REACH px each way (left and right of it, CONTEXT
    px each way), shows marks (INK_CONTRAST) on NOISE_DENSE of it or more on both sides,
    pooled over NOISE_WINDOW px either side (as formgen.check.ink.measure counts noise); the
    straight runs (see _segments) are looked for on the box's rows beside it."""
    x0, y0, x1, y1 = pixel_box(rect)
    h, w = page.shape[:2]
    cx0, cy0 = max(0, x0 - CONTEXT), max(0, y0 - REACH)
    cx1, cy1 = min(w, x1 + CONTEXT), min(h, y1 + REACH)
    region = page[cy0:cy1, cx0:cx1]
    blank = ~printed[cy0:cy1, cx0:cx1]
    if boxes:
        blank &= ~boxes_mask((h, w), tuple(boxes))[cy0:cy1, cx0:cx1]
    blank[max(0, y0 - cy0):y1 - cy0, max(0, x0 - cx0):x1 - cx0] = False
    marks = (darker_than_paper(region) > INK_CONTRAST) & blank
    top, bottom = y0 - cy0 + INSET, y1 - cy0 - INSET
    left, right = x0 - cx0 + INSET, x1 - cx0 - INSET
    columns = np.minimum(_density(marks[:top], blank[:top], 0),
                         _density(marks[bottom:], blank[bottom:], 0))[left:right]
    rows = np.minimum(_density(marks[:, :left], blank[:, :left], 1),
                      _density(marks[:, right:], blank[:, right:], 1))[top:bottom]
    beside = np.zeros(marks.shape, bool)
    beside[top:bottom, :left] = marks[top:bottom, :left]
    beside[top:bottom, right:] = marks[top:bottom, right:]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(beside.astype(np.uint8),
                                                           connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= MIN_COMPONENT
    keep[0] = False
    runs = [float(np.hypot(b - a, d - c)) for a, c, b, d in _segments(keep[labels])]
    return Noise(columns >= NOISE_DENSE, rows >= NOISE_DENSE, max(runs, default=0.0))


def _density(marks: np.ndarray, blank: np.ndarray, axis: int) -> np.ndarray:
    """Per column (axis 0) or row (axis 1): the share of the blank paper there with marks,
    pooled over NOISE_WINDOW either side; 0 where less than NOISE_MIN_PAPER px was seen."""
    pool = np.ones(2 * NOISE_WINDOW + 1, np.float32)
    hits = np.convolve(marks.sum(axis=axis).astype(np.float32), pool, "same")
    seen = np.convolve(blank.sum(axis=axis).astype(np.float32), pool, "same")
    return np.where(seen >= NOISE_MIN_PAPER, hits / np.maximum(seen, 1.0), 0.0)


def _above_share(struck: np.ndarray, stroke: np.ndarray, segment: Segment, left: int,
                 right: int) -> float:
    """Of the struck writing in the columns the segment crosses (within left..right), the
    share above the highest strike in its column: a line through the letters has about half
    of them above it (the upper of two lines less), an underline all but the descenders."""
    x0, _, x1, _ = segment
    a, b = max(int(x0), left), min(int(x1), right)
    if b <= a:
        return 0.0
    lines = stroke[:, a:b + 1].astype(bool)
    rows = np.arange(lines.shape[0])[:, None]
    has: np.ndarray = np.asarray(lines.any(axis=0))
    highest = np.where(has, np.argmax(lines, axis=0), lines.shape[0])
    writing = struck[:, a:b + 1] & has[None, :]
    above = int((writing & (rows < highest[None, :])).sum())
    return above / max(1, int(writing.sum()))


def _on_ink(ink: np.ndarray, segment: Segment) -> float:
    """The share of the segment's points (one a column) that lie on ink: a straight strike
    all, a curve (a paraph), whose straight run at one angle only spans its first and last
    point, less."""
    x0, y0, x1, y1 = segment
    n = max(2, round(x1 - x0) + 1)
    xs = np.round(np.linspace(x0, x1, n)).astype(int)
    ys = np.round(np.linspace(y0, y1, n)).astype(int)
    near = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return float(near[ys, xs].mean())


def _across(ink: np.ndarray, segment: tuple[float, float, float, float]) -> float:
    """The median height of the ink across the strike: at each of its columns, the run of ink
    through the strike's point. A pen line across writing is as thin as the pen between the
    letters and in their open middles; a straight run inside a felt pen's bold word lies in
    letters filled with ink as high as they are."""
    x0, y0, x1, y1 = segment
    n = max(2, round(x1 - x0) + 1)
    runs = []
    for x, y in zip(np.round(np.linspace(x0, x1, n)).astype(int),
                    np.round(np.linspace(y0, y1, n)).astype(int), strict=True):
        column = ink[:, x]
        gaps = np.flatnonzero(~column)
        above, below = gaps[gaps < y], gaps[gaps > y]
        top = above[-1] + 1 if above.size else 0
        bottom = below[0] if below.size else column.size
        runs.append(bottom - top if column[y] else 0)
    return float(np.median(runs))


def _runs_on(page: np.ndarray, printed: np.ndarray, rect: Rect,
             segment: tuple[float, float, float, float]) -> bool:
    """The segment (page pixels) goes on past the box on either side, beyond its border: ink on
    PAGE_LINE_SHARE of the points along its extension from BEYOND_BORDER px outside the box's
    edge for PAGE_LINE_REACH px. A customer's strike stops at about the box's edge; a fold or
    a streak runs on, and so does a patch of stipple beside the box (then the strike is in
    doubt, see strike_measures)."""
    x0, y0, x1, y1 = segment
    slope = (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0
    bx0, _, bx1, _ = pixel_box(rect)
    contrast = None
    for start, step in ((bx1 + BEYOND_BORDER, 1), (bx0 - BEYOND_BORDER, -1)):
        xs = start + step * np.arange(PAGE_LINE_REACH)
        ys = np.round(y0 + slope * (xs - x0)).astype(int)
        inside = (xs >= 0) & (xs < page.shape[1]) & (ys >= 1) & (ys < page.shape[0] - 1)
        if not inside.any():
            continue
        xs, ys = xs[inside], ys[inside]
        if contrast is None:
            contrast = darker_than_paper(page)
        near = np.max([contrast[ys + dy, xs] for dy in (-1, 0, 1)], axis=0)
        ink = (near > INK_CONTRAST) & ~printed[ys, xs]
        if ink.mean() >= PAGE_LINE_SHARE:
            return True
    return False


def _band(writing: np.ndarray, stroke: np.ndarray, left: int,
          right: int) -> tuple[int, int, np.ndarray] | None:
    """The first and last row of the struck line of writing, and its mask: the pieces of
    writing (the strikes taken out) in columns left..right that the strikes touch (within
    1 px). A value written above or below the struck one, in the same columns, is not part
    of it."""
    near = cv2.dilate(stroke, np.ones((3, 3), np.uint8)).astype(bool)
    _, labels = cv2.connectedComponents(writing.astype(np.uint8), connectivity=8)
    touched = np.setdiff1d(np.unique(labels[:, left:right + 1][
        near[:, left:right + 1] & writing[:, left:right + 1]]), [0])
    struck = np.zeros(writing.shape, bool)
    struck[:, left:right + 1] = np.isin(labels[:, left:right + 1], touched)
    rows = np.flatnonzero(struck.any(axis=1))
    return (int(rows[0]), int(rows[-1]), struck) if rows.size else None


def _beside(ink: np.ndarray, stroke: np.ndarray, left: int, right: int,
            band: tuple[int, int]) -> int:
    """Ink pixels of the writing that the strikes do not touch and that lie clear of the
    struck words (columns left..right, WORD_GAP either side), or wholly above or below the
    struck line (rows band, in pieces of CORRECTION_MIN_PIECE px or more): a value written
    beside them."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8),
                                                               connectivity=8)
    touched = np.zeros(count, bool)
    touched[np.unique(labels[stroke.astype(bool)])] = True
    total = 0
    for k in range(1, count):
        x, width = int(stats[k, cv2.CC_STAT_LEFT]), int(stats[k, cv2.CC_STAT_WIDTH])
        y, height = int(stats[k, cv2.CC_STAT_TOP]), int(stats[k, cv2.CC_STAT_HEIGHT])
        area = int(stats[k, cv2.CC_STAT_AREA])
        if touched[k]:
            continue
        if x + width <= left - WORD_GAP or x >= right + WORD_GAP or (
                area >= CORRECTION_MIN_PIECE and (y + height <= band[0] or y > band[1])):
            total += area
    return total


def _words(writing: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) column of each stretch of writing, gaps of up to WORD_GAP px closed; a
    stretch no wider nor taller than SPECK_WORD px is a toner speck, no word."""
    columns = np.flatnonzero(writing.sum(axis=0) >= 2)
    if not columns.size:
        return []
    breaks = np.flatnonzero(np.diff(columns) > WORD_GAP)
    starts = np.r_[columns[0], columns[breaks + 1]]
    ends = np.r_[columns[breaks], columns[-1]]
    words = []
    for a, b in zip(starts, ends, strict=True):
        rows = np.flatnonzero(writing[:, a:b + 1].any(axis=1))
        if max(b - a + 1, rows[-1] - rows[0] + 1) > SPECK_WORD:
            words.append((int(a), int(b)))
    return words
