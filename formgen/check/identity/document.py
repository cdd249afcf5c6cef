"""Find and check an identity document (ID card or passport) on a scanned or photographed page.

``analyse_id_page`` is a short pipeline; each retry names the failure it answers:

1. find the print and read it (:mod:`~formgen.check.identity.page_read`: the part of the page
   with print, upright and straight; the MRZ zone's lines first);
2. read the MRZ (:mod:`~formgen.check.identity.mrz_zone`, :mod:`~formgen.check.identity.mrz_rows`:
   rows again piece by piece from the full-resolution page) and verify its check digits
   (:mod:`~formgen.check.identity.mrz`);
3. without a valid MRZ, retry: a small document on a big page (its region read enlarged);
   print located in parts (the whole page); MRZ rows bent by a fold, which the detector drops
   (found in the detector's text map and straightened, :mod:`~formgen.check.identity.fold`);
   a photocopy's toner specks and drum band (the page read again cleaned,
   :mod:`~formgen.check.identity.copy_clean`);
4. the rest of the page (names, BSN, keywords) is recognised only when a check needs it: no
   valid MRZ; or an MRZ that hides the BSN (is it printed in the clear elsewhere?), and then
   only the lines wide enough to hold a nine-digit number, until one holds a BSN; or the name
   on the document's face where the MRZ leaves the given name in doubt (the page read is kept
   for that in ``IdDocumentResult.face``, :mod:`~formgen.check.identity.face`).

Identity documents are personal data: nothing here logs, prints or writes the page or what was
read from it; it only lands in the returned :class:`IdDocumentResult` (whose ``repr`` leaves the
personal fields out).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from formgen.check.identity import face, fold, ocr, stipple
from formgen.check.identity.copy_clean import clean_copy
from formgen.check.identity.geometry import resized
from formgen.check.identity.mrz import MrzResult, text_has_bsn
from formgen.check.identity.mrz_rows import read_mrz
from formgen.check.identity.mrz_zone import mrz_like, quality
from formgen.check.identity.ocr import OcrLine
from formgen.check.identity.page_read import (
    WORK_MAX_SIDE,
    ZOOM_MAX_FACTOR,
    PageRead,
    read_numbers,
    read_page,
)

ID_KEYWORDS = (
    "IDENTITEITSKAART", "IDENTITYCARD", "CARTEDIDENTITE", "PASPOORT", "PASSPORT", "PASSEPORT",
    "REISDOCUMENT", "KONINKRIJKDERNEDERLANDEN", "KINGDOMOFTHENETHERLANDS", "REISEPASS",
    "PERSONALAUSWEIS",
)
ID_LABELS = (
    "GELDIGTOT", "DATEOFEXPIRY", "GEBOORTEDATUM", "DATEOFBIRTH", "VOORNAMEN", "GIVENNAMES",
    "SURNAME", "PERSOONSNUMMER", "PERSONALNO", "DOCUMENTNUMMER", "DOCUMENTNO", "NATIONALITEIT",
    "NATIONALITY", "DATUMVANAFGIFTE", "DATEOFISSUE",
)


@dataclass
class IdDocumentResult:
    """What was found on one page. Personal fields are left out of ``repr``."""

    looks_like_id: bool
    mrz_found: bool
    mrz_valid: bool
    doc_type: Literal["TD1", "TD3"] | None = None
    document_kind: str | None = None  # "ID-kaart" / "paspoort"
    issuing_country: str | None = None
    expiry: dt.date | None = None
    expired: bool | None = None
    check_failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    bsn_masked: bool | None = None
    bsn_unmasked_visible: bool = False
    rotation: int = 0  # degrees the page was turned clockwise to read it
    surname: str | None = field(default=None, repr=False)  # words separated by spaces
    given_names: str | None = field(default=None, repr=False)
    mrz: MrzResult | None = field(default=None, repr=False)
    # the page read that found the MRZ, its other lines left unread (identity.face)
    face: PageRead | None = field(default=None, repr=False, compare=False)


def _keywords_found(lines: Sequence[OcrLine]) -> bool:
    flat = re.sub(r"[^A-Z]", "", " ".join(line.text for line in lines).upper())
    if any(k in flat for k in ID_KEYWORDS):
        return True
    return sum(1 for k in ID_LABELS if k in flat) >= 2


HINT_SIMILARITY = 0.85  # a line this like a keyword (difflib ratio) is that keyword misread


def _id_hints(lines: Sequence[OcrLine]) -> bool:
    """Weaker signs of an identity document than :func:`_keywords_found`: also a keyword read
    with a letter or two wrong, or a piece of an MRZ."""
    if _keywords_found(lines) or any(mrz_like(line.text) for line in lines):
        return True
    for line in lines:
        flat = re.sub(r"[^A-Z]", "", line.text.upper())
        if len(flat) >= 8 and any(
                difflib.SequenceMatcher(None, flat, k).ratio() >= HINT_SIMILARITY
                for k in ID_KEYWORDS):
            return True
    return False


ZOOM_MAX_AREA = 0.4  # text on at most this share of the page: read that region again, larger
# a region is read again only when that enlarges it this much more than the first reading did
ZOOM_MIN_GAIN = 1.3


def _text_region(read: PageRead) -> np.ndarray | None:
    """The part of the (upright, full-resolution) page around the text found, enlarged to the
    working size; None when none was found, when the text covers most of a page read whole,
    or when the region would be read hardly larger than the first time. A located read (the
    page is already only the part with print, read at ``REGION_SIDE``) has its text cover
    most of it: a passport's MRZ, 44 characters a row, is still too small there."""
    if not read.lines:
        return None
    points = np.vstack([np.asarray(line.box, np.float32) for line in read.lines]) / read.scale
    h, w = read.page.shape[:2]
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    margin = 0.4 * max(x1 - x0, y1 - y0) + 20  # the MRZ may not have been found yet
    x0, y0 = max(0, int(x0 - margin)), max(0, int(y0 - margin))
    x1, y1 = min(w, int(x1 + margin)), min(h, int(y1 + margin))
    if min(x1 - x0, y1 - y0) < 16 or (
            not read.located and (x1 - x0) * (y1 - y0) > ZOOM_MAX_AREA * w * h):
        return None
    region = read.page[y0:y1, x0:x1]
    factor = min(ZOOM_MAX_FACTOR, WORK_MAX_SIDE / max(region.shape[:2]))
    if factor < ZOOM_MIN_GAIN * read.scale:
        return None
    if factor > 1.05:
        region = cv2.resize(region, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(region)


def _read_document(image: np.ndarray, today: dt.date, *,
                   locate: bool) -> tuple[PageRead, MrzResult | None]:
    """Read a page and its MRZ; when no valid MRZ comes out, read the region with text again,
    enlarged."""
    read = read_page(image, locate=locate)
    result, _ = read_mrz(read, today)
    if (result is None or not result.valid) and (
            not read.located or result is not None or _id_hints(read.lines)):
        # a small document on a big page (a low-resolution scan, a card far from the camera):
        # read the region with text again, enlarged, the way up it was found
        region = _text_region(read)
        if region is not None:
            closer = read_page(region, locate=False)
            result2, _ = read_mrz(closer, today)
            if quality(result2) > quality(result):
                closer.rotation = (read.rotation + closer.rotation) % 360
                closer.lines = read.lines + closer.lines  # keywords and BSN seen on either
                closer.located = read.located
                read, result = closer, result2
    return read, result


BENT_MARGIN = 0.4  # the MRZ is looked for this share of the text's extent around it


def _read_bent(read: PageRead, today: dt.date) -> MrzResult | None:
    """The MRZ of a document on a folded page: its rows found bent in the detector's text map
    (where the detector dropped them), straightened, and read. None when no bent zone of
    stacked rows is found or nothing MRZ-like is read from it."""
    work = resized(read.page, read.scale)
    h, w = work.shape[:2]
    x0, y0, x1, y1 = 0, 0, w, h
    if read.lines:
        points = np.vstack([np.asarray(line.box, np.float32) for line in read.lines])
        (lx0, ly0), (lx1, ly1) = points.min(axis=0), points.max(axis=0)
        margin = BENT_MARGIN * max(lx1 - lx0, ly1 - ly0) + 20
        x0, y0 = max(0, int(lx0 - margin)), max(0, int(ly0 - margin))
        x1, y1 = min(w, int(lx1 + margin)), min(h, int(ly1 + margin))
    rows = fold.mrz_rows(fold.find_rows(ocr.text_map(work[y0:y1, x0:x1]), origin=(x0, y0)))
    if not rows or fold.bend(rows) < fold.MIN_BEND:
        return None  # no zone, or a straight one: the readings so far have seen it as it is
    band = fold.straighten(read.page, rows, read.scale)
    # the rows' boxes are known: no detection on the band (the detector is unsure of rows
    # this close to the edge of an image)
    texts = ocr.recognize([ocr.crop_box(band.image, box) for box in band.boxes])
    lines = [
        OcrLine(text, tuple((float(x), float(y)) for x, y in b), score)  # type: ignore[arg-type]
        for b, (text, score) in zip(band.boxes, texts, strict=True)
        if text.strip()
    ]
    result, _ = read_mrz(PageRead(band.image, 1.0, lines, read.rotation), today)
    return result


def _read_photocopy(image: np.ndarray, today: dt.date, read: PageRead,
                    result: MrzResult | None) -> tuple[PageRead, MrzResult | None]:
    """An ID, but no valid MRZ: on a photocopy, toner specks read as marks in its rows and a
    drum's band fades them. Read the page once more with its paper divided out and its specks
    painted over (:func:`~formgen.check.identity.copy_clean.clean_copy`); keep the better."""
    again, result2 = _read_document(clean_copy(image), today, locate=True)
    if quality(result2) > quality(result):
        again.lines = read.lines + again.lines  # keywords and BSN seen on either
        return again, result2
    return read, result


def _read_stippled(image: np.ndarray, today: dt.date, read: PageRead,
                   result: MrzResult | None) -> tuple[PageRead, MrzResult | None]:
    """No valid MRZ, on a page covered with a worn copier's dots: the document located by its
    letter strokes (:func:`~formgen.check.identity.stipple.find_text`) and read there as it
    is, cleaned of specks, and with only its strokes left; keep the best. A page without such
    dots costs one look at its ink."""
    found = stipple.find_text(image)
    if found is None:
        return read, result
    x0, y0, x1, y1 = found.box
    best_read, best = read, result
    for version in (image, None, found.strokes):
        crop = np.ascontiguousarray((image if version is None else version)[y0:y1, x0:x1])
        if version is None:
            crop = clean_copy(crop)
        again, result2 = _read_document(crop, today, locate=False)
        if quality(result2) > quality(best):
            again.lines = read.lines + again.lines  # keywords and BSN seen on either
            best_read, best = again, result2
            if best is not None and best.valid:
                break
    return best_read, best


def analyse_id_page(image: np.ndarray, *, today: dt.date | None = None) -> IdDocumentResult:
    """Look for an identity document on a page image and check its MRZ.

    ``image``: RGB uint8 HxWx3 (grayscale or RGBA accepted), any resolution; the page may be turned
    by 90/180/270 degrees or slightly skewed. ``today`` (default: the current date) decides
    ``expired``.
    """
    today = today or dt.date.today()
    read, result = _read_document(image, today, locate=True)
    if (read.located and (result is None or not result.valid)
            and (result is not None or _keywords_found(read.lines))):
        # an ID document, but no valid MRZ read in the part with print: read the whole page
        # as well (on a tuning set, one page in 48 was read right only that way). A page with
        # nothing like an ID on it, such as a letter, is not read twice.
        again, result2 = _read_document(image, today, locate=False)
        seen = read.lines + again.lines  # keywords and BSN seen on either
        if quality(result2) > quality(result):
            read, result = again, result2
        read.lines = seen
    if (result is None or not result.valid) and (result is not None or _id_hints(read.lines)):
        # an ID document (or a piece of an MRZ was seen) but no valid MRZ read: on a folded
        # page its rows may be bent, and then the text detector drops them
        bent = _read_bent(read, today)
        if quality(bent) > quality(result):
            result = bent
    if (result is None or not result.valid) and (result is not None or _id_hints(read.lines)):
        read, result = _read_photocopy(image, today, read, result)
    if result is None or not result.valid:
        # a small document under a worn copier's stipple: nothing of it was detected
        read, result = _read_stippled(image, today, read, result)

    def printed_bsn(text: str) -> bool:
        return mrz_like(text) is None and text_has_bsn(text)

    if result is not None and result.valid and result.bsn_masked:
        # the MRZ hides the BSN: is it printed in the clear elsewhere? Only the lines that can
        # hold a number are read, and only until one holds a BSN
        read_numbers(read, printed_bsn)
    text_bsn = any(printed_bsn(line.text) for line in read.lines)
    looks_like_id = result is not None or _keywords_found(read.lines)
    if result is None:
        return IdDocumentResult(
            looks_like_id=looks_like_id, mrz_found=False, mrz_valid=False,
            bsn_unmasked_visible=text_bsn, rotation=read.rotation,
            check_failures=["geen leesbare MRZ gevonden"] if looks_like_id else [],
        )
    return IdDocumentResult(
        looks_like_id=True,
        mrz_found=True,
        mrz_valid=result.valid,
        doc_type=result.doc_type,
        document_kind=result.document_kind,
        issuing_country=result.issuing_country,
        expiry=result.expiry,
        expired=result.expired(today),
        check_failures=list(result.check_failures),
        notes=list(result.notes),
        bsn_masked=result.bsn_masked,
        bsn_unmasked_visible=result.bsn_unmasked_visible or text_bsn,
        rotation=read.rotation,
        surname=result.surname.replace("<", " "),
        given_names=result.given_names,
        mrz=result,
        face=face.kept(read),
    )
