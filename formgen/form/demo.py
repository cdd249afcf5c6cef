"""The README's main job: a blank form and a prefilled sample, signed with a local dev key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from formgen import keys
from formgen.form.build import blank_form, prefilled_form, write_bytes
from formgen.form.customers import Customer

SAMPLE = Customer(
    customer_id="K1002345", name="Łukasz Nguyễn-Ørsted", company="Şahin Webdesign V.O.F.",
    id_number="X1234567Z", email="lukasz@voorbeeld.nl", phone="+31 20 123 4567",
    street="Keizersgracht 12", postcode="1015 CX", city="Amsterdam", country="Nederland",
)


def run_demo(out_dir: Path) -> list[str]:
    """Write both sample forms; return what happened, line by line."""
    lines = []
    key = keys.load_key()
    if key is None:
        if keys.create_key_file(keys.DEV_KEY_FILE):
            lines.append(f"Ontwikkelsleutel aangemaakt: {keys.DEV_KEY_FILE} (staat niet in git; "
                         "niet voor echte klanten).")
        key = keys.load_key(keys.DEV_KEY_FILE)
        assert key is not None
        lines.append(f"Ondertekend met de ontwikkelsleutel {keys.DEV_KEY_FILE}.")
    blank = out_dir / "wijzigingsformulier-leeg.pdf"
    write_bytes(blank, blank_form())
    lines.append(f"Leeg formulier: {blank}")
    pdf, request_id = prefilled_form(SAMPLE, key, issued=dt.date.today())
    sample = out_dir / "wijzigingsformulier-voorbeeld.pdf"
    write_bytes(sample, pdf)
    lines.append(f"Vooraf ingevuld voorbeeld voor klant {SAMPLE.customer_id}: {sample} "
                 f"(aanvraag {request_id})")
    return lines
