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

# A scanned PDF page is also kept at its image's own resolution, up to this (to read typed
# values: check.fine_lines); finer scans add pixels, not letters.
FINE_MAX_DPI = 300.0


MAX_OBJECTS_INSPECTED = 5000  # page objects looked at to decide "digital"


# -- PDF and image bombs: what a file may cost before it is decoded (pdf_preflight.py) --------
# Non-image streams (content, forms, fonts, object streams) of one PDF, decoded, in total:
# PDFium holds about 2.4 times this while it draws the page; a real form or scan uses < 5 MB.
MAX_PDF_STREAM_BYTES = 128 * 1024 * 1024
# One image in a PDF, declared width x height: PDFium scales while decoding (a 3.6-gigapixel
# image took 200 MB), so this bounds time, not memory. A4 at 1200 dpi is 140 megapixels.
MAX_PDF_IMAGE_PIXELS = 1_000_000_000
# Form XObjects, tiling patterns, Type3 glyphs and appearance streams one page draws, each
# use counted (a form drawn twice inside a form drawn twice is four): PDFium builds each use
# again, so nesting grows it exponentially: 2^14 nested drawings took 0.14 GB and 0.8 s.
MAX_PDF_PAGE_DRAWINGS = 20_000
MAX_PDF_FIELDS = 1000  # AcroForm fields and widgets; the form has 27, PDFium builds each one
MAX_PDF_PAGE_ANNOTATIONS = 500  # annotations on one page (the form's pages have 17 at most)

# An image file: the memory Pillow needs to decode it at full size and shrink it to
# WORK_MAX_PIXELS, in bytes per pixel by mode (measured: with transparency the shrinking holds a
# second full copy) and by format (the WebP decoder holds four: 79 megapixels took 1.2 GB;
# libheif seven bytes a pixel: a 48-megapixel HEIC photo took 337 MB).
# Beyond the bound the file is refused: with the checks' own work a worker stays under 1 GB.
MAX_IMAGE_DECODE_BYTES = 480 * 1024 * 1024
DECODE_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "RGBA": 8,  # else 4
                          "WEBP": 16, "HEIF": 7, "AVIF": 7}
