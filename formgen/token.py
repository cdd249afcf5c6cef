"""The compact token in each page's QR code, and its HMAC-SHA256 tag.

Format (QR alphanumeric-friendly, ':'-separated):
  blank:      WZL1:<form id>:<version>:<page>/<count>
  prefilled:  WZL1:<form id>:<version>:<page>/<count>:<request id>:<customer id>:<YYYYMMDD>:<tag>
  with the account holder:
              ...:<YYYYMMDD>:<holder>:<id number>:<tag>
The tag is base32(HMAC-SHA256(key, everything before ':<tag>'))[:26] (128 bits).

The holder is the account holder's name as an identity document's MRZ spells it (ICAO 9303,
words joined by '+'), the id number the customer's ID number (A-Z, 0-9); either may be empty,
not both. They let the validator compare the ID document with the request instead of with an
OCR reading of the name box. Tokens without them (printed before) stay valid.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace

from formgen.definition import FORM_ID_PATTERN
from formgen.errors import TokenError
from formgen.icao import icao_name

PREFIX = "WZL1"
PART_COUNTS = (4, 8, 10)  # ':'-separated parts: blank, prefilled, prefilled with the holder
TAG_CHARS = 26
# \A...\Z and fullmatch: "$" also matches before a final newline, and a request id with one
# breaks the reply's subject line
ID_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z")
_NUMBER = re.compile(r"\A[0-9]{1,9}\Z")  # int() would also take " 1", "+1", "1_0", "١"
_DATE = re.compile(r"\A[0-9]{8}\Z")
_TAG = re.compile(rf"\A[A-Z2-7]{{{TAG_CHARS}}}\Z")
# The ID number fits an MRZ's document number field (9 characters), the holder's name 28 (an
# ID card's MRZ name field holds 30): the code of a prefilled page then stays QR version 5
# (37 modules) with a klantnummer of up to 9 characters (see tests/test_token.py).
HOLDER_CHARS = 28
ID_NUMBER_CHARS = 9
_HOLDER = re.compile(rf"\A(?=.{{1,{HOLDER_CHARS}}}\Z)[A-Z]+(\+[A-Z]+)*\Z")
_ID_NUMBER = re.compile(rf"\A[A-Z0-9]{{1,{ID_NUMBER_CHARS}}}\Z")


@dataclass(frozen=True)
class Token:
    form_id: str
    version: int
    page: int
    page_count: int
    request_id: str | None = None
    customer_id: str | None = None
    issued: dt.date | None = None
    holder: str | None = None  # see holder_text
    id_number: str | None = None  # see id_number_text

    @property
    def prefilled(self) -> bool:
        return self.request_id is not None

    def body(self) -> str:
        parts = [PREFIX, self.form_id, str(self.version), f"{self.page}/{self.page_count}"]
        if self.prefilled:
            assert self.customer_id is not None and self.issued is not None
            parts += [self.request_id or "", self.customer_id, self.issued.strftime("%Y%m%d")]
            if self.holder or self.id_number:
                parts += [self.holder or "", self.id_number or ""]
        return ":".join(parts)

    def for_page(self, page: int) -> Token:
        return replace(self, page=page)

    @property
    def holder_name(self) -> str | None:
        """The holder's name as words ("THIJS OOMS"), for comparing with an ID document."""
        return self.holder.replace("+", " ") if self.holder else None


def holder_text(name: str) -> str:
    """A name as the token carries it: ICAO-transliterated words joined by '+'. A name longer
    than HOLDER_CHARS loses its second and later given names first (the ID check compares the
    first given name and the surname), then its end."""
    words = ["".join(ch for ch in word if ch.isalpha()) for word in icao_name(name).split("<")]
    words = [word for word in words if word]
    while len("+".join(words)) > HOLDER_CHARS and len(words) > 2:
        del words[1]
    return "+".join(words)[:HOLDER_CHARS].strip("+")


def id_number_text(number: str) -> str:
    """An ID number as the token carries it: its letters and digits, upper case; '' when it
    is longer than ID_NUMBER_CHARS (no document number)."""
    folded = re.sub(r"[^A-Z0-9]", "", number.upper())
    return folded if len(folded) <= ID_NUMBER_CHARS else ""


def _tag(body: str, key: bytes) -> str:
    digest = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:TAG_CHARS]


def encode(token: Token, key: bytes | None) -> str:
    """The QR text; a prefilled token must be signed, a blank one carries no tag."""
    for value, what in ((token.request_id, "aanvraagnummer"), (token.customer_id, "klantnummer")):
        if value is not None and not ID_PATTERN.fullmatch(value):
            raise TokenError(f"{what} '{value}' mag alleen letters, cijfers, '.', '_' en '-' "
                             "bevatten (max. 32 tekens)")
    if token.holder and not _HOLDER.fullmatch(token.holder) or \
            token.id_number and not _ID_NUMBER.fullmatch(token.id_number):
        raise TokenError("de naam of het ID-nummer voor de QR-code bevat ongeldige tekens")
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
    if len(parts) not in PART_COUNTS or parts[0] != PREFIX:
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
    holder, id_number = (parts[7], parts[8]) if len(parts) == 10 else (None, None)
    if len(parts) == 10 and not (
            (holder or id_number) and (not holder or _HOLDER.fullmatch(holder))
            and (not id_number or _ID_NUMBER.fullmatch(id_number))):
        raise TokenError("token is beschadigd (naam of ID-nummer)")
    tag = parts[-1]
    if not _TAG.fullmatch(tag):
        raise TokenError("token is beschadigd")
    return Token(parts[1], version, page, count, parts[4], parts[5], issued, holder or None,
                 id_number or None), tag


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
