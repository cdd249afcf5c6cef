"""Limits on the parts of an e-mail: beyond them a header is cut or a part is left unread.

The standard library parses headers and MIME trees in time and memory that grow faster than
their size (a subject of 20,000 encoded words took 2.8 GB), so everything is bounded before it
is parsed or decoded. What is cut is named in a problem line; the attachments are still read.
"""

from __future__ import annotations

MAX_HEADER_CHARS = 16 * 1024  # one header (folded lines together); the rest is cut off
MAX_ADDRESS_HEADER_CHARS = 4 * 1024  # a longer From: is no usable address: not used
MAX_ENCODED_WORDS = 200  # RFC 2047 encoded words decoded per header (subject, file name)
MAX_HEADER_TOTAL_CHARS = 512 * 1024  # all headers of one e-mail, its parts included
MAX_HEADERS_PER_PART = 200  # header lines kept per part (a real part has about ten)
MAX_HEADER_LINES = 500_000  # lines that look like headers or folds: the rest is not read

MAX_MIME_PARTS = 200  # parts parsed and walked (forwarded messages included); the rest is skipped
