"""De gebouwde site: strikte build, interne links en ankers, datum, klantenservice, 404."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from formgen.resources import default_config_dir

REPO = Path(__file__).resolve().parents[2]

SITE_URL = "https://help.wijzigingsloket.nl/"
DOCS = REPO / "docs"
# Artikelen: alle Markdown-bestanden behalve de zoekpagina.
ARTICLES = sorted(p for p in DOCS.rglob("*.md") if p.name != "zoeken.md")
REQUIRED_ARTICLES = [
    "index.md",
    "klantenkaart/contactgegevens-wijzigen.md",
    "domeinnaam/contactgegevens-domeinnaam-wijzigen.md",
    "controlepaneel/nieuw-wachtwoord.md",
    "klantenservice/geautoriseerde-aanvraag.md",
    "klantenkaart/nieuwe-klantenkaart.md",
    "facturen/facturen-en-betalingsverzoeken.md",
    "klantenkaart/wijzigingsformulier.md",
]


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v for k, v in attrs if v is not None}
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for attr in ("href", "src", "action"):
            if attr in a and tag in ("a", "link", "script", "img", "form", "iframe", "source"):
                self.refs.append((tag, a[attr]))


def _parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def _page_url(rel: str) -> str:
    # 404.html wordt op elk adres geserveerd; zijn links zijn absoluut (vanaf site_url).
    return urljoin(SITE_URL, rel)


def _target_file(root: Path, url_path: str) -> Path:
    rel = unquote(url_path.removeprefix(urlsplit(SITE_URL).path))
    p = root / rel
    if rel == "" or rel.endswith("/"):
        p = p / "index.html"
    return p


def test_strict_build_has_no_warnings(built_site) -> None:
    bad = [ln for ln in built_site.build_log.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", ln)]
    assert not bad, "mkdocs build --strict meldt:\n" + "\n".join(bad)


def test_all_articles_exist_and_are_built(built_site) -> None:
    for rel in REQUIRED_ARTICLES:
        assert (DOCS / rel).is_file(), f"artikel ontbreekt: docs/{rel}"
        html = rel.removesuffix(".md")
        html = "index.html" if html == "index" else f"{html}/index.html"
        assert (built_site.root / html).is_file(), f"niet gebouwd: {html}"


def test_company_articles_exist() -> None:
    company = yaml.safe_load((default_config_dir() / "company.yaml").read_text(encoding="utf-8"))
    for key, url in company["articles"].items():
        md = DOCS / (url.rstrip("/") + ".md")
        assert md.is_file(), f"company.yaml articles.{key} = {url}: {md} bestaat niet"


def test_mkdocs_company_matches_company_yaml() -> None:
    company = yaml.safe_load((default_config_dir() / "company.yaml").read_text(encoding="utf-8"))
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    # mkdocs.yml heeft !!python/name-tags niet nodig; gewone yaml volstaat.
    cfg = yaml.safe_load(text)
    assert cfg["site_url"] == company["help_center_url"]
    assert "company" not in (cfg.get("extra") or {}), "bedrijfsgegevens alleen in company.yaml"
    assert cfg["theme"]["language"] == "nl"
    assert cfg["theme"]["font"] is False


def test_internal_links_and_anchors_exist(built_site) -> None:
    root = built_site.root
    parsed = {rel: _parse(root / rel) for rel in built_site.pages()}
    ids_cache: dict[Path, set[str]] = {}
    problems: list[str] = []
    checked = 0
    for rel, c in parsed.items():
        base = _page_url(rel)
        for tag, ref in c.refs:
            if ref.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            absolute = urljoin(base, ref)
            parts = urlsplit(absolute)
            if f"{parts.scheme}://{parts.netloc}/" != SITE_URL:
                continue  # extern adres: geen request bij het laden, hier niet gecontroleerd
            target = _target_file(root, parts.path)
            checked += 1
            if not target.is_file():
                problems.append(f"{rel}: <{tag}> {ref} -> {target.relative_to(root)} bestaat niet")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = _parse(target).ids
                if unquote(parts.fragment) not in ids_cache[target]:
                    problems.append(f"{rel}: <{tag}> {ref} -> anker #{parts.fragment} ontbreekt")
    assert checked > 50, f"te weinig links gecontroleerd ({checked}); klopt de parser nog?"
    assert not problems, "\n".join(problems)


def test_every_page_is_dutch(built_site) -> None:
    for rel in built_site.pages():
        assert _parse(built_site.root / rel).html_lang == "nl", f"{rel}: <html lang> is niet nl"


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_article_has_date_and_klantenservice(built_site, article: Path) -> None:
    front = article.read_text(encoding="utf-8").split("---")[1]
    meta = yaml.safe_load(front)
    assert "date" in meta, f"{article}: front matter zonder 'date:'"
    rel = article.relative_to(DOCS).with_suffix("").as_posix()
    html_path = built_site.root / ("index.html" if rel == "index" else f"{rel}/index.html")
    html = html_path.read_text(encoding="utf-8")
    iso = str(meta["date"])[:10]
    assert f'<time datetime="{iso}">' in html, f"{rel}: datum {iso} staat niet op de pagina"
    assert "Laatst bijgewerkt" in html
    assert 'class="wl-klantenservice"' in html, f"{rel}: geen klantenservicevak"
    assert "klantenservice/geautoriseerde-aanvraag/" in html
    assert "klantenservice@wijzigingsloket.nl" in html


def test_404_page_is_dutch(built_site) -> None:
    html = (built_site.root / "404.html").read_text(encoding="utf-8")
    assert "Pagina niet gevonden" in html
    assert "Not found" not in html


def test_no_english_ui_strings(built_site) -> None:
    html = (built_site.root / "klantenkaart/contactgegevens-wijzigen/index.html").read_text(
        encoding="utf-8"
    )
    for english in ('aria-label="Footer"', 'aria-label="Header"', "Permanent link", "Made with"):
        assert english not in html, f"Engelse tekst in de interface: {english}"


def test_form_pdf_and_snippets_in_site(built_site) -> None:
    pdf = built_site.root / "downloads" / "wijzigingsformulier.pdf"
    assert pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF")
    html = (built_site.root / "klantenkaart/wijzigingsformulier/index.html").read_text(
        encoding="utf-8"
    )
    assert "--8&lt;--" not in html and "--8<--" not in html, "snippet niet ingevoegd"
    assert 'href="../../downloads/wijzigingsformulier.pdf"' in html


def test_search_index_built(built_site) -> None:
    assert (built_site.root / "pagefind" / "pagefind-ui.js").is_file()
    assert not (built_site.root / "search" / "search_index.json").exists(), (
        "de lunr-zoekplug-in van Material staat aan; de site zoekt met Pagefind"
    )
