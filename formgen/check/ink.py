"""Is there writing in a box? Compare the scanned box with the blank form as it was sent out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.form.layout import Rect

CHECK_DPI = 150  # pages are warped to this resolution before any box is measured
PAPER_WINDOW = 15  # px at CHECK_DPI: strokes thinner than this are not taken for paper
MIN_COMPONENT = 8  # px at CHECK_DPI: smaller specks are scanner noise or JPEG artefacts


INK_CONTRAST = 45  # grey levels darker than the paper around it: pen or typed text
FAINT_CONTRAST = 14  # pencil or a nearly empty pen: something a person should look at
PRINT_LEVEL = 200  # grey levels: darker than this on the blank form's render is print
PRINT_WIDEN = 3  # px the print is widened on every side (reference_pages): small misplacement
# Straight runs this long (px at CHECK_DPI, about 7 mm), within LINE_ANGLE degrees of the rows or
# the columns, are lines: the box's own border when the page is a few pixels off, fold lines,
# low-ink lines, streaks. Handwriting has no straight run that long; a signature's underline
# may go, its loops stay.
LINE_LENGTH = 41
LINE_ANGLE, LINE_ANGLE_STEP = 15, 3
# A line reaches out of the box through its printed border and on past it, more than LINE_BEYOND
# px beyond the box's interior: writing that rests on the bottom line is no line
# (benchmarks/tuning-ink.md#measuring-parameters).
LINE_BEYOND = 7
# A line is thin: a piece of straight runs LINE_MAX_WIDTH px or more thick on average (area
# over length, dark pixels widened by one px each side) is a band of drum stipple or a copy's
# mottling; only its body goes, not the pen strokes that touch it and run on out of it
# (benchmarks/tuning-ink.md, "Written boxes under a bad photocopy and a dirty drum").
LINE_MAX_WIDTH = 11
CONTEXT = 70  # px at CHECK_DPI left and right of a box where the paper's noise is measured
SHADE_INSET = 3  # px at CHECK_DPI inside a box's border where its paper's shade is measured
MEASURE_INSET = 3  # px at CHECK_DPI inside a box's border where its ink is counted
REACH = 240  # px above and below: far enough to find blank paper between stacked boxes
NOISE_WINDOW = 10  # px either side of a column (or row) over which noise density is pooled
NOISE_MIN_PAPER = 40  # blank-paper pixels a window needs before its density counts
# Only the ink beyond NOISE_MARGIN times the noise density of the paper around a box counts,
# column by column and row by row (benchmarks/tuning-ink.md#measuring-parameters).
NOISE_MARGIN = 1.5
NOISE_POOL = 2 * NOISE_WINDOW + 1  # columns (or rows) in one pooling window
# A copier's band comes and goes down the page: its density in the box may be that of its
# densest stretch, not its mean over the paper around. The noise of a column (row) is also
# taken over stretches of BAND_STRETCH rows (columns) of the paper around, each with half
# its pooled area blank, and the densest counts (``Ink.peak_noise``;
# benchmarks/tuning-ink.md, "Empty boxes in a band's dense stretch (session 23)").
BAND_STRETCH = 40
BAND_CLEAR = 15  # px around every box left out of those stretches: letters run over a border
WORD_GAP = 8  # px at CHECK_DPI: the gap between letters, or a pen's lift within a word
# A ballpoint's blue (or red, green) is a colour; the form's print, toner and a copier's grain
# are grey: a pixel whose colour channels lie PEN_CHROMA grey levels further apart than the
# paper's is pen (benchmarks/tuning-ink.md#pen-coloured-ink-session-25).
PEN_CHROMA = 20
# Pen strokes against texture (a worn copier's grain, toner speckle): along a stroke the paper
# is dark in one direction and light across it; grain is about as dark in every direction. A
# pixel's stroke strength is the mean darkness along the darkest straight piece of
# STROKE_LENGTH px through it (of STROKE_DIRECTIONS) less the mean over all directions.
# Only ink (INK_CONTRAST) that is that much stronger along a stroke counts
# (benchmarks/tuning-ink.md#measuring-parameters).
STROKE_LENGTH = 7  # px at CHECK_DPI, about 1.2 mm: short enough to follow a letter's curve
STROKE_DIRECTIONS = 12
STROKE_CONTRAST = 35  # grey levels of stroke strength
# Pen strokes lighter than toner specks (a worn copier's heavy speckle over a thin pen): a pen
# line is one long connected piece of stroke strength, specks and grain give short ones. Pieces
# of stroke strength above PIECE_LOW that reach PIECE_HIGH somewhere (hysteresis) and are
# PIECE_LENGTH px long (about 3.4 mm) count (benchmarks/tuning-copier.md).
PIECE_LOW, PIECE_HIGH = 10, 18  # grey levels of stroke strength
PIECE_LENGTH = 20  # px at CHECK_DPI: the longer side of a piece's bounding box
SPECK_SIZE = 5  # px at CHECK_DPI: a dark blob no wider nor taller is a toner speck
PIECE_MAX_CORE = 0.1  # share of a piece left after a 3x3 erosion: a thin line leaves none
# A drum's stipple clump leaves thin light pieces inside it (between its dark dots); a pen line
# under specks runs on the paper between them. Pieces within CLUMP_REACH px of a clump's body
# (dark ink left after a 3x3 erosion) are the clump's (benchmarks/tuning-ink.md).
CLUMP_REACH = 3
PRINT_PERCENTILE = 97  # the printed form's darkness: this percentile of its (widened) area


@dataclass(frozen=True)
class Ink:
    pixels: int  # ink pixels in the box that are not on the blank form
    fraction: float  # of the box interior
    span: float  # width of the part with ink beyond the noise, as a fraction of the box width
    faint_fraction: float = 0.0  # the same for faint marks (pencil), ink included
    contrast: float = 0.0  # median darkness of the ink against the paper (grey levels)
    noise: float = 0.0  # the part of fraction that the noise of the paper around explains
    print_contrast: float = 0.0  # how dark the printed form came out near the box (grey levels)
    widest: int = 0  # px: the widest stretch of columns with ink (gaps up to WORD_GAP px closed)
    faint_noise: float = 0.0  # the part of faint_fraction that the faint marks around explain
    largest: int = 0  # px: the longest side of the largest piece of ink (a speck is small)
    faint_largest: int = 0  # the same for the faint marks (a washed-out stroke holds together)
    through_noise: float = 0.0  # the part of fraction explained by noise on both sides of it
    size: int = 0  # px: the box's interior measured
    peak_noise: float = 0.0  # the part of fraction the densest stretch of noise around explains

    @property
    def beyond_noise(self) -> float:
        """The ink fraction that the noise around the box does not explain: the writing."""
        return max(0.0, self.fraction - self.noise)

    @property
    def beyond_through(self) -> float:
        """The ink fraction that noise running through the box does not explain: noise seen
        on both sides of it, above and below (a band down the page) or left and right (a band
        across); a band beside the box, on one side only, explains nothing in it."""
        return max(0.0, self.fraction - self.through_noise)

    @property
    def beyond_peak(self) -> float:
        """The ink fraction that the densest stretch of the noise around the box does not
        explain (see BAND_STRETCH): a band that comes and goes is as dense in the box."""
        return max(0.0, self.fraction - self.peak_noise)

    @property
    def faint_beyond_noise(self) -> float:
        """The faint marks' fraction that the faint marks of the paper around the box do not
        explain: on a photo or a noisy scan, shading, JPEG ringing and grain are faint marks
        everywhere, in an empty box as much as around it."""
        return max(0.0, self.faint_fraction - self.faint_noise)

    @property
    def faint_beyond_pixels(self) -> float:
        """The same in pixels: the box's size does not bear on how much of a letter there is."""
        return self.faint_beyond_noise * self.size


@cache
def thin_print(pdf: bytes) -> tuple[np.ndarray, ...]:
    """The blank form's printed ink at CHECK_DPI, one bool mask per page, as printed."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    return tuple(np.asarray(page.render(scale=CHECK_DPI / 72, may_draw_forms=True,
                                        grayscale=True).to_pil().convert("L")) < PRINT_LEVEL
                 for page in document)


@cache
def reference_pages(pdf: bytes) -> tuple[np.ndarray, ...]:
    """The blank form's printed ink at CHECK_DPI, slightly widened (see :func:`thin_print`)."""
    square = np.ones((2 * PRINT_WIDEN + 1, 2 * PRINT_WIDEN + 1), np.uint8)
    return tuple(cv2.dilate(printed.astype(np.uint8), square).astype(bool)
                 for printed in thin_print(pdf))


def paper(grey: np.ndarray) -> np.ndarray:
    """The paper's own brightness around each pixel: a closing that wipes out strokes thinner
    than PAPER_WINDOW, so shadows and uneven light stay while ink goes."""
    return cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((PAPER_WINDOW, PAPER_WINDOW), np.uint8))


def pen_coloured(rgb: np.ndarray) -> np.ndarray | None:
    """The page (RGB, warped to CHECK_DPI) in grey with its pen-coloured pixels only
    (PEN_CHROMA beyond the spread of the page's median pixel, its paper) and paper white
    everywhere else; None where the page holds no such pixel (a grey copy)."""
    red, green, blue = cv2.split(np.ascontiguousarray(rgb))
    spread = cv2.subtract(cv2.max(cv2.max(red, green), blue), cv2.min(cv2.min(red, green), blue))
    below = np.cumsum(np.bincount(spread.ravel(), minlength=256))  # the median, by counts
    middle = (np.searchsorted(below, (spread.size - 1) // 2 + 1)
              + np.searchsorted(below, spread.size // 2 + 1)) / 2
    coloured = spread >= middle + PEN_CHROMA
    if not coloured.any():
        return None
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey[~coloured] = 255
    return grey


def darker_than_paper(grey: np.ndarray) -> np.ndarray:
    """How much darker each pixel is than the paper around it (grey levels, int16), so shadows
    and uneven light do not count as ink (see :func:`paper`)."""
    return paper(grey).astype(np.int16) - grey.astype(np.int16)


def paper_shade(page: np.ndarray, rect: Rect, inset: int = SHADE_INSET) -> float:
    """How much darker the paper inside rect is, as :func:`paper` estimates it (median),
    than the bright paper around it (its 95th percentile within CONTEXT px), in grey levels:
    a band of drum stipple or ink bleed wider and denser than PAPER_WINDOW is taken for
    paper, and writing in it is then not measured as ink."""
    x0, y0, x1, y1 = pixel_box(rect)
    h, w = page.shape[:2]
    cx0, cy0 = max(0, x0 - CONTEXT), max(0, y0 - CONTEXT)
    region = paper(page[cy0:min(h, y1 + CONTEXT), cx0:min(w, x1 + CONTEXT)])
    inner = region[y0 - cy0 + inset:y1 - cy0 - inset, x0 - cx0 + inset:x1 - cx0 - inset]
    if inner.size == 0:
        return 0.0
    return max(0.0, float(np.percentile(region, 95)) - float(np.median(inner)))


def pixel_box(rect: Rect) -> tuple[int, int, int, int]:
    """rect (form points) in pixels at CHECK_DPI: x0, y0, x1, y1."""
    s = CHECK_DPI / 72
    return (round(rect.x * s), round(rect.y * s), round((rect.x + rect.width) * s),
            round((rect.y + rect.height) * s))


def _strokes(mask: np.ndarray) -> np.ndarray:
    """Drop specks smaller than MIN_COMPONENT (noise, JPEG artefacts)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                               connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_COMPONENT
    return keep[labels]


@cache
def line_kernels() -> tuple[np.ndarray, ...]:
    """One-pixel segments LINE_LENGTH long, near horizontal and near vertical."""
    kernels = []
    c = LINE_LENGTH // 2
    for angle in range(-LINE_ANGLE, LINE_ANGLE + 1, LINE_ANGLE_STEP):
        dx, dy = c * np.cos(np.radians(angle)), c * np.sin(np.radians(angle))
        for ex, ey in ((dx, dy), (dy, dx)):
            kernel = np.zeros((LINE_LENGTH, LINE_LENGTH), np.uint8)
            cv2.line(kernel, (round(c - ex), round(c - ey)), (round(c + ex), round(c + ey)), 1)
            kernels.append(kernel)
    return tuple(kernels)


@cache
def across_kernels() -> tuple[np.ndarray, ...]:
    """For each of :func:`line_kernels`, a one-pixel segment LINE_MAX_WIDTH long across it."""
    kernels = []
    c = LINE_MAX_WIDTH // 2
    for angle in range(-LINE_ANGLE, LINE_ANGLE + 1, LINE_ANGLE_STEP):
        dx, dy = c * np.cos(np.radians(angle + 90)), c * np.sin(np.radians(angle + 90))
        for ex, ey in ((dx, dy), (dy, dx)):
            kernel = np.zeros((LINE_MAX_WIDTH, LINE_MAX_WIDTH), np.uint8)
            cv2.line(kernel, (round(c - ex), round(c - ey)), (round(c + ex), round(c + ey)), 1)
            kernels.append(kernel)
    return tuple(kernels)


def straight_runs(dark: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pixels on straight runs of LINE_LENGTH px or more (see LINE_LENGTH), near the rows
    or near the columns: (thin, band). thin: pieces of runs no thicker on average (area over
    length) than LINE_MAX_WIDTH: printed, folded or streaked lines. band: in the other
    pieces, the pixels within LINE_MAX_WIDTH // 2 of where the runs are LINE_MAX_WIDTH thick
    or more across: the body of a band of drum stipple or a copy's mottling, in which such runs
    fit everywhere, but not the pen strokes that touch it and run on out of it."""
    m = cv2.dilate(dark.astype(np.uint8), np.ones((3, 3), np.uint8))  # slanted thin lines
    kernels, across = line_kernels(), across_kernels()
    thin = np.zeros(dark.shape, bool)
    band = np.zeros(dark.shape, bool)
    near = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (LINE_MAX_WIDTH, LINE_MAX_WIDTH))
    for family in (slice(0, None, 2), slice(1, None, 2)):  # near the rows, near the columns
        runs = np.zeros(dark.shape, np.uint8)
        thick = np.zeros(dark.shape, np.uint8)
        for kernel, cross in zip(kernels[family], across[family], strict=True):
            run = cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel)
            np.bitwise_or(runs, run, out=runs)
            np.bitwise_or(thick, cv2.morphologyEx(run, cv2.MORPH_OPEN, cross), out=thick)
        count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        length = np.hypot(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
        line = stats[:, cv2.CC_STAT_AREA] <= LINE_MAX_WIDTH * length
        line[0] = False
        thin |= line[labels]
        band |= (labels > 0) & ~line[labels] & cv2.dilate(thick, near).astype(bool)
    return thin, band


def _lines(dark: np.ndarray, inside: tuple[slice, slice]) -> np.ndarray:
    """The dark pixels on straight lines that reach out of the box (inside: its interior)
    through its printed border and past it, and on bands (:func:`straight_runs`): a pen's
    straight stroke within the box, or a word resting on its bottom line, is writing; a fold
    line across the page is not, nor is the box's own border on a page a few pixels off.
    A band's body goes wherever it lies, in the box as around it, and with it the clumps that
    hang off it (pieces touching it, shorter than PIECE_LENGTH: a pen line is longer), so
    that the box and the paper around it keep the same part of a band; a pen stroke that
    touches the band and runs on out of it is writing. Its copy in the browser:
    controle-lines.js (test_scan_check keeps the two equal)."""
    thin, band = straight_runs(dark)
    ys, xs = inside
    past = np.ones(dark.shape, bool)
    past[max(0, ys.start - LINE_BEYOND):ys.stop + LINE_BEYOND,
         max(0, xs.start - LINE_BEYOND):xs.stop + LINE_BEYOND] = False
    count, labels = cv2.connectedComponents(thin.astype(np.uint8), connectivity=8)
    line = np.zeros(count, bool)
    line[np.unique(labels[past])] = True
    line[0] = False
    grow = np.ones((3, 3), np.uint8)
    found = cv2.dilate((line[labels] | band).astype(np.uint8), grow).astype(bool) & dark
    body = cv2.dilate(band.astype(np.uint8), grow).astype(bool) & dark
    rest = dark & ~found
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8),
                                                               connectivity=8)
    clump = np.zeros(count, bool)
    clump[np.unique(labels[cv2.dilate(body.astype(np.uint8), grow).astype(bool) & rest])] \
        = True
    clump &= np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) \
        < PIECE_LENGTH
    clump[0] = False
    return found | clump[labels]


@cache
def stroke_kernels() -> tuple[np.ndarray, ...]:
    """One kernel per direction: the mean over a STROKE_LENGTH px segment through the centre."""
    c = STROKE_LENGTH // 2
    kernels = []
    for angle in np.arange(STROKE_DIRECTIONS) * np.pi / STROKE_DIRECTIONS:
        kernel = np.zeros((STROKE_LENGTH, STROKE_LENGTH), np.float32)
        dx, dy = c * np.cos(angle), c * np.sin(angle)
        cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0)
        kernels.append(kernel / kernel.sum())
    return tuple(kernels)


def stroke_strength(contrast: np.ndarray) -> np.ndarray:
    """Per pixel: how much darker the paper is along the darkest straight piece through it
    than on average in every direction (grey levels; see STROKE_LENGTH). High on a pen
    stroke or a printed line, low on blank paper, on a speck and on grain. Its copy in the
    browser: controle-strokes.js (test_scan_check keeps the two equal)."""
    dark = np.clip(contrast, 0, 255).astype(np.float32)
    kernels = stroke_kernels()
    darkest = np.zeros_like(dark)
    for kernel in kernels:
        np.maximum(darkest, cv2.filter2D(dark, -1, kernel), out=darkest)
    return darkest - cv2.filter2D(dark, -1, np.mean(kernels, axis=0))


def long_pieces(contrast: np.ndarray) -> np.ndarray:
    """The pixels on long connected pieces of stroke strength (see PIECE_LENGTH): pen lines,
    however light; not specks nor the rings of stroke strength around them (pixels next to a
    speck, SPECK_SIZE px or smaller), nor grain, nor straight lines (LINE_LENGTH) and what
    touches them, nor thick pieces (PIECE_MAX_CORE: a drum's stipple, a cluster of specks)."""
    strength = stroke_strength(contrast)
    candidate = strength > PIECE_LOW
    dark = (contrast > INK_CONTRAST).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    small = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= SPECK_SIZE
    small[0] = False
    near = np.ones((SPECK_SIZE, SPECK_SIZE), np.uint8)
    candidate &= ~cv2.dilate(small[labels].astype(np.uint8), near).astype(bool)
    runs = np.zeros(candidate.shape, np.uint8)
    m = cv2.dilate(candidate.astype(np.uint8), np.ones((3, 3), np.uint8))
    for kernel in line_kernels():
        np.bitwise_or(runs, cv2.morphologyEx(m, cv2.MORPH_OPEN, kernel), out=runs)
    candidate &= ~cv2.dilate(runs, near).astype(bool)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(candidate.astype(np.uint8),
                                                               connectivity=8)
    keep = np.zeros(count, bool)
    keep[np.unique(labels[candidate & (strength > PIECE_HIGH)])] = True
    keep &= np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) >= PIECE_LENGTH
    core = cv2.erode(candidate.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    keep &= np.bincount(labels[core], minlength=count) \
        <= PIECE_MAX_CORE * stats[:, cv2.CC_STAT_AREA]
    keep[0] = False
    return keep[labels]


def clear_pieces(contrast: np.ndarray) -> np.ndarray:
    """The long pieces (:func:`long_pieces`) that lie clear of thick dark ink: not within
    CLUMP_REACH px of a body of ink three px wide or more, such as a drum's stipple clump."""
    dark = (contrast > INK_CONTRAST).astype(np.uint8)
    body = cv2.erode(dark, np.ones((3, 3), np.uint8))
    near = np.ones((2 * CLUMP_REACH + 1, 2 * CLUMP_REACH + 1), np.uint8)
    return long_pieces(contrast) & ~cv2.dilate(body, near).astype(bool)


@cache
def boxes_mask(shape: tuple[int, int], rects: tuple[Rect, ...]) -> np.ndarray:
    """Pixels inside any of the rects (the form's boxes) on a page warped to CHECK_DPI."""
    mask = np.zeros(shape, bool)
    for rect in rects:
        x0, y0, x1, y1 = pixel_box(rect)
        mask[max(0, y0):y1, max(0, x0):x1] = True
    return mask


def _pooled(values: np.ndarray) -> np.ndarray:
    return np.convolve(values, np.ones(NOISE_POOL, np.float32), "same")


def _noise_density(marks: np.ndarray, paper: np.ndarray, axis: int) -> np.ndarray:
    """Per column (axis 0) or row (axis 1): the density of marks on the blank paper there,
    pooled over NOISE_WINDOW either side; 0 where too little blank paper was seen."""
    hits = _pooled((marks & paper).sum(axis=axis).astype(np.float32))
    seen = _pooled(paper.sum(axis=axis).astype(np.float32))
    return np.where(seen >= NOISE_MIN_PAPER, hits / np.maximum(seen, 1.0), 0.0)


def measure(page: np.ndarray, printed: np.ndarray, rect: Rect, inset: int = MEASURE_INSET,
            boxes: np.ndarray | None = None, print_darkness: bool = False,
            strokes: bool = False, pieces: bool = False, clear: bool = False,
            ink_contrast: float = INK_CONTRAST) -> Ink:
    """Ink inside rect (form points) on a page warped to CHECK_DPI (grey, uint8).

    The paper's own brightness is estimated around each pixel (a morphological closing wipes
    out thin strokes), so shadows and uneven light in phone photos do not count as ink. Long
    straight lines are left out (see LINE_LENGTH). Pen writing stays in its box; speckle,
    dirty-drum bands, bleed-through and texture do not stop at its border. So the noise of
    the blank paper around the box (CONTEXT, leaving out the form's other boxes: ``boxes``, a
    mask of them all from :func:`boxes_mask`) is measured per column and per row, and only
    the ink beyond NOISE_MARGIN times it counts as writing (``Ink.beyond_noise``).
    print_darkness: also tell how dark the printed form came out near the box
    (``Ink.print_contrast``; a signature's darkness is judged against it).
    Faint marks (pencil, a nearly empty pen) are counted the same way, beyond the faint marks
    of the paper around (``Ink.faint_beyond_noise``): a photo's shading is faint marks too.
    strokes: count as ink only the ink that lies along a pen stroke (:func:`stroke_strength`),
    so that on a textured copy the grain around and in the box is not taken for ink.
    pieces: count as ink only long pieces of pen stroke, however light (:func:`long_pieces`),
    for a thin pen under a worn copier's speckle, where the specks are darker than the pen;
    with clear, only those clear of thick dark ink (:func:`clear_pieces`).
    ink_contrast: how much darker than the paper ink is (INK_CONTRAST; lower on a copy that
    came out light as a whole, see :meth:`formgen.check.box_measures.FormBox.light_copy`).
    """
    x0, y0, x1, y1 = pixel_box(rect)
    x0, y0, x1, y1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if x1 <= x0 or y1 <= y0:
        return Ink(0, 0.0, 0.0)
    h, w = page.shape[:2]
    cx0, cy0, cx1, cy1 = max(0, x0 - CONTEXT), max(0, y0 - REACH), min(w, x1 + CONTEXT), \
        min(h, y1 + REACH)
    region, on_form = page[cy0:cy1, cx0:cx1], printed[cy0:cy1, cx0:cx1]
    box = (slice(y0 - cy0, y1 - cy0), slice(x0 - cx0, x1 - cx0))
    ny0 = max(0, y0 - CONTEXT) - cy0  # lines are looked for near the box only
    near = slice(ny0, min(h, y1 + CONTEXT) - cy0)
    contrast = darker_than_paper(region)
    dark = (clear_pieces(contrast) if clear else long_pieces(contrast)) if pieces \
        else contrast > ink_contrast
    if strokes:
        dark &= stroke_strength(contrast) > STROKE_CONTRAST
    lines = np.zeros(dark.shape, bool)
    lines[near] = _lines(dark[near], (slice(box[0].start - ny0, box[0].stop - ny0), box[1]))
    marks = dark & ~on_form & ~lines
    print_contrast = _print_darkness(contrast[near], on_form[near]) if print_darkness else 0.0
    ink = _strokes(marks[box])
    faint_marks = (contrast > FAINT_CONTRAST) & ~on_form & ~lines
    faint = _strokes(faint_marks[box])
    size = ink.size
    pixels = int(ink.sum())
    blank = ~on_form & ~lines
    if boxes is not None:  # writing in the other boxes is no noise
        blank &= ~boxes[cy0:cy1, cx0:cx1]
    blank[y0 - cy0 - inset - 2:y1 - cy0 + inset + 2, x0 - cx0 - inset - 2:x1 - cx0 + inset + 2] \
        = False  # the box itself and its border
    faint_fraction = float(faint.sum()) / size
    faint_noise = _explained(faint_marks, blank, box, faint)[0] if faint.any() else 0.0
    if not pixels:
        return Ink(0, 0.0, 0.0, faint_fraction, print_contrast=print_contrast,
                   faint_noise=faint_noise, faint_largest=_largest(faint), size=size)
    noise, beyond = _explained(marks, blank, box, ink)
    fraction = pixels / size
    columns = np.flatnonzero(beyond > 0)
    span = (columns[-1] - columns[0] + 1) / ink.shape[1] if columns.size else 0.0
    through = _explained(marks, blank, box, ink, through=True)[0]
    far = blank
    if boxes is not None:  # what a box's writing leaves around it is no band
        far = blank & ~cv2.dilate(boxes[cy0:cy1, cx0:cx1].astype(np.uint8),
                                  np.ones((2 * BAND_CLEAR + 1,) * 2, np.uint8)).astype(bool)
    peak = _explained(marks, far, box, ink, peak=True)[0]
    return Ink(pixels, fraction, span, faint_fraction,
               float(np.median(contrast[box][ink])), max(0.0, noise), print_contrast,
               _widest(ink), faint_noise, _largest(ink), _largest(faint), max(0.0, through),
               size, max(0.0, peak))


def _largest(ink: np.ndarray) -> int:
    """The longest side (width or height) of the largest piece of ink: a letter, even a
    "1" or a dash, is longer than a toner speck."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    sides = stats[1:, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT]]
    return int(sides.max()) if sides.size else 0


def _peak_density(marks: np.ndarray, paper: np.ndarray, axis: int) -> np.ndarray:
    """Per column (axis 0) or row (axis 1): the density of marks on the blank paper in its
    densest stretch of BAND_STRETCH rows (columns), stretches overlapping by half, pooled as
    :func:`_noise_density`; a stretch counts where half its pooled area is blank paper."""
    best = np.zeros(marks.shape[1 - axis], np.float32)
    for h, s in zip(_stretch_sums(marks & paper, axis), _stretch_sums(paper, axis),
                    strict=True):
        h, s = _pooled(h.astype(np.float32)), _pooled(s.astype(np.float32))
        dense = np.where(s >= BAND_STRETCH * NOISE_POOL / 2, h / np.maximum(s, 1.0), 0.0)
        np.maximum(best, dense, out=best)
    return best


def _stretch_sums(mask: np.ndarray, axis: int) -> np.ndarray:
    """Per stretch of BAND_STRETCH rows (axis 0) or columns (axis 1), starting every half
    stretch while a whole one fits (one stretch over all when none does): the count of the
    mask's pixels per column (row). One row per stretch."""
    along = np.moveaxis(mask, axis, 0)
    half = BAND_STRETCH // 2
    if along.shape[0] < BAND_STRETCH:
        return along.sum(axis=0, dtype=np.int32)[None, :]
    count = (along.shape[0] - BAND_STRETCH) // half + 1
    blocks = along[:half * (count + 1)].reshape(count + 1, half, -1).sum(axis=1,
                                                                          dtype=np.int32)
    return blocks[:-1] + blocks[1:]


def _two_sided(marks: np.ndarray, paper: np.ndarray, box: tuple[slice, slice],
               axis: int) -> np.ndarray:
    """The noise density per column (axis 0) or row (axis 1) of the box as the lower of the
    two sides' (above and below, or left and right); 0 where a side shows too little paper."""
    inside, across = (box[1], box[0]) if axis == 0 else (box[0], box[1])
    sides = []
    for part in (slice(0, across.start), slice(across.stop, None)):
        cut = (part, slice(None)) if axis == 0 else (slice(None), part)
        sides.append(_noise_density(marks[cut], paper[cut], axis)[inside])
    return np.minimum(*sides)


def _explained(marks: np.ndarray, blank: np.ndarray, box: tuple[slice, slice],
               inside: np.ndarray, through: bool = False, peak: bool = False
               ) -> tuple[float, np.ndarray]:
    """The part of the box that the marks on the blank paper around it explain (a fraction
    of the box, at most what is inside), and per column the marks beyond NOISE_MARGIN times
    that noise: marks is the region's mask, inside the box's (specks dropped). through: only
    noise seen on both sides of the box counts (see :attr:`Ink.beyond_through`). peak: the
    noise of the densest stretch around (see :func:`_peak_density`)."""
    if peak:
        expected = np.maximum(_peak_density(marks, blank, 0)[box[1]][None, :],
                              _peak_density(marks, blank, 1)[box[0]][:, None])
    elif through:
        expected = np.maximum(_two_sided(marks, blank, box, 0)[None, :],
                              _two_sided(marks, blank, box, 1)[:, None])
    else:
        expected = np.maximum(_noise_density(marks, blank, 0)[box[1]][None, :],
                              _noise_density(marks, blank, 1)[box[0]][:, None])
    beyond = np.maximum(0.0, _pooled(inside.sum(axis=0).astype(np.float32))
                        - NOISE_MARGIN * _pooled(expected.sum(axis=0))) / NOISE_POOL
    fraction = float(inside.sum()) / inside.size
    return min(fraction, fraction - float(beyond.sum()) / inside.size), beyond


def _widest(ink: np.ndarray) -> int:
    """The widest stretch of columns that hold ink (two pixels or more), gaps of up to WORD_GAP
    px closed: a word or a signature is wide, scattered specks are not."""
    columns = np.flatnonzero(ink.sum(axis=0) >= 2)
    if not columns.size:
        return 0
    breaks = np.flatnonzero(np.diff(columns) > WORD_GAP)
    starts = np.r_[columns[0], columns[breaks + 1]]
    ends = np.r_[columns[breaks], columns[-1]]
    return int((ends - starts + 1).max())


def _print_darkness(contrast: np.ndarray, on_form: np.ndarray) -> float:
    """How dark the printed form came out near a box (grey levels against the paper): a high
    percentile of its widened area, so the strokes' cores count and not their edges; no
    threshold, so a faded copy gives a low value rather than none."""
    values = contrast[on_form]
    return float(np.percentile(values, PRINT_PERCENTILE)) if values.size else 0.0


def crop(page: np.ndarray, rect: Rect, pad: int = 6) -> np.ndarray:
    x0, y0, x1, y1 = pixel_box(rect)
    return page[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
