"""Intake of what a customer sent back: one PATH -> decoded page images plus per-file problems.

A PATH is an e-mail (``.eml``), a folder of files, or one file.  Every file is recognised by
its content (magic bytes), never by its name or declared MIME type, and decoded once:

* PDF (scanned or born-digital) via pypdfium2, with AcroForm fields drawn; field values via pypdf;
* JPEG, PNG, TIFF (every frame), HEIC/HEIF (pillow-heif), WebP, AVIF, GIF, BMP via Pillow.

Whatever goes wrong with one file becomes a :class:`FileProblem` (one Dutch line) and the other
files are still read.  Only a PATH that does not exist or cannot be read at all raises
:class:`~formgen.errors.InputFileError`.

Identity documents are personal data: this module never logs file contents, never writes
anything to disk, and never uses a name from the submission (attachment name) as a path.
"""

from formgen.check.intake.load import SubmissionReader, iter_pages, load_submission
from formgen.check.intake.model import FileProblem, Page, Submission, grey_copy

__all__ = [
    "FileProblem",
    "Page",
    "Submission",
    "SubmissionReader",
    "iter_pages",
    "grey_copy",
    "load_submission",
]
