"""Customer emails for the mailbox tests, built with the corpus helpers (real forms, real scans).

Each builder returns the raw message bytes; the verdict is whatever ``formgen check`` says on the
same bytes (the tests compare with it), ``expected`` is what the corpus intends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import numpy as np
from corpus import submissions as corpus


@dataclass
class Mail:
    kind: str
    expected: str  # complete | incomplete | unreadable (the corpus's intention)
    raw: bytes
    message_id: str


def _read(path: Path, kind: str, expected: str) -> Mail:
    raw = path.read_bytes()
    from email import message_from_bytes

    return Mail(kind, expected, raw, str(message_from_bytes(raw)["Message-ID"]))


def complete(ctx: corpus.Ctx) -> Mail:
    path, _, _ = corpus.scanned_case(ctx, prefilled=True, dpi=200, how="eml")
    return _read(path, "complete", "complete")


def no_id(ctx: corpus.Ctx) -> Mail:
    path, _, _ = corpus.scanned_case(ctx, prefilled=True, dpi=150, with_id=False, how="eml")
    return _read(path, "no_id", "incomplete")


def unsigned_no_id(ctx: corpus.Ctx) -> Mail:
    path, _, _ = corpus.scanned_case(ctx, prefilled=False, dpi=150, with_id=False,
                                     signature="no", how="eml")
    return _read(path, "unsigned_no_id", "incomplete")


def corrupt_pdf(ctx: corpus.Ctx) -> Mail:
    data = b"%PDF-1.7\n" + ctx.rng.integers(0, 256, 20000, dtype=np.uint8).tobytes()
    path = ctx.root.with_suffix(".eml")
    corpus.write_eml(path, "jan.jansen@voorbeeld.nl", [("scan0001.pdf", data)], ctx.rng)
    return _read(path, "corrupt_pdf", "unreadable")


def no_attachment(ctx: corpus.Ctx) -> Mail:
    path = ctx.root.with_suffix(".eml")
    corpus.write_eml(path, "piet.pietersen@voorbeeld.nl", [], ctx.rng)
    return _read(path, "no_attachment", "unreadable")


def malformed_mime(ctx: corpus.Ctx) -> Mail:
    """A multipart message whose boundary never comes and whose base64 is broken."""
    mid = make_msgid(domain="voorbeeld.nl")
    raw = ("From: Kees <kees@voorbeeld.nl>\r\nTo: klantenservice@wijzigingsloket.nl\r\n"
           f"Subject: formulier\r\nMessage-ID: {mid}\r\nMIME-Version: 1.0\r\n"
           'Content-Type: multipart/mixed; boundary="grens"\r\n\r\n'
           "--verkeerd\r\nContent-Type: application/pdf; name=scan.pdf\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n%%%% dit is geen base64 %%%%\r\n"
           ).encode()
    return Mail("malformed_mime", "unreadable", raw, mid)


def plain_text(ctx: corpus.Ctx) -> Mail:
    message = EmailMessage()
    message["From"] = "anna@voorbeeld.nl"
    message["To"] = "klantenservice@wijzigingsloket.nl"
    message["Subject"] = "Vraag"
    message["Message-ID"] = make_msgid(domain="voorbeeld.nl")
    message.set_content("Hoe verander ik mijn adres?\n")
    return Mail("plain_text", "unreadable", bytes(message), str(message["Message-ID"]))


Builder = Callable[[corpus.Ctx], Mail]
CHEAP: tuple[Builder, ...] = (no_id, corrupt_pdf, no_attachment, unsigned_no_id, malformed_mime)


def build(out_dir: Path, key: bytes, builders: list[Builder], seed: int = 7) -> list[Mail]:
    out_dir.mkdir(parents=True, exist_ok=True)
    mails = []
    for index, builder in enumerate(builders):
        rng = np.random.default_rng([seed, index])
        mails.append(builder(corpus.Ctx(out_dir / f"mail-{index:03d}", key, rng)))
    return mails
