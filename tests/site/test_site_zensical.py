"""Zensical bouwt na `formgen site prepare` dezelfde site als MkDocs, zonder hook.

Zensical (opvolger van Material for MkDocs) leest mkdocs.yml, maar voert geen hooks uit: de
bedrijfsgegevens komen via INHERIT uit generated/site-config.yml, de datum wordt in het thema
uit de ISO-vorm geschreven. Vergeleken met de MkDocs-build: de lijst met pagina's, de link naar
het formulier (en de pdf zelf), per artikel de titel, de datum, het klantenservicevak en de
ingevoegde stukjes; daarna werkt de zoekindex ook op de uitvoer van Zensical.
"""

from __future__ import annotations

import html
import io
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from pypdf import PdfReader

REPO = Path(__file__).resolve().parents[2]
ARTICLES = sorted(p.relative_to(REPO / "docs").with_suffix("").as_posix()
                  for p in (REPO / "docs").rglob("*.md"))
FORM = "klantenkaart/wijzigingsformulier/index.html"


def _html(root: Path, article: str) -> str:
    rel = "index.html" if article == "index" else f"{article}/index.html"
    return (root / rel).read_text(encoding="utf-8")


def _one(pattern: str, page: str) -> str:
    m = re.search(pattern, page, flags=re.S)
    assert m, f"niet gevonden: {pattern}"
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))).strip()


def test_zensical_version_is_pinned() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pinned = re.search(r'"zensical==([\d.]+)"', pyproject)
    assert pinned, "zensical staat niet vastgepind in pyproject.toml"
    assert version("zensical") == pinned.group(1)


def test_same_pages_as_mkdocs(built_site, zensical_site) -> None:
    assert zensical_site.pages() == built_site.pages()
    assert len(built_site.pages()) >= len(ARTICLES) + 1  # plus 404.html


def test_same_form_link_and_pdf(built_site, zensical_site) -> None:
    link = re.compile(r'href="([^"]*wijzigingsformulier\.pdf)"')
    mk, zs = _html(built_site.root, FORM.removesuffix("/index.html")), \
        _html(zensical_site.root, FORM.removesuffix("/index.html"))
    assert link.findall(mk) and link.findall(zs) == link.findall(mk)
    pdf = "downloads/wijzigingsformulier.pdf"
    forms = [PdfReader(io.BytesIO((site.root / pdf).read_bytes())) for site in (built_site,
                                                                                 zensical_site)]
    assert [len(f.pages) for f in forms][0] == [len(f.pages) for f in forms][1] > 0
    assert sorted(forms[0].get_fields() or {}) == sorted(forms[1].get_fields() or {}) != []
    download = r'(<a href="[^"]*wijzigingsformulier\.pdf">.*?</p>)'
    assert _one(download, zs) == _one(download, mk)
    assert "versie" in _one(download, zs)


@pytest.mark.parametrize("article", ARTICLES)
def test_article_same_as_mkdocs(built_site, zensical_site, article: str) -> None:
    mk, zs = _html(built_site.root, article), _html(zensical_site.root, article)
    assert _one(r"<h1[^>]*>(.*?)</h1>", zs) == _one(r"<h1[^>]*>(.*?)</h1>", mk)
    if article != "zoeken":
        time = r'(<time datetime="\d{4}-\d\d-\d\d">[^<]*</time>)'
        assert re.findall(time, zs) == re.findall(time, mk) != []
        assert re.search(r"\d+ (januari|februari|maart|april|mei|juni|juli|augustus|september|"
                         r"oktober|november|december) \d{4}</time>", zs)
        box = r'(<aside class="wl-klantenservice".*?</aside>)'
        assert _one(box, zs) == _one(box, mk)
        assert "klantenservice@wijzigingsloket.nl" in _one(box, zs)
    assert "--8&lt;--" not in zs and "--8<--" not in zs, "snippet niet ingevoegd"
    for snippet in re.findall(r'--8<-- "([^"]+)"',
                              (REPO / "docs" / f"{article}.md").read_text(encoding="utf-8")):
        first = (REPO / "generated" / snippet).read_text(encoding="utf-8").split("\n")[0]
        words = re.sub(r"\[|\]\([^)]*\)|<|>|^\d+\. |^- ", "", first).split()[:4]
        if words:
            assert " ".join(words) in re.sub(r"<[^>]+>", "", zs), f"{snippet} ontbreekt"


def test_404_and_footer_same_as_mkdocs(built_site, zensical_site) -> None:
    mk = (built_site.root / "404.html").read_text(encoding="utf-8")
    zs = (zensical_site.root / "404.html").read_text(encoding="utf-8")
    assert "Pagina niet gevonden" in zs and 'class="wl-klantenservice"' in zs
    footer = r'<div class="md-copyright__highlight">(.*?)</div>'
    assert _one(footer, zs) == _one(footer, mk) == "© Wijzigingsloket Hosting B.V."


def test_search_index_on_zensical_output(built_site, zensical_site) -> None:
    assert (zensical_site.root / "pagefind" / "pagefind-ui.js").is_file()
    fragments = list((zensical_site.root / "pagefind" / "fragment").iterdir())
    assert len(fragments) == len(list((built_site.root / "pagefind" / "fragment").iterdir()))
