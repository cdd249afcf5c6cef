"""Checks on the form pages: right form, valid token, all pages, fields written, signed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

import numpy as np

from formgen.check.form_pages import FormPage
from formgen.check.ink import Ink, boxes_mask, crop, measure, reference_pages, thin_print
from formgen.check.placement import Offset, find_box, moved
from formgen.check.signature import machine_text
from formgen.check.struck import struck_through
from formgen.check.text_lines import (
    ANSWER_MIN_CHARACTERS,
    CLOSER_SCALE,
    READ_SCALE,
    VALUE_MIN_CHARACTERS,
    TextSeen,
    is_form_print,
    letters_and_digits,
    read_box,
    text_in_box,
)
from formgen.check.value_shape import looks_like
from formgen.check.verdict import Check, Status
from formgen.definition import Field
from formgen.form.layout import Rect
from formgen.form.template import FormTemplate

FIELD_MIN_FRACTION = 0.004  # ink in a text box that counts as written
FIELD_MIN_PIXELS = 45
SIGNATURE_MIN_FRACTION = 0.006
SIGNATURE_MIN_SPAN = 0.15  # a signature spans at least this part of the box width
SIGNATURE_MIN_CONTRAST = 80  # lighter than this (pencil, an empty pen): a person should look,
# unless the whole copy came out light: a faded copy fades print and pen alike, pencil stays
# lighter than the print. On the tuning half (seed 7, Ink.print_contrast) pencil signatures had
# at most 0.43 of the print's darkness near the box; pen signatures 0.67 or more, but for one
# under a dirty-drum band at 0.50. Half-way between 0.43 and 0.67:
PEN_VS_PRINT = 0.55
FAINT_FACTOR = 0.35  # below the threshold but above this part of it: a person should look
# Noise is clumpy, so a little of it stays above the noise level measured around the box. Writing
# must be at least this share of the ink in the box; less, and the box is mostly noise: a person
# should look. Chosen on the tuning half of the external corpus (seed 7): 0.25 let 46 of 1504
# empty boxes pass where 0 let 54, for 6 more written boxes to look at (37 of 1542).
WRITING_MIN_SHARE = 0.25
# Writing is at least a letter wide; specks of bleed-through or toner scattered over a box are
# not. Ink.widest (px at CHECK_DPI, 12 px = 2 mm) on the tuning half (seed 7): the narrowest
# written box judged "ok" had 14 px, two empty boxes judged "ok" had 8 and 10.
WRITING_MIN_WIDTH = 12
# A new value is written with a pen: its ink is clearly darker than the faintest ink the rules
# count (INK_CONTRAST, 45 grey levels). A change box whose ink is barely that dark (median
# below CHANGE_MIN_CONTRAST) holds toner clumps or bleed-through, not a new value: a person
# should look. On the tuning half (seed 7) written change boxes judged "ok" had 60 or more; a
# no-change request judged complete on 75 more tuning-side no-change cases had 51.
CHANGE_MIN_CONTRAST = 55
# A required box written in ink lighter than this (median, grey levels; the pen darkness of
# SIGNATURE_MIN_CONTRAST) is asked of PP-OCR too (see _second_opinion). Tuning-side cases (the
# tuning half of seed 7 and 511 more built like it from tuning-side seeds): 3,367 required
# boxes judged written, one of them empty (a border a few pixels off, in dashes, median 56);
# 169 of the written ones were lighter than this; 7 of those looked like no text to PP-OCR
# at 1.5 times, 4 also at 2.5 times (text_lines.CLOSER_SCALE).
LIGHT_ANSWER_CONTRAST = 80
# On a copy with grain or speckle bands the noise around a box is about as dense as the ink in
# it: the ink rules leave the box to a person, also a box with a clear word or signature in
# it. Then only the ink along pen strokes is counted (Ink measured with strokes=True), grain
# and speckle drop out, and the ink rules decide on what is left. Only where the box's whole
# border was found (at least STROKE_MIN_COVER of it): where a fold bends the page, the form's
# own print may lie in the box, and print is strokes too. Tuning side (the tuning half of seed
# 7 and the sets cd3, fe3 and bp built from tuning-side seeds, see the issue notes): of the
# required boxes and signatures left to a person, the stroke ink wrote 802 written ones and
# one empty one, whose border was found at 0.79; 729 of the written ones at 0.9 or more.
STROKE_MIN_COVER = 0.9
# A box whose ink is mostly noise (see WRITING_MIN_SHARE) with fewer than STROKE_MIN_PIXELS of
# pen strokes beyond the noise is not written, whatever the detector or the recogniser make of
# it: a row of toner clumps or a patch of grain looks like a line of text to the detector.
# Tuning side (as above, and ebp): 55 empty boxes left to a person are such boxes, and 50
# written ones, 48 of them in requests that went to a person for other reasons or had no change.
# A box the ink rules find empty with STROKE_MIN_PIXELS of pen strokes or more goes to a person:
# a bold word whose letters dip through the bottom line into a row of toner specks joins that
# row's straight run past the box and is taken away with it as a line (tuning side: one place
# box in the second tuning-side draw, ext-0920). None of the 187 empty boxes found empty in the
# tuning-side sets above holds 10 such pixels.
STROKE_MIN_PIXELS = 10
# The same holds for a box the ink rules take for written when the noise of the paper around
# it explains NOISY_SHARE of its ink or more: grain that is denser in the box than around it
# passes the ink rules. Tuning side: of the boxes taken for written with that much noise,
# 2 empty ones (in the ebp set) and 40 of 4,480 written ones have fewer than STROKE_MIN_PIXELS.
# Such a box stays written only when the recogniser reads an answer there (the detector does
# not count: it sees lines of text in grain). Most of the 40 are light pen ink (contrast under
# 80) whose strokes do not stand out enough from the blur: 30 of the 36 text boxes among them
# read an answer (ANSWER_MIN_CHARACTERS), the 2 empty ones read 0 letters. The same holds for
# a box left to a person in that state: of the 3 (all empty) the detector saw a line in one.
NOISY_SHARE = 0.2


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


def _written(ink: Ink, signature: bool = False, change: bool = False) -> Status:
    """OK when clearly written beyond the noise of the paper around the box; REVIEW when there
    is little or only faint writing, or when the ink in the box is mostly that noise (a box
    that is mostly noise is never "ok"). change: a box of the change group (see
    CHANGE_MIN_CONTRAST)."""
    minimum = SIGNATURE_MIN_FRACTION if signature else FIELD_MIN_FRACTION
    writing = ink.beyond_noise
    if writing >= minimum and writing >= WRITING_MIN_SHARE * ink.fraction and \
            ink.pixels * writing / ink.fraction >= FIELD_MIN_PIXELS and \
            ink.widest >= WRITING_MIN_WIDTH and (
            not signature or (ink.span >= SIGNATURE_MIN_SPAN
                              and _dark_as_pen(ink))) and (
            not change or ink.contrast >= CHANGE_MIN_CONTRAST):
        return Status.OK
    if ink.fraction >= minimum * FAINT_FACTOR or ink.faint_fraction >= minimum:
        return Status.REVIEW
    return Status.MISSING


def _dark_as_pen(ink: Ink) -> bool:
    """Dark enough for a pen: darker than SIGNATURE_MIN_CONTRAST, or, on a copy that came out
    light as a whole, not much lighter than its print (PEN_VS_PRINT)."""
    return ink.contrast >= SIGNATURE_MIN_CONTRAST or (
        ink.print_contrast > 0 and ink.contrast >= PEN_VS_PRINT * ink.print_contrast)


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
                          "leesbaar", page=field.page)
        elif not on_page:
            check = Check(code, Status.MISSING, f"{field.label}: pagina {field.page} "
                          "ontbreekt", page=field.page)
        else:
            ink, best, offset, unmoved = _ink(on_page, field, template)
            status = _written(ink, signature=field.kind == "signature",
                              change=bool(field.group))
            typed = _field_text(findings.values, field.id)
            if not typed and not best.source.digital:
                status = _second_opinion(status, ink, field, best, template, offset, unmoved)
            if typed and status is not Status.OK:
                status = Status.OK
            if status is Status.REVIEW and _printed_by_us(field, findings):
                status = Status.OK  # noise over a value we printed and signed
            box = template.layout.box(field.id).rect
            message = _message(field, status, best, typed)
            printed = reference_pages(template.pdf)[field.page - 1]
            if status is Status.OK and not typed and not best.source.digital:
                status, message = _by_hand(field, best.warped, printed, box, status, message)
            check = Check(code, status, message, page=field.page, file=best.label,
                          crop=crop(best.warped, box))
            if field.kind == "signature" and best.source.digital:
                check.status = Status.REVIEW if status is Status.OK else Status.MISSING
                check.message = ("het formulier is digitaal ingevuld: print het en onderteken "
                                 "het met een pen" if status is not Status.OK else
                                 "handtekening in een digitaal formulier: niet met de hand "
                                 "gezet, controleer dit")
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
        if corrected:  # a value struck out, another beside it: a person reads which holds
            checks.append(Check(f"group:{group_id}", Status.REVIEW,
                                "; ".join(c.message for c in corrected), page=corrected[0].page,
                                file=corrected[0].file, crop=corrected[0].crop, crops=crops))
        elif filled:
            names = ", ".join(form.field(c.code.split(":", 1)[1]).label for c in filled)
            checks.append(Check(f"group:{group_id}", Status.OK, f"ingevuld: {names}",
                                page=filled[0].page, file=filled[0].file, crop=filled[0].crop,
                                crops=crops))
        elif any(c.status is Status.REVIEW for c in members):
            struck = [c.message for c in members if STRUCK in c.message]
            checks.append(Check(f"group:{group_id}", Status.REVIEW,
                                "; ".join(struck) if struck else
                                f"{group.rule} Er staat weinig in; controleer het.",
                                crops=crops))
        else:
            checks.append(Check(f"group:{group_id}", Status.MISSING, group.rule))
    return checks


def _second_opinion(status: Status, ink: Ink, field: Field, page: FormPage,
                    template: FormTemplate, offset: Offset, unmoved: FormPage) -> Status:
    """Ask PP-OCR (:mod:`formgen.check.text_lines`) where the ink rules are least sure. A
    change box taken for written in which the recogniser reads no value (too few letters or
    digits) goes to a person: one falsely written change box makes a no-change request look
    complete. A required box or the signature left to a person, with enough ink (for a
    signature: dark as a pen), is written when the detector sees a clear line of writing
    there (for a signature: as wide as one must be), or, for a required box, when the
    recogniser reads an answer there (ANSWER_MIN_CHARACTERS). A change box is promoted only
    when its border is found and what is read there has the shape of a whole value of its kind
    (an e-mail address, a phone number, an IBAN that checks, a name or a street with its number;
    see value_shape): in a request without a change all of them are empty, and any one promoted
    would make it complete; read in noise, an empty box gives scraps, not values. A required
    box taken for written in ink lighter than a pen's (LIGHT_ANSWER_CONTRAST) must look like
    text to the detector or read as letters, or a person looks: a box's own border a few
    pixels off, broken into dashes by a worn copier, is light ink that the line rule does not
    see as a line. A reading counts only where the box's border was found (offset, see
    :mod:`formgen.check.placement`; elsewhere what is read may belong to the box above or
    below, or to the other page) and when it is not the form's own print. A required box
    that was moved (unmoved: the page as it came) is read there too when it reads as no answer
    where its border was found: in dense noise what PP-OCR reads changes with a shift of a few
    pixels (tuning side: 4 of 75 written boxes in that state read as an answer only where they
    were, the one empty box at neither place). A required box or the signature left to a
    person whose ink is mostly noise and holds no pen strokes is not written by any of these;
    one whose whole border was found is written when the ink along pen strokes alone is
    writing by the ink rules (see STROKE_MIN_COVER). Amid much noise (NOISY_SHARE) in a box
    that holds no pen strokes, only an answer read counts: a box taken for written where none
    is read goes to a person, and the detector does not promote one left to a person. A box
    the ink rules find empty that holds pen strokes goes to a person (see STROKE_MIN_PIXELS)."""
    if field.group:
        if status is Status.OK and not (offset.found and _value_read(
                _reading(field, page, template), VALUE_MIN_CHARACTERS, field, template)):
            return Status.REVIEW
        if status is Status.REVIEW and offset.found and ink.fraction >= FIELD_MIN_FRACTION \
                and ink.widest >= WRITING_MIN_WIDTH and _shaped_value(field, page, template):
            return Status.OK
        return status
    if status is Status.MISSING:
        return Status.REVIEW if _writing_pixels(_stroke_ink(field, page, template)) >= \
            STROKE_MIN_PIXELS else status
    strokes = _stroke_ink(field, page, template) if status is Status.REVIEW or \
        ink.noise >= NOISY_SHARE * ink.fraction else None
    grain = strokes is not None and _amid_grain(ink, strokes)
    if status is Status.OK and grain and not _answer_read(field, page, template, offset,
                                                          unmoved):
        return Status.REVIEW
    if status is Status.OK and field.required and field.kind != "signature" \
            and ink.contrast < LIGHT_ANSWER_CONTRAST:
        if any(seen.line for seen in _both_looks(field, page, template)) or any(
                letters_and_digits(_reading(field, page, template, scale)) >= VALUE_MIN_CHARACTERS
                for scale in (READ_SCALE, CLOSER_SCALE)):
            return status
        return Status.REVIEW
    if status is not Status.REVIEW or strokes is None:
        return status
    if _noise_without_strokes(ink, strokes):
        return status
    if ink.widest >= WRITING_MIN_WIDTH and _seen_or_read(ink, field, page, template, offset,
                                                         unmoved, detector=not grain):
        return Status.OK
    if offset.found and offset.cover >= STROKE_MIN_COVER and \
            _written(strokes, signature=field.kind == "signature") is Status.OK:
        return Status.OK
    return status


def _amid_grain(ink: Ink, strokes: Ink) -> bool:
    """Much noise around the box (NOISY_SHARE of its ink or more) and no pen strokes beyond
    it (STROKE_MIN_PIXELS): a patch of grain to the ink rules, a line of text to the detector."""
    return ink.noise >= NOISY_SHARE * ink.fraction and \
        _writing_pixels(strokes) < STROKE_MIN_PIXELS


def _noise_without_strokes(ink: Ink, strokes: Ink) -> bool:
    """The box's ink is mostly the noise of the paper around it (see WRITING_MIN_SHARE) and
    hardly any of it lies along pen strokes (see STROKE_MIN_PIXELS)."""
    return ink.beyond_noise < WRITING_MIN_SHARE * ink.fraction and \
        _writing_pixels(strokes) < STROKE_MIN_PIXELS


def _writing_pixels(ink: Ink) -> float:
    """The ink pixels beyond the noise of the paper around the box."""
    return ink.pixels * ink.beyond_noise / ink.fraction if ink.fraction else 0.0


def _seen_or_read(ink: Ink, field: Field, page: FormPage, template: FormTemplate,
                  offset: Offset, unmoved: FormPage, *, detector: bool = True) -> bool:
    """A signature the detector sees as a line of writing as wide as a signature must be; a
    required box where it sees a line of writing or the recogniser reads an answer (see
    :func:`_second_opinion`). Without the detector (amid grain), only the reading counts."""
    if field.kind == "signature":
        return detector and ink.fraction >= SIGNATURE_MIN_FRACTION and _dark_as_pen(ink) and any(
            seen.line and seen.line_width >= SIGNATURE_MIN_SPAN * seen.box_width
            for seen in _both_looks(field, page, template))
    return field.required and ink.fraction >= FIELD_MIN_FRACTION and (
        detector and any(seen.line for seen in _both_looks(field, page, template))
        or _answer_read(field, page, template, offset, unmoved))


def _answer_read(field: Field, page: FormPage, template: FormTemplate, offset: Offset,
                 unmoved: FormPage) -> bool:
    """The recogniser reads an answer (ANSWER_MIN_CHARACTERS) in a text box whose border was
    found, where it is or, for a moved box, where it was."""
    return field.kind != "signature" and offset.found and any(
        _value_read(_reading(field, view, template), ANSWER_MIN_CHARACTERS, field, template)
        for view in ([page] if page is unmoved else [page, unmoved]))


def _stroke_ink(field: Field, page: FormPage, template: FormTemplate) -> Ink:
    """The ink in the box along pen strokes only (see :func:`formgen.check.ink.stroke_strength`),
    with the noise of the paper around it measured the same way."""
    printed = reference_pages(template.pdf)[field.page - 1]
    others = _boxes_on_page(field, template, printed.shape)
    return measure(page.warped, printed, template.layout.box(field.id).rect, boxes=others,
                   print_darkness=field.kind == "signature", strokes=True)


def _shaped_value(field: Field, page: FormPage, template: FormTemplate) -> bool:
    """The box reads as a whole value of its kind (see :mod:`formgen.check.value_shape`), not
    the form's own print."""
    reading = _reading(field, page, template)
    return looks_like(field.kind, reading) and not is_form_print(reading, template.pdf,
                                                                 field.page)


def _value_read(reading: str, minimum: int, field: Field, template: FormTemplate) -> bool:
    """The reading holds at least minimum letters or digits and is not the form's own print."""
    return letters_and_digits(reading) >= minimum and not is_form_print(
        reading, template.pdf, field.page)


def _both_looks(field: Field, page: FormPage, template: FormTemplate) -> Iterator[TextSeen]:
    """What the detector sees in the box with the print wiped off, then as it is: on a page
    a few pixels off (a fold), wiping the print also wipes writing that touches it."""
    yield _text_seen(field, page, template)
    yield _text_seen(field, page, template, wipe_print=False)


def _text_seen(field: Field, page: FormPage, template: FormTemplate, *,
               wipe_print: bool = True) -> TextSeen:
    printed = reference_pages(template.pdf)[field.page - 1]
    return text_in_box(page.warped, printed, template.layout.box(field.id).rect,
                       wipe_print=wipe_print)


def _reading(field: Field, page: FormPage, template: FormTemplate,
             scale: float = READ_SCALE) -> str:
    printed = reference_pages(template.pdf)[field.page - 1]
    return read_box(page.warped, printed, template.layout.box(field.id).rect, scale=scale)


def _printed_by_us(field: Field, findings: FormFindings) -> bool:
    """The field's value is in the page's signed token, so the prefilled form printed it: the
    klantnummer, name or ID number of a prefilled form whose token was verified."""
    carried = {"customer_id": findings.customer_id, "name": findings.holder,
               "id_number": findings.holder_id_number}
    return findings.verified and bool(carried.get(field.prefill or ""))


def _by_hand(field: Field, page: np.ndarray, printed: np.ndarray, box: Rect, status: Status,
             message: str) -> tuple[Status, str]:
    """A box written on paper: a signature must be handwriting (see check.signature); a new
    value struck through (see check.struck) goes to a person, who reads whether a value holds
    (a correction beside it, or none). Not 'missing', and not in the other boxes: bold joined
    handwriting can hold a straight run like a strike's (tests/check/test_word_on_speck_row.py:
    4 of 12 bold place names)."""
    if field.kind == "signature":
        return (Status.REVIEW, NOT_HANDWRITTEN) if machine_text(page, printed, box) else \
            (status, message)
    if not field.group:
        return status, message  # a strike is looked for in the new values only
    strike = struck_through(page, printed, box)
    if strike is None:
        return status, message
    if strike.corrected:
        return Status.REVIEW, f"{field.label}: {CORRECTED}"
    return Status.REVIEW, f"{field.label}: {STRUCK}"


CORRECTED = "doorgehaald en opnieuw ingevuld; lees welke waarde geldt"
STRUCK = "doorgehaald, zonder andere waarde erbij; controleer of er iets geldt"
NOT_HANDWRITTEN = ("in het vak voor de handtekening staat getypte of gestempelde tekst; een "
                   "handtekening moet met een pen gezet zijn: controleer het")


def _message(field: Field, status: Status, page: FormPage, typed: str) -> str:
    if status is Status.OK:
        return f"{field.label}: ingevuld" + (" (digitaal)" if typed else "")
    if status is Status.REVIEW:
        what = "de handtekening" if field.kind == "signature" else field.label
        return f"{what}: er staat weinig of het is erg licht, controleer het"
    if field.kind == "signature":
        return "de handtekening ontbreekt: onderteken het formulier met een pen"
    return f"het veld '{field.label}' op pagina {field.page} is niet ingevuld"


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
