"""Limits on what one submission may hold: beyond them a file becomes a problem, not a crash."""

from __future__ import annotations

MAX_FILE_BYTES = 150 * 1024 * 1024  # one file / one attachment / one .eml


MAX_FOLDER_DEPTH = 4  # sub-folders below the given folder


# One submission, all files together: beyond these, the rest is not read (and the reply says so).
# A change request is two form pages and an ID document; these leave room for much more.
MAX_SUBMISSION_PAGES = 30
MAX_SUBMISSION_PIXELS = 400_000_000  # decoded pixels in total (~45 A4 pages at 300 dpi)

# A page is kept at most this large (a 48 MP phone photo is scaled down to it): checks work at
# 150-300 dpi, and one page at a time must stay far below the memory target of a worker.
WORK_MAX_PIXELS = 25_000_000


MAX_FILES = 50  # files per submission (attachments, files in a folder); the rest is reported


MAX_EMAIL_NESTING = 8  # forwarded-in-forwarded-in-... messages


MAX_PAGE_SIDE_M = 5.0  # a PDF page with a longer side is absurd: not rendered


MIN_PDF_DPI = 10.0  # below this a rendering is useless


FULL_PAGE_IMAGE_SHARE = 0.5  # images covering at least this share of the page -> scan


MAX_OBJECTS_INSPECTED = 5000  # page objects looked at to decide "digital"
