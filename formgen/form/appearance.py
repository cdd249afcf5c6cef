"""What a field and a page's QR code look like, as content streams: shared by the template
build (through pypdf) and the prefill path (written directly, see pdfsyntax.py)."""

from __future__ import annotations

from formgen.form import qr
from formgen.form.fonts import FIELD_FONT_NAME, PDFIUM_ANSI_ALIAS, field_font
from formgen.form.layout import FieldBox, Rect

FIELD_FONT_SIZE = 10.0
READ_ONLY = 1  # field flags (PDF 32000, 12.7.3.1)
REQUIRED = 2
CAPTION_FONT_NAME = "FGC"
QR_BBOX = (0.0, -qr.CAPTION_PT - 4, qr.SIZE_PT, qr.SIZE_PT)


def field_flags(box: FieldBox, read_only: bool = False) -> int:
    return (REQUIRED if box.field.required else 0) | (READ_ONLY if read_only else 0)


def font_names(name: str = FIELD_FONT_NAME) -> tuple[str, ...]:
    """Resource names for the field font in an appearance. Field appearances also name it
    /Helvetica_00, which keeps PDFium from adding Helvetica there (see fonts.py)."""
    return (name, PDFIUM_ANSI_ALIAS) if name == FIELD_FONT_NAME else (name,)


def text_content(rect: Rect, value: str) -> bytes:
    """A text field's value, left-aligned, shrunk to fit the box."""
    if not value:
        return b"/Tx BMC\nEMC"
    font = field_font()
    size = FIELD_FONT_SIZE
    room = rect.width - 6
    while size > 6 and font.width(value, size) > room:
        size -= 0.5
    baseline = (rect.height - size * 0.72) / 2
    return (f"/Tx BMC\nq BT /{FIELD_FONT_NAME} {size} Tf 0 g 3 {baseline:.2f} Td "
            f"<{font.encode(value)}> Tj ET Q\nEMC").encode("ascii")


def qr_content(text: str, caption: str) -> bytes:
    """The page's QR code with a small human-readable caption under it."""
    return qr.qr_content(text, field_font().encode(caption), CAPTION_FONT_NAME)
