"""What intake hands on: decoded pages, per-file problems, and the submission they make up."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import cv2
import numpy as np

if TYPE_CHECKING:
    from formgen.check.intake.pdf import FineRender


@dataclass
class Page:
    file_name: str  # display name of the file (attachment name or file name), never a path
    index: int  # 1-based page number within that file
    page_count: int  # pages in that file
    image: np.ndarray  # RGB uint8, HxWx3
    dpi: float | None  # render dpi for PDFs; image DPI metadata if present, else None
    digital: bool  # born-digital PDF page (text or widgets, no full-page image)
    pdf_fields: dict[str, str] | None  # AcroForm values of the PDF the page came from
    # the same page at more pixels, grey, rendered when first asked for: a scanned PDF page
    # at its image's own resolution when that is finer than the rendering (to read typed
    # values: check.fine_lines)
    fine: FineRender | None = None


@dataclass
class FileProblem:
    file_name: str
    message: str  # one line, Dutch
    # About the submission itself (its .eml, its folder or a folder in it), not a file the
    # customer sent: its name is support's, never shown to the customer.
    whole: bool = False


@dataclass
class Submission:
    source: str  # the PATH as given
    sender: str | None  # From: address of an .eml, else None
    subject: str | None
    files: list[str]  # display names of all files considered
    pages: list[Page] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


GREY_COPY_LONG_SIDE = 2339  # px: A4 at 200 dpi, enough for the boxes at CHECK_DPI and an MRZ


def grey_copy(page: Page, long_side: int = GREY_COPY_LONG_SIDE) -> Page:
    """A grey copy of the page, no longer than long_side, to keep after its turn."""
    image = page.image
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    factor = min(1.0, long_side / max(grey.shape))
    if factor < 1:
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return replace(page, image=np.ascontiguousarray(grey), fine=None)
