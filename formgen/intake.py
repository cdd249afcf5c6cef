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

from __future__ import annotations

import base64
import contextlib
import contextvars
import email
import email.message
import email.policy
import email.utils
import io
import logging
import math
import os
import quopri
import re
import stat
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

from formgen.errors import InputFileError

try:  # HEIC/HEIF (iPhone photos); registering twice is harmless.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - dependency is declared; without it HEIC is a problem
    pass

__all__ = [
    "FileProblem",
    "Page",
    "Submission",
    "iter_pages",
    "load_submission",
]

# ---------------------------------------------------------------------------------------------
# Public data
# ---------------------------------------------------------------------------------------------


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


@dataclass
class Submission:
    source: str  # the PATH as given
    sender: str | None  # From: address of an .eml, else None
    subject: str | None
    files: list[str]  # display names of all files considered
    pages: list[Page] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Limits and constants
# ---------------------------------------------------------------------------------------------

MAX_FILE_BYTES = 150 * 1024 * 1024  # one file / one attachment / one .eml
MAX_FOLDER_DEPTH = 4  # sub-folders below the given folder
MAX_EMAIL_NESTING = 8  # forwarded-in-forwarded-in-... messages
MAX_PAGE_SIDE_M = 5.0  # a PDF page with a longer side is absurd: not rendered
MIN_PDF_DPI = 10.0  # below this a rendering is useless
FULL_PAGE_IMAGE_SHARE = 0.5  # images covering at least this share of the page -> scan
MAX_OBJECTS_INSPECTED = 5000  # page objects looked at to decide "digital"

_POINTS_PER_METRE = 72 / 0.0254

# MIME types in an e-mail that are machinery, not something the customer attached.
_IGNORED_EMAIL_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-encrypted",
}
# Operating-system litter in folders (hidden files are skipped anyway).
_IGNORED_FILE_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}

_IMAGE_EXTENSIONS = {
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".tif", ".tiff", ".heic", ".heif",
    ".hif", ".webp", ".avif", ".gif", ".bmp",
}  # fmt: skip
_DOCUMENT_EXTENSIONS = {
    ".txt", ".text", ".htm", ".html", ".xhtml", ".md", ".csv", ".rtf", ".doc", ".docx",
    ".odt", ".xls", ".xlsx", ".ods", ".ppt", ".pptx", ".odp", ".pages", ".xml", ".json",
}  # fmt: skip

# Pillow format names allowed per sniffed kind: never let Pillow guess among all its plugins.
_PIL_FORMATS = {
    "jpeg": ["JPEG"],
    "png": ["PNG"],
    "tiff": ["TIFF"],
    "heif": ["HEIF", "AVIF"],
    "webp": ["WEBP"],
    "gif": ["GIF"],
    "bmp": ["BMP", "DIB"],
}
_KIND_LABEL = {
    "jpeg": "JPEG",
    "png": "PNG",
    "tiff": "TIFF",
    "heif": "HEIC/HEIF",
    "webp": "WebP",
    "gif": "GIF",
    "bmp": "BMP",
}
# Only TIFF frames are pages.  Other multi-frame formats (MPO previews in camera JPEGs, HEIF
# auxiliary images, animated GIF/WebP) contribute their first/primary image only.
_MULTI_PAGE_KINDS = {"tiff"}

_HEIF_BRANDS = {
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
    b"mif1", b"msf1", b"mif2", b"avif", b"avis",
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Quiet libraries: pypdf (strict=False) logs warnings that quote raw PDF bytes, e.g. a form
# field value, and Pillow's debug log prints TIFF/EXIF tag values.  Identity documents must not
# end up in logs, so while intake works, records from these libraries are dropped - only in the
# current thread/context, other code keeps its logging.
# ---------------------------------------------------------------------------------------------

_QUIET = contextvars.ContextVar("formgen_intake_quiet", default=False)
_QUIET_PREFIXES = ("pypdf", "PIL", "pypdfium2", "pillow_heif")


class _DropWhileQuiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _QUIET.get()


_DROP_FILTER = _DropWhileQuiet()
_filtered_loggers: set[str] = set()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # Libraries log via logging.getLogger(<module name>); make sure every loaded module of them
    # has its logger, with our filter, before they get a chance to log.
    for mod in list(sys.modules):
        if mod not in _filtered_loggers and mod.split(".")[0] in _QUIET_PREFIXES:
            logging.getLogger(mod).addFilter(_DROP_FILTER)
            _filtered_loggers.add(mod)
    token = _QUIET.set(True)
    try:
        with warnings.catch_warnings():
            # Bomb / corrupt-EXIF / PDF-syntax warnings: intake reports problems itself.
            warnings.simplefilter("ignore")
            yield
    finally:
        _QUIET.reset(token)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def load_submission(
    path: Path,
    *,
    pdf_dpi: int = 200,
    max_pixels: int = 80_000_000,
    max_pages: int = 50,
) -> Submission:
    """Read one PATH (``.eml``, folder or file) into pages and per-file problems.

    Always returns a :class:`Submission`; raises :class:`InputFileError` only when PATH does
    not exist or cannot be read at all.
    """
    opened = _open_path(Path(path))
    sub = Submission(
        source=str(path),
        sender=opened.sender,
        subject=opened.subject,
        files=[src.name for src in opened.sources],
        problems=list(opened.problems),
    )
    for src in opened.sources:
        for item in _decode_source(src, pdf_dpi, max_pixels, max_pages):
            if isinstance(item, Page):
                sub.pages.append(item)
            else:
                sub.problems.append(item)
    return sub


def iter_pages(
    path: Path,
    *,
    pdf_dpi: int = 200,
    max_pixels: int = 80_000_000,
    max_pages: int = 50,
) -> Iterator[Page | FileProblem]:
    """Streaming variant of :func:`load_submission`: yields pages and problems in file order.

    Keeps only one file's decoded data alive at a time (besides what the caller keeps).
    Raises :class:`InputFileError` on the first ``next()`` when PATH is unusable.
    """
    opened = _open_path(Path(path))
    yield from opened.problems
    for src in opened.sources:
        yield from _decode_source(src, pdf_dpi, max_pixels, max_pages)


# ---------------------------------------------------------------------------------------------
# Sources: what files are in the PATH
# ---------------------------------------------------------------------------------------------


@dataclass
class _Source:
    name: str  # display name, unique within the submission
    read: Callable[[], bytes]  # raises _ReadError


@dataclass
class _Opened:
    sender: str | None = None
    subject: str | None = None
    sources: list[_Source] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def add(self, name: str, read: Callable[[], bytes]) -> None:
        unique = name
        n = 2
        while unique.casefold() in self._names:
            stem, dot, ext = name.rpartition(".")
            unique = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
            n += 1
        self._names.add(unique.casefold())
        self.sources.append(_Source(unique, read))


class _ReadError(Exception):
    """A file's bytes cannot be obtained; message is the Dutch problem line."""


def _open_path(path: Path) -> _Opened:
    shown = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError("bestand of map bestaat niet", source=shown) from None
    except OSError:
        raise InputFileError("bestand of map kan niet worden gelezen", source=shown) from None

    opened = _Opened()
    if stat.S_ISDIR(st.st_mode):
        _collect_folder(path, opened)
        if not opened.sources and not opened.problems:
            opened.problems.append(
                FileProblem(_display_name(path.name, "map"), "de map bevat geen bestanden")
            )
        return opened
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError("is geen gewoon bestand of map", source=shown)

    name = _display_name(path.name, "bestand")
    if st.st_size > MAX_FILE_BYTES:  # readable, but not by us: a problem, not an error
        opened.add(name, _raiser(_too_big(st.st_size)))
        return opened
    try:
        data = path.read_bytes()
    except OSError:
        raise InputFileError("bestand kan niet worden gelezen", source=shown) from None

    if path.suffix.lower() == ".eml" or _looks_like_email(data):
        _collect_email(data, name, opened, prefix="", set_header=True)
    else:
        opened.add(name, _once(data))
    return opened


def _once(data: bytes) -> Callable[[], bytes]:
    """Hand the bytes out once and drop the reference, so decoded files do not pile up."""
    box = [data]

    def read() -> bytes:
        if not box:
            raise _ReadError("het bestand is al gelezen")
        return box.pop()

    return read


def _file_reader(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise _ReadError("is geen gewoon bestand")
                if st.st_size > MAX_FILE_BYTES:
                    raise _ReadError(_too_big(st.st_size))
                return fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            raise _ReadError("het bestand kan niet worden gelezen") from None

    return read


def _too_big(size: int) -> str:
    return f"het bestand is te groot ({size // (1024 * 1024)} MB)"


def _collect_folder(root: Path, opened: _Opened) -> None:
    root_real = os.path.realpath(root)

    def inside(p: str) -> bool:
        try:
            return os.path.commonpath([root_real, p]) == root_real
        except ValueError:
            return False

    def visit(directory: str, rel: str, depth: int) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: _natural_key(e.name))
        except OSError:
            if depth == 0:
                raise InputFileError("map kan niet worden gelezen", source=str(root)) from None
            opened.problems.append(
                FileProblem(
                    _display_name(rel, "map", keep_dirs=True), "de map kan niet worden gelezen"
                )
            )
            return
        files: list[tuple[str, str]] = []
        dirs: list[tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name.casefold() in _IGNORED_FILE_NAMES:
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    # Symlinks out of the folder are skipped; directory symlinks are not
                    # followed (no loops); file symlinks inside the folder are read.
                    if not inside(target) or not os.path.isfile(target):
                        continue
                    files.append((entry.name, target))
                elif entry.is_dir(follow_symlinks=False):
                    dirs.append((entry.name, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files.append((entry.name, entry.path))
                # FIFOs, sockets, devices: never opened.
            except OSError:
                continue
        for name, full in files:
            shown = _display_name(rel + name, "bestand", keep_dirs=True)
            if name.lower().endswith(".eml"):
                try:
                    data = _file_reader(full)()
                except _ReadError as exc:
                    opened.add(shown, _raiser(str(exc)))
                    continue
                _collect_email(data, shown, opened, prefix=shown + ": ", set_header=False)
            else:
                opened.add(shown, _file_reader(full))
        if depth < MAX_FOLDER_DEPTH:
            for name, full in dirs:
                visit(full, rel + name + "/", depth + 1)

    visit(str(root), "", 0)


def _raiser(message: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise _ReadError(message)

    return read


def _natural_key(name: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    ] + [(2, name)]


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------


def _looks_like_email(data: bytes) -> bool:
    """RFC 5322 header block with From: and another typical header (for unnamed .eml files)."""
    head = data[:8192]
    if _sniff(head) is not None:
        return False
    try:
        text = head.decode("ascii")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    names: set[str] = set()
    for line in re.split(r"\r?\n", text):
        if not line:
            break
        if line[0] in " \t":
            continue
        m = re.match(r"([!-9;-~]+):", line)
        if not m:
            return False
        names.add(m.group(1).lower())
    return "from" in names and bool(
        names & {"date", "subject", "message-id", "mime-version", "received", "to"}
    )


def _collect_email(
    data: bytes, eml_name: str, opened: _Opened, *, prefix: str, set_header: bool
) -> None:
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception:  # the stdlib parser is lenient; this is a last resort
        opened.problems.append(FileProblem(eml_name, "de e-mail kan niet worden gelezen"))
        return
    if set_header:
        opened.sender = _sender(msg)
        opened.subject = _one_line(_header(msg, "Subject")) or None

    before = len(opened.sources)
    counter = [0]
    try:
        _collect_parts(msg, opened, prefix, counter, depth=0)
    except RecursionError:
        opened.problems.append(
            FileProblem(eml_name, "de e-mail is te diep genest; niet alle bijlagen zijn gelezen")
        )
    if len(opened.sources) == before:
        opened.problems.append(FileProblem(eml_name, "de e-mail bevat geen bijlagen"))


def _header(msg: email.message.Message, name: str) -> str:
    try:
        value = msg.get(name)
        return "" if value is None else str(value)
    except Exception:
        return ""


def _sender(msg: email.message.Message) -> str | None:
    raw = _header(msg, "From")
    if not raw:
        return None
    for _display, addr in email.utils.getaddresses([raw]):
        addr = addr.strip()
        if "@" in addr and not any(ch.isspace() for ch in addr):
            return addr
    return None


def _collect_parts(
    part: email.message.Message, opened: _Opened, prefix: str, counter: list[int], depth: int
) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        if depth >= MAX_EMAIL_NESTING:
            return
        payload = part.get_payload()
        inner = payload if isinstance(payload, list) else [payload]
        inner = [_reparse_encoded_message(part, sub) for sub in inner]
        for sub in inner:
            if isinstance(sub, email.message.Message):
                _collect_parts(sub, opened, prefix, counter, depth + 1)
        return
    if part.is_multipart():
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, email.message.Message):
                _collect_parts(sub, opened, prefix, counter, depth)
        return
    if ctype in _IGNORED_EMAIL_TYPES:
        return
    if ctype == "message/global" and depth < MAX_EMAIL_NESTING:  # RFC 6532 forwarded message
        try:
            inner_msg = email.message_from_bytes(_part_bytes(part), policy=email.policy.default)
        except Exception:
            inner_msg = None
        if inner_msg is not None and inner_msg.keys():
            _collect_parts(inner_msg, opened, prefix, counter, depth + 1)
            return

    try:
        raw_name = part.get_filename()
    except Exception:
        raw_name = None
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None

    if ctype.startswith(("text/", "message/")) and not raw_name and disposition != "attachment":
        # The message body (plain/html/calendar, delivery reports...).  Still rescue a PDF or
        # image that a broken mailer labelled as text: detection is by content.
        if _sniff(_part_bytes(part)[:1024]) is None:
            return
    elif not raw_name and not str(part.get_payload() or "").strip():
        return  # empty unnamed part

    counter[0] += 1
    fallback = f"bijlage {counter[0]}"
    name = _display_name(raw_name, fallback) if raw_name else fallback
    opened.add(prefix + name, _part_reader(part))


def _reparse_encoded_message(part: email.message.Message, inner: object) -> object:
    """Some mailers base64-encode a forwarded message/rfc822 (not allowed, but seen): decode it."""
    try:
        cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if cte not in ("base64", "quoted-printable") or not isinstance(
            inner, email.message.Message
        ):
            return inner
        text = inner.as_string() if inner.keys() else inner.get_payload()
        if not isinstance(text, str):
            return inner
        raw = text.encode("ascii", errors="ignore")
        decoded = base64.b64decode(raw) if cte == "base64" else quopri.decodestring(raw)
        return email.message_from_bytes(decoded, policy=email.policy.default)
    except Exception:
        return inner


def _part_bytes(part: email.message.Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return b""
    return data if isinstance(data, bytes) else b""


def _part_reader(part: email.message.Message) -> Callable[[], bytes]:
    """Decode the attachment only when it is its turn (base64/quoted-printable -> bytes)."""

    def read() -> bytes:
        data = _part_bytes(part)
        if len(data) > MAX_FILE_BYTES:
            raise _ReadError(_too_big(len(data)))
        return data

    return read


# ---------------------------------------------------------------------------------------------
# Display names
# ---------------------------------------------------------------------------------------------


def _display_name(
    raw: str | None, fallback: str, *, keep_dirs: bool = False, limit: int = 120
) -> str:
    """Make a name safe to show: no directories, no control/bidi characters, bounded length.

    The result is for display only; intake never uses it (or the raw name) as a path.
    ``keep_dirs`` keeps sub-folder components (for files found below a given folder);
    attachment names are cut to their last component, so "../../etc/passwd.jpg" shows as
    "passwd.jpg".
    """
    if not raw:
        return fallback
    text = unicodedata.normalize("NFC", str(raw))
    # Drop control, format (bidi overrides, zero-width) and unassigned/surrogate characters.
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    parts = [p.strip() for p in text.replace("\\", "/").split("/")]
    parts = [p for p in parts if p not in ("", ".", "..")]
    if not parts:
        return fallback
    text = "/".join(parts) if keep_dirs else parts[-1]
    if len(text) > limit:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: limit - len(ext) - 2] + "\u2026." + ext
        else:
            text = text[: limit - 1] + "\u2026"
    return text


def _one_line(text: str) -> str:
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).split()
    )


# ---------------------------------------------------------------------------------------------
# Content sniffing
# ---------------------------------------------------------------------------------------------


def _sniff(data: bytes) -> str | None:
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


def _unsupported_message(name: str, data: bytes) -> str:
    ext = os.path.splitext(name)[1].lower()
    what = _describe_unknown(data)
    if ext == ".pdf":
        suffix = ", hoewel de naam op .pdf eindigt"
    elif ext in _IMAGE_EXTENSIONS:
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
    if ext in _IMAGE_EXTENSIONS:
        return f"dit is geen afbeelding, hoewel de naam op {ext} eindigt"
    if what == "zip-archief":
        return "bestandstype wordt niet ondersteund (zip-archief)"
    return "bestandstype wordt niet ondersteund"


# ---------------------------------------------------------------------------------------------
# Decoding one file
# ---------------------------------------------------------------------------------------------


def _decode_source(
    src: _Source, pdf_dpi: int, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    try:
        data = src.read()
    except _ReadError as exc:
        yield FileProblem(src.name, str(exc))
        return
    if len(data) > MAX_FILE_BYTES:
        yield FileProblem(src.name, _too_big(len(data)))
        return
    if not data:
        yield FileProblem(src.name, "het bestand is leeg")
        return
    kind = _sniff(data)
    if kind is None:
        yield FileProblem(src.name, _unsupported_message(src.name, data))
        return
    if kind == "pdf":
        yield from _decode_pdf(src.name, data, pdf_dpi, max_pixels, max_pages)
    else:
        yield from _decode_image(src.name, data, kind, max_pixels, max_pages)


# --- PDF ------------------------------------------------------------------------------------


def _decode_pdf(
    name: str, data: bytes, pdf_dpi: int, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    try:
        with _quiet():
            pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            yield FileProblem(name, "de pdf is beveiligd met een wachtwoord")
        else:
            yield FileProblem(name, "de pdf is beschadigd en kan niet worden gelezen")
        return
    except Exception:
        yield FileProblem(name, "de pdf is beschadigd en kan niet worden gelezen")
        return

    try:
        with _quiet(), contextlib.suppress(Exception):
            pdf.init_forms()  # before loading pages, so AcroForm values are drawn
        try:
            count = len(pdf)
        except Exception:
            count = 0
        if count <= 0:
            yield FileProblem(name, "de pdf bevat geen pagina's of is beschadigd")
            return

        with _quiet():
            fields = _pdf_fields(data)
        for i in range(min(count, max_pages)):
            with _quiet():
                item = _render_pdf_page(pdf, i, count, name, pdf_dpi, max_pixels, fields)
            yield item  # (not inside _quiet: the consumer runs while we are suspended)
            del item
        if count > max_pages:
            yield FileProblem(
                name,
                f"de pdf heeft {count} pagina's; alleen de eerste {max_pages} zijn gelezen, "
                "de rest is overgeslagen",
            )
    finally:
        pdf.close()


def _render_pdf_page(
    pdf: pdfium.PdfDocument,
    i: int,
    count: int,
    name: str,
    pdf_dpi: int,
    max_pixels: int,
    fields: dict[str, str] | None,
) -> Page | FileProblem:
    try:
        page = pdf[i]
    except Exception:
        return FileProblem(name, f"pagina {i + 1} van de pdf is beschadigd")
    try:
        try:
            width_pt, height_pt = page.get_size()
        except Exception:
            return FileProblem(name, f"pagina {i + 1} van de pdf is beschadigd")
        if not (width_pt > 0 and height_pt > 0 and math.isfinite(width_pt * height_pt)):
            return FileProblem(name, f"pagina {i + 1} van de pdf heeft geen geldige afmetingen")
        longest_m = max(width_pt, height_pt) / _POINTS_PER_METRE
        if longest_m > MAX_PAGE_SIDE_M:
            return FileProblem(
                name,
                f"pagina {i + 1} van de pdf is onwaarschijnlijk groot "
                f"({width_pt / _POINTS_PER_METRE:.1f} × {height_pt / _POINTS_PER_METRE:.1f} m); "
                "niet gelezen",
            )
        dpi = float(pdf_dpi)
        if math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72) > max_pixels:
            dpi = math.floor(math.sqrt(max_pixels / (width_pt * height_pt)) * 72 * 100) / 100
            # ceil() of the bitmap size may still overshoot by a row/column: step down.
            while dpi > MIN_PDF_DPI and (
                math.ceil(width_pt * dpi / 72) * math.ceil(height_pt * dpi / 72) > max_pixels
            ):
                dpi = math.floor(dpi * 0.99 * 100) / 100
            if dpi < MIN_PDF_DPI:
                return FileProblem(name, f"pagina {i + 1} van de pdf is te groot om weer te geven")
        try:
            bitmap = page.render(scale=dpi / 72, may_draw_forms=True, rev_byteorder=True)
            try:
                image = _bitmap_to_rgb(bitmap)
            finally:
                bitmap.close()
        except Exception:
            return FileProblem(name, f"pagina {i + 1} van de pdf kan niet worden weergegeven")
        try:
            digital = _is_digital(page)
        except Exception:
            digital = False
        return Page(
            file_name=name,
            index=i + 1,
            page_count=count,
            image=image,
            dpi=dpi,
            digital=digital,
            pdf_fields=dict(fields) if fields is not None else None,
        )
    finally:
        page.close()


def _bitmap_to_rgb(bitmap: pdfium.PdfBitmap) -> np.ndarray:
    arr = bitmap.to_numpy()
    if arr.ndim == 2:  # grayscale bitmap
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.shape[2] == 4:  # RGBA / RGBx
        arr = arr[:, :, :3]
    # to_numpy() is a view on pdfium's buffer, which is freed with the bitmap: copy.
    return np.array(arr, dtype=np.uint8, order="C", copy=True)


def _is_digital(page: pdfium.PdfPage) -> bool:
    """Born-digital: has widgets or extractable text, and no image covering most of the page."""
    has_widgets = False
    for k in range(max(0, pdfium_c.FPDFPage_GetAnnotCount(page))):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) == pdfium_c.FPDF_ANNOT_WIDGET:
                has_widgets = True
                break
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)

    has_text = False
    if not has_widgets:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
        finally:
            textpage.close()
        has_text = sum(1 for ch in text if ch.isalnum()) >= 3

    if not (has_widgets or has_text):
        return False
    return _image_share(page) < FULL_PAGE_IMAGE_SHARE


def _image_share(page: pdfium.PdfPage) -> float:
    """Share of the page (crop box) covered by image objects, incl. inside Form XObjects."""
    left, bottom, right, top = page.get_bbox()  # effective crop box (inheritance-aware)
    page_area = (right - left) * (top - bottom)
    if page_area <= 0:
        return 0.0
    covered = 0.0
    seen = 0
    # stack of (form object or None, chain of matrices from that form's space to page space)
    stack: list[tuple[pdfium.PdfObject | None, list[pdfium.PdfMatrix]]] = [(None, [])]
    while stack:
        form, chain = stack.pop()
        for obj in page.get_objects(max_depth=1, form=form):
            seen += 1
            if seen > MAX_OBJECTS_INSPECTED:
                return covered / page_area
            if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                rect = obj.get_bounds()
                for m in chain:
                    rect = m.on_rect(*rect)
                w = max(0.0, min(rect[2], right) - max(rect[0], left))
                h = max(0.0, min(rect[3], top) - max(rect[1], bottom))
                covered += w * h
                if covered >= page_area:
                    return 1.0
            elif obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and len(chain) < 8:
                stack.append((obj, [obj.get_matrix(), *chain]))
    return covered / page_area


def _pdf_fields(data: bytes) -> dict[str, str] | None:
    """AcroForm field values (terminal fields only) with pypdf; None if none or unreadable."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")  # owner-password-only PDFs open with the empty user password
        raw_fields = reader.get_fields()
    except Exception:
        return None
    if not raw_fields:
        return None
    out: dict[str, str] = {}
    for full_name, fld in raw_fields.items():
        try:
            kids = fld.get("/Kids")
            if kids:
                try:
                    if any("/T" in kid.get_object() for kid in kids):
                        continue  # a parent node, its children are listed themselves
                except Exception:
                    pass
            ftype = fld.get("/FT")
            flags = int(fld.get("/Ff", 0) or 0)
            if ftype == "/Btn" and flags & (1 << 16):
                continue  # push button: no value
            out[str(full_name)] = _field_value(fld.get("/V"), ftype)
        except Exception:
            continue
    return out or None


def _field_value(value: object, ftype: object) -> str:
    try:
        from pypdf.generic import ByteStringObject, IndirectObject, NameObject
    except Exception:  # pragma: no cover
        return "" if value is None else str(value)
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if value is None:
        return "Off" if ftype == "/Btn" else ""
    if isinstance(value, NameObject):
        return str(value)[1:] if str(value).startswith("/") else str(value)
    if isinstance(value, ByteStringObject):
        raw = bytes(value)
        if raw.startswith((b"\xfe\xff", b"\xff\xfe")):
            return raw.decode("utf-16", errors="replace")
        return raw.decode("latin-1")
    if isinstance(value, list | tuple):
        return ", ".join(_field_value(v, ftype) for v in value)
    return str(value)


# --- Images -----------------------------------------------------------------------------------


def _decode_image(
    name: str, data: bytes, kind: str, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    label = _KIND_LABEL.get(kind, kind)
    formats = [f for f in _PIL_FORMATS[kind] if f in _registered_formats()]
    if not formats:
        yield FileProblem(name, f"{label}-bestanden worden hier niet ondersteund")
        return
    try:
        with _quiet():
            im = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        yield FileProblem(name, _BOMB)
        return
    except Exception:
        yield FileProblem(name, f"de afbeelding ({label}) is beschadigd en kan niet worden gelezen")
        return

    with im:
        try:
            with _quiet():
                frames = int(getattr(im, "n_frames", 1) or 1) if kind in _MULTI_PAGE_KINDS else 1
        except Exception:
            frames = 1
        for i in range(min(frames, max_pages)):
            with _quiet():
                item = _decode_frame(im, i, frames, name, max_pixels)
            yield item
            del item
        if frames > max_pages:
            yield FileProblem(
                name,
                f"de afbeelding heeft {frames} pagina's; alleen de eerste {max_pages} zijn "
                "gelezen, de rest is overgeslagen",
            )


_BOMB = "de afbeelding is te groot (mogelijke decompressiebom)"


def _decode_frame(
    im: Image.Image, i: int, frames: int, name: str, max_pixels: int
) -> Page | FileProblem:
    what = f"pagina {i + 1} van de afbeelding" if frames > 1 else "de afbeelding"
    try:
        if i:
            im.seek(i)
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ValueError("empty image")
        if width * height > max_pixels:
            return FileProblem(name, f"{what} is te groot (mogelijke decompressiebom)")
        im.load()  # (called under _quiet(): DecompressionBombWarning is silenced)
        rgb = _to_rgb(_exif_upright(im))
        dpi = _image_dpi(im)
    except Image.DecompressionBombError:
        return FileProblem(name, f"{what} is te groot (mogelijke decompressiebom)")
    except _ColourError:
        return FileProblem(name, f"{what}: kleurmodel {im.mode} wordt niet ondersteund")
    except Exception:
        return FileProblem(name, f"{what} is beschadigd of onvolledig")
    return Page(
        file_name=name,
        index=i + 1,
        page_count=frames,
        image=rgb,
        dpi=dpi,
        digital=False,
        pdf_fields=None,
    )


_registered: set[str] | None = None


def _registered_formats() -> set[str]:
    global _registered
    if _registered is None:
        Image.init()
        _registered = set(Image.OPEN)
    return _registered


class _ColourError(Exception):
    pass


def _exif_upright(im: Image.Image) -> Image.Image:
    try:
        upright = ImageOps.exif_transpose(im)
    except Exception:  # broken EXIF: keep the pixels as stored
        return im
    return upright if upright is not None else im


def _to_rgb(im: Image.Image) -> np.ndarray:
    mode = im.mode
    if mode == "RGB":
        out = im
    elif mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        arr = np.asarray(im)
        if mode == "F":
            arr = np.nan_to_num(arr.astype(np.float64))
            top = float(arr.max()) if arr.size else 0.0
            scale = 255.0 if top <= 1.0 else (255.0 / 65535.0 if top > 255 else 1.0)
            gray = np.clip(arr * scale, 0, 255).astype(np.uint8)
        else:
            arr = arr.astype(np.int64)
            top = int(arr.max()) if arr.size else 0
            gray = (np.clip(arr, 0, 65535) // 257 if top > 255 else np.clip(arr, 0, 255)).astype(
                np.uint8
            )
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    elif (
        mode in ("RGBA", "LA", "PA", "RGBa", "La")
        or (mode == "P" and "transparency" in im.info)
        or (mode in ("L", "RGB", "1") and "transparency" in im.info)
    ):
        # Transparent areas become white paper (black ink on transparent stays visible).
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        out = Image.alpha_composite(background, rgba).convert("RGB")
    else:
        try:
            out = im.convert("RGB")  # 1, L, P, CMYK (incl. Adobe-inverted), YCbCr, ...
        except Exception as exc:
            raise _ColourError(mode) from exc
    arr = np.asarray(out, dtype=np.uint8)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise _ColourError(mode)
    return np.ascontiguousarray(arr)


def _image_dpi(im: Image.Image) -> float | None:
    dpi: object = im.info.get("dpi")
    if isinstance(dpi, tuple | list) and dpi:
        dpi = dpi[0]
    try:
        x = float(dpi)  # type: ignore[arg-type]  # int, float, TIFF IFDRational, ...
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(x) or x < 10 or x > 10_000:
        return None  # 0/1 "dpi" means "no unit" or nonsense
    return round(x, 2)
