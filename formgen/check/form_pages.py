"""Recognise form pages among the pages of a submission: token, page number, alignment."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from formgen import token as tokens
from formgen.check.align import Alignment, marks_alignments, qr_alignments
from formgen.check.fine_lines import FineSource, fine_source
from formgen.check.ink import (
    CHECK_DPI,
    darker_than_paper,
    pen_coloured,
    reference_pages,
    thin_print,
)
from formgen.check.intake import Page
from formgen.check.locate import locate_by_print
from formgen.check.qr import read_tokens, read_upright
from formgen.errors import TokenError
from formgen.form.template import FormTemplate

GUESS_CONTRAST = 30  # grey levels darker than the paper: print, on a faded copy too


@dataclass
class FormPage:
    source: Page
    token_text: str | None  # None: the marks were found but the QR code was not readable
    token: tokens.Token | None  # parsed, not yet verified
    token_error: str | None  # why the token could not be parsed or verified
    unverified: bool  # signed, but no key was given to check the signature
    number: int  # page number of the form (from the token, or guessed from the content)
    warped: np.ndarray  # grey, upright, at CHECK_DPI, aligned with the layout
    alignment: Alignment
    # the scan at its own resolution, to cut the lines of a value from (check.fine_lines)
    fine: FineSource | None = None
    _pen: tuple[np.ndarray | None] | None = field(default=None, init=False, repr=False,
                                                  compare=False)

    @property
    def label(self) -> str:
        return f"{self.source.file_name} p. {self.source.index}"

    def pen_view(self) -> np.ndarray | None:
        """The page's pen-coloured pixels (:func:`formgen.check.ink.pen_coloured`), upright at
        CHECK_DPI as the page was aligned (not as a box's view is moved); None on a grey copy.
        Taken once: check_reader asks for it before the scan's own image is let go."""
        if self._pen is None:
            image, size = self.source.image, (self.warped.shape[1], self.warped.shape[0])
            colour = image.ndim == 3 and image.size > 0
            self._pen = (pen_coloured(self.alignment.warp(image[..., :3], CHECK_DPI, size))
                         if colour else None,)
        return self._pen[0]


def _warp(image: np.ndarray, alignment: Alignment, template: FormTemplate,
          number: int) -> np.ndarray:
    """The page upright at CHECK_DPI, exactly the shape of the blank page it is compared with."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    height, width = reference_pages(template.pdf)[number - 1].shape
    return alignment.warp(grey, CHECK_DPI, (width, height))


def _fine(page: Page, alignment: Alignment, warped: np.ndarray) -> FineSource | None:
    return fine_source(page.image, alignment.form_to_image, (warped.shape[1], warped.shape[0]),
                       finer=page.fine)


def _guess_number(warped_first: np.ndarray, template: FormTemplate) -> int:
    """Which page of the form this is, by comparing printed ink with each blank page (see
    :func:`_print_agreement`)."""
    ink = darker_than_paper(warped_first) > GUESS_CONTRAST
    scores = [_print_agreement(ink, printed) for printed in reference_pages(template.pdf)]
    return int(np.argmax(scores)) + 1


def _print_agreement(ink: np.ndarray, printed: np.ndarray) -> float:
    """The share of a blank page's print that is dark in the scan, less the share of its blank
    paper that is (a faded or speckled copy darkens both alike). Dark is darker than the paper
    around it."""
    h = min(ink.shape[0], printed.shape[0])  # pages of one form share a size; be safe
    w = min(ink.shape[1], printed.shape[1])
    on, page = printed[:h, :w], ink[:h, :w]
    return float(page[on].mean()) - float(page[~on].mean())


def _best_fit(fits: tuple[Alignment, ...], image: np.ndarray,
              template: FormTemplate) -> Alignment:
    """Of the ways the marks or the QR code place the page (at least one), the one under which
    the page's print lies best on the print of a blank page, as printed (a few pixels off,
    thin print misses)."""
    if len(fits) == 1:
        return fits[0]

    def agreement(fit: Alignment) -> float:
        ink = darker_than_paper(_warp(image, fit, template, 1)) > GUESS_CONTRAST
        return max(_print_agreement(ink, printed) for printed in thin_print(template.pdf))

    return max(fits, key=agreement)


def find_form_page(page: Page, template: FormTemplate, key: bytes | None, *,
                   marks: dict[int, np.ndarray] | None = None) -> FormPage | None:
    """A FormPage when this page carries our QR token or our corner marks, else None. marks:
    the corner marks already found on the page (see :func:`formgen.check.align.find_marks`)."""
    layout = template.layout.page(1)  # marks and QR sit at the same place on every page
    fits = marks_alignments(page.image, layout, marks)
    alignment = _best_fit(fits, page.image, template) if fits else None
    hint = alignment.image_quad(layout.qr) if alignment else None
    hits = read_tokens(page.image, hint)
    if not hits and alignment is None:
        return None
    if alignment is None:
        alignment = _best_fit(qr_alignments(hits[0].corners, layout), page.image, template)
    elif not hits:  # look again where the marks say the code lies
        qr = layout.qr
        form = template.form
        hits = read_upright(page.image, alignment.form_to_image, qr.x, qr.y, qr.width,
                            tokens.blank_texts(form.id, form.version, form.page_count))
    if not hits:
        return _without_code(page, alignment, template)
    text = hits[0].text
    token: tokens.Token | None = None
    error = None
    unverified = False
    try:
        token, tag = tokens.parse(text)
        if tag is not None and key is None:
            unverified = True
        else:
            tokens.verify(text, key)
    except TokenError as exc:
        error = exc.message
    if token and token.page <= template.form.page_count:
        number = token.page
        warped = _warp(page.image, alignment, template, number)
    else:  # a code read but damaged: the page is which its print says (pages share a size)
        warped = _warp(page.image, alignment, template, 1)
        number = _guess_number(warped, template)
    return FormPage(page, text, token, error, unverified, number, warped, alignment,
                    _fine(page, alignment, warped))


def place_by_print(page: Page, template: FormTemplate) -> FormPage | None:
    """A FormPage for a page found by its print alone (see check.locate), else None."""
    alignment = locate_by_print(page.image, template)
    return None if alignment is None else _without_code(page, alignment, template)


def _without_code(page: Page, alignment: Alignment, template: FormTemplate) -> FormPage:
    """A form page placed without its QR code: its number is guessed from the print. Every
    page has the same size, so one warp serves for guessing and for checking."""
    warped = _warp(page.image, alignment, template, 1)
    return FormPage(page, None, None, "de QR-code is niet leesbaar", False,
                    _guess_number(warped, template), warped, alignment,
                    _fine(page, alignment, warped))
