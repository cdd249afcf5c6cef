"""Turn the static pages into a fillable form: AcroForm fields with appearance streams, the
field font, and one QR code XObject per page (pypdf does what fpdf2 cannot)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from formgen.form.appearance import (
    CAPTION_FONT_NAME,
    FIELD_FONT_SIZE,
    QR_BBOX,
    field_flags,
    font_names,
    qr_content,
    text_content,
)
from formgen.form.fonts import FIELD_FONT_NAME, field_font_objects
from formgen.form.layout import FieldBox, Layout, Rect

QR_XOBJECT = "/WZLQR"
CHECK_ON = "/Yes"


def _name(value: str) -> NameObject:
    return NameObject(value)


def form_xobject(bbox: tuple[float, float, float, float], content: bytes,
                 resources: DictionaryObject | None = None) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update({
        _name("/Type"): _name("/XObject"),
        _name("/Subtype"): _name("/Form"),
        _name("/BBox"): ArrayObject(FloatObject(round(v, 3)) for v in bbox),
    })
    if resources is not None:
        stream[_name("/Resources")] = resources
    return stream.flate_encode()


def font_resources(font_ref: IndirectObject, name: str = FIELD_FONT_NAME) -> DictionaryObject:
    return DictionaryObject({_name("/Font"): DictionaryObject(
        {_name("/" + alias): font_ref for alias in font_names(name)})})


def text_appearance(rect: Rect, value: str, font_ref: IndirectObject) -> StreamObject:
    """Appearance of a text field: the value, left-aligned, shrunk to fit the box."""
    return form_xobject((0, 0, rect.width, rect.height), text_content(rect, value),
                        font_resources(font_ref))


def _check_appearance(rect: Rect, on: bool) -> StreamObject:
    w, h = rect.width, rect.height
    if not on:
        return form_xobject((0, 0, w, h), b"")
    mark = (f"q 0 G 1.4 w 1 J 1 j {w * 0.2:.2f} {h * 0.52:.2f} m {w * 0.42:.2f} {h * 0.25:.2f} l "
            f"{w * 0.82:.2f} {h * 0.8:.2f} l S Q")
    return form_xobject((0, 0, w, h), mark.encode("ascii"))


def _widget(box: FieldBox, page_ref: IndirectObject, page_height: float, kind: str,
            **entries: PdfObject) -> DictionaryObject:
    """A merged field and widget annotation: named by the field id, tooltip = its label."""
    widget = DictionaryObject({
        _name("/Type"): _name("/Annot"),
        _name("/Subtype"): _name("/Widget"),
        _name("/FT"): _name(kind),
        _name("/T"): TextStringObject(box.field.id),
        _name("/TU"): TextStringObject(box.field.label),
        _name("/Rect"): ArrayObject(FloatObject(round(v, 3))
                                    for v in box.rect.to_pdf(page_height)),
        _name("/F"): NumberObject(4),  # print
        _name("/P"): page_ref,
    })
    if flags := field_flags(box):
        widget[_name("/Ff")] = NumberObject(flags)
    widget.update({_name("/" + key): value for key, value in entries.items()})
    return widget


def text_field(box: FieldBox, page_ref: IndirectObject, page_height: float,
               ap_ref: IndirectObject) -> DictionaryObject:
    return _widget(box, page_ref, page_height, "/Tx",
                   DA=TextStringObject(f"/{FIELD_FONT_NAME} {FIELD_FONT_SIZE} Tf 0 g"),
                   Q=NumberObject(0), V=TextStringObject(""),
                   AP=DictionaryObject({_name("/N"): ap_ref}))


def _checkbox(box: FieldBox, page_ref: IndirectObject, page_height: float,
              add: Callable[[PdfObject], IndirectObject]) -> DictionaryObject:
    return _widget(box, page_ref, page_height, "/Btn",
                   V=_name("/Off"), AS=_name("/Off"),
                   MK=DictionaryObject({_name("/CA"): TextStringObject("4")}),
                   DA=TextStringObject("/ZaDb 0 Tf 0 g"),
                   AP=DictionaryObject({_name("/N"): DictionaryObject({
                       _name(CHECK_ON): add(_check_appearance(box.rect, True)),
                       _name("/Off"): add(_check_appearance(box.rect, False)),
                   })}))


def qr_xobject(text: str, caption: str, font_ref: IndirectObject) -> StreamObject:
    """The page's QR code with a small human-readable caption under it."""
    return form_xobject(QR_BBOX, qr_content(text, caption),
                        font_resources(font_ref, CAPTION_FONT_NAME))


def add_form(writer: PdfWriter, layout: Layout,
             qr_texts: list[tuple[str, str]]) -> dict[str, IndirectObject]:
    """Add the field font, every field (empty) and a QR XObject per page to the writer;
    returns each field's widget by field id."""
    add = writer._add_object
    font_ref = add(field_font_objects(add))
    zadb = add(DictionaryObject({
        _name("/Type"): _name("/Font"), _name("/Subtype"): _name("/Type1"),
        _name("/BaseFont"): _name("/ZapfDingbats")}))
    fields = ArrayObject()
    widgets: dict[str, IndirectObject] = {}
    for page_layout, page, (qr_text, caption) in zip(layout.pages, writer.pages, qr_texts,
                                                     strict=True):
        page_ref = page.indirect_reference
        assert page_ref is not None
        annots = ArrayObject()
        for box in layout.boxes:
            if box.field.page != page_layout.number or box.field.kind == "signature":
                continue
            if box.field.kind == "checkbox":
                widget = _checkbox(box, page_ref, page_layout.height, add)
            else:
                ap = add(text_appearance(box.rect, "", font_ref))
                widget = text_field(box, page_ref, page_layout.height, ap)
            ref = add(widget)
            widgets[box.field.id] = ref
            annots.append(ref)
            fields.append(ref)
        page[_name("/Annots")] = annots
        _place_qr(writer, page, page_layout.qr, page_layout.height,
                  add(qr_xobject(qr_text, caption, font_ref)))
    writer._root_object[_name("/AcroForm")] = DictionaryObject({
        _name("/Fields"): fields,
        _name("/DR"): DictionaryObject({_name("/Font"): DictionaryObject({
            _name("/" + FIELD_FONT_NAME): font_ref, _name("/ZaDb"): zadb})}),
        _name("/DA"): TextStringObject(f"/{FIELD_FONT_NAME} {FIELD_FONT_SIZE} Tf 0 g"),
        _name("/NeedAppearances"): BooleanObject(False),
    })
    return widgets


def _place_qr(writer: PdfWriter, page: Any, rect: Rect, page_height: float,
              xobject_ref: IndirectObject) -> None:
    # fpdf2 shares one /Resources dictionary between pages: give each page its own copy,
    # so each page names its own QR code.
    resources: Any = DictionaryObject(page[_name("/Resources")].get_object())
    xobjects: Any = DictionaryObject(resources.get(_name("/XObject"),
                                                   DictionaryObject()).get_object())
    xobjects[_name(QR_XOBJECT)] = xobject_ref
    resources[_name("/XObject")] = xobjects
    page[_name("/Resources")] = resources
    llx, lly, _, _ = rect.to_pdf(page_height)
    draw = DecodedStreamObject()
    draw.set_data(f"/Artifact BMC q 1 0 0 1 {llx:.3f} {lly:.3f} cm {QR_XOBJECT} Do Q EMC"
                  .encode("ascii"))
    contents = page.raw_get(_name("/Contents"))
    existing = contents.get_object()
    parts = ArrayObject(existing) if isinstance(existing, ArrayObject) else ArrayObject([contents])
    parts.append(writer._add_object(draw.flate_encode()))
    page[_name("/Contents")] = parts
