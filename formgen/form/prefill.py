"""A prefilled form: the cached template plus one incremental update (PDF 1.7, 7.5.6).

The update replaces the QR code of every page (a signed token) and the prefilled fields
(value, appearance, read-only flag: every prefilled field, as the contract's "locked" says).
Nothing else is rewritten, which keeps it fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

from formgen import token as tokens
from formgen.form.acroform import field_flags, qr_xobject, text_appearance
from formgen.form.customers import Customer
from formgen.form.pdfsyntax import serialize
from formgen.form.template import FormTemplate


def prefilled_token(template: FormTemplate, customer: Customer, request_id: str,
                    issued: dt.date) -> tokens.Token:
    form = template.form
    return tokens.Token(form.id, form.version, 1, form.page_count, request_id,
                        customer.customer_id, issued)


def build_prefilled(template: FormTemplate, customer: Customer, key: bytes, request_id: str,
                    issued: dt.date) -> bytes:
    """The template's bytes followed by an update holding this customer's values and tokens."""
    token = prefilled_token(template, customer, request_id, issued)
    update = _Update(template)
    font = IndirectObject(template.font_ref, 0, None)
    for page, ref in enumerate(template.qr_refs, start=1):
        text = tokens.encode(token.for_page(page), key)
        caption = f"{request_id} · {page}/{template.form.page_count}"
        update.replace(ref, qr_xobject(text, caption, font))
    for box in template.layout.boxes:
        fld = box.field
        if not fld.prefill:
            continue
        value = customer.value(fld.prefill)
        number, _ = template.fields[fld.id]
        appearance = update.add(text_appearance(box.rect, value, font))
        flags = field_flags(box, read_only=fld.read_only_prefilled)
        # the field's other entries never change: their PDF syntax was written once
        update.replace(number, b"%b/V %b/AP<</N %d 0 R>>/Ff %d>>" % (
            template.field_heads[fld.id], serialize(TextStringObject(value)),
            appearance.idnum, flags))
    return update.write(seed=f"{request_id}:{customer.customer_id}".encode())


class _Update:
    """Collects replaced and new objects and writes them as one incremental section."""

    def __init__(self, template: FormTemplate) -> None:
        self.template = template
        self.objects: dict[int, PdfObject | bytes] = {}
        self.next_number = template.size

    def replace(self, number: int, obj: PdfObject | bytes) -> None:
        self.objects[number] = obj

    def add(self, obj: PdfObject) -> IndirectObject:
        number = self.next_number
        self.next_number += 1
        self.objects[number] = obj
        return IndirectObject(number, 0, None)

    def write(self, seed: bytes) -> bytes:
        t = self.template
        out = io.BytesIO()
        out.write(t.pdf)
        if not t.pdf.endswith(b"\n"):
            out.write(b"\n")
        offsets: dict[int, int] = {}
        for number in sorted(self.objects):
            offsets[number] = out.tell()
            out.write(b"%d 0 obj\n%b\nendobj\n" % (number, serialize(self.objects[number])))
        # The template uses a cross-reference stream (object streams), so the update does too.
        xref_number = self.next_number
        offsets[xref_number] = xref = out.tell()
        numbers = sorted(offsets)
        rows = b"".join(b"\x01" + offsets[n].to_bytes(4, "big") + b"\x00" for n in numbers)
        index = ArrayObject()
        for start, run in _runs(numbers):
            index.extend([NumberObject(start), NumberObject(len(run))])
        stream = DecodedStreamObject()
        stream.set_data(rows)
        stream.update({
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(xref_number + 1),
            NameObject("/Index"): index,
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(1)]),
            NameObject("/Root"): IndirectObject(t.root_ref, 0, None),
            NameObject("/Prev"): NumberObject(t.startxref),
            NameObject("/ID"): ArrayObject([
                ByteStringObject(t.file_id),
                ByteStringObject(hashlib.sha256(t.file_id + seed).digest()[:16])]),
        })
        if t.info_ref is not None:
            stream[NameObject("/Info")] = IndirectObject(t.info_ref, 0, None)
        out.write(f"{xref_number} 0 obj\n".encode("ascii"))
        stream.flate_encode().write_to_stream(out)
        out.write(f"\nendobj\nstartxref\n{xref}\n%%EOF\n".encode("ascii"))
        return out.getvalue()


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    runs: list[tuple[int, list[int]]] = []
    for n in numbers:
        if runs and runs[-1][1][-1] == n - 1:
            runs[-1][1].append(n)
        else:
            runs.append((n, [n]))
    return runs

