"""Public API of the validator: check one submission (an .eml, a folder or a file)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from formgen.check.align import find_marks
from formgen.check.changes import (
    Change,
    change_checks,
    customer_number_read,
    read_changes,
    read_written,
)
from formgen.check.consistency import consistency_checks
from formgen.check.email import check_email
from formgen.check.fields import (
    FormFindings,
    account_name_crop,
    box_crop,
    check_form_pages,
    written_by_hand,
)
from formgen.check.form_pages import FormPage, find_form_page, place_by_print
from formgen.check.identity.checks import (
    IdSearch,
    NumberSource,
    holder_in_box,
    id_checks,
    id_number_check,
    misread_holder,
    name_fits,
    name_readings,
    names_the_holder,
    read_printed_code,
    read_printed_name,
    with_name_letters_read,
)
from formgen.check.identity.document import IdDocumentResult
from formgen.check.identity.id_copy import keep_copy
from formgen.check.ink import CHECK_DPI, boxes_mask, reference_pages
from formgen.check.intake import FileProblem, Page, SubmissionReader, grey_copy
from formgen.check.verdict import Check, Status, Verdict, decide
from formgen.form.layout import Rect
from formgen.form.template import FormTemplate, get_template

# The reason when nothing came to check (an e-mail without attachments, an empty folder): a
# message without a form or ID is not a submission.
NOT_A_SUBMISSION = "geen formulier of bijlage"
NO_FILE = f"{NOT_A_SUBMISSION}: er zit geen bestand bij"
NEITHER = f"{NOT_A_SUBMISSION}: er zit geen formulier en geen identiteitsbewijs bij"
ORDER = ("form", "token", "pages", "field:", "group:", "value:", "signature", "id_document",
         "id_name", "id_number", "id_expiry", "bsn", "id_copy", "email")


@dataclass
class SubmissionResult:
    source: str
    verdict: Verdict
    checks: list[Check]
    form: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    reply_to: str | None = None
    message_id: str | None = None  # of the customer's e-mail: the reply is threaded under it
    references: str | None = None  # its References, trimmed to the first and last few ids
    internal_error: str | None = field(default=None, repr=False)  # traceback, for the log only
    changes: list[Change] = field(default_factory=list)  # the values written, read (check.changes)

    def to_json(self, explain: bool = False) -> dict[str, Any]:
        return {
            "source": self.source,
            "verdict": str(self.verdict),
            "form": self.form,
            "checks": [c.to_json(explain) for c in self.checks],
            "files": [{"name": p.file_name, "problem": p.message, "whole": p.whole}
                      for p in self.problems],
            "reply_to": self.reply_to,
            "message_id": self.message_id,
            "references": self.references,
            "changes": [c.to_json() for c in self.changes],
        }

    @property
    def missing(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.MISSING]

    @property
    def not_a_submission(self) -> bool:
        """Neither a form nor an ID came: a question by e-mail, not a form sent back."""
        return any(c.code == "form" and c.message in (NO_FILE, NEITHER) for c in self.checks)

    @property
    def no_file(self) -> bool:
        """Not a single file came (an e-mail without attachments, an empty folder)."""
        return any(c.code == "form" and c.message == NO_FILE for c in self.checks)


def _order(check: Check) -> int:
    return next((i for i, prefix in enumerate(ORDER) if check.code.startswith(prefix)),
                len(ORDER))


def check_submission(path: Path, *, key: bytes | None, from_address: str | None = None,
                     today: dt.date | None = None, template: FormTemplate | None = None,
                     redact_dir: Path | None = None,
                     redact_format: str = "png") -> SubmissionResult:
    """Every check on one submission, and its verdict. Never raises for bad content.
    ``redact_dir``: keep a copy of the ID there, the BSN painted out (check.identity.id_copy),
    as ``redact_format`` (png or pdf)."""
    return check_reader(SubmissionReader(path), key=key, from_address=from_address, today=today,
                        template=template, redact_dir=redact_dir, redact_format=redact_format)


def check_email_message(data: bytes, source: str, *, key: bytes | None,
                        today: dt.date | None = None, name: str = "e-mail.eml",
                        redact_dir: Path | None = None,
                        redact_format: str = "png") -> SubmissionResult:
    """The same checks on an e-mail message given as bytes (from a mailbox), all in memory;
    name is what the message is called in problem lines, as a saved .eml file would be."""
    return check_reader(SubmissionReader.from_email(data, source, name), key=key, today=today,
                        redact_dir=redact_dir, redact_format=redact_format)


def check_reader(reader: SubmissionReader, *, key: bytes | None, from_address: str | None = None,
                 today: dt.date | None = None, template: FormTemplate | None = None,
                 redact_dir: Path | None = None,
                 redact_format: str = "png") -> SubmissionResult:
    template = template or get_template()
    today = today or dt.date.today()
    form_pages: list[FormPage] = []
    problems: list[FileProblem] = []
    id_search = IdSearch(today, keep_image=redact_dir is not None)
    readable = False
    unplaced: list[Page] = []  # small grey copies of pages that were not recognised
    marked: set[tuple[str, int]] = set()  # those of them with one of the form's corner marks
    for item in reader.items():  # one decoded page in memory at a time
        if isinstance(item, FileProblem):
            problems.append(item)
            continue
        readable = True
        marks = find_marks(item.image)
        found = find_form_page(item, template, key, marks=marks)
        if found is None:
            id_search.offer(item)
            if len(unplaced) < MAX_UNPLACED:
                unplaced.append(grey_copy(item))
                if marks:
                    marked.add((item.file_name, item.index))
        else:
            id_search.offer_form_page(*_beside_the_form(found, template))
            found.pen_view()  # its pen-coloured pixels, taken before the image goes
            found.source = replace(found.source, image=_NO_IMAGE, fine=None)  # warped copies kept
            form_pages.append(found)
        del item, found
    form_pages += _placed_by_print(unplaced, form_pages, template)
    unread = _unread_form_pages(unplaced, marked, form_pages, template)
    del unplaced
    checks, findings = check_form_pages(form_pages, template, unread=unread)
    checks += consistency_checks(findings, template, today)
    changes = read_changes(findings, template)
    checks += change_checks(changes, template.form)
    name, typed = _account_name(findings, template)
    _name_read_back(checks, findings, name)
    _id_number_read_back(checks, findings, template)
    found_id = id_search.found()
    if found_id is not None:  # a given name's unread letters read from the MRZ row's image
        found_id = (with_name_letters_read(found_id[0]), found_id[1])
    if found_id is not None and not (findings.verified and findings.holder) \
            and not findings.values.get("name"):
        name = _read_again(name, typed, found_id[0], findings, template)
    from_request = bool(findings.verified and findings.holder)
    checks += id_checks(found_id, name, typed, today, from_request=from_request,
                        exact=from_request or bool(findings.values.get("name")))
    number = id_number_check(found_id, *_id_number(findings, template))
    checks += [number] if number else []
    if redact_dir is not None and found_id is not None:
        id_result, id_page = found_id
        checks.append(keep_copy(id_page.image, id_result, redact_dir,
                                request_id=findings.request_id, source=reader.source,
                                today=today, where=f"{id_page.file_name} p. {id_page.index}",
                                fmt=redact_format))
    handwritten = written_by_hand(findings, template, "reply_email")
    email_check, reply_to = check_email(
        from_address, reader.sender, findings.values.get("reply_email"), handwritten)
    if handwritten and reply_to is None:  # support copies the address from this crop
        email_check.crop = box_crop(findings, template, "reply_email")
        if email_check.crop is not None:
            email_check.crops = [(template.form.field("reply_email").label, email_check.crop)]
    checks.append(email_check)
    checks.sort(key=_order)
    if not (form_pages or unread or found_id) and all(p.whole for p in problems):
        readable = False  # neither a form nor an ID, nor a file we failed to read: a question
        for check in checks:
            if check.code == "form":
                check.message = NEITHER if reader.files else NO_FILE
    return SubmissionResult(
        source=reader.source, verdict=decide(checks, readable), checks=checks,
        form=_summary(findings, template, form_pages), files=reader.files,
        problems=problems, reply_to=reply_to, message_id=reader.message_id,
        references=reader.references, changes=changes)


_NO_IMAGE = np.zeros((0, 0, 3), np.uint8)
MAX_UNPLACED = 8  # pages not recognised that are kept to be looked for by their print


QR_MARGIN = 3  # pt: the QR code's place on a page warped a little off


def _beside_the_form(page: FormPage,
                     template: FormTemplate) -> tuple[Page, np.ndarray, np.ndarray]:
    """The form page, upright, a mask of the form on it (its print, QR code and boxes) and of
    its print and QR code alone: what lies beside them, such as an ID card laid on the page,
    is read with them wiped, and an ID copied over the boxes with the print wiped (see
    IdSearch.found)."""
    printed = reference_pages(template.pdf)[page.number - 1]
    qr = template.layout.page(page.number).qr
    printed = printed | boxes_mask(printed.shape, (Rect(qr.x - QR_MARGIN, qr.y - QR_MARGIN,
                                                        qr.width + 2 * QR_MARGIN,
                                                        qr.height + 2 * QR_MARGIN),))
    boxes = boxes_mask(printed.shape, tuple(b.rect for b in template.layout.boxes
                                            if b.field.page == page.number))
    return replace(page.source, image=page.warped, dpi=CHECK_DPI), printed | boxes, printed


def _placed_by_print(unplaced: list[Page], form_pages: list[FormPage],
                     template: FormTemplate) -> list[FormPage]:
    """When a page of the form is missing, look for it by its print among the pages that
    nothing else recognised (marks and QR code both unreadable): see check.locate."""
    missing = set(range(1, template.form.page_count + 1)) - {p.number for p in form_pages}
    placed = []
    for page in unplaced:
        if not missing:
            break
        found = place_by_print(page, template)
        if found is not None and found.number in missing:
            missing.discard(found.number)
            found.source = replace(found.source, image=_NO_IMAGE, fine=None)
            placed.append(found)
    return placed


def _unread_form_pages(unplaced: list[Page], marked: set[tuple[str, int]],
                       form_pages: list[FormPage], template: FormTemplate) -> list[str]:
    """While a page of the form is missing: the pages that carry one of its corner marks
    (marked) but that neither marks, QR code nor print could place (a copy so worn that one
    mark is all that is left). The missing page may well be among them: a person looks."""
    if {p.number for p in form_pages} >= set(range(1, template.form.page_count + 1)):
        return []
    taken = {(p.source.file_name, p.source.index) for p in form_pages}
    return [f"{page.file_name} p. {page.index}" for page in unplaced
            if (page.file_name, page.index) in marked - taken]


NAME_MIN_LETTERS = 3  # a name read back from the box has at least this many letters


def _name_read_back(checks: list[Check], findings: FormFindings, name: str | None) -> None:
    """A name box judged doubtful because of noise is written when, on a prefilled form with
    a verified token, the name was read back from it (OCR, for the identity check)."""
    if not (findings.request_id and findings.verified and name
            and sum(ch.isalpha() for ch in name) >= NAME_MIN_LETTERS):
        return
    for check in checks:
        if check.code == "field:name" and check.status is Status.REVIEW:
            check.status = Status.OK
            check.message = check.message.split(":", 1)[0] + ": ingevuld (gelezen)"


def _id_number_read_back(checks: list[Check], findings: FormFindings,
                         template: FormTemplate) -> None:
    """An ID number box judged doubtful because of noise is written when, on a prefilled form
    with a verified token (we printed the value, if the customer record had one), an ID number
    was read back from it."""
    check = next((c for c in checks if c.code == "field:id_number"), None)
    if check is None or check.status is not Status.REVIEW or not (
            findings.request_id and findings.verified):
        return
    if read_printed_code(box_crop(findings, template, "id_number")):
        check.status = Status.OK
        check.message = check.message.split(":", 1)[0] + ": ingevuld (gelezen)"


def _account_name(findings: FormFindings, template: FormTemplate) -> tuple[str | None, bool]:
    """The account holder's name and whether it is machine-printed (typed or prefilled). A
    verified token that names the holder decides (the request's name, no OCR); else the value
    typed into the PDF, else OCR of the name box."""
    if findings.verified and findings.holder:
        return findings.holder, True
    if findings.values.get("name"):
        return findings.values["name"], True
    if not findings.pages:
        return None, False
    printed = findings.request_id is not None  # prefilled forms print the name
    return read_printed_name(account_name_crop(findings, template)), printed


def _read_again(name: str | None, printed: bool, document: IdDocumentResult,
                findings: FormFindings, template: FormTemplate) -> str | None:
    """The name box read by OCR, read once more where its reading is not the ID's name:
    the left parts of the box before a wide gap (a drum band or stipple beside the name
    garbles the reading), and handwriting word by word (as new values are read). A reading
    that names the ID's holder (surname and given names) is taken, else the holder's name when
    it explains the box without reading (identity.name_score) or, of handwriting, when a
    reading's given name is a letter or two off the holder's and the box does not show it
    written so (identity.checks.misread_holder: Hendrik written, the ID a relative's
    HENDRIKA, is not the holder); of handwriting, also one
    that holds the ID's surname where the first did not (a relative's ID is then found out,
    not left as "handwriting not readable"). Readings of the same box: a relative's given
    names are not read as the holder's."""
    by_hand = not printed  # a handwritten given name a letter apart may be a relative's
    if not document.surname or name and names_the_holder(name, document, exact_given=by_hand):
        return name
    crop = account_name_crop(findings, template)
    again = name_readings(crop)
    written = None if printed else read_written("name", findings, template)
    for reading in [*again, *([written] if written else [])]:
        if names_the_holder(reading, document, exact_given=by_hand):
            return reading
    scored = holder_in_box(crop, document)
    if scored:  # read badly, but the holder's name explains the box (name_score)
        return scored
    for reading in [*([name] if name else []), *again, *([written] if written else [])]:
        misread = misread_holder(crop, reading, document) if by_hand else None
        if misread:  # a given name a letter off, and the box does not show it written so
            return misread
    if written and not (name and name_fits(name, document.surname)) \
            and name_fits(written, document.surname):
        return written
    return name


def _id_number(findings: FormFindings, template: FormTemplate) -> tuple[str | None, NumberSource]:
    """The customer's ID number on the form and where it comes from: the verified token of a
    prefilled form, else the value typed into the PDF, else OCR of the box (our print on a
    form prefilled before the token carried it, or handwriting on a blank form)."""
    if findings.verified and findings.holder_id_number:
        return findings.holder_id_number, NumberSource.REQUEST
    field = next((f for f in template.form.fields if f.prefill == "id_number"), None)
    if field is None:
        return None, NumberSource.READ
    if typed := findings.values.get(field.id, "").strip():
        return typed, NumberSource.TYPED
    box = box_crop(findings, template, field.id)
    if findings.request_id is not None:
        return read_printed_code(box), NumberSource.READ
    return read_printed_name(box), NumberSource.READ


def _summary(findings: FormFindings, template: FormTemplate,
             form_pages: list[FormPage]) -> dict[str, Any]:
    form = template.form
    return {
        "found": bool(findings.ours),
        "id": form.id if findings.ours else None,
        "version": form.version if findings.ours else None,
        "request_id": findings.request_id,
        "customer_id": findings.customer_id,
        # a blank form: the customer number box as read (not proven by a token), else None
        "customer_id_read": customer_number_read(findings, template) if findings.ours else None,
        "issued": findings.issued,
        "page_count": form.page_count,
        "pages_present": sorted(findings.pages),
        "pages_missing": [n for n in range(1, form.page_count + 1) if n not in findings.pages]
        if findings.ours else list(range(1, form.page_count + 1)),
        "digital": findings.digital,
        "form_pages": [p.label for p in form_pages],
    }
