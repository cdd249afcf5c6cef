"""Checks on the identity document: found and readable, name, expiry, and an unmasked BSN."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from difflib import SequenceMatcher
from enum import Enum

import cv2
import numpy as np

from formgen.check.decision import RULES, id_name_rule
from formgen.check.identity import ocr
from formgen.check.identity.document import IdDocumentResult, analyse_id_page
from formgen.check.identity.face import given_names_on_face, shows_name
from formgen.check.identity.given_names import (
    GivenNames,
    closest_given_name,
    compare_given_names,
    first_given_spellings,
)
from formgen.check.identity.mrz import UNKNOWN, MrzResult, icao_name, surname_matches
from formgen.check.identity.name_score import (
    OTHER_NAME_MIN_AHEAD,
    MrzNameFit,
    NameScore,
    holds,
    mrz_holds,
    mrz_name_fit,
    mrz_word_letters,
    other_name_ahead,
    score_name,
)
from formgen.check.intake import Page
from formgen.check.verdict import Check, Status

OCR_NAME_SIMILARITY = 0.75  # e.g. "Ngen" read for NGUYEN
# A handwritten given name sharing less than this with all of the document's is someone
# else's: a misread keeps most letters ("tukass" for LUKASZ: 0.67), another name few (0-0.4).
OTHER_PERSON_SIMILARITY = 0.5


def _rank(result: IdDocumentResult) -> tuple[bool, bool, bool]:
    return (result.mrz_valid, result.mrz_found, result.looks_like_id)


class IdSearch:
    """Looks for the identity document page by page, keeping only the best result so far.

    Pages are offered as they are decoded and not kept (only their name and number), so a
    submission of many pages never holds them all in memory. After a valid MRZ, the remaining
    pages are not read. Form pages are kept and read only when no other page held a valid MRZ:
    customers lay the ID on the form and scan both at once, or copy it onto a copy of a form
    page (of this request or an older one).
    ``keep_image``: keep the image of the best page too (for a copy of the ID, --redact).
    """

    def __init__(self, today: dt.date, *, keep_image: bool = False) -> None:
        self.today = today
        self.keep_image = keep_image
        self.best: tuple[IdDocumentResult, Page] | None = None
        self.form_pages: list[tuple[Page, np.ndarray, np.ndarray | None]] = []

    def offer(self, page: Page) -> None:
        if self.best is not None and self.best[0].mrz_valid:
            return
        if _blank(page.image):  # nothing printed or written: no document, and OCR is slow
            return
        self._consider(analyse_id_page(page.image, today=self.today), page)

    def offer_form_page(self, page: Page, form: np.ndarray,
                        printed: np.ndarray | None = None) -> None:
        """A page of the form (upright) and where the form's print and boxes are on it (a mask;
        printed: its print alone): an ID may lie beside them or have been copied over them."""
        if len(self.form_pages) < MAX_FORM_PAGES and not _blank(_wiped(page.image, form)):
            self.form_pages.append((page, form, printed))

    def _consider(self, result: IdDocumentResult, page: Page) -> None:
        if self.best is None or _rank(result) > _rank(self.best[0]):
            self.best = (result, page if self.keep_image else replace(page, image=_NO_IMAGE))

    def found(self) -> tuple[IdDocumentResult, Page] | None:
        for page, form, printed in self.form_pages:
            if self.best is not None and self.best[0].mrz_valid:
                break
            # First with the form's print and boxes wiped (the reader would take the form's lines
            # of text for the document's). An ID copied over the boxes (its MRZ inside one) shows
            # only in pieces beside them: where nothing like an ID is seen, the part of the page
            # around those pieces is read with the print alone wiped. An ID copied over the form
            # loses strokes of its MRZ where the print is wiped: when a document is seen there
            # without a valid MRZ, the page is read once more with only its straight lines (box
            # borders) taken out, and then as it is.
            beside = _wiped(page.image, form)
            result = analyse_id_page(beside, today=self.today)
            around = _around_ink(beside) if printed is not None and not result.looks_like_id \
                else None
            if printed is not None and around is not None:
                y0, y1, x0, x1 = around
                over = analyse_id_page(_wiped(page.image, printed)[y0:y1, x0:x1], today=self.today)
                result = max(result, over, key=_rank)
            if result.looks_like_id and not result.mrz_valid:
                unlined = analyse_id_page(without_lines(page.image), today=self.today)
                result = max(result, unlined, key=_rank)
            if result.looks_like_id and not result.mrz_valid:
                # a line of the form along an MRZ row (a border on its baseline, through a
                # letter's stem) takes the strokes it covers with it when painted over: the
                # page as it came, the line left on the row
                plain = analyse_id_page(page.image, today=self.today)
                result = max(result, plain, key=_rank)
            if result.mrz_found:  # the form's own print names the ID: only an MRZ counts
                self._consider(result, page)
        self.form_pages = []
        return self.best if self.best and self.best[0].looks_like_id else None


MAX_FORM_PAGES = 4  # form pages kept to look for an ID on


# A straight run of ink at least this long (px at CHECK_DPI, 5 mm) is a line of the form (a box
# border, a rule), not a stroke of an MRZ character (2.5 mm wide) or a row of '<' fillers.
LINE_MIN = 31
LINE_CONTRAST = 60  # grey levels darker than the paper around it: ink


def without_lines(image: np.ndarray) -> np.ndarray:
    """The page with its long straight horizontal and vertical lines of ink painted over from
    their surroundings (inpainting): where a box border crosses an MRZ row, the characters'
    strokes are continued across it instead of being cut (whitening) or merged with the line."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    ink = ((paper.astype(np.int16) - grey.astype(np.int16)) > LINE_CONTRAST).astype(np.uint8)
    lines = np.maximum(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, LINE_MIN), np.uint8)),
                       cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((LINE_MIN, 1), np.uint8)))
    mask = cv2.dilate(lines, np.ones((3, 3), np.uint8))
    return cv2.inpaint(np.ascontiguousarray(image), mask, 2, cv2.INPAINT_TELEA)


# The paper's own shade is taken over print and strokes up to this wide (px at CHECK_DPI, on
# a copy a quarter the size): the form's print, box borders and handwriting are thinner.
PAPER_CLOSE = 60


def _paper_shade(image: np.ndarray) -> np.ndarray:
    """The paper's brightness around each pixel: the page with its print closed over."""
    h, w = image.shape[:2]
    small = cv2.resize(image, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    side = PAPER_CLOSE // 4
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8))
    return cv2.resize(closed, (w, h), interpolation=cv2.INTER_LINEAR).reshape(image.shape)


def _wiped(image: np.ndarray, form: np.ndarray) -> np.ndarray:
    """The page with the form's print and boxes (form: a mask) painted in the paper's own
    shade: on a grey photo, white patches would leave their edges as dark as print."""
    return np.where(form[:, :, None] if image.ndim == 3 else form, _paper_shade(image), image)


_NO_IMAGE = np.zeros((0, 0, 3), np.uint8)
BLANK_SIDE = 800  # px: the page is judged on a copy this long
BLANK_CONTRAST = 60  # grey levels darker than the paper around it: print or writing
BLANK_SHARE = 0.0005  # a page with less of that than this share holds no document


# The part of a form page read for an ID copied over its boxes: AROUND_CARD px (at CHECK_DPI,
# a card's height, 54 mm) around the largest piece of ink beside the boxes, pieces JOIN px
# apart taken as one; not read when that piece is longer than CARD_LONGEST (a card's width
# and a half: a streak or a band down the page, no card).
AROUND_CARD, JOIN, CARD_LONGEST = 320, 24, 750


def _dark(image: np.ndarray) -> tuple[np.ndarray, float]:
    """Where the image is darker than the paper around it (BLANK_CONTRAST), on a copy at most
    BLANK_SIDE px long, and that copy's scale."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    scale = min(1.0, BLANK_SIDE / max(grey.shape))
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    return (paper.astype(np.int16) - grey.astype(np.int16)) > BLANK_CONTRAST, scale


def _around_ink(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """Rows and columns (y0, y1, x0, x1) around the largest piece of ink on the image (see
    AROUND_CARD), or None when there is none or it is no card's."""
    dark, scale = _dark(image)
    join = max(1, round(JOIN * scale))
    n, _, stats, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(dark.astype(np.uint8), np.ones((join, join), np.uint8)), connectivity=8)
    if n < 2:
        return None
    x, y, w, h, _ = stats[1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))]
    if max(w, h) > CARD_LONGEST * scale:
        return None
    height, width = image.shape[:2]
    reach = AROUND_CARD * scale
    return (max(0, int((y - reach) / scale)), min(height, int((y + h + reach) / scale)),
            max(0, int((x - reach) / scale)), min(width, int((x + w + reach) / scale)))


BLANK_EDGE = 4  # px of the BLANK_SIDE copy along its border left out: the paper's edge


def _blank(image: np.ndarray) -> bool:
    """True for an empty sheet (also photographed, with shadows): nothing darker than the
    paper around it, but for a thin line along the image's border (the paper's edge, the
    table beyond it). Any document, even a small one, has text and a photo well above this."""
    if image.size == 0:
        return True
    dark = _dark(image)[0]
    inner = dark[BLANK_EDGE:-BLANK_EDGE, BLANK_EDGE:-BLANK_EDGE]
    return inner.size == 0 or float(inner.mean()) < BLANK_SHARE


def find_id_document(pages: list[Page], today: dt.date) -> tuple[IdDocumentResult, Page] | None:
    """The best identity document among pages that are not form pages."""
    search = IdSearch(today)
    for page in pages:
        search.offer(page)
    return search.found()


def read_printed_name(name_crop: np.ndarray | None) -> str | None:
    """The account holder's name as printed or written in the form's name box (OCR)."""
    readings = name_readings(name_crop, parts=False)
    return readings[0] if readings else None


# Left parts of the name box read besides its written part, in heights of the box's inside
# (a printed letter is a third of it wide): from a short name to a long one.
NAME_PARTS = (3.0, 5.0, 8.0, 12.0)


def name_readings(name_crop: np.ndarray | None, *, parts: bool = True) -> list[str]:
    """Readings of the name box: its written part first, then (``parts``) left parts of it
    (NAME_PARTS). Ink that is no writing (a copier's drum band or stipple beside the name)
    widens the written part: the recogniser then stops early or garbles the name it reads
    with it ("MseVos" for "Ilse Vos"), where the part of the box that holds just the name is
    read whole. A part may cut a name short: a caller compares each reading."""
    found = _written(name_crop)
    if found is None:
        return []
    inner, left, right = found
    ends = [right]
    if parts:
        ends += [end for end in (left + round(k * inner.shape[0]) for k in NAME_PARTS)
                 if end < right]
    crops = [inner[:, left:min(inner.shape[1], end + 12)] for end in ends]
    readings = []
    for text, score in ocr.recognize(crops):
        if score > 0.5 and text.strip() and text.strip() not in readings:
            readings.append(text.strip())
    return readings


def _written(name_crop: np.ndarray | None) -> tuple[np.ndarray, int, int] | None:
    """The inside of a one-line box (grey, its border cut off) and the columns where its
    writing starts (with a margin) and ends; None when nothing is written."""
    if name_crop is None or name_crop.size == 0:
        return None
    # The box holds one line: cut it to the written part and recognise it directly (text
    # detection on a thin strip is slow, and a long empty tail makes the recogniser stop early).
    grey = name_crop if name_crop.ndim == 2 else cv2.cvtColor(name_crop, cv2.COLOR_RGB2GRAY)
    inner = grey[4:-4, 4:-4]
    if inner.size == 0:
        return None
    dark = inner < min(160, int(np.percentile(inner, 90)) - 50)
    columns = np.flatnonzero(dark.sum(axis=0) >= 2)
    if not len(columns):
        return None
    return inner, max(0, int(columns[0]) - 8), int(columns[-1])


# Light ink beside the written part (a faded or light pen: letters lighter than _written's
# threshold) belongs to it: columns with ink this much below the paper, each within half the
# box's inner height of the next (benchmarks/tuning-names.md, session 19).
LIGHT_INK_CONTRAST = 40
LIGHT_INK_GAP = 0.5


def _with_light_ink(inner: np.ndarray, left: int, right: int) -> tuple[int, int]:
    """The written part's columns (``left`` with its margin, ``right``) widened over light ink
    next to it, column by column while the gap to the next such column is small."""
    light = np.flatnonzero((inner < np.percentile(inner, 90) - LIGHT_INK_CONTRAST)
                           .sum(axis=0) >= 2)
    gap = max(4, round(inner.shape[0] * LIGHT_INK_GAP))
    start, end = left + 8, right
    for column in light[light > end]:
        if column - end > gap:
            break
        end = int(column)
    for column in light[light < start][::-1]:
        if start - column > gap:
            break
        start = int(column)
    return max(0, start - 8), end


def name_in_box(name_crop: np.ndarray | None, given: str, surname: str) -> NameScore | None:
    """The person's name scored against the written part of a name box (with the light ink
    next to it) without reading it (see :mod:`formgen.check.identity.name_score`; ``holds``
    decides); None when nothing is written or the name has no letters."""
    found = _written(name_crop)
    if found is None:
        return None
    inner, left, right = found
    left, right = _with_light_ink(inner, left, right)
    return score_name(np.ascontiguousarray(inner[:, left:min(inner.shape[1], right + 12)]),
                      given, surname)


def holder_in_box(name_crop: np.ndarray | None, result: IdDocumentResult) -> str | None:
    """The document holder's name (given names and surname) when the name box holds it by the
    score of their name against the box (``name_score.holds``: nearly as likely as the free
    reading, clearly more than a relative's); else None. For boxes OCR reads badly."""
    if not result.surname or not result.given_names:
        return None
    given = result.given_names.replace("<", " ")
    # where the MRZ left the first given name partly unread, the face's spelling of it
    for name in given_names_on_face(result.face, given, result.surname) or [given]:
        score = name_in_box(name_crop, name, result.surname)
        if score is not None and holds(score):
            return f"{name} {result.surname}"
    return None


def misread_holder(name_crop: np.ndarray | None, reading: str,
                   result: IdDocumentResult) -> str | None:
    """The document holder's name (given names and surname) when a reading of a handwritten
    name box fits it only as a misread would (its first given name a letter or two off one of
    the document's: "Fatina" for FATIMA) and the box does not show that other given name
    written clearly better than the document's (name_score.other_name_ahead: a handwritten
    Hendrik, read right, against a relative's HENDRIKA); else None."""
    if not result.surname or not result.given_names or not names_the_holder(reading, result) \
            or names_the_holder(reading, result, exact_given=True):
        return None
    read = first_given_spellings(reading, result.surname, fuzzy=True)
    document = [w for w in result.given_names.replace("<", " ").split() if UNKNOWN not in w]
    found = _written(name_crop)
    if not read or not document or found is None:
        return None
    inner, left, right = found
    other = min(read)
    known = max(document, key=lambda w: SequenceMatcher(None, w, other).ratio())
    ahead = other_name_ahead(np.ascontiguousarray(inner[:, left:min(inner.shape[1], right + 12)]),
                             known, other, result.surname)
    if ahead is None or ahead >= OTHER_NAME_MIN_AHEAD:
        return None
    return f"{result.given_names.replace('<', ' ')} {result.surname}"


PRINT_DARK = 140  # grey level: the form's own printed values are darker than this
CODE_MIN_CHARS, CODE_MIN_DIGITS, CODE_MIN_SCORE = 6, 2, 0.6


def read_printed_code(box: np.ndarray | None) -> str | None:
    """A code of letters and digits (an ID number) printed by us in a form box, read under
    copier noise: only strokes at least 2 px thick and dark are kept (texture dashes and specks
    are thinner or lighter), and the left half of the box is read, where the value is printed.
    None unless at least CODE_MIN_CHARS letters and digits, CODE_MIN_DIGITS digits among them,
    were read with a score of CODE_MIN_SCORE."""
    if box is None or box.size == 0:
        return None
    grey = box if box.ndim == 2 else cv2.cvtColor(box, cv2.COLOR_RGB2GRAY)
    inner = grey[4:-4, 4:grey.shape[1] // 2]
    if inner.size == 0:
        return None
    strokes = cv2.morphologyEx((inner < PRINT_DARK).astype(np.uint8), cv2.MORPH_OPEN,
                               np.ones((2, 2), np.uint8))
    text, score = ocr.recognize([np.where(strokes > 0, 0, 255).astype(np.uint8)])[0]
    code = "".join(ch for ch in text if ch.isascii() and ch.isalnum())
    if score < CODE_MIN_SCORE or len(code) < CODE_MIN_CHARS or \
            sum(ch.isdigit() for ch in code) < CODE_MIN_DIGITS:
        return None
    return code


def check_id(pages: list[Page], account_name: str | None, name_is_typed: bool,
             today: dt.date, *, from_request: bool = False, exact: bool = False
             ) -> list[Check]:
    return id_checks(find_id_document(pages, today), account_name, name_is_typed, today,
                     from_request=from_request, exact=exact)


def id_checks(found: tuple[IdDocumentResult, Page] | None, account_name: str | None,
              name_is_typed: bool, today: dt.date, *, from_request: bool = False,
              exact: bool = False) -> list[Check]:
    """The identity checks for what an IdSearch found (or None). from_request: the account
    name is the holder's from the verified token (not read from the form); exact: the name is
    text, not read by OCR (the token's, or typed into the PDF)."""
    if found is None:
        none = "geen kopie van een identiteitsbewijs gevonden"
        return [Check("id_document", Status.MISSING, none),
                Check("id_name", Status.MISSING, none),
                Check("id_expiry", Status.MISSING, none),
                Check("bsn", Status.OK, "geen identiteitsbewijs, dus geen BSN gezien")]
    result, page = found
    where = f"{page.file_name} p. {page.index}"
    checks = [_document(result, where),
              _name(result, account_name, name_is_typed, where, from_request=from_request,
                    exact=exact),
              _expiry(result, today, where)]
    if result.bsn_unmasked_visible:
        checks.append(Check("bsn", Status.WARNING, "het BSN is leesbaar en niet afgeschermd: "
                            "bewaar deze kopie niet", file=where))
    else:
        checks.append(Check("bsn", Status.OK, "geen leesbaar BSN", file=where))
    return checks


def _document(result: IdDocumentResult, where: str) -> Check:
    kind = result.document_kind or "identiteitsbewijs"
    if result.mrz_valid:
        return Check("id_document", Status.OK, f"{kind} ({result.doc_type}), de MRZ klopt",
                     file=where)
    if result.mrz_found:
        problems = "; ".join(result.check_failures) or "de MRZ klopt niet"
        return Check("id_document", Status.REVIEW, f"{kind}: {problems}", file=where)
    return Check("id_document", Status.REVIEW, "lijkt een identiteitsbewijs, maar de MRZ "
                 "(de regels met <<< onderaan) is niet leesbaar", file=where)


def _similar(read_name: str, surname: str) -> bool:
    """OCR-tolerant match: some stretch of the read name is close to the surname, also where
    OCR lost the space between words ("JeroenNguyen") or misread letters ("Ngen")."""
    target = icao_name(surname).replace("<", "")
    joined = icao_name(read_name).replace("<", "")
    if not target or not joined:
        return False
    sizes = {max(1, len(target) + d) for d in (-2, -1, 0, 1)}
    windows = {joined[i:i + n] for n in sizes for i in range(max(1, len(joined) - n + 1))}
    return any(SequenceMatcher(None, w, target).ratio() >= OCR_NAME_SIMILARITY for w in windows)


def name_fits(read_name: str, surname: str) -> bool:
    """The ID's surname is in the name read (exactly, or OCR-tolerant)."""
    return surname_matches(read_name, surname) or _similar(read_name, surname)


def names_the_holder(read_name: str, result: IdDocumentResult, *,
                     exact_given: bool = False) -> bool:
    """The name read is the document's: its surname and its given names (or initials);
    ``exact_given``: the given names spelled as the document's (a reading of handwriting:
    a given name a letter apart may be a relative's, HENDRIKA for Hendrik)."""
    return bool(result.surname) and name_fits(read_name, result.surname or "") and \
        compare_given_names(read_name, result.surname or "", result.given_names, fuzzy=True,
                            cut_short=_cut_short(result),
                            exact_given=exact_given) is GivenNames.MATCH


def _cut_short(result: IdDocumentResult) -> bool:
    return bool(result.mrz and result.mrz.surname_truncated)


def _name(result: IdDocumentResult, account_name: str | None, typed: bool, where: str, *,
          from_request: bool = False, exact: bool = False) -> Check:
    """The ID's holder against the name on the form (decision.id_name_rule decides).
    typed: the name on the form is printed or typed, so OCR reads it reliably; from_request:
    it is the account holder's name from the verified token; exact: it is text, not read by
    OCR, so a given name a letter or two from the document's is another name (Hendrik and
    Hendrika), or the document's misread."""
    surname = result.surname or ""
    fits = bool(account_name and surname and name_fits(account_name, surname))
    given, near = GivenNames.UNKNOWN, False
    if fits and account_name:
        given = compare_given_names(account_name, surname, result.given_names, fuzzy=True,
                                    cut_short=_cut_short(result))
        # text is compared exactly, and so is handwriting read by OCR: a handwritten Hendrik
        # read right fits HENDRIKA only as a misread would (submission._read_again gives the
        # holder's name where the box shows the misread: holder_in_box, misread_holder); only
        # our print read back keeps the tolerant fit
        near = (exact or not typed) and given is GivenNames.MATCH and compare_given_names(
            account_name, surname, result.given_names, fuzzy=not exact, exact_given=True,
            cut_short=_cut_short(result)) is not GivenNames.MATCH
    shown = fits and given is GivenNames.MATCH and not near
    image = None
    if account_name and (near or shown and _unread_after(result, account_name)):
        image = mrz_shows_name(result, account_name)
    face = None
    if account_name and fits and (near and not image or shown and image is False
                                  or not shown and _given_unread(result)):
        face = shows_name(result.face, surname, first_given_spellings(account_name, surname))
    rule = id_name_rule(
        surname_read=bool(surname), shown=shown, near=near, mrz_image=image, face=face,
        from_request=from_request, name_read=bool(account_name),
        surname_fits=fits, given=given, typed=typed,
        far=fits and closest_given_name(account_name or "", surname, result.given_names)
        < OTHER_PERSON_SIMILARITY)
    decided = RULES[rule]
    return Check("id_name", decided.status or Status.REVIEW, decided.text, file=where)


def mrz_shows_name(result: IdDocumentResult, account_name: str) -> bool | None:
    """Whether the image of the MRZ's name row shows the name's first given name, ended there
    (name_score.mrz_holds), where its reading leaves that in doubt: characters the reader could
    not read in the given names (the name field has no check digit: a filler read as a letter
    beside them is not caught, nor a relative's longer name cut short). None where the reading
    has no such characters: it is taken as read."""
    mrz = result.mrz
    if mrz is None or UNKNOWN not in mrz.given_names or UNKNOWN in mrz.surname:
        return None
    fit = mrz_fit(result, account_name)
    return fit is not None and mrz_holds(fit)


def with_name_letters_read(result: IdDocumentResult) -> IdDocumentResult:
    """The document with the unread characters of its MRZ given names read from the image of
    the name row where it shows one spelling clearly (name_score.mrz_word_letters and
    mrz_holds, as the row is read against a name: a relative's BRAD read BRA? stays BRAD);
    the document as it was elsewhere. The name has no check digit: its reader leaves a letter
    its readings disagree on unread, and an unread given name cannot name the holder."""
    mrz = result.mrz
    if mrz is None or mrz.name_row is None or UNKNOWN not in mrz.given_names or \
            result.given_names != mrz.given_names:
        return result
    found = _given_names_start(mrz)
    if found is None:
        return result
    index, row, given_start = found
    chars = list(row)
    for word in re.finditer(r"[^<]+", row[given_start:]):
        start = given_start + word.start()
        fit = mrz_word_letters(mrz.name_row, mrz.name_edges, start, word.group())
        if fit is not None and mrz_holds(fit[1]):
            spelled = fit[0].ljust(len(word.group()), "<")
            chars[start:start + len(spelled)] = spelled
    read = "".join(chars)
    if read == row:
        return result
    given = " ".join(w for w in read[given_start:].split("<") if w)
    lines = (*mrz.lines[:index], read, *mrz.lines[index + 1:])
    return replace(result, given_names=given, mrz=replace(mrz, given_names=given, lines=lines))


def _given_names_start(mrz: MrzResult) -> tuple[int, str, int] | None:
    """The MRZ's name row (its index in the lines, its text) and the cell where its given
    names start, after the filler pair that ends the surname; None without that pair."""
    index = 2 if mrz.doc_type == "TD1" else 0
    row = mrz.lines[index]
    separator = row.find("<<", 0 if mrz.doc_type == "TD1" else 5)
    return None if separator < 0 else (index, row, separator + 2)


def mrz_fit(result: IdDocumentResult, account_name: str) -> MrzNameFit | None:
    """The name's first given name scored against the image of the MRZ's name row
    (name_score.mrz_name_fit); None without the row's image or a given name."""
    mrz = result.mrz
    if mrz is None or mrz.name_row is None:
        return None
    found = _given_names_start(mrz)
    if found is None:
        return None
    _, row, start = found
    spellings = first_given_spellings(account_name, mrz.surname.replace("<", " "))
    return mrz_name_fit(mrz.name_row, mrz.name_edges, start, sorted(spellings),
                        row[start:].split("<")[0])


def _given_unread(result: IdDocumentResult) -> bool:
    """The MRZ's given names hold characters its reader could not read."""
    return result.mrz is not None and UNKNOWN in result.mrz.given_names


def _unread_after(result: IdDocumentResult, account_name: str) -> bool:
    """The MRZ's first given name is read as the name's first given name with unread
    characters right after it: the name may go on there (HENDRIK? for HENDRIKA)."""
    words = (result.given_names or "").split()
    spellings = first_given_spellings(account_name, result.surname or "")
    return bool(words) and any(
        words[0].startswith(s) and len(words[0]) > len(s) and set(words[0][len(s):]) == {UNKNOWN}
        for s in spellings)


# Where the ID number on the form was read by OCR (our print on an older form, or handwriting),
# the letters OCR takes for digits count as those digits (O for 0, I for 1, ...); only where
# the MRZ's check digit proves the document's number, so the OCR reading is the doubtful side.
OCR_CONFUSIONS = str.maketrans("OQDILJSBZG", "0001115826")


class NumberSource(Enum):
    """Where the ID number on the form comes from, from most to least sure."""

    REQUEST = "request"  # the signed token of a prefilled form
    TYPED = "typed"  # typed into the PDF
    READ = "read"  # OCR of the box: our print on an older form, or handwriting


def id_number_check(found: tuple[IdDocumentResult, Page] | None, number: str | None,
                    source: NumberSource) -> Check | None:
    """The ID number on the form against the document number (or, on a foreign document, the
    personal number) in the ID's MRZ. None when there is nothing to compare: no number, no MRZ
    whose document number's check digit holds, or a number of another kind (another length or
    letters where the document has none: a NIF, a klantnummer). A mismatch is for support: an
    older or newer ID of the holder, or someone else's. OCR of the box may misread one
    character: one place apart is a warning, further apart review."""
    if found is None or not number:
        return None
    result, page = found
    mrz = result.mrz
    if mrz is None or mrz.checks.get("document_number") != "ok":
        return None
    form = re.sub(r"[^A-Z0-9]", "", number.upper())
    documents = [mrz.document_number]
    personal = mrz.optional_data.replace("<", "")
    if mrz.issuing_country != "NLD" and personal:  # a Dutch one holds the BSN: not compared
        documents.append(personal)
    read = source is NumberSource.READ
    fold = (lambda text: text.translate(OCR_CONFUSIONS)) if read else (lambda text: text)
    where = f"{page.file_name} p. {page.index}"
    if any(fold(form) == fold(doc) for doc in documents):
        return Check("id_number", Status.OK, "het ID-nummer op het formulier is het nummer van "
                     "het identiteitsbewijs", file=where)
    comparable = [doc for doc in documents if len(doc) == len(form)
                  and any(ch.isalpha() for ch in doc) == any(ch.isalpha() for ch in form)]
    if not comparable:
        return None
    apart = min(sum(a != b for a, b in zip(fold(form), fold(doc), strict=True))
                for doc in comparable)
    told = {NumberSource.REQUEST: "het ID-nummer van de aanvraag",
            NumberSource.TYPED: "het ingevulde ID-nummer",
            NumberSource.READ: "het ID-nummer op het formulier"}[source]
    if read and apart == 1:
        return Check("id_number", Status.WARNING, f"{told} verschilt één teken van het nummer "
                     "van het identiteitsbewijs (misschien verkeerd gelezen); vergelijk ze",
                     file=where)
    return Check("id_number", Status.REVIEW, f"{told} is niet het nummer van het "
                 "identiteitsbewijs: een ouder of nieuwer identiteitsbewijs, of dat van iemand "
                 "anders? Controleer dit", file=where)


def _expiry(result: IdDocumentResult, today: dt.date, where: str) -> Check:
    if result.expiry is None:
        return Check("id_expiry", Status.REVIEW, "vervaldatum niet leesbaar", file=where)
    date = result.expiry.strftime("%d-%m-%Y")
    if result.expiry < today:
        return Check("id_expiry", Status.MISSING,
                     f"het identiteitsbewijs is verlopen op {date}", file=where)
    return Check("id_expiry", Status.OK, f"geldig tot {date}", file=where)
