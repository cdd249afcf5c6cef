"""Is a value read from the form right for its field? Decided by the field's kind (and format).

Each kind is checked with a well-kept library, never by hand: an IBAN by its ISO 13616 check
digits and its length per country (python-stdnum), an e-mail address by its syntax
(email-validator, no DNS look-up), a phone number by the number of digits a mobile or fixed
line number of its country has (phonenumbers' is_possible_number_for_type; Dutch when it has
no country code; which ranges a country has handed out changes over time, and a number
outside them is no slip of the pen or of the reading) and a Dutch postcode (python-stdnum).
The value comes back in the form a customer system takes: an IBAN compact, a phone number in
E.164, a postcode as "1234 AB".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from stdnum import iban
from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.nl import postcode

from formgen.check.email import normalise as normal_email

DEFAULT_REGION = "NL"  # a phone number without a country code is Dutch
# The kinds of number a customer gives as theirs (not a short service number).
PHONE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)


@dataclass(frozen=True)
class Checked:
    value: str  # normalised when valid, else as read (white space tidied)
    valid: bool | None  # None: no rule for this kind of field
    problem: str | None  # Dutch, for support: why it is not valid


def tidy(text: str) -> str:
    """White space as one space, no control characters, NFC."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(text.split())


def validate(kind: str, text: str, fmt: str | None = None) -> Checked:
    """The value of a field of this kind (and format, see form.yaml), checked."""
    value = tidy(text)
    if fmt == "postcode_nl":
        return _postcode(value)
    if kind == "iban":
        return _iban(value)
    if kind == "email":
        return _email(value)
    if kind == "phone":
        return _phone(value)
    return Checked(value, None, None)


# Characters a recogniser reads for one another in print (an O and a 0, an I, an l and a 1).
READ_ALIKE = ("O0", "Il1")
READ_ALIKE_MAX = 6  # places tried at most (every choice among them is checked)


def read_to_format(text: str, fmt: str) -> str | None:
    """A reading that fails its format, with read-alike characters (READ_ALIKE) taken as the
    format needs them ("758OJM" for the postcode "7580 JM"): the one such reading that
    passes, or None when none or more than one does."""
    places = [(i, group) for i, c in enumerate(text) for group in READ_ALIKE if c in group]
    if not places or len(places) > READ_ALIKE_MAX:
        return None
    found = set()
    for choice in itertools.product(*(group for _, group in places)):
        chars = list(text)
        for (i, _), c in zip(places, choice, strict=True):
            chars[i] = c
        option = "".join(chars)
        if option != text and validate("text", option, fmt).valid:
            found.add(option)
    return found.pop() if len(found) == 1 else None


def _iban(value: str) -> Checked:
    compact = iban.compact(value)
    try:
        return Checked(iban.validate(compact), True, None)
    except InvalidChecksum:
        problem = "de controlecijfers van het IBAN kloppen niet"
    except InvalidLength:
        problem = "het IBAN heeft niet het juiste aantal tekens"
    except ValidationError:
        problem = "dit is geen IBAN"
    return Checked(compact, False, problem)


def _email(value: str) -> Checked:
    """In lower case: mail providers do not tell addresses apart by case, and handwriting in
    capitals reads as capitals."""
    normal = normal_email(value)
    if normal is None:
        return Checked(value, False, "dit is geen geldig e-mailadres")
    return Checked(normal.lower(), True, None)


def _phone(value: str) -> Checked:
    """Any mark between the digits is a separator: OCR reads a handwritten hyphen as "_",
    "~", "=", ":" or "|", which the parser does not take for one."""
    spaced = re.sub(r"[^0-9A-Za-z+()]", " ", value)
    try:
        number = phonenumbers.parse(spaced, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not any(phonenumbers.is_possible_number_for_type(number, kind)
                                 for kind in PHONE_TYPES):
        return Checked(value, False, "dit is geen geldig telefoonnummer")
    return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                   True, None)


def _postcode(value: str) -> Checked:
    try:
        return Checked(postcode.validate(value), True, None)
    except ValidationError:
        return Checked(value, False, "dit is geen Nederlandse postcode (1234 AB)")


def same_person(holder: str, name: str) -> bool:
    """Whether an account holder's name is that person: the surname (the name's last word)
    among the holder's words, letters compared without accents or case ("J. de Vries" is
    "Jan de Vries"; "Fam. Jansen" is "Piet Jansen")."""
    words = _plain_words(holder)
    surname = _plain_words(name)[-1:]
    return bool(surname) and surname[0] in words


def _plain_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in folded if not unicodedata.combining(c))
    return letters.split()
