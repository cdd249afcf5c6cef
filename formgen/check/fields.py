"""Checks on the form pages: right form, valid token, all pages, fields written, signed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

import numpy as np

from formgen.check.box_measures import FormBox
from formgen.check.decision import Decision, decide_box, decide_group, explanation
from formgen.check.form_pages import FormPage
from formgen.check.ink import Ink, boxes_mask, crop, measure, reference_pages, thin_print
from formgen.check.placement import Offset, find_box, moved
from formgen.check.verdict import Check, Status
from formgen.definition import Field
from formgen.form.template import FormTemplate


@dataclass
class FormFindings:
    """What the form pages said, for the other checks (ID name, email) and the summary."""

    pages: dict[int, list[FormPage]]
    ours: list[FormPage]  # pages of this form and version
    request_id: str | None
    customer_id: str | None
    issued: str | None
    digital: bool
    values: dict[str, str]  # AcroForm values of a digitally filled form
    verified: bool = False  # a prefilled token whose signature was checked with the key
    # The status of each box checked on its own (a group's members too), for reading values.
    boxes: dict[str, Status] = dataclass_field(default_factory=dict)
    holder: str | None = None  # the account holder's name (ICAO) in that token, if it has it
    holder_id_number: str | None = None  # the customer's ID number in that token, if it has it


def _field_text(values: dict[str, str], field_id: str) -> str:
    value = values.get(field_id, "")
    return "" if value in ("", "/Off", "Off") else value.strip()


def _ink(pages: list[FormPage], field: Field, template: FormTemplate
         ) -> tuple[Ink, FormPage, Offset, FormPage]:
    """The ink in the field's box on the copy of its page with the most, measured where the
    box's printed border was found (see :mod:`formgen.check.placement`); that copy (moved
    so that the box is at its place), the offset, and the copy as it came."""
    box = template.layout.box(field.id)
    printed = reference_pages(template.pdf)[field.page - 1]
    thin = thin_print(template.pdf)[field.page - 1]
    others = _boxes_on_page(field, template, printed.shape)
    measured = []
    for page in pages:
        offset = find_box(page.warped, thin, box.rect)
        view = page
        if offset.found and not offset.in_place:
            view = replace(page, warped=moved(page.warped, offset))
        measured.append((measure(view.warped, printed, box.rect, boxes=others,
                                 print_darkness=field.kind == "signature"), view, offset, page))
    return max(measured, key=lambda m: m[0].pixels)


def _boxes_on_page(field: Field, template: FormTemplate, shape: tuple[int, ...]) -> np.ndarray:
    """A mask of all boxes on the field's page (see :func:`formgen.check.ink.boxes_mask`)."""
    return boxes_mask((shape[0], shape[1]), tuple(b.rect for b in template.layout.boxes
                                                  if b.field.page == field.page))


def check_form_pages(form_pages: list[FormPage], template: FormTemplate, *,
                     unread: list[str] | None = None) -> tuple[list[Check], FormFindings]:
    """The checks of the form's pages. unread: pages that look like the form (one of its
    corner marks) but could not be placed; while a page is missing, it and its boxes go to a
    person instead of being missing."""
    form = template.form
    checks: list[Check] = []
    ours = [p for p in form_pages if p.token is None or p.token.form_id == form.id]
    foreign = [p for p in form_pages if p not in ours]
    outdated = [p for p in ours if p.token is not None and p.token.version != form.version]
    ours = [p for p in ours if p not in outdated]
    findings = FormFindings({}, ours, None, None, None, False, {})
    if not ours:
        if outdated:
            old = outdated[0].token
            assert old is not None
            message = (f"verouderde versie {old.version} van het formulier; vul het huidige "
                       f"formulier in (versie {form.version})")
        elif foreign:
            message = "er zit een ander formulier bij, niet het wijzigingsformulier"
        else:
            message = "het wijzigingsformulier zit er niet bij"
        checks.append(Check("form", Status.MISSING, message))
        return checks, findings
    checks.append(Check("form", Status.OK, f"{form.title}, versie {form.version}",
                        file=ours[0].label))
    checks.append(_token_check(ours))
    signed = [p for p in ours if p.token is not None and p.token.prefilled
              and not p.token_error]
    request_ids = {p.token.request_id for p in signed if p.token}
    main_request = None
    if signed:
        counts: dict[str | None, int] = defaultdict(int)
        for p in signed:
            assert p.token is not None
            counts[p.token.request_id] += 1
        main_request = max(counts, key=lambda r: counts[r])
        first = next(p.token for p in signed if p.token and p.token.request_id == main_request)
        assert first is not None
        findings.request_id, findings.customer_id = first.request_id, first.customer_id
        findings.verified = any(not p.unverified for p in signed
                                if p.token and p.token.request_id == main_request)
        findings.issued = first.issued.isoformat() if first.issued else None
        findings.holder, findings.holder_id_number = first.holder_name, first.id_number
    pages: dict[int, list[FormPage]] = defaultdict(list)
    mixed = []
    for p in ours:
        if p.token is not None and p.token.prefilled and main_request is not None \
                and p.token.request_id != main_request and not p.token_error:
            mixed.append(p)
            continue
        pages[p.number].append(p)
    findings.pages = dict(pages)
    missing_pages = [n for n in range(1, form.page_count + 1) if n not in pages]
    if missing_pages and unread:
        checks.append(Check("pages", Status.REVIEW,
                            "pagina " + " en ".join(map(str, missing_pages)) + " van "
                            f"{form.page_count} niet gevonden; deze pagina lijkt op het "
                            "formulier, maar is niet leesbaar: controleer of het die pagina is",
                            file=", ".join(unread)))
    elif missing_pages:
        checks.append(Check("pages", Status.MISSING,
                            "pagina " + " en ".join(map(str, missing_pages)) + " van "
                            f"{form.page_count} ontbreekt"))
    elif mixed or len(request_ids) > 1:
        checks.append(Check("pages", Status.REVIEW,
                            "er zit een pagina van een andere aanvraag tussen",
                            file=", ".join(p.label for p in mixed)))
    else:
        checks.append(Check("pages", Status.OK, f"alle {form.page_count} pagina's zijn er"))
    all_pages = [p for group in pages.values() for p in group]
    findings.digital = bool(all_pages) and all(p.source.digital for p in all_pages)
    for p in all_pages:
        if p.source.pdf_fields:
            findings.values.update({k: v for k, v in p.source.pdf_fields.items()
                                    if _field_text(p.source.pdf_fields, k)})
    checks += _field_checks(pages, template, findings, unread=bool(unread))
    return checks, findings


def _token_check(ours: list[FormPage]) -> Check:
    """A code that does not verify is support's question, never the customer's: the likely
    cause is ours (the form made or checked with another key) or a form altered by hand."""
    bad = [p for p in ours if p.token_error and p.token_text is not None]
    if bad:
        return Check("token", Status.REVIEW, _token_reason(bad[0]), page=bad[0].number,
                     file=bad[0].label)
    unreadable = [p for p in ours if p.token_text is None]
    if unreadable and len(unreadable) == len(ours):
        return Check("token", Status.REVIEW, "de QR-code is op geen enkele pagina leesbaar",
                     file=unreadable[0].label)
    if any(p.unverified for p in ours):
        return Check("token", Status.REVIEW,
                     "de QR-code is ondertekend, maar er is geen sleutel om hem te controleren")
    tokens = [p.token for p in ours if p.token is not None]
    if tokens and tokens[0].prefilled:
        return Check("token", Status.OK, f"geldig, aanvraag {tokens[0].request_id}")
    return Check("token", Status.OK, "leeg formulier (zonder aanvraagnummer)")


def _token_reason(page: FormPage) -> str:
    if page.token is not None:  # read and parsed, but its tag does not match the key
        return ("de QR-code past niet bij de sleutel van deze controle. Waarschijnlijk is het "
                "formulier gemaakt met een andere sleutel (bijvoorbeeld de ontwikkelsleutel van "
                "make run) of zijn de gegevens op het formulier veranderd: controleer met de "
                "juiste sleutel en bekijk het formulier zelf")
    return (f"de QR-code is gelezen, maar is geen geldige code van dit formulier "
            f"({page.token_error}): bekijk het formulier zelf")


def _field_checks(pages: dict[int, list[FormPage]], template: FormTemplate,
                  findings: FormFindings, *, unread: bool = False) -> list[Check]:
    form = template.form
    checks: list[Check] = []
    groups: dict[str, list[Check]] = defaultdict(list)
    for field in form.fields:
        if not (field.required or field.group or field.kind == "signature"):
            continue
        code = "signature" if field.kind == "signature" else f"field:{field.id}"
        on_page = pages.get(field.page, [])
        if not on_page and unread:
            check = Check(code, Status.REVIEW, f"{field.label}: pagina {field.page} is niet "
                          "leesbaar", page=field.page,
                          explain=explanation(Decision(Status.REVIEW, ["page-unread"])))
        elif not on_page:
            check = Check(code, Status.MISSING, f"{field.label}: pagina {field.page} "
                          "ontbreekt", page=field.page,
                          explain=explanation(Decision(Status.MISSING, ["page-missing"])))
        else:
            ink, best, offset, unmoved = _ink(on_page, field, template)
            typed = _field_text(findings.values, field.id)
            box = FormBox(field, template, best, offset, unmoved, ink)
            decision = decide_box(box, typed=bool(typed), digital=best.source.digital,
                                  printed_by_us=_printed_by_us(field, findings))
            check = Check(code, decision.status, _rule_message(field, decision, typed),
                          page=field.page, file=best.label,
                          crop=crop(best.warped, template.layout.box(field.id).rect),
                          explain=explanation(decision, box.values))
        findings.boxes[field.id] = check.status
        if field.group:
            groups[field.group].append(check)
        else:
            checks.append(check)
    for group_id, members in groups.items():
        group = form.groups[group_id]
        filled = [c for c in members if c.status is Status.OK]
        # The report shows every box written or in doubt: the data support types in.
        crops = [(form.field(c.code.split(":", 1)[1]).label, c.crop) for c in members
                 if c.status is not Status.MISSING and c.crop is not None]
        corrected = [c for c in members if c.status is Status.REVIEW and CORRECTED in c.message]
        status, rule = decide_group([c.status for c in members], bool(corrected))
        explain = explanation(Decision(status, [rule]), {
            "boxes": {c.code: str(c.status) for c in members}},
            members={c.code: (str(c.status), c.explain) for c in members})
        if rule == "group-corrected":  # a value struck out, another beside it: read which holds
            checks.append(Check(f"group:{group_id}", status,
                                "; ".join(c.message for c in corrected), page=corrected[0].page,
                                file=corrected[0].file, crop=corrected[0].crop, crops=crops,
                                explain=explain))
        elif rule == "group-filled":
            names = ", ".join(form.field(c.code.split(":", 1)[1]).label for c in filled)
            checks.append(Check(f"group:{group_id}", status, f"ingevuld: {names}",
                                page=filled[0].page, file=filled[0].file, crop=filled[0].crop,
                                crops=crops, explain=explain))
        elif rule == "group-doubt":
            struck = [c.message for c in members if STRUCK in c.message]
            checks.append(Check(f"group:{group_id}", status,
                                "; ".join(struck) if struck else
                                f"{group.rule} Er staat weinig in; controleer het.",
                                crops=crops, explain=explain))
        else:
            checks.append(Check(f"group:{group_id}", status, group.rule, explain=explain))
    return checks


def _printed_by_us(field: Field, findings: FormFindings) -> bool:
    """The field's value is in the page's signed token, so the prefilled form printed it: the
    klantnummer, name or ID number of a prefilled form whose token was verified."""
    carried = {"customer_id": findings.customer_id, "name": findings.holder,
               "id_number": findings.holder_id_number}
    return findings.verified and bool(carried.get(field.prefill or ""))


def _rule_message(field: Field, decision: Decision, typed: str) -> str:
    """The check's message (Dutch): what the deciding rule says, else what the status says."""
    rule = decision.rule
    if rule == "machine-text":
        return NOT_HANDWRITTEN
    if rule in ("struck", "struck-corrected"):
        return f"{field.label}: {CORRECTED if rule == 'struck-corrected' else STRUCK}"
    if rule == "digital-signature":
        return "handtekening in een digitaal formulier: niet met de hand gezet, controleer dit"
    if rule == "digital-unsigned":
        return "het formulier is digitaal ingevuld: print het en onderteken het met een pen"
    return _message(field, decision.status, typed)


CORRECTED = "doorgehaald en opnieuw ingevuld; lees welke waarde geldt"
STRUCK = "doorgehaald, zonder andere waarde erbij; controleer of er iets geldt"
NOT_HANDWRITTEN = ("in het vak voor de handtekening staat getypte of gestempelde tekst; een "
                   "handtekening moet met een pen gezet zijn: controleer het")


def _message(field: Field, status: Status, typed: str) -> str:
    if status is Status.OK:
        return f"{field.label}: ingevuld" + (" (digitaal)" if typed else "")
    if status is Status.REVIEW:
        what = "de handtekening" if field.kind == "signature" else field.label
        return f"{what}: er staat weinig of het is erg licht, controleer het"
    if field.kind == "signature":
        return "de handtekening ontbreekt: onderteken het formulier met een pen"
    return f"het veld '{field.label}' op pagina {field.page} is niet ingevuld"


def written_by_hand(findings: FormFindings, template: FormTemplate, field_id: str) -> bool:
    """Something may be written in a box that no check of its own decides (the reply
    address): the box's decision, with the same ink rules, noise model and pen strokes as a
    required box, does not find it empty. A count of dark pixels alone misses a pen address
    washed out on a bad copy, and the reply would then ask for an address the customer wrote."""
    pages = findings.pages.get(template.form.field(field_id).page, [])
    return bool(pages) and hand_decision(pages, template, field_id).status is not Status.MISSING


def hand_decision(pages: list[FormPage], template: FormTemplate, field_id: str) -> Decision:
    """A box's decision on the copies of its page, as written by hand (nothing typed into the
    PDF, nothing of ours printed in it)."""
    field = template.form.field(field_id)
    ink, best, offset, unmoved = _ink(pages, field, template)
    box = FormBox(field, template, best, offset, unmoved, ink)
    return decide_box(box, typed=False, digital=best.source.digital, printed_by_us=False)


def box_crop(findings: FormFindings, template: FormTemplate,
             field_id: str) -> np.ndarray | None:
    """A field's box (upright, CHECK_DPI) on the first copy of its page, for reading it back."""
    pages = findings.pages.get(template.form.field(field_id).page)
    if not pages:
        return None
    return crop(pages[0].warped, template.layout.box(field_id).rect, pad=2)


def account_name_crop(findings: FormFindings, template: FormTemplate) -> np.ndarray | None:
    """The name box of page 1 (upright, CHECK_DPI), for reading the account holder's name."""
    return box_crop(findings, template, "name")
