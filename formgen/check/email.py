"""The email address we may answer: from --from, the .eml sender, or the form."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

from formgen.check.intake.names import shown_text
from formgen.check.verdict import Check, Status


def normalise(address: str) -> str | None:
    """The address in normal form, or None when its syntax is wrong (no DNS look-up).

    An address holding a control or format character (a bidi override such as U+202E, a
    zero-width mark) or U+FFFD (bytes that were not text) is not valid. An internationalised
    domain comes back in Unicode, whether it was written in Unicode or as xn-- (IDNA).
    """
    if any(ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in address):
        return None
    try:
        return validate_email(address.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def check_email(option: str | None, sender: str | None, typed: str | None,
                handwritten: bool) -> tuple[Check, str | None]:
    """One check, and the address that replies go to."""
    for value, origin in ((option, "opgegeven met --from"), (sender, "afzender van de e-mail"),
                          (typed, "ingevuld op het formulier")):
        if not value:
            continue
        address = normalise(value)
        if address:
            return Check("email", Status.OK, f"{address} ({origin})"), address
        return Check("email", Status.MISSING,
                     f"het e-mailadres '{shown_text(value)}' ({origin}) is niet geldig"), None
    if handwritten:
        return Check("email", Status.REVIEW, "het e-mailadres staat met de hand op het "
                     "formulier: neem het over en controleer het"), None
    return Check("email", Status.MISSING, "geen e-mailadres bekend waarop wij mogen antwoorden"
                 ), None
