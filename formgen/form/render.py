"""Lay out the static pages of the form with fpdf2 and record the layout contract.

Everything that is the same for every customer is drawn here once: texts, boxes, marks.
Fields, QR codes and values are added afterwards (see acroform.py and prefill.py). Texts are
drawn as tagged content (tags.py), lines and marks as artifacts, so that structure.py can
write the document structure once the fields exist.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import TTFFont

from formgen.definition import Company, Field, FormDefinition, Section
from formgen.form import marks, qr
from formgen.form.fonts import BOLD, REGULAR, keep_font_names
from formgen.form.layout import FieldBox, Layout, Mark, PageLayout, Rect
from formgen.form.tags import Node, Tagger
from formgen.resources import fonts_dir
from formgen.texts import form_text

FONT = "DejaVu"
MARGIN = 46.0
LABEL_WIDTH = 168.0
ROW_PITCH = 25.0
BOX_HEIGHT = 20.0
CHECK_SIZE = 12.0
SIGNATURE_SIZE = (260.0, 80.0)
LINE_GREY = 110
TEXT_SIZE = 9.0


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(unit="pt", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.add_font(FONT, "", str(fonts_dir() / REGULAR))
        self.add_font(FONT, "B", str(fonts_dir() / BOLD))
        for font in self.fonts.values():
            if isinstance(font, TTFFont):
                keep_font_names(font.ttfont)
        self.set_text_color(0)
        self.tags = Tagger(self)


def render_static(form: FormDefinition, company: Company) -> tuple[bytes, Layout, Node]:
    """The static pages as PDF bytes, where each field, mark and QR code was drawn, and the
    document structure (the root node of the tags)."""
    pdf = _Pdf()
    pdf.set_title(form.title)
    pdf.set_lang("nl-NL")
    pdf.set_author(company.name)
    pdf.set_subject(f"{form.title}, versie {form.version}")
    pdf.set_creator("formgen")
    pdf.set_keywords(f"{form.id} versie {form.version}")
    pdf.set_creation_date(dt.datetime.combine(form.date, dt.time(), tzinfo=dt.UTC))
    pdf.set_display_mode("fullwidth")
    pages: list[PageLayout] = []
    boxes: list[FieldBox] = []
    for number in range(1, form.page_count + 1):
        pdf.add_page()
        with pdf.tags.artifact():
            page_marks = _draw_marks(pdf)
        qr_rect = _draw_header(pdf, form, company, number)
        for section in form.sections_on(number):
            boxes += _draw_section(pdf, form, company, section)
        with pdf.tags.artifact():
            _draw_footer(pdf, form, company, number)
        if pdf.get_y() > pdf.h - MARGIN - marks.SIZE_PT:
            raise RuntimeError(f"pagina {number} loopt over: maak de teksten korter")
        pages.append(PageLayout(number, pdf.w, pdf.h, page_marks, qr_rect))
    return bytes(pdf.output()), Layout(tuple(pages), tuple(boxes)), pdf.tags.root


def _draw_marks(pdf: _Pdf) -> tuple[Mark, ...]:
    size, inset = marks.SIZE_PT, marks.INSET_PT
    origins = ((inset, inset), (pdf.w - inset - size, inset),
               (pdf.w - inset - size, pdf.h - inset - size), (inset, pdf.h - inset - size))
    unit = size / 6
    pdf.set_fill_color(0)
    placed = []
    for marker_id, (corner, (x, y)) in enumerate(zip(marks.CORNERS, origins, strict=True)):
        for row, col, length in marks.run_rects(marks.marker_modules(marker_id)):
            pdf.rect(x + col * unit, y + row * unit, length * unit, unit, style="F")
        placed.append(Mark(marker_id, corner, Rect(x, y, size, size)))
    return tuple(placed)


def _draw_header(pdf: _Pdf, form: FormDefinition, company: Company, number: int) -> Rect:
    """Title, company and version; a heading on page 1, a running header after that."""
    qr_x = pdf.w - marks.INSET_PT - marks.SIZE_PT - 14 - qr.SIZE_PT
    qr_rect = Rect(qr_x, marks.INSET_PT, qr.SIZE_PT, qr.SIZE_PT)
    left = marks.INSET_PT + marks.SIZE_PT + 14
    root = pdf.tags.root
    first = number == 1
    pdf.set_xy(left, marks.INSET_PT + 2)
    pdf.set_font(FONT, "B", 15 if first else 12)
    with pdf.tags.content(root, "H1") if first else pdf.tags.artifact():
        pdf.cell(qr_x - left - 10, 18, form.title, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    with pdf.tags.content(root, "P") if first else pdf.tags.artifact():
        pdf.cell(qr_x - left - 10, 12, f"{company.name} · {company.support_email}",
                 new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.cell(qr_x - left - 10, 12, f"Versie {form.version} · pagina {number} van "
                 f"{form.page_count}", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(qr_rect.y + qr_rect.height + 16)
    if first:
        _paragraph(pdf, root, form_text("intro", form, company))
    return qr_rect


def _paragraph(pdf: _Pdf, parent: Node, text: str, size: float = TEXT_SIZE,
               gap: float = 6) -> None:
    pdf.set_x(MARGIN)
    pdf.set_font(FONT, "", size)
    with pdf.tags.content(parent, "P"):
        pdf.multi_cell(pdf.w - 2 * MARGIN, size * 1.3, text, markdown=True, align="L",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + gap)


def _draw_section(pdf: _Pdf, form: FormDefinition, company: Company,
                  section: Section) -> list[FieldBox]:
    sect = pdf.tags.root.add(Node("Sect"))
    pdf.set_fill_color(232)
    pdf.set_font(FONT, "B", 11)
    pdf.set_x(MARGIN)
    with pdf.tags.content(sect, "H2"):
        pdf.cell(pdf.w - 2 * MARGIN, 17, " " + section.title, fill=True,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(pdf.get_y() + 3)
    intro = section.intro
    groups: set[str | None] = {f.group for f in section.fields if f.group}
    if groups and section is _first_with_group(form, groups):
        intro += " **" + form_text("group_rule", form, company) + "**"
    if intro:
        _paragraph(pdf, sect, intro, gap=3)
    boxes = []
    checklist: Node | None = None
    for fld in section.fields:
        if fld.kind == "checkbox":
            if checklist is None:
                checklist = sect.add(Node("L"))
            boxes.append(_checkbox_row(pdf, checklist, fld))
            continue
        checklist = None
        if fld.kind == "signature":
            boxes.append(_signature_box(pdf, sect, fld, form_text("signature_area", form,
                                                                   company)))
        else:
            boxes.append(_text_row(pdf, sect, fld))
    if any(f.locked for f in section.fields):
        _paragraph(pdf, sect, form_text("locked_note", form, company), size=8, gap=4)
    if section.id == "new_contact":
        _paragraph(pdf, sect, form_text("domain_note", form, company), size=8, gap=4)
    if any(f.send_back for f in section.fields):
        _paragraph(pdf, sect, form_text("privacy_note", form, company), size=8, gap=4)
    pdf.set_y(pdf.get_y() + 6)
    return boxes


def _first_with_group(form: FormDefinition, groups: set[str | None]) -> Section:
    return next(s for s in form.sections if {f.group for f in s.fields} & groups)


def _label(fld: Field) -> str:
    return fld.label + (" *" if fld.required else "")


def _text_row(pdf: _Pdf, parent: Node, fld: Field) -> FieldBox:
    """Label, then the field (a Form element for its widget, added by structure.py)."""
    y = pdf.get_y()
    pdf.set_font(FONT, "", TEXT_SIZE)
    pdf.set_xy(MARGIN, y)
    with pdf.tags.content(parent, "P"):
        pdf.cell(LABEL_WIDTH, BOX_HEIGHT, _label(fld))
    parent.add(Node("Form", pdf.page, field_id=fld.id, alt=fld.label))
    rect = Rect(MARGIN + LABEL_WIDTH, y, pdf.w - 2 * MARGIN - LABEL_WIDTH, BOX_HEIGHT)
    _box(pdf, rect)
    pdf.set_y(y + ROW_PITCH)
    return FieldBox(fld, rect)


def _checkbox_row(pdf: _Pdf, checklist: Node, fld: Field) -> FieldBox:
    """A list item: the check box as its label, the text as its body."""
    item = checklist.add(Node("LI"))
    item.add(Node("Lbl")).add(Node("Form", pdf.page, field_id=fld.id, alt=fld.label))
    y = pdf.get_y()
    rect = Rect(MARGIN + 2, y + 2, CHECK_SIZE, CHECK_SIZE)
    _box(pdf, rect)
    pdf.set_font(FONT, "", TEXT_SIZE)
    pdf.set_xy(MARGIN + CHECK_SIZE + 10, y)
    with pdf.tags.content(item, "LBody"):
        pdf.cell(pdf.w - 2 * MARGIN - CHECK_SIZE - 10, 16, _label(fld))
    pdf.set_y(y + 19)
    return FieldBox(fld, rect)


def _signature_box(pdf: _Pdf, parent: Node, fld: Field, description: str) -> FieldBox:
    """The box for a pen signature: a figure described in words (not a digital field)."""
    y = pdf.get_y()
    pdf.set_font(FONT, "", TEXT_SIZE)
    pdf.set_xy(MARGIN, y)
    with pdf.tags.content(parent, "P"):
        pdf.cell(LABEL_WIDTH, 14, _label(fld))
    rect = Rect(MARGIN + LABEL_WIDTH, y, *SIGNATURE_SIZE)
    with pdf.tags.content(parent, "Figure", alt=description):
        _box(pdf, rect, artifact=False)
    pdf.set_y(y + SIGNATURE_SIZE[1] + 6)
    return FieldBox(fld, rect)


def _box(pdf: _Pdf, rect: Rect, artifact: bool = True) -> None:
    with pdf.tags.artifact() if artifact else nullcontext():
        pdf.set_draw_color(LINE_GREY)
        pdf.set_line_width(0.7)
        pdf.rect(rect.x, rect.y, rect.width, rect.height)


def _draw_footer(pdf: _Pdf, form: FormDefinition, company: Company, number: int) -> None:
    y = pdf.get_y()
    pdf.set_font(FONT, "", 7)
    left = marks.INSET_PT + marks.SIZE_PT + 8
    pdf.set_xy(left, pdf.h - marks.INSET_PT - 14)
    pdf.cell(pdf.w - 2 * left, 10, form_text("footer", form, company, page=number,
                                             page_count=form.page_count), align="C")
    pdf.set_y(y)
