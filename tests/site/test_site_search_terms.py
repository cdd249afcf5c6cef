"""De onzichtbare zoekwoorden (formgen/site/search.py): samenstellingen, synoniemen, fouten."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from formgen.errors import SiteBuildError
from formgen.site.compounds import compound_terms
from formgen.site.search import load_synonyms, read_page, search_terms, tokens

REPO = Path(__file__).resolve().parents[2]
SYNONYMS = REPO / "site_config" / "synoniemen.yaml"

PAGE = """<html><head><title>x</title></head><body><nav>Menu betaalgegevens</nav>
<div data-pagefind-body><h1>Contact- en betaalgegevens wijzigen</h1>
<p>Uw klantenkaart en het e-mailadres. Uw identiteitsbewijs sturen.</p>
<aside data-pagefind-ignore>Vraag het de klantenservice.</aside></div></body></html>"""


def test_compounds_split_into_real_parts() -> None:
    syn = load_synonyms(SYNONYMS)
    parts = compound_terms(["klantenkaart", "betalingsverzoek", "identiteitsbewijs", "versturen",
                            "verplaatsen", "diensten", "kaart"], syn.not_parts)
    assert {"klant", "kaart", "klantkaart"} <= parts["klantenkaart"]
    assert {"betaling", "verzoek"} <= parts["betalingsverzoek"]
    assert {"identiteit", "bewijs", "identiteitbewijs"} <= parts["identiteitsbewijs"]
    # geen echte delen: werkwoorden met een voorvoegsel, en woorden uit 'geen_woorddeel'
    assert "versturen" not in parts and "verplaatsen" not in parts and "diensten" not in parts
    assert "kaart" not in parts  # te kort om te splitsen


def test_terms_come_from_indexed_text_and_headings_only() -> None:
    text = read_page(PAGE)
    assert text is not None
    assert "klantenservice" not in tokens(" ".join(text.body)), "data-pagefind-ignore telt mee"
    assert "menu" not in tokens(" ".join(text.body)), "tekst buiten data-pagefind-body telt mee"
    syn = load_synonyms(SYNONYMS)
    words = tokens(" ".join(text.body))
    strong, weak = search_terms(text, syn, compound_terms(words, syn.not_parts))
    # 'Contact- en betaalgegevens' in de titel: contactgegevens en betaalgegevens, met synoniemen
    assert {"contactgegevens", "verhuisd", "bankrekening", "aanpassen"} <= strong
    # woorden uit de lopende tekst: alleen delen en vormen zonder koppelteken, licht
    assert {"kaart", "klantkaart", "emailadres", "identiteitbewijs"} <= weak
    assert "legitimatie" not in strong | weak, "synoniem van een woord dat alleen in de tekst staat"
    assert read_page("<html><body><p>geen index</p></body></html>") is None


def test_every_synonym_belongs_to_an_article(built_site) -> None:
    """Een synoniem hoort bij een woord dat in een titel of tussenkop van de site staat."""
    syn = load_synonyms(SYNONYMS)
    headings = []
    for page in built_site.root.rglob("index.html"):
        text = read_page(page.read_text(encoding="utf-8"))
        if text:
            headings.append(" ".join(tokens(" ".join(text.headings))))
    joined = " | ".join(headings)
    unused = [t for t in syn.terms if " ".join(tokens(t)) not in joined]
    assert not unused, f"synoniemen bij woorden die in geen titel of kop staan: {unused}"
    assert len(syn.terms) <= 40


@pytest.mark.parametrize(("text", "message"), [
    ("synoniemen: []\n", "'synoniemen' ontbreekt of is leeg"),
    ("synoniemen:\n  factuur: nota\n", "synoniemen.factuur: verwacht een lijst met woorden"),
    ("synoniemen: [\n", "geen geldige YAML"),
])
def test_bad_synonym_list_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "synoniemen.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SiteBuildError) as info:
        load_synonyms(path)
    assert info.value.line() == f"{path}: {message}"


def test_cli_index_of_a_missing_site_is_one_line(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "formgen", "site", "index", str(tmp_path / "nee")],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("map met de gebouwde site bestaat niet")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
