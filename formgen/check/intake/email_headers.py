"""An e-mail parsed within limits: the raw MIME tree, and the few headers we use decoded.

The tree is parsed with the compat32 policy, which keeps each header as the text it was sent as
(``email.policy.default`` builds a structured object per header, in time and memory that grow
faster than the header). Each header is cut to MAX_HEADER_CHARS while it is parsed, the parse
stops after MAX_MIME_PARTS parts, and only the sender, the subject and attachment names are
decoded, each after it is cut. Everything cut is collected in :class:`Budget` as Dutch notes.
"""

from __future__ import annotations

import contextlib
import email.errors
import email.header
import email.message
import email.utils
import re
from email._policybase import Compat32
from email.feedparser import BytesFeedParser
from typing import Any, cast

from formgen.check.intake.email_limits import (
    MAX_ADDRESS_HEADER_CHARS,
    MAX_ENCODED_WORDS,
    MAX_HEADER_CHARS,
    MAX_HEADER_LINES,
    MAX_HEADER_TOTAL_CHARS,
    MAX_HEADERS_PER_PART,
    MAX_MIME_PARTS,
)
from formgen.check.intake.names import one_line

_FEED_CHUNK = 8 * 1024  # bytes handed to the parser at a time, so it can be stopped
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")
_RAW_8BIT = re.compile("[\udc80-\udcff]")  # bytes that were not ASCII, kept as surrogates
_HEADER_LINE = re.compile(rb"^(?:[!-9;-~]+:|[ \t])", re.MULTILINE)  # a header or its fold
# Kept in a part even past its header limits (once each): what reading the part needs.
_NEEDED = {"from", "subject", "mime-version", "content-type", "content-disposition",
           "content-transfer-encoding"}


class Budget:
    """What one e-mail (forwarded messages included) may still use, and what was cut."""

    def __init__(self) -> None:
        self.parts = 0
        self.header_chars = 0
        self.notes: list[str] = []
        self._noted: set[str] = set()

    def note(self, text: str) -> None:
        if text not in self._noted:
            self._noted.add(text)
            self.notes.append(text)

    @property
    def parts_full(self) -> bool:
        return self.parts > MAX_MIME_PARTS


class _Policy(Compat32):
    """compat32 whose headers are cut while they are parsed, and handed out as sent."""

    budget: Budget  # set on each parse's own subclass

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, first = sourcelines[0].split(":", 1)
        if name.strip().lower() == "references":
            return name, self._ends(first, sourcelines[1:])
        pieces = [first.lstrip(" \t")]
        size = len(pieces[0])
        for line in sourcelines[1:]:
            if size > MAX_HEADER_CHARS:
                break
            pieces.append(line)
            size += len(line)
        value = "".join(pieces).rstrip("\r\n")
        if size > MAX_HEADER_CHARS:
            value = value[:MAX_HEADER_CHARS]
            self.budget.note(f"een kopregel ({_shown_name(name)}) is langer dan "
                             f"{MAX_HEADER_CHARS} tekens; de rest ervan is niet gelezen")
        self.budget.header_chars += len(value)
        if self.budget.header_chars > MAX_HEADER_TOTAL_CHARS and name.lower() not in _NEEDED:
            self.budget.note(f"de kopregels van de e-mail zijn samen langer dan "
                             f"{MAX_HEADER_TOTAL_CHARS} tekens; de rest ervan is niet gelezen")
            value = ""
        return name, value

    def _ends(self, first: str, rest: list[str]) -> str:
        """A long References header keeps its first and its last ids (the thread's start and
        the message replied to), as RFC 5322 trims it; the ones in between go."""
        if len(first) + sum(len(line) for line in rest) <= MAX_HEADER_CHARS:
            return (first.lstrip(" \t") + "".join(rest)).rstrip("\r\n")
        value = first.lstrip(" \t") + "".join(rest)
        half = MAX_HEADER_CHARS // 2
        head = value[:half].rsplit(" ", 1)[0]
        tail = value[-half:].split(" ", 1)[-1]
        self.budget.header_chars += len(head) + len(tail)
        return f"{head} {tail}".rstrip("\r\n")

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value  # raw 8-bit bytes stay visible (as surrogates) to the readers below


class _Message(email.message.Message):
    """A part that keeps at most MAX_HEADERS_PER_PART headers, and counts itself."""

    def __init__(self, policy: Any, budget: Budget) -> None:
        super().__init__(policy)
        self._budget = budget
        self._kept: set[str] = set()
        budget.parts += 1

    def set_raw(self, name: str, value: str) -> None:
        key = name.lower()
        if len(self._kept) < MAX_HEADERS_PER_PART or (key in _NEEDED and key not in self._kept):
            self._kept.add(key)
            super().set_raw(name, value)
        else:
            self._budget.note(f"een deel van de e-mail heeft meer dan {MAX_HEADERS_PER_PART} "
                              "kopregels; de rest is niet gelezen")


def parse(data: bytes, budget: Budget) -> email.message.Message:
    """The MIME tree of data; stops reading after MAX_MIME_PARTS parts (noted in budget).

    Lines that look like headers or their folds are counted first (a header block is held
    whole while it is parsed): past MAX_HEADER_LINES of them the rest of the e-mail is not read.
    """
    if data.count(b":") + data.count(b"\n ") + data.count(b"\n\t") > MAX_HEADER_LINES:
        for number, match in enumerate(_HEADER_LINE.finditer(data)):
            if number == MAX_HEADER_LINES:
                data = data[:match.start()]
                budget.note(f"de e-mail heeft meer dan {MAX_HEADER_LINES} kopregels; de rest "
                            "van de e-mail is niet gelezen")
                break

    def factory(policy: Any) -> _Message:
        return _Message(policy, budget)

    class Policy(_Policy):
        pass

    Policy.budget = budget  # a policy takes no attributes but its class's
    parser = BytesFeedParser(cast(Any, factory), policy=Policy())
    budget.parts -= 1  # the parser makes one part to try the factory
    for start in range(0, len(data), _FEED_CHUNK):
        if budget.parts_full:
            budget.note(f"de e-mail bestaat uit meer dan {MAX_MIME_PARTS} delen; de rest is "
                        "niet gelezen")
            break
        parser.feed(data[start:start + _FEED_CHUNK])
    message = parser.close()
    assert isinstance(message, email.message.Message)
    return message


def raw_header(msg: email.message.Message, name: str) -> str:
    """The header as sent (cut to its limit), or ""; the first one if there are several."""
    value = msg.get(name)
    return value if isinstance(value, str) else ""


def sender_address(msg: email.message.Message, budget: Budget) -> str | None:
    """The address in From:, or None (with a note when there is one we cannot use)."""
    raw = raw_header(msg, "From")
    if not raw.strip():
        return None
    if len(raw) > MAX_ADDRESS_HEADER_CHARS:
        budget.note(f"het adres van de afzender is langer dan {MAX_ADDRESS_HEADER_CHARS} tekens en "
                    "is niet als e-mailadres gebruikt")
        return None
    text = _from_8bit(raw)
    if text is None:
        budget.note("het adres van de afzender bevat tekens die geen geldige UTF-8 zijn en is niet "
                    "als e-mailadres gebruikt")
        return None
    for _display, addr in email.utils.getaddresses([text]):
        addr = addr.strip()
        if "@" in addr and not any(ch.isspace() for ch in addr):
            return addr
    return None


def decoded_text(raw: str, budget: Budget, what: str) -> str:
    """A header or parameter value with its RFC 2047 encoded words decoded.

    At most MAX_ENCODED_WORDS encoded words are decoded; text after them is cut (noted).
    Raw 8-bit bytes are read as UTF-8, bytes that are not UTF-8 become U+FFFD.
    """
    text = _from_8bit(raw)
    if text is None:
        text = raw.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    words = 0
    for match in _ENCODED_WORD.finditer(text):
        words += 1
        if words > MAX_ENCODED_WORDS:
            text = text[:match.start()]
            budget.note(f"{what} bestaat uit meer dan {MAX_ENCODED_WORDS} gecodeerde stukken; "
                        "de rest ervan is niet gelezen")
            break
    if words:  # an unknown charset or a broken word: the text is shown as sent
        with contextlib.suppress(LookupError, UnicodeError, ValueError,
                                 email.errors.HeaderParseError):
            text = str(email.header.make_header(email.header.decode_header(text)))
    return text


def filename(part: email.message.Message, budget: Budget) -> str | None:
    """The attachment's file name (RFC 2231 and RFC 2047 decoded), or None."""
    try:
        raw = part.get_filename()
    except Exception:  # a malformed parameter list: the part is still read, unnamed
        return None
    if not raw:
        return None
    raw = raw.strip('"')  # a quoted name cut at its limit lost its closing quote
    return decoded_text(raw, budget, "de naam van een bijlage") or None


def _from_8bit(raw: str) -> str | None:
    """raw with its 8-bit bytes read as UTF-8 (RFC 6532), or None when they are not UTF-8."""
    if not _RAW_8BIT.search(raw):
        return raw
    try:
        return raw.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return None


def _shown_name(name: str) -> str:
    return one_line(name.encode("ascii", "replace").decode("ascii"))[:40]
