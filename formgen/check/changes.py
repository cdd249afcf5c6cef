"""The change as data: the value written in each box of the change group and the reply
address, read (PP-OCR), typed or handwritten, with a confidence and a validation by kind.

Support types these values into the customer system; the report shows each beside its crop.
A digitally filled form gives its values as they were typed. On paper, what was typed in a
PDF viewer before printing looks like its reading drawn in the form's field font (the font the
viewer wrote it in); handwriting does not (see :mod:`formgen.check.value_reading`).
Which boxes are read, and how a value is checked, comes from the form definition: the boxes
a customer writes in that are neither prefilled nor required nor a tick box, validated by
their kind and format (:mod:`formgen.check.validate_value`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from formgen.check.decision import FIELD_MIN_PIXELS, VALUE_MIN_CHARACTERS
from formgen.check.fields import FormFindings
from formgen.check.form_pages import FormPage
from formgen.check.ink import boxes_mask, crop, measure, reference_pages, thin_print
from formgen.check.placement import find_box, moved
from formgen.check.text_lines import READ_SCALE, is_form_print, letters_and_digits
from formgen.check.validate_value import read_to_format, same_person, validate
from formgen.check.value_reading import GUESSED, read_value_lines
from formgen.check.verdict import Check, Status
from formgen.definition import Field, FormDefinition
from formgen.form.template import FormTemplate
from formgen.token import ID_PATTERN

TYPED = "typed"
HANDWRITTEN = "handwritten"
# Typed in a viewer: every line of the value looks this much like its reading drawn in the
# form's field font (value_reading.print_likeness); handwriting far less. Chosen on the tune
# half of benchmarks/bench_changes.py.
TYPED_MIN_LIKENESS = 0.65
# A typed value read at least this surely that fails its check is the customer's question
# (see ASK_CUSTOMER): the reading is right, so the value is wrong.
SURE_CONFIDENCE = 0.97
# The kinds whose failed check is put to the customer when the value was typed and surely
# read; any other failed value goes to a person.
ASK_CUSTOMER = ("iban", "email")
# What a kind of value is called in a sentence to the customer.
KIND_NOUNS = {"iban": "het IBAN", "email": "het e-mailadres", "phone": "het telefoonnummer"}
WRITTEN = (Status.OK, Status.REVIEW)
# The kinds whose values are words (names, streets, places), which may carry accents (unless
# a format says otherwise: a postcode).
WORDS = ("text", "place")


@dataclass
class Change:
    field: str
    label: str
    value: str
    source: str  # TYPED or HANDWRITTEN
    confidence: float
    valid: bool | None  # None: the kind has no rule
    problem: str | None
    crop: np.ndarray | None = dataclasses.field(default=None, repr=False)  # report only
    likeness: float = 1.0  # to the field font (value_reading.print_likeness): for tuning

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "value": self.value,
                "source": self.source, "confidence": round(self.confidence, 3),
                "valid": self.valid, "problem": self.problem}


def value_fields(form: FormDefinition) -> list[Field]:
    """The boxes a customer writes a new value in: not prefilled (the current details), not
    required (who signs, where, when), not a tick box or the signature."""
    return [f for f in form.fields if f.prefill is None and not f.required
            and f.kind not in ("checkbox", "signature")]


@dataclass(frozen=True)
class Reading:
    text: str
    source: str
    confidence: float
    crop: np.ndarray | None
    likeness: float = 1.0


def read_changes(findings: FormFindings, template: FormTemplate) -> list[Change]:
    """Every value written in the boxes of :func:`value_fields`, read and checked."""
    form = template.form
    readings: dict[str, Reading] = {}
    for f in value_fields(form):
        reading = _read(f, findings, template)
        if reading is not None:
            readings[f.id] = reading
    changes = []
    for f in value_fields(form):
        if f.id not in readings:
            continue
        reading = readings[f.id]
        checked = validate(f.kind, reading.text, f.format)
        confidence = reading.confidence
        # read from the page (not a filled form's value): a postcode's 0 read as an O
        fitted = read_to_format(reading.text, f.format) if f.format and \
            checked.valid is False and not findings.values.get(f.id, "").strip() else None
        if fitted is not None:  # a guess
            checked, confidence = validate(f.kind, fitted, f.format), min(confidence, GUESSED)
        valid, problem = checked.valid, checked.problem
        if f.same_as and valid is None:
            valid, problem = _same_as(f, reading.text, readings, findings, template)
        changes.append(Change(f.id, f.label, checked.value, reading.source, confidence,
                              valid, problem, reading.crop, reading.likeness))
    return changes


def _same_as(f: Field, value: str, readings: dict[str, Reading], findings: FormFindings,
             template: FormTemplate) -> tuple[bool | None, str | None]:
    """The value against the first of the fields it should match that has a value."""
    for other_id in f.same_as:
        other = readings.get(other_id)
        text = other.text if other else findings.values.get(other_id) or \
            _printed_value(template.form.field(other_id), findings, template)
        if text:
            if same_person(value, text):
                return True, None
            label = template.form.field(other_id).label
            return False, f"de naam komt niet overeen met '{label}' ({text})"
    return None, None


def _printed_value(f: Field, findings: FormFindings, template: FormTemplate) -> str | None:
    """A value printed in its box (a prefilled name), read."""
    found = _view(f, findings, template)
    if found is None:
        return None
    page, _ = found
    printed = reference_pages(template.pdf)[f.page - 1]
    lines = read_value_lines(page.warped, printed, template.layout.box(f.id).rect,
                             scale=READ_SCALE)
    text = " ".join(line.text for line in lines)
    return text if letters_and_digits(text) >= VALUE_MIN_CHARACTERS else None


def read_written(field_id: str, findings: FormFindings, template: FormTemplate) -> str | None:
    """What is written or typed in any box of the form, read as the new values are read
    (word by word, print wiped off); None when nothing is read."""
    reading = _read(template.form.field(field_id), findings, template)
    return reading.text if reading else None


def customer_number_read(findings: FormFindings, template: FormTemplate) -> str | None:
    """On a form whose token names no customer (a blank form): the customer number box as
    typed into the PDF or read (PP-OCR), kept only when it has the form of a customer number
    (the token's ID_PATTERN, as formgen.form.customers requires) and passes the field's
    ``format`` in form.yaml, if it has one. None on a prefilled form: the token decides."""
    if findings.customer_id:
        return None
    f = next((f for f in template.form.fields if f.prefill == "customer_id"), None)
    if f is None:
        return None
    reading = _read(f, findings, template, marks=False)
    if reading is None:
        return None
    checked = validate(f.kind, "".join(reading.text.split()), f.format)
    if checked.valid is False or not ID_PATTERN.fullmatch(checked.value):
        return None
    return checked.value


def _read(f: Field, findings: FormFindings, template: FormTemplate,
          marks: bool | None = None) -> Reading | None:
    """The value in f's box; ``marks``: read accents (by default for words without a
    format)."""
    typed = findings.values.get(f.id, "").strip()
    if typed:  # a digitally filled form: the value as typed
        return Reading(typed, TYPED, 1.0, None)
    status = findings.boxes.get(f.id)
    if status is not None and status not in WRITTEN:
        return None
    found = _view(f, findings, template)
    if found is None:
        return None
    page, pixels = found
    if status is None and pixels < FIELD_MIN_PIXELS:
        return None
    rect = template.layout.box(f.id).rect
    printed = reference_pages(template.pdf)[f.page - 1]
    lines = read_value_lines(page.warped, printed, rect, scale=READ_SCALE,
                             typed_from=TYPED_MIN_LIKENESS,
                             marks=(f.kind in WORDS and not f.format) if marks is None
                             else marks, fine=page.fine)
    text = " ".join(line.text for line in lines)
    if letters_and_digits(text) < VALUE_MIN_CHARACTERS or is_form_print(text, template.pdf,
                                                                         f.page):
        return None
    confidence = min(line.confidence for line in lines)
    likeness = min(line.likeness for line in lines)
    source = TYPED if likeness >= TYPED_MIN_LIKENESS else HANDWRITTEN
    return Reading(text, source, confidence, crop(page.warped, rect), likeness)


def _view(f: Field, findings: FormFindings, template: FormTemplate
          ) -> tuple[FormPage, float] | None:
    """The copy of the field's page with the most ink in its box, moved so that the box's
    printed border is at its place (see check.placement); and that ink in pixels."""
    rect = template.layout.box(f.id).rect
    printed = reference_pages(template.pdf)[f.page - 1]
    thin = thin_print(template.pdf)[f.page - 1]
    others = boxes_mask((printed.shape[0], printed.shape[1]),
                        tuple(b.rect for b in template.layout.boxes if b.field.page == f.page))
    best: tuple[FormPage, float] | None = None
    for page in findings.pages.get(f.page, []):
        offset = find_box(page.warped, thin, rect)
        view = page
        if offset.found and not offset.in_place:
            view = replace(page, warped=moved(page.warped, offset),
                           fine=page.fine.moved(offset.dx, offset.dy)
                           if page.fine and not offset.bend else None)  # no bend in a homography
        pixels = float(measure(view.warped, printed, rect, boxes=others).pixels)
        if best is None or pixels > best[1]:
            best = (view, pixels)
    return best


def change_checks(changes: list[Change], form: FormDefinition) -> list[Check]:
    """A new value (a field of a group) that cannot be right: the customer's question when it
    was typed and surely read (ASK_CUSTOMER); a person's when it was read surely otherwise;
    a note beside its crop when the reading itself is unsure (handwriting read at less than
    SURE_CONFIDENCE: the reading, not the value, is in doubt, and every handwritten value is
    shown beside its crop to be read by a person anyway). The reply address has its own
    check (check.email)."""
    checks = []
    for change in changes:
        f = form.field(change.field)
        if change.valid is not False or not f.group:
            continue
        code = f"value:{change.field}"
        sure = change.confidence >= SURE_CONFIDENCE
        if change.source == TYPED and sure and f.kind in ASK_CUSTOMER:
            noun = KIND_NOUNS[f.kind]
            checks.append(Check(code, Status.MISSING,
                                f"{noun} bij '{f.label}' klopt niet; wilt u het controleren?",
                                page=f.page, crop=change.crop))
        elif f.same_as:
            checks.append(Check(code, Status.WARNING, f"{f.label}: {change.problem}",
                                page=f.page, crop=change.crop))
        else:
            how = "getypt" if change.source == TYPED else "met de hand geschreven"
            checks.append(Check(code, Status.REVIEW if sure else Status.WARNING,
                                f"{f.label}: {how}, gelezen als '{change.value}'; "
                                f"{change.problem}: lees het zelf", page=f.page,
                                crop=change.crop))
    return checks
