"""Publish the current blank form into the help center, before any site generator runs.

MkDocs calls prepare_site() from a thin hook; `formgen site prepare` does the same from the
shell, so another generator (Zensical) only has to run that command first. Besides the PDF and
its snippets it writes the company's decided facts as snippets (an undecided fact gives an empty
snippet or a neutral sentence, never a made-up value) and `site-config.yml`, which mkdocs.yml
inherits: the company values for the theme, because Zensical runs no hook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from formgen.definition import Company, FormDefinition, load_company, load_form
from formgen.errors import SiteBuildError
from formgen.form.build import blank_form, write_bytes
from formgen.site.scan_check import require_browser_parts, write_check_files

PDF_NAME = "wijzigingsformulier.pdf"
SITE_CONFIG = "site-config.yml"  # mkdocs.yml: INHERIT: generated/site-config.yml
DOWNLOAD_DIR = "downloads"
FORM_PAGE = "klantenkaart/wijzigingsformulier.md"
PROJECT_FILE = "mkdocs.yml"  # where it is, is the help center's folder
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


def site_node_modules(folder: Path) -> Path | None:
    """Where the help center's browser parts are installed (npm ci), when folder is the help
    center's; elsewhere (--docs-dir for another site) only the form and its data are written."""
    return folder / "node_modules" if (folder / PROJECT_FILE).is_file() else None


def require_site_folder(folder: Path) -> None:
    """Refuse to write docs/ and generated/ into a folder that holds no help center (mkdocs.yml),
    as `formgen site prepare` run by mistake elsewhere would, without a word."""
    if not (folder / PROJECT_FILE).is_file():
        raise SiteBuildError(f"hier staat geen {PROJECT_FILE}, dus geen helpcentrum: ga naar de "
                             "map van het helpcentrum, of geef --docs-dir en --generated-dir",
                             source=str(folder))


def _write_if_changed(path: Path, data: bytes) -> None:
    # mkdocs serve watches docs/: rewriting identical bytes would rebuild forever.
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)


def prepare_site(docs_dir: Path, generated_dir: Path, config: Path | None = None, *,
                 node_modules: Path | None = None) -> PublishedForm:
    """Write the blank form into docs_dir, the Markdown snippets that describe it and the scan
    check's data; with node_modules, the scan check's browser parts (formgen.site.scan_check)."""
    if node_modules is not None:
        require_browser_parts(node_modules)  # before anything is written
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
        **fact_snippets(company),
        SITE_CONFIG: "# Gemaakt door 'formgen site prepare' uit company.yaml; niet met de hand "
        "wijzigen.\n" + yaml.safe_dump(theme_settings(config), allow_unicode=True, sort_keys=True),
    }
    generated_dir.mkdir(parents=True, exist_ok=True)
    for name, text in snippets.items():
        _write_if_changed(generated_dir / name, text.encode("utf-8"))
    write_check_files(docs_dir, node_modules, config)
    return published


def theme_settings(config: Path | None = None) -> dict[str, Any]:
    """What the theme shows of the company (klantenservice box, copyright), as mkdocs.yml keys."""
    company = load_company(config)
    return {"extra": {"company": {"name": company.name, "support_email": company.support_email,
                                  "help_center_url": company.help_center_url}},
            "copyright": f"&copy; {company.name}"}


def fact_snippets(company: Company) -> dict[str, str]:
    """One snippet per company fact an article needs; undecided facts name nothing."""
    def line(text: str | None) -> str:
        return text + "\n" if text else ""

    when = _text(company, "processing_time")
    where = _text(company, "customer_number_location")
    panel = _text(company, "control_panel_url")
    domain = _text(company, "domain_contacts_instructions_url")
    steps = company.fact("authorized_request_steps") or ()
    return {
        "feit-verwerkingstijd.md": line(when and f"Meestal is de wijziging binnen {when} klaar."),
        "feit-klantnummer.md": line(
            f"Uw klantnummer vindt u {where}." if where
            else "Weet u uw klantnummer niet? Vraag het de klantenservice."),
        "feit-controlepaneel.md": line(panel and f"U logt in op het controlepaneel via <{panel}>."),
        "feit-domeinnaam.md": line(
            f"Hoe u ze wijzigt, leest u in het artikel [Contactgegevens wijzigen bij "
            f"domeinregistratie]({domain})." if domain
            else "Wilt u de contactgegevens van een domeinnaam wijzigen? Vraag de klantenservice "
                 "hoe dat gaat."),
        "feit-geautoriseerde-aanvraag.md": (
            "".join(f"{i}. {s}\n" for i, s in enumerate(steps, start=1)) if steps
            else "Vraag de klantenservice hoe u een geautoriseerde aanvraag doet.\n"),
    }


def _text(company: Company, name: str) -> str | None:
    value = company.fact(name)
    return value if isinstance(value, str) else None


def _fields_snippet(form: FormDefinition) -> str:
    lines = ["Deze velden zijn verplicht (op het formulier staat er een * bij):", ""]
    lines += [f"- {f.label}" for f in form.required_fields]
    for group in form.groups.values():
        lines += ["", f"{group.rule} Het gaat om deze velden:", ""]
        lines += [f"- {form.field(fid).label}" for fid in group.field_ids]
    return "\n".join(lines) + "\n"
