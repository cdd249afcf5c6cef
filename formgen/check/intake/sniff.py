"""What a file is, told by its content (magic bytes), never by its name."""

from __future__ import annotations

import os

IMAGE_EXTENSIONS = {
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".heic", ".heif",
    ".hif", ".webp", ".avif", ".gif", ".bmp",
}  # fmt: skip


_DOCUMENT_EXTENSIONS = {
    ".txt", ".text", ".htm", ".html", ".xhtml", ".md", ".csv", ".rtf", ".doc", ".docx",
    ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".pages", ".xml", ".json",
}  # fmt: skip


_HEIF_BRANDS = {
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    b"mif1", b"msf1", b"mif2", b"avif", b"avis",
}  # fmt: skip


def sniff(data: bytes) -> str | None:
    """The decodable kind of ``data`` by magic bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        box = int.from_bytes(data[:4], "big")
        brands = {data[8:12]}
        end = min(box, len(data), 256) if box >= 16 else min(len(data), 32)
        brands.update(data[i : i + 4] for i in range(16, end - 3, 4))
        if brands & _HEIF_BRANDS:
            return "heif"
        return None
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:2] == b"BM" and len(data) >= 26 and int.from_bytes(data[14:18], "little") in (
        12, 40, 52, 56, 64, 108, 124,
    ):  # fmt: skip
        return "bmp"
    # PDF readers accept junk before the header; so do we (first KB).
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return None


def _describe_unknown(data: bytes) -> str | None:
    """For non-decodable content: 'tekstbestand'/'webpagina'/'document'/'zip-archief' or None."""
    head = data[:4096]
    if head.startswith(b"{\\rtf"):
        return "document"
    if head.startswith(b"PK\x03\x04"):
        if any(
            marker in data[:65536]
            for marker in (b"word/", b"xl/", b"ppt/", b"mimetypeapplication/vnd.oasis")
        ):
            return "document"
        return "zip-archief"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "document"  # old Word/Excel (OLE)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) or (
        b"\x00" not in head and _mostly_text(head)
    ):
        low = head.lower()
        if b"<html" in low or b"<!doctype html" in low:
            return "webpagina"
        return "tekstbestand"
    return None


def _mostly_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte char cut at the end is fine
            text = head.decode("latin-1")
        else:
            text = head[: exc.start].decode("utf-8")
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t\f")
    return printable >= 0.95 * len(text)


def unsupported_message(name: str, data: bytes) -> str:
    ext = os.path.splitext(name)[1].lower()
    what = _describe_unknown(data)
    if ext == ".pdf":
        suffix = ", hoewel de naam op .pdf eindigt"
    elif ext in IMAGE_EXTENSIONS:
        suffix = f", hoewel de naam op {ext} eindigt"
    else:
        suffix = ""
    if what == "tekstbestand" or (what is None and ext in {".txt", ".text", ".csv", ".md"}):
        return "dit is een tekstbestand, geen scan of foto" + suffix
    if what == "webpagina":
        return "dit is een webpagina (html), geen scan of foto" + suffix
    if what == "document" or (what is None and ext in _DOCUMENT_EXTENSIONS):
        return "dit is een tekstdocument (bijv. Word), geen scan of foto" + suffix
    if ext == ".pdf":
        return "dit is geen pdf, hoewel de naam op .pdf eindigt"
    if ext in IMAGE_EXTENSIONS:
        return f"dit is geen afbeelding, hoewel de naam op {ext} eindigt"
    if what == "zip-archief":
        return "bestandstype wordt niet ondersteund (zip-archief)"
    return "bestandstype wordt niet ondersteund"
