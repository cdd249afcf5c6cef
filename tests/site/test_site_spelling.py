"""Nederlandse spelling van elk artikel, met hunspell (nl_NL) en de projectwoordenlijst.

Gecontroleerd wordt de lopende tekst: front matter, code, links-adressen, URL's, e-mailadressen,
HTML-tags, snippet-regels en attribuutlijsten gaan er eerst uit. Ook de Nederlandse teksten in de
thema-overrides (klantenservicevak, 404) worden gecontroleerd.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
WORDLIST = Path(__file__).with_name("woordenlijst.txt")
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


def tokens(text: str) -> list[str]:
    """Woorden zoals een lezer ze ziet. Zelf splitsen: hunspell-nl rekent een punt aan het eind
    tot het woord ('SIDN.'), en 'contact- en betaalgegevens' geeft 'contact-'."""
    out = []
    for tok in re.findall(r"[^\W\d_][\w'’.\-]*", text):
        if not re.search(r"\w\.\w", tok):  # afkortingen als B.V. houden hun punten
            tok = tok.rstrip(".")
        tok = tok.rstrip("-")
        if tok:
            out.append(tok)
    return out


def unknown_words(text: str) -> list[str]:
    hunspell = shutil.which("hunspell")
    if hunspell is None:
        pytest.fail("hunspell ontbreekt (apt-get install hunspell hunspell-nl)", pytrace=False)
    proc = subprocess.run(
        [hunspell, "-d", "nl_NL", "-p", str(WORDLIST), "-i", "utf-8", "-l"],
        input="\n".join(tokens(text)) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if proc.returncode != 0 or "Can't open" in proc.stderr:
        pytest.fail(f"hunspell -d nl_NL werkt niet: {proc.stderr.strip()}", pytrace=False)
    return sorted(set(proc.stdout.split()))


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
