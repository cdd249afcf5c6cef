"""Read an e-mail (.eml): sender, subject, and every attachment, nested messages included."""

from __future__ import annotations

import base64
import email.message
import quopri
import re
from collections.abc import Callable
from dataclasses import dataclass

from formgen.check.intake.email_headers import (
    Budget,
    decoded_text,
    filename,
    parse,
    raw_header,
    sender_address,
)
from formgen.check.intake.email_limits import MAX_MIME_PARTS
from formgen.check.intake.files import Opened, ReadError, too_big
from formgen.check.intake.limits import MAX_EMAIL_NESTING, MAX_FILE_BYTES
from formgen.check.intake.model import FileProblem
from formgen.check.intake.names import display_name, one_line
from formgen.check.intake.sniff import sniff
from formgen.check.msgid import first_id, trimmed_references

# MIME types in an e-mail that are machinery, not something the customer attached.
_IGNORED_EMAIL_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "application/pgp-encrypted",
}


def looks_like_email(data: bytes) -> bool:
    """RFC 5322 header block with From: and another typical header (for unnamed .eml files)."""
    head = data[:8192]
    if sniff(head) is not None:
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


def collect_email(
    data: bytes, eml_name: str, opened: Opened, *, prefix: str, set_header: bool
) -> None:
    budget = Budget()
    try:
        msg = parse(data, budget)
    except Exception:  # the parser is lenient; this is a last resort
        opened.problems.append(FileProblem(eml_name, "de e-mail kan niet worden gelezen",
                                           whole=set_header))
        return
    if set_header:
        opened.sender = sender_address(msg, budget)
        subject = decoded_text(raw_header(msg, "Subject"), budget, "het onderwerp")
        opened.subject = one_line(subject) or None
        opened.message_id = first_id(raw_header(msg, "Message-ID"))
        opened.references = trimmed_references(raw_header(msg, "References"))

    before = len(opened.sources) + opened.skipped
    walk = _Walk(budget)
    try:
        _collect_parts(msg, opened, prefix, walk, depth=0)
    except RecursionError:
        walk.too_deep = True
    opened.problems += [FileProblem(eml_name, note, whole=set_header) for note in budget.notes]
    if walk.too_deep:
        opened.problems.append(FileProblem(
            eml_name, f"een doorgestuurd bericht zit dieper dan {MAX_EMAIL_NESTING} lagen in "
            "de e-mail; de bijlagen daarin zijn niet gelezen", whole=set_header))
    elif len(opened.sources) + opened.skipped == before and not budget.parts_full:
        opened.problems.append(FileProblem(eml_name, "de e-mail bevat geen bijlagen",
                                           whole=set_header))


@dataclass
class _Walk:
    """What the walk through the MIME tree has seen so far."""

    budget: Budget
    attachments: int = 0
    parts: int = 0
    too_deep: bool = False


def _collect_parts(
    part: email.message.Message, opened: Opened, prefix: str, walk: _Walk, depth: int
) -> None:
    walk.parts += 1
    if walk.parts > MAX_MIME_PARTS:
        walk.budget.note(f"de e-mail bestaat uit meer dan {MAX_MIME_PARTS} delen; de rest is "
                         "niet gelezen")
        return
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        if depth >= MAX_EMAIL_NESTING:
            walk.too_deep = True
            return
        payload = part.get_payload()
        inner = payload if isinstance(payload, list) else [payload]
        inner = [_reparse_encoded_message(part, sub, walk.budget) for sub in inner]
        for sub in inner:
            if isinstance(sub, email.message.Message):
                _collect_parts(sub, opened, prefix, walk, depth + 1)
        return
    if part.is_multipart():
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else []:
            if isinstance(sub, email.message.Message):
                _collect_parts(sub, opened, prefix, walk, depth)
        return
    if ctype in _IGNORED_EMAIL_TYPES:
        return
    if ctype == "message/global" and depth >= MAX_EMAIL_NESTING:
        walk.too_deep = True
        return
    if ctype == "message/global":  # RFC 6532 forwarded message
        try:
            inner_msg = parse(_part_bytes(part), walk.budget)
        except Exception:
            inner_msg = None
        if inner_msg is not None and inner_msg.keys():
            _collect_parts(inner_msg, opened, prefix, walk, depth + 1)
            return

    raw_name = filename(part, walk.budget)
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None

    if ctype.startswith(("text/", "message/")) and not raw_name and disposition != "attachment":
        # The message body (plain/html/calendar, delivery reports...).  Still rescue a PDF or
        # image that a broken mailer labelled as text: detection is by content.
        if sniff(_part_bytes(part)[:1024]) is None:
            return
    elif not raw_name and not str(part.get_payload() or "").strip():
        return  # empty unnamed part

    walk.attachments += 1
    fallback = f"bijlage {walk.attachments}"
    name = display_name(raw_name, fallback) if raw_name else fallback
    opened.add(prefix + name, _part_reader(part))


def _reparse_encoded_message(part: email.message.Message, inner: object,
                             budget: Budget) -> object:
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
        return parse(decoded, budget)
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
            raise ReadError(too_big(len(data)))
        return data

    return read
