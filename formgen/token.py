"""The compact token in each page's QR code, and its HMAC-SHA256 tag.

Format (QR alphanumeric-friendly, ':'-separated):
  blank:      WZL1:<form id>:<version>:<page>/<count>
  prefilled:  WZL1:<form id>:<version>:<page>/<count>:<request id>:<customer id>:<YYYYMMDD>:<tag>
The tag is base32(HMAC-SHA256(key, everything before ':<tag>'))[:26] (128 bits).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from formgen.definition import FORM_ID_PATTERN
from formgen.errors import TokenError

PREFIX = "WZL1"
TAG_CHARS = 26
# \A...\Z and fullmatch: "$" also matches before a final newline, and a request id with one
# breaks the reply's subject line
ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z")
_NUMBER = re.compile(r"\A[0-9]{1,9}\Z")  # int() would also take " 1", "+1", "1_0", "١"
_DATE = re.compile(r"\A[0-9]{8}\Z")
_TAG = re.compile(rf"\A[A-Z2-7]{{{TAG_CHARS}}}\Z")


@dataclass(frozen=True)
class Token:
    form_id: str
    version: int
    page: int
    page_count: int
    request_id: str | None = None
    customer_id: str | None = None
    issued: dt.date | None = None

    @property
    def prefilled(self) -> bool:
        return self.request_id is not None

    def body(self) -> str:
        parts = [PREFIX, self.form_id, str(self.version), f"{self.page}/{self.page_count}"]
        if self.prefilled:
            assert self.customer_id is not None and self.issued is not None
            parts += [self.request_id or "", self.customer_id, self.issued.strftime("%Y%m%d")]
        return ":".join(parts)

    def for_page(self, page: int) -> Token:
        return Token(self.form_id, self.version, page, self.page_count, self.request_id,
                     self.customer_id, self.issued)


def _tag(body: str, key: bytes) -> str:
    digest = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:TAG_CHARS]


def encode(token: Token, key: bytes | None) -> str:
    """The QR text; a prefilled token must be signed, a blank one carries no tag."""
    for value, what in ((token.request_id, "aanvraagnummer"), (token.customer_id, "klantnummer")):
        if value is not None and not ID_PATTERN.fullmatch(value):
            raise TokenError(f"{what} '{value}' mag alleen letters, cijfers, '.', '_' en '-' "
                             "bevatten (max. 32 tekens)")
    body = token.body()
    if not token.prefilled:
        return body
    if not key:
        raise TokenError("een ingevuld formulier moet ondertekend worden, maar er is geen sleutel")
    return f"{body}:{_tag(body, key)}"


def blank_texts(form_id: str, version: int, page_count: int) -> list[str]:
    """The QR text of each page of the blank form, page 1 first."""
    blank = Token(form_id, version, 1, page_count)
    return [encode(blank.for_page(page), None) for page in range(1, page_count + 1)]


def new_request_id() -> str:
    """A unique request id: 'R' + 12 random base32 characters (60 bits)."""
    return "R" + base64.b32encode(secrets.token_bytes(8)).decode("ascii")[:12]


def parse(text: str) -> tuple[Token, str | None]:
    """Split a QR text into its token and tag, without checking the tag."""
    parts = text.strip().split(":")
    if len(parts) not in (4, 8) or parts[0] != PREFIX:
        raise TokenError("geen token van dit formulier")
    numbers = [parts[2], *parts[3].split("/")]
    if not FORM_ID_PATTERN.fullmatch(parts[1]) or len(numbers) != 3 \
            or not all(_NUMBER.fullmatch(n) for n in numbers):
        raise TokenError("token is beschadigd")
    version, page, count = map(int, numbers)
    if not 1 <= page <= count:
        raise TokenError("token is beschadigd (paginanummer)")
    if len(parts) == 4:
        return Token(parts[1], version, page, count), None
    try:
        if not _DATE.fullmatch(parts[6]):
            raise ValueError(parts[6])
        issued = dt.datetime.strptime(parts[6], "%Y%m%d").date()
    except ValueError:
        raise TokenError("token is beschadigd (datum)") from None
    if not ID_PATTERN.fullmatch(parts[4]) or not ID_PATTERN.fullmatch(parts[5]):
        raise TokenError("token is beschadigd (nummer)")
    if not _TAG.fullmatch(parts[7]):
        raise TokenError("token is beschadigd")
    return Token(parts[1], version, page, count, parts[4], parts[5], issued), parts[7]


def verify(text: str, key: bytes | None) -> Token:
    """Parse and check the tag of a prefilled token; blank tokens have no tag to check."""
    token, tag = parse(text)
    if tag is None:
        return token
    if not key:
        raise TokenError("token is ondertekend, maar er is geen sleutel om het te controleren")
    if not hmac.compare_digest(tag, _tag(token.body(), key)):
        raise TokenError("token is ongeldig: gewijzigd of vervalst")
    return token
