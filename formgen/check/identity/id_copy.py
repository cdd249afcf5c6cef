"""The copy of the identity document that support may keep: the BSN painted out, marked as a copy.

As the Dutch government advises for a copy of an identity document (Rijksoverheid, "Hoe
voorkom ik fraude met een kopie van mijn identiteitsbewijs?"): the BSN is made unreadable, also
in the row of characters at the bottom (:mod:`formgen.check.identity.redact`), and the copy
says that it is a copy, for whom and for what it is, and the date. That text goes in a band
below the page, so it hides nothing on the document. The passport photo is left as it is.

One PNG or PDF per submission, named by its request id (``R….png``), else by where it came
from (``zonder-aanvraag-<name>-<hash>.png``); written whole at once, readable only for the user
that runs formgen. A copy of the same request made later replaces the earlier one. A page on
which a BSN may still show is not written. The PDF holds that one painted image and nothing
else: no text layer, no other image, no metadata but the producer (img2pdf embeds the PNG as
it is, losslessly).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import cv2
import img2pdf
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formgen.atomic import write_atomic
from formgen.check.identity.document import IdDocumentResult
from formgen.check.identity.redact import redact_bsn
from formgen.check.verdict import Check, Status
from formgen.definition import load_company, load_form
from formgen.errors import SYSTEM_REASONS, InputFileError, system_reason
from formgen.resources import fonts_dir

CODE = "id_copy"
COPY_MODE = 0o600  # personal data: only the user that runs formgen reads it
BAND_TEXT_SHARE = 0.022  # text height in the band, as a share of the page's width
MIN_TEXT_PX = 14
FORMATS = ("png", "pdf")  # --redact-format, mailbox.id_copies_format; the first is the default


@dataclass(frozen=True)
class CopyText:
    """What is written on the copy (Dutch): that it is a copy, for whom, for what, the date."""

    company: str
    purpose: str
    day: dt.date

    @property
    def lines(self) -> tuple[str, str]:
        return (f"KOPIE voor {self.company}",
                f"{self.purpose}, {self.day.strftime('%d-%m-%Y')}")


def copy_text(request_id: str | None, today: dt.date) -> CopyText:
    """The company and the form from the one definition; the request id when known."""
    purpose = load_form().title + (f", aanvraag {request_id}" if request_id else "")
    return CopyText(load_company().name, purpose, today)


def copy_name(request_id: str | None, source: str, fmt: str = FORMATS[0]) -> str:
    """The file name: the request id, else the submission's name and a hash of where it came
    from (unique per file or message); ``fmt`` is the extension."""
    if request_id:
        safe = re.sub(r"[^A-Za-z0-9_-]+", "", request_id)[:60]
        if safe:
            return f"{safe}.{fmt}"
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(source.rstrip("/")).stem).strip("-")[:40]
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"zonder-aanvraag-{stem or 'inzending'}-{digest}.{fmt}"


def prepare_folder(folder: Path) -> None:
    """Make the folder (and its parents) when needed and check that files can be written in
    it; a one-line Dutch error naming it otherwise."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputFileError("is geen map (er staat een bestand met die naam)",
                             source=str(folder)) from None
    except OSError as exc:
        reason = (SYSTEM_REASONS["ENOTDIR"] if exc.errno == errno.ENOTDIR
                  else system_reason(exc))
        raise InputFileError(f"kan de map voor de kopieën niet maken ({reason})",
                             source=str(folder)) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputFileError("kan in deze map niet schrijven (geen toegang)",
                             source=str(folder))


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts_dir() / "DejaVuSans-Bold.ttf"), size)


def marked(page: np.ndarray, text: CopyText) -> np.ndarray:
    """The page with a white band below it holding the copy text."""
    h, w = page.shape[:2]
    size = max(MIN_TEXT_PX, round(BAND_TEXT_SHARE * w))
    font = _font(size)
    gap = size // 2
    band_h = 2 * size + 3 * gap
    band = Image.new("RGB", (w, band_h), (255, 255, 255))
    draw = ImageDraw.Draw(band)
    for i, line in enumerate(text.lines):
        draw.text((gap, gap + i * (size + gap)), line, font=font, fill=(160, 0, 0))
    draw.line((0, 0, w, 0), fill=(160, 0, 0), width=max(1, size // 8))
    return np.vstack([page, np.asarray(band, np.uint8)])


def make_copy(image: np.ndarray, found: IdDocumentResult, text: CopyText,
              fmt: str = FORMATS[0]) -> bytes | None:
    """The PNG (or a PDF of that PNG alone) of the page with the BSN painted out and the copy
    text below it; None when a BSN may still show (see
    :func:`formgen.check.identity.redact.redact_bsn`)."""
    redaction = redact_bsn(image, found)
    if not redaction.safe:
        return None
    ok, png = cv2.imencode(".png", cv2.cvtColor(marked(redaction.image, text),
                                                cv2.COLOR_RGB2BGR))
    if not ok:
        return None
    return png.tobytes() if fmt == "png" else pdf_of(png.tobytes())


def pdf_of(png: bytes) -> bytes:
    """One page holding the PNG, embedded as it is; no dates, title or author."""
    pdf: bytes = img2pdf.convert(png, nodate=True, producer="formgen")
    return pdf


def keep_copy(image: np.ndarray, found: IdDocumentResult, folder: Path, *,
              request_id: str | None, source: str, today: dt.date, where: str,
              fmt: str = FORMATS[0]) -> Check:
    """Write the copy into ``folder`` and say so in a check for support (the report and the
    JSON); a copy that cannot be made safely or written is a warning, never an error: the
    submission is judged as without --redact."""
    try:
        data = make_copy(image, found, copy_text(request_id, today), fmt)
    except Exception as exc:  # noqa: BLE001 - an extra for support: the verdict stands without it
        return Check(CODE, Status.WARNING, f"geen kopie zonder BSN gemaakt: interne fout "
                     f"({exc.__class__.__name__})", file=where)
    if data is None:
        return Check(CODE, Status.WARNING, "geen kopie zonder BSN gemaakt: het BSN is niet "
                     "zeker overal afgeschermd; bewaar deze kopie niet", file=where)
    path = folder / copy_name(request_id, source, fmt)
    try:
        write_atomic(path, data, mode=COPY_MODE)
    except OSError as exc:
        return Check(CODE, Status.WARNING, f"de kopie zonder BSN kon niet worden geschreven in "
                     f"{folder} ({system_reason(exc)})", file=where)
    return Check(CODE, Status.OK, f"kopie zonder BSN bewaard: {path}", file=where)
