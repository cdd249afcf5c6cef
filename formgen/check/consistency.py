"""Does the paper belong to the request its QR code names, and could we have issued it then?

The signed token proves which request and customer a QR code was made for, not that the page
it sits on is that customer's: QR codes cut out of one customer's form and pasted over another
customer's would pass every other check. So the values we printed on the form (the prefilled,
locked fields of the definition) are read back and compared with the token, the prefilled
values printed on several pages or copies with each other, and the name the signer wrote with
the account holder's printed name. A mismatch is for support (``review``): the customer did
nothing they can put right. A value that cannot be read is no mismatch. The token's issue
date is shown to support with its age; a date we cannot have signed is for support too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from difflib import SequenceMatcher

import cv2
import numpy as np

from formgen.check.fields import FormFindings
from formgen.check.form_pages import FormPage
from formgen.check.identity import ocr
from formgen.check.identity.checks import name_in_box, read_printed_name
from formgen.check.identity.mrz import TUSSENVOEGSELS, icao_name
from formgen.check.identity.name_score import holds, split_name
from formgen.check.ink import crop, thin_print
from formgen.check.placement import find_box, moved
from formgen.check.verdict import Check, Status
from formgen.definition import Field
from formgen.form.template import FormTemplate

# The customer data that is the account holder's name (formgen.definition.CUSTOMER_KEYS).
NAME_KEY = "name"
# A printed code is read when PP-OCR gives it at least this score; below, it is not compared.
CODE_MIN_SCORE = 0.8
PRINT_DARK = 140  # grey level: the values we print are darker than this, copier grain lighter
CODE_GAP = 12  # px at CHECK_DPI: wider than the space between two printed characters
SPECK_AREA = 8  # px at CHECK_DPI: a printed character's stroke is larger, a toner speck smaller
# A code read is another customer's only when both readings agree and differ from the token's
# in this many places: a clump of toner on one character misleads both readings alike (a
# dirty-drum copy: K read as R). Numbers one character apart are not told apart.
CODE_MIN_DIFFERENT = 2
# Letters PP-OCR takes for one another in a printed code: folded to one before comparing.
CONFUSIONS = str.maketrans("OQDILJSBZG", "0001115826")
# A name word (3 letters or more) agrees with a reading when some stretch of the reading is
# this similar to it (the measure of identity.checks, where OCR read "Ngen" for NGUYEN).
NAME_SIMILARITY = 0.75
# A handwritten name is another person's only when no word of the account holder's name comes
# closer than this (benchmarks/tuning-names.md#the-signers-name-name_other).
NAME_OTHER = 0.6
NAME_MIN_LETTERS = 4  # a name read with fewer letters is not read


# The clocks of the machine that made the form and of the one that checks it may differ by
# this much; a later issue date is no clock's error.
CLOCK_SKEW = dt.timedelta(days=1)


def consistency_checks(findings: FormFindings, template: FormTemplate,
                       today: dt.date) -> list[Check]:
    """The checks that tie a prefilled form's pages to the request in its QR code; none for a
    blank form (no request)."""
    if findings.request_id is None:
        return []
    form = template.form
    checks = [issued_check(dt.date.fromisoformat(findings.issued), form.date, form.version,
                           today)] if findings.issued else []
    carried = _from_token(findings)
    checks += [_token_value(findings, template, field, carried[field.prefill])
               for field in template.form.fields if field.prefill in carried and field.locked]
    printed = _printed_names(findings, template)
    checks += _copies_agree(printed)
    holder = [findings.holder] if findings.verified and findings.holder else []
    signer = _signer_check(findings, template, holder or [name for _, name in printed])
    return checks + ([signer] if signer else [])


def issued_check(date: dt.date, version_date: dt.date, version: int, today: dt.date) -> Check:
    """The issue date in the token, with its age. The company has not decided how long a form
    stays valid (neither its article nor the definition says), so age alone decides nothing.
    A date after today (beyond CLOCK_SKEW) we cannot have signed: another key or a wrong clock,
    for support. A date before this version of the form existed (the definition's date) is
    shown as a warning: the paper prints that version, so the two do not fit."""
    shown = date.strftime("%d-%m-%Y")
    if date > today + CLOCK_SKEW:
        return Check("issued", Status.REVIEW,
                     f"de datum van uitgifte in de QR-code ({shown}) ligt in de toekomst: het "
                     "formulier is niet door ons op die datum gemaakt (een andere sleutel of een "
                     "klok die verkeerd staat); controleer dit")
    age = (today - date).days
    ago = "vandaag" if age <= 0 else "1 dag geleden" if age == 1 else f"{age} dagen geleden"
    if date < version_date:
        return Check("issued", Status.WARNING,
                     f"uitgegeven op {shown} ({ago}), vóór de datum van versie {version} van het "
                     f"formulier ({version_date.strftime('%d-%m-%Y')}); controleer of dit "
                     "formulier echt van ons komt")
    return Check("issued", Status.OK, f"uitgegeven op {shown} ({ago})")


def _from_token(findings: FormFindings) -> dict[str, str]:
    """The customer data the signed token carries itself (see formgen.token), by the customer
    key a field is prefilled from: a field prefilled from it must print the token's value."""
    return {"customer_id": findings.customer_id or ""}


def _token_value(findings: FormFindings, template: FormTemplate, field: Field,
                 value: str) -> Check:
    """The value printed in a field prefilled from the token's own data, on every copy of its
    page, against the token's (see :func:`_other_code`)."""
    expected = fold_code(value)
    code = f"prefill:{field.id}"
    same, wrong = [], []
    for page, box in _boxes(findings, template, field):
        typed = _typed(findings, field)
        readings = [typed] if typed else read_codes(box)
        folded = {fold_code(text) for text in readings}
        if expected in folded:
            same.append(page.label)
        elif readings and len(folded) == 1 and (typed or len(readings) == 2) and \
                _other_code(folded.pop(), expected):
            wrong.append((page.label, readings[0]))
    if wrong:
        where, text = wrong[0]
        return Check(code, Status.REVIEW,
                     f"{field.label} op het formulier ({text}) hoort niet bij de aanvraag in de "
                     f"QR-code ({value}): de QR-code komt mogelijk van een ander formulier; "
                     "controleer dit", page=field.page, file=where)
    if same:
        return Check(code, Status.OK, f"{field.label} op het formulier komt overeen met de "
                     "QR-code", page=field.page, file=same[0])
    return Check(code, Status.OK, f"{field.label} op het formulier is niet zeker gelezen en niet "
                 "vergeleken met de QR-code", page=field.page)


def _other_code(read: str, expected: str) -> bool:
    """A reading is another code, not a misreading of ours, when it has the same length (another
    customer's number has the same form) and differs in CODE_MIN_DIFFERENT places or more."""
    return len(read) == len(expected) and \
        sum(a != b for a, b in zip(read, expected, strict=True)) >= CODE_MIN_DIFFERENT


def _typed(findings: FormFindings, field: Field) -> str:
    """The field's value in a digitally filled form (its AcroForm value), else ''."""
    return findings.values.get(field.id, "").strip()


def _boxes(findings: FormFindings, template: FormTemplate, field: Field
           ) -> Iterator[tuple[FormPage, np.ndarray]]:
    """The field's box on every copy of its page (upright, CHECK_DPI), cut where its printed
    border was found (a fold moves part of a page a few pixels)."""
    rect = template.layout.box(field.id).rect
    thin = thin_print(template.pdf)[field.page - 1]
    for page in findings.pages.get(field.page, []):
        offset = find_box(page.warped, thin, rect)
        warped = moved(page.warped, offset) if offset.found and not offset.in_place else \
            page.warped
        yield page, crop(warped, rect, pad=2)


def read_codes(box: np.ndarray) -> list[str]:
    """A code (letters and digits) we printed in a box, read by PP-OCR twice: the box as it
    is, and its dark strokes alone (grain is lighter, specks smaller than SPECK_AREA; an
    opening would thin the 8 of the print into a 6). Both from the left, where we print it,
    to the first gap wider than CODE_GAP (toner further along is no part of it). The readings
    with CODE_MIN_SCORE or more; none when nothing is there."""
    grey = box if box.ndim == 2 else cv2.cvtColor(box, cv2.COLOR_RGB2GRAY)
    inner = grey[4:-4, 4:-4]
    if inner.size == 0:
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        (inner < PRINT_DARK).astype(np.uint8), connectivity=8)
    keep = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= SPECK_AREA)
    strokes = np.isin(labels, keep[keep > 0]).astype(np.uint8)
    columns = np.flatnonzero(strokes.sum(axis=0) >= 2)
    if not len(columns):
        return []
    gaps = np.flatnonzero(np.diff(columns) > CODE_GAP)
    right = columns[gaps[0]] if len(gaps) else columns[-1]
    left, right = max(0, columns[0] - 8), min(inner.shape[1], right + 12)
    clean = np.where(strokes[:, left:right] > 0, 0, 255).astype(np.uint8)
    found = ocr.recognize([np.ascontiguousarray(inner[:, left:right]), clean])
    return [text.strip() for text, score in found
            if score >= CODE_MIN_SCORE and fold_code(text)]


def fold_code(text: str) -> str:
    """A code as compared: upper case, letters and digits only (OCR drops or adds spaces and
    dashes), the letters OCR confuses with digits folded to them (CONFUSIONS)."""
    return re.sub(r"[^A-Z0-9]", "", text.upper()).translate(CONFUSIONS)


def _printed_names(findings: FormFindings, template: FormTemplate) -> list[tuple[str, str]]:
    """The account holder's name as printed in each prefilled name box, on every copy of its
    page: (where, reading)."""
    found = []
    for field in template.form.fields:
        if field.prefill != NAME_KEY:
            continue
        typed = _typed(findings, field)
        for page, box in _boxes(findings, template, field):
            reading = typed or read_printed_name(box)
            if reading and _letters(reading) >= NAME_MIN_LETTERS:
                found.append((page.label, reading))
    return found


def _copies_agree(printed: list[tuple[str, str]]) -> list[Check]:
    """The printed name is the same wherever it is printed (page 1 and page 2, two copies):
    two readings are different names when neither comes as close as NAME_OTHER to the other."""
    for (where_a, a), (where_b, b) in zip(printed, printed[1:], strict=False):
        if max(name_similarity(a, b), name_similarity(b, a)) < NAME_OTHER:
            return [Check("prefill:names", Status.REVIEW,
                          "de vooraf ingevulde naam is niet op elke pagina dezelfde: de pagina's "
                          "komen mogelijk van verschillende formulieren; controleer dit",
                          file=f"{where_a}, {where_b}")]
    return []


def _signer_field(template: FormTemplate) -> Field | None:
    """The signer's name: the text field beside the signature, in the signature's section (the
    definition has one signature field; a section without such a field has no signer's name)."""
    signature = next(f for f in template.form.fields if f.kind == "signature")
    texts = [f for f in template.form.fields
             if f.section == signature.section and f.kind == "text" and not f.prefill]
    return texts[0] if len(texts) == 1 else None


def _signer_check(findings: FormFindings, template: FormTemplate,
                  account_names: list[str]) -> Check | None:
    """The name the signer wrote against the account holder's printed name: a person other
    than the account holder may have filled in and signed the page."""
    field = _signer_field(template)
    if field is None or not account_names:
        return None
    typed = _typed(findings, field)
    readings = [(page, box, reading) for page, box in _boxes(findings, template, field)
                if (reading := typed or read_printed_name(box))
                and _letters(reading) >= NAME_MIN_LETTERS]
    if not readings:
        return None
    page, box, reading = readings[0]
    label = page.label
    similarity = max(name_similarity(name, reading) for name in account_names)
    if similarity < NAME_OTHER and not typed and any(
            _written_name_is(box, name) for name in account_names):
        return Check("signer", Status.OK, f"{field.label}: komt overeen met de naam van de "
                     "klant (vergeleken met het handschrift)", page=field.page, file=label)
    if similarity >= NAME_SIMILARITY:
        return Check("signer", Status.OK, f"{field.label}: komt overeen met de naam van de "
                     "klant", page=field.page, file=label)
    if similarity >= NAME_OTHER:
        return Check("signer", Status.OK, f"{field.label}: niet zeker gelezen en niet vergeleken "
                     "met de naam van de klant", page=field.page, file=label)
    return Check("signer", Status.REVIEW,
                 f"{field.label}: lijkt niet op de naam van de klant op het formulier; "
                 "controleer of de klant zelf heeft getekend", page=field.page, file=label)


def _written_name_is(box: np.ndarray, name: str) -> bool:
    """The account holder's name explains the handwritten box without reading it
    (identity.name_score: nearly as likely as the free reading, clearly more than the same
    surname with another given name)."""
    given, surname = split_name(name)
    score = name_in_box(box, given, surname)
    return score is not None and holds(score)


def names_agree(account_name: str, reading: str) -> bool:
    """Some word of the account holder's name is in the reading (see name_similarity). One
    word is enough: a request may change the name, and the signer then writes the new one."""
    return name_similarity(account_name, reading) >= NAME_SIMILARITY


def name_similarity(account_name: str, reading: str) -> float:
    """How well the best word of the account holder's name (3 letters or more, no
    tussenvoegsel) is found in the reading: the best SequenceMatcher ratio with a stretch of
    the reading about as long, allowing OCR's misreadings and lost spaces."""
    joined = icao_name(_split_words(reading)).replace("<", "")
    best = 0.0
    for word in icao_name(_split_words(account_name)).split("<"):
        if len(word) < 3 or word in TUSSENVOEGSELS or not joined:
            continue
        sizes = {len(word) + d for d in ((-1, 0, 1) if len(word) >= 5 else (0, 1))}
        best = max([best] + [SequenceMatcher(None, joined[i:i + n], word).ratio()
                             for n in sizes for i in range(max(1, len(joined) - n + 1))])
    return best


def _split_words(text: str) -> str:
    """Words that OCR ran together split again where a capital follows a small letter
    ("EvaJansen", "deBoer")."""
    return re.sub(r"(?<=[a-zß-ÿ])(?=[A-ZÀ-Þ])", " ", text)


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)
