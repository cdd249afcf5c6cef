"""What intake hands on: decoded pages, per-file problems, and the submission they make up."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Page:
    file_name: str  # display name of the file (attachment name or file name), never a path
    index: int  # 1-based page number within that file
    page_count: int  # pages in that file
    image: np.ndarray  # RGB uint8, HxWx3
    dpi: float | None  # render dpi for PDFs; image DPI metadata if present, else None
    digital: bool  # born-digital PDF page (text or widgets, no full-page image)
    pdf_fields: dict[str, str] | None  # AcroForm values of the PDF the page came from


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
