"""Limits on what one submission may hold: beyond them a file becomes a problem, not a crash."""

from __future__ import annotations

MAX_FILE_BYTES = 150 * 1024 * 1024  # one file / one attachment / one .eml


MAX_FOLDER_DEPTH = 4  # sub-folders below the given folder


MAX_EMAIL_NESTING = 8  # forwarded-in-forwarded-in-... messages


MAX_PAGE_SIDE_M = 5.0  # a PDF page with a longer side is absurd: not rendered


MIN_PDF_DPI = 10.0  # below this a rendering is useless


FULL_PAGE_IMAGE_SHARE = 0.5  # images covering at least this share of the page -> scan


MAX_OBJECTS_INSPECTED = 5000  # page objects looked at to decide "digital"
