"""A prefilled form: the cached template plus one incremental update (PDF 1.7, 7.5.6).

The update replaces the QR code of every page (a signed token) and the prefilled fields
(value, appearance, read-only flag: every prefilled field, as the contract's "locked" says).
A read-only field is drawn, not typed in, by pdf.js, so a screen reader would get its label
but not its value: the field's alternate name (/TU) and its Form element's /Alt become
"label: value" (spoken_name). Nothing else is rewritten, and the update is written directly
(pdfsyntax.py), without pypdf: a batch spends its time on the customers, not on start-up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from formgen import token as tokens
from formgen.form import pdfsyntax as syntax
from formgen.form.appearance import (
    CAPTION_FONT_NAME,
    QR_BBOX,
    field_flags,
    font_names,
    qr_content,
    text_content,
)
from formgen.form.customers import Customer
from formgen.form.template import FormTemplate


def prefilled_token(template: FormTemplate, customer: Customer, request_id: str,
                    issued: dt.date) -> tokens.Token:
    form = template.form
    return tokens.Token(form.id, form.version, 1, form.page_count, request_id,
                        customer.customer_id, issued, tokens.holder_text(customer.name) or None,
                        tokens.id_number_text(customer.id_number) or None)


def build_prefilled(template: FormTemplate, customer: Customer, key: bytes, request_id: str,
                    issued: dt.date) -> bytes:
    """The template's bytes followed by an update holding this customer's values and tokens."""
    token = prefilled_token(template, customer, request_id, issued)
    update = _Update(template)
    caption_font = {CAPTION_FONT_NAME: template.font_ref}
    field_fonts = dict.fromkeys(font_names(), template.font_ref)
    for page, ref in enumerate(template.qr_refs, start=1):
        text = tokens.encode(token.for_page(page), key)
        caption = f"{request_id} · {page}/{template.form.page_count}"
        update.replace(ref, syntax.form_xobject(QR_BBOX, qr_content(text, caption),
                                                caption_font))
    for box in template.layout.boxes:
        fld = box.field
        if not fld.prefill:
            continue
        value = customer.value(fld.prefill)
        rect = box.rect
        appearance = update.add(syntax.form_xobject(
            (0, 0, rect.width, rect.height), text_content(rect, value), field_fonts))
        flags = field_flags(box, read_only=fld.read_only_prefilled)
        name = syntax.text(spoken_name(fld.label, value))
        # the field's other entries never change: their PDF syntax was written once
        update.replace(template.fields[fld.id], b"%b/TU %b/V %b/AP<</N %d 0 R>>/Ff %d>>" % (
            template.field_heads[fld.id], name, syntax.text(value), appearance, flags),
            packed=True)
        update.replace(template.form_elements[fld.id], b"%b/Alt %b>>" % (
            template.form_element_heads[fld.id], name), packed=True)
    return update.write(seed=f"{request_id}:{customer.customer_id}".encode())


def spoken_name(label: str, value: str) -> str:
    """What a screen reader says for a prefilled field: its label and, when set, its value."""
    return f"{label}: {value}" if value else label


class _Update:
    """Collects replaced and new objects (as PDF syntax) and writes them as one incremental
    section with a cross-reference stream (the template uses one too). Streams are written
    as they are; "packed" dictionaries go into one compressed object stream (PDF 1.5), as
    in the template: written one by one, the fields and their structure elements cost 4 KB."""

    def __init__(self, template: FormTemplate) -> None:
        self.template = template
        self.objects: dict[int, bytes] = {}
        self.packed: dict[int, bytes] = {}
        self.next_number = template.size

    def replace(self, number: int, obj: bytes, *, packed: bool = False) -> None:
        (self.packed if packed else self.objects)[number] = obj

    def add(self, obj: bytes) -> int:
        number = self.next_number
        self.next_number += 1
        self.objects[number] = obj
        return number

    def write(self, seed: bytes) -> bytes:
        t = self.template
        if self.packed:
            self.add(_object_stream(self.packed))
        object_stream = self.next_number - 1
        out = io.BytesIO()
        out.write(t.pdf)
        if not t.pdf.endswith(b"\n"):
            out.write(b"\n")
        rows: dict[int, bytes] = {}
        for number in sorted(self.objects):
            rows[number] = b"\x01" + out.tell().to_bytes(4, "big") + b"\x00"
            out.write(b"%d 0 obj\n%b\nendobj\n" % (number, self.objects[number]))
        for position, number in enumerate(sorted(self.packed)):
            rows[number] = b"\x02" + object_stream.to_bytes(4, "big") + bytes([position])
        xref_number = self.next_number
        xref = out.tell()
        rows[xref_number] = b"\x01" + xref.to_bytes(4, "big") + b"\x00"
        numbers = sorted(rows)
        index: list[int] = []
        for start, run in _runs(numbers):
            index += [start, len(run)]
        entries: dict[str, object] = {
            "Type": syntax.Name("XRef"), "Size": xref_number + 1, "Index": index,
            "W": [1, 4, 1], "Root": syntax.Ref(t.root_ref), "Prev": t.startxref,
            "ID": [b"<%b>" % t.file_id.hex().encode(),
                   b"<%b>" % hashlib.sha256(t.file_id + seed).digest()[:16].hex().encode()],
        }
        if t.info_ref is not None:
            entries["Info"] = syntax.Ref(t.info_ref)
        out.write(b"%d 0 obj\n%b\nendobj\nstartxref\n%d\n%%%%EOF\n" % (
            xref_number, syntax.stream(entries, b"".join(rows[n] for n in numbers)), xref))
        return out.getvalue()


def _object_stream(objects: dict[int, bytes]) -> bytes:
    """An object stream holding `objects` (sorted by number; at most 256 of them)."""
    if len(objects) > 256:
        raise ValueError("te veel objecten voor één objectstroom")
    numbers = sorted(objects)
    offsets, body = [], io.BytesIO()
    for number in numbers:
        offsets.append(b"%d %d" % (number, body.tell()))
        body.write(objects[number] + b"\n")
    header = b" ".join(offsets) + b"\n"
    return syntax.stream({"Type": syntax.Name("ObjStm"), "N": len(numbers),
                          "First": len(header)}, header + body.getvalue())


def _runs(numbers: list[int]) -> list[tuple[int, list[int]]]:
    runs: list[tuple[int, list[int]]] = []
    for n in numbers:
        if runs and runs[-1][1][-1] == n - 1:
            runs[-1][1].append(n)
        else:
            runs.append((n, [n]))
    return runs
