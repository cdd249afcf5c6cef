"""What is open in a submission, one line per thing: for the report's index and the reply.

A missing page is one thing (not each of its fields and its signature); a missing identity
document is one thing (not also its name and expiry). Both the report and the customer's reply
read these lines, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from formgen.check.submission import SubmissionResult
from formgen.check.verdict import Check, Status
from formgen.definition import load_form

# Dutch names of the checks that are not a field of the form.
CHECK_LABELS = {
    "form": "Formulier",
    "token": "QR-code",
    "pages": "Pagina's",
    "signature": "Handtekening",
    "id_document": "Identiteitsbewijs",
    "id_name": "Naam op het identiteitsbewijs",
    "id_number": "Nummer van het identiteitsbewijs",
    "id_expiry": "Geldigheid van het identiteitsbewijs",
    "bsn": "BSN",
    "id_copy": "Kopie zonder BSN",
    "email": "Antwoordadres",
    "message": "Bericht",
    "internal": "Interne fout",
}
# When the identity document itself is missing, its name and expiry need no line of their own.
ID_PARTS = ("id_name", "id_expiry")


@dataclass(frozen=True)
class Line:
    status: Status
    text: str  # Dutch, a whole sentence; for a missing thing fit for the customer
    codes: tuple[str, ...]  # the checks it covers (for the report's details)


def check_label(code: str) -> str:
    """The Dutch name of a check: a field's label, a group's question, or a fixed name."""
    form = load_form()
    kind, _, rest = code.partition(":")
    if kind in ("field", "value") and rest:
        try:
            return form.field(rest).label
        except KeyError:
            return rest
    if kind == "group" and rest in form.groups:
        return form.groups[rest].label
    return CHECK_LABELS.get(code, code)


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "?", "!")) else ".")


def open_lines(result: SubmissionResult, statuses: tuple[Status, ...] = (Status.MISSING,)
               ) -> list[Line]:
    """One line per open thing among the checks with these statuses, in check order."""
    checks = [c for c in result.checks if c.status in statuses]
    lines: list[Line] = []
    covered: set[int] = set()
    pages = _missing_pages(result, checks)
    for number in pages:
        status = next(c.status for c in checks if c.code == "pages")
        parts = [c for c in checks if c.page == number and c.status is status
                 and c.code.startswith(("field:", "signature"))]
        covered |= {id(c) for c in parts}
        text = (f"Pagina {number} van het formulier ontbreekt" if status is Status.MISSING
                else f"Pagina {number} van het formulier is niet leesbaar: controleer of de "
                     "pagina die op het formulier lijkt deze pagina is")
        lines.append(Line(status, sentence(text), ("pages", *(c.code for c in parts))))
    if pages:
        covered |= {id(c) for c in checks if c.code == "pages"}
    document = next((c for c in checks if c.code == "id_document"), None)
    if document is not None and document.status is Status.MISSING:
        parts = [c for c in checks if c.code in ID_PARTS and c.status is Status.MISSING]
        covered |= {id(c) for c in parts}
    for check in checks:
        if id(check) in covered:
            continue
        codes: tuple[str, ...] = (check.code,)
        if check is document and document.status is Status.MISSING:
            codes += tuple(c.code for c in checks if c.code in ID_PARTS
                           and c.status is Status.MISSING)
        lines.append(Line(check.status, sentence(check.message), codes))
    return _in_order(lines, checks)


def _missing_pages(result: SubmissionResult, checks: list[Check]) -> list[int]:
    """The pages of the form that are missing (or there but unreadable), when the pages check
    is among these checks."""
    if not any(c.code == "pages" for c in checks):
        return []
    return [int(n) for n in result.form.get("pages_missing") or []]


def _in_order(lines: list[Line], checks: list[Check]) -> list[Line]:
    """Page lines first (where the pages check stands), then in the order of the checks."""
    order = {c.code: i for i, c in reversed(list(enumerate(checks)))}
    return sorted(lines, key=lambda line: order.get(line.codes[0], len(order)))
