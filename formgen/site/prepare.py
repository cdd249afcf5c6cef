"""Publish the current blank form into the help center, before any site generator runs.

MkDocs calls prepare_site() from a thin hook; `formgen site prepare` does the same from the
shell, so another generator (Zensical) only has to run that command first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.definition import FormDefinition, load_company, load_form
from formgen.form.build import blank_form, write_bytes

PDF_NAME = "wijzigingsformulier.pdf"
DOWNLOAD_DIR = "downloads"
FORM_PAGE = "klantenkaart/wijzigingsformulier.md"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")


@dataclass(frozen=True)
class PublishedForm:
    path: Path
    version: int
    date: dt.date
    size_bytes: int

    @property
    def size_label(self) -> str:
        return f"{max(1, round(self.size_bytes / 1000))} kB"


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _write_if_changed(path: Path, data: bytes) -> None:
    # mkdocs serve watches docs/: rewriting identical bytes would rebuild forever.
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)


def prepare_site(docs_dir: Path, generated_dir: Path, config: Path | None = None) -> PublishedForm:
    """Write the blank form into docs_dir and the Markdown snippets that describe it."""
    form, company = load_form(config), load_company(config)
    pdf = blank_form(config)
    target = docs_dir / DOWNLOAD_DIR / PDF_NAME
    _write_if_changed(target, pdf)
    published = PublishedForm(target, form.version, form.date, len(pdf))
    link = Path("..", *[".."] * (len(Path(FORM_PAGE).parts) - 2), DOWNLOAD_DIR, PDF_NAME)
    snippets = {
        "formulier-download.md": (
            f"[Wijzigingsformulier downloaden (pdf)]({link.as_posix()}): versie {form.version} "
            f"van {dutch_date(form.date)}, {published.size_label}.\n"),
        "formulier-terugsturen.md": "".join(
            f"{i}. {item.label}.\n" for i, item in enumerate(form.send_back_items, start=1))
        + f"\nStuur alles in één e-mail naar [{company.support_email}]"
          f"(mailto:{company.support_email}).\n",
        "formulier-velden.md": _fields_snippet(form),
    }
    generated_dir.mkdir(parents=True, exist_ok=True)
    for name, text in snippets.items():
        _write_if_changed(generated_dir / name, text.encode("utf-8"))
    return published


def theme_settings(config: Path | None = None) -> dict[str, Any]:
    """What the theme shows of the company (klantenservice box, copyright)."""
    company = load_company(config)
    return {"company": {"name": company.name, "support_email": company.support_email,
                        "help_center_url": company.help_center_url},
            "copyright": f"&copy; {company.name}"}


def _fields_snippet(form: FormDefinition) -> str:
    lines = ["Deze velden zijn verplicht (op het formulier staat er een * bij):", ""]
    lines += [f"- {f.label}" for f in form.required_fields]
    for group in form.groups.values():
        labels = ", ".join(form.field(fid).label for fid in group.field_ids)
        lines += ["", f"{group.rule} Dat kan een van deze velden zijn: {labels}."]
    return "\n".join(lines) + "\n"
