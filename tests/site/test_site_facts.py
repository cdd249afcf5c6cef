"""Wat alleen het bedrijf kan beslissen, staat als benoemd feit in company.yaml, of nergens.

Een feit dat niet is ingevuld, levert een leeg stukje of een neutrale zin op; een ingevuld feit
staat op de site precies zoals het bedrijf het schreef. Geen artikel noemt zelf een termijn,
een aantal tekens of een bedrag.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from formgen.definition import load_company
from formgen.errors import DefinitionError
from formgen.resources import default_config_dir
from formgen.site import prepare_site

REPO = Path(__file__).resolve().parents[2]
# Een getal met een eenheid van tijd, lengte of geld: zo'n cijfer moet een benoemd feit zijn.
FIGURE = re.compile(r"\b\d+\s*(uur|minuut|minuten|dag|dagen|werkdag|werkdagen|week|weken|"
                    r"maand|maanden|tekens|karakters|euro|procent|%)", re.I)


def _config(tmp_path: Path, facts: dict) -> Path:
    cfg = tmp_path / "config"
    shutil.copytree(default_config_dir(), cfg)
    company = yaml.safe_load((cfg / "company.yaml").read_text(encoding="utf-8"))
    company["facts"] = facts
    (cfg / "company.yaml").write_text(yaml.safe_dump(company, allow_unicode=True),
                                      encoding="utf-8")
    return cfg


def _snippets(tmp_path: Path, cfg: Path | None) -> dict[str, str]:
    gen = tmp_path / "generated"
    prepare_site(tmp_path / "docs", gen, cfg)
    return {p.name: p.read_text(encoding="utf-8") for p in gen.glob("feit-*.md")}


def test_no_article_names_an_undecided_figure() -> None:
    hits = []
    for md in sorted((REPO / "docs").rglob("*.md")):
        for n, line in enumerate(md.read_text(encoding="utf-8").splitlines(), start=1):
            if FIGURE.search(line):
                hits.append(f"{md.relative_to(REPO)}:{n}: {line.strip()}")
    assert not hits, "termijnen of aantallen horen als feit in company.yaml:\n" + "\n".join(hits)
    assert FIGURE.search("De link werkt 1 uur.") and FIGURE.search("minstens 12 tekens")


def test_shipped_company_file_decides_nothing_yet(tmp_path: Path) -> None:
    assert load_company().facts == {}
    snippets = _snippets(tmp_path, None)
    assert snippets["feit-verwerkingstijd.md"] == ""
    assert snippets["feit-controlepaneel.md"] == ""
    assert snippets["feit-klantnummer.md"].startswith("Weet u uw klantnummer niet?")
    assert "Vraag de klantenservice" in snippets["feit-domeinnaam.md"]


def test_decided_facts_reach_the_articles(tmp_path: Path) -> None:
    cfg = _config(tmp_path, {
        "processing_time": "5 werkdagen",
        "customer_number_location": "rechtsboven op elke factuur",
        "control_panel_url": "https://paneel.voorbeeld.nl/",
        "domain_contacts_instructions_url": "https://voorbeeld.nl/domein",
        "authorized_request_steps": ["Log in.", "Kies Aanvraag."],
    })
    snippets = _snippets(tmp_path, cfg)
    assert snippets["feit-verwerkingstijd.md"] == (
        "Meestal is de wijziging binnen 5 werkdagen klaar.\n")
    assert snippets["feit-klantnummer.md"] == (
        "Uw klantnummer vindt u rechtsboven op elke factuur.\n")
    assert "<https://paneel.voorbeeld.nl/>" in snippets["feit-controlepaneel.md"]
    assert "(https://voorbeeld.nl/domein)" in snippets["feit-domeinnaam.md"]
    assert snippets["feit-geautoriseerde-aanvraag.md"] == "1. Log in.\n2. Kies Aanvraag.\n"


def test_every_fact_snippet_is_used_by_an_article(tmp_path: Path) -> None:
    used = " ".join(p.read_text(encoding="utf-8") for p in (REPO / "docs").rglob("*.md"))
    for name in _snippets(tmp_path, None):
        assert f'--8<-- "{name}"' in used, f"{name} staat in geen artikel"


@pytest.mark.parametrize(("facts", "message"), [
    ({"verwerktijd": "2 dagen"}, "onbekend feit 'verwerktijd'"),
    ({"authorized_request_steps": "Log in."}, "verwacht een lijst met tekst"),
    ({"processing_time": 3}, "verwacht tekst"),
])
def test_bad_fact_is_one_line(tmp_path: Path, facts: dict, message: str) -> None:
    cfg = _config(tmp_path, facts)
    with pytest.raises(DefinitionError) as info:
        load_company(cfg)
    assert message in info.value.line() and "company.yaml" in info.value.line()
    assert "\n" not in info.value.line()
