"""Nederlandse spelling van elk artikel, met hunspell (nl_NL) en de projectwoordenlijst.

Gecontroleerd wordt de lopende tekst: front matter, code, links-adressen, URL's, e-mailadressen,
HTML-tags, snippet-regels en attribuutlijsten gaan er eerst uit. Ook de Nederlandse teksten in de
thema-overrides (klantenservicevak, 404) worden gecontroleerd.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from spelling import WORDLIST, unknown_words

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
ARTICLES = sorted(DOCS.rglob("*.md"))
TEMPLATES = [
    REPO / "overrides" / "partials" / "klantenservice.html",
    REPO / "overrides" / "404.html",
]


def strip_markdown(text: str) -> str:
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
    text = re.sub(r"^(```|~~~).*?^\1\s*$", " ", text, flags=re.S | re.M)  # codeblokken
    text = re.sub(r"`[^`\n]*`", " ", text)  # inline code
    text = re.sub(r"^\s*--8<--.*$", " ", text, flags=re.M)  # snippets
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # linkadressen
    text = re.sub(r"\{[:.#][^}]*\}|\{ [.#][^}]*\}", " ", text)  # attribuutlijsten
    text = re.sub(r"<[^>]+>", " ", text)  # HTML-tags (met attributen)
    text = re.sub(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b", " ", text)  # e-mailadressen
    text = re.sub(r"\bhttps?://\S+", " ", text)  # URL's
    text = re.sub(r"^!!!\s+\w+", " ", text, flags=re.M)  # admonitiontype (titel blijft)
    return text


def strip_template(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"&[a-z]+;", " ", text)
    return text


def test_hunspell_catches_a_misspelling() -> None:
    """De controle zelf moet kunnen falen: een fout woord wordt gevonden, een goed niet."""
    assert unknown_words("De klantenkaart wordt gewijzigt.") == ["gewijzigt"]
    assert unknown_words("Het controlepaneel en de klantenservice.") == []


@pytest.mark.parametrize("path", ARTICLES + TEMPLATES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_spelling(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    text = strip_markdown(raw) if path.suffix == ".md" else strip_template(raw)
    bad = unknown_words(text)
    assert not bad, (
        f"{path.relative_to(REPO)}: onbekende woorden {bad}. Verbeter de spelling, of zet een "
        f"productwoord in {WORDLIST.relative_to(REPO)}."
    )


def test_spelling_generated_snippets(built_site) -> None:
    """De stukjes die formgen.site.prepare_site in generated/ schrijft, staan ook op de site."""
    snippets = sorted((REPO / "generated").glob("*.md"))
    assert snippets, "generated/ is leeg na de build"
    problems = []
    for path in snippets:
        bad = unknown_words(strip_markdown(path.read_text(encoding="utf-8")))
        if bad:
            problems.append(f"{path.relative_to(REPO)}: onbekende woorden {bad}")
    assert not problems, "\n".join(problems)
