"""The help center's search index: Pagefind, plus the Dutch words customers type.

Runs after any site generator (MkDocs, Zensical): it reads the built HTML and gives each article
extra search terms that readers never see:

- synonyms from a small reviewed list (site_config/synoniemen.yaml), attached to an article when
  the site's own term stands in its title or a heading ("bankrekening" -> "betaalgegevens");
- the parts of its compound words, split with hunspell-nl ("kaart" -> "klantenkaart"), and
  contracted forms written out ("contact- en betaalgegevens" -> "contactgegevens");
- hyphenated words also without the hyphen ("e-mailadres" -> "emailadres").

The terms go into a `<meta data-pagefind-meta="zoekwoorden[content]">` tag in the copy of the
page handed to Pagefind's Python API only; the files on disk do not change. Pagefind searches
metadata like text (stemmed, accents folded) but shows only the page's own text in a result, so
neither readers nor screen readers meet these words. The site's word list
(pagefind/wl-woorden.json) lets the search page forgive one typo (overrides/assets/javascripts/
zoeken.js): Pagefind itself has no fuzzy matching.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import yaml

from formgen.atomic import write_atomic
from formgen.errors import SiteBuildError
from formgen.site.compounds import compound_terms

INDEX_DIR = "pagefind"
WORD_LIST = "wl-woorden.json"
STRONG_KEY, WEAK_KEY = "zoekwoorden", "woorddelen"  # metadata fields; weights in zoeken.js
DESCRIPTION_KEY = "beschrijving"  # shown by zoeken.js when only a hidden term matched
_DESCRIPTION = re.compile(r'<meta\s+name="description"\s+content="([^"]*)"')
EXCLUDE_SELECTORS = [".headerlink"]  # the ¶ next to each heading
MAX_SYNONYMS = 60  # the list stays small enough to review

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*-?")
_SKIP = frozenset({"script", "style", "template", "noscript"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_HEADINGS = frozenset({"h1", "h2", "h3"})


@dataclass(frozen=True)
class Synonyms:
    terms: dict[str, tuple[str, ...]]  # site term -> customer words
    not_parts: frozenset[str] = frozenset()


@dataclass
class PageText:
    """The text Pagefind indexes: inside data-pagefind-body, minus data-pagefind-ignore."""

    body: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IndexedSite:
    pages: dict[str, tuple[str, ...]]  # page path -> its hidden search terms
    words: int  # entries in the word list for typo tolerance
    missing: str | None = None  # why compounds were not split (no hunspell), else None


def tokens(text: str) -> list[str]:
    """Lower-case words; a trailing hyphen marks a contraction ("contact- en ...")."""
    return [w.lower() for w in _WORD.findall(text)]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool, bool]] = []  # tag, indexed, ignored, heading
        self.indexed = False
        self.text = PageText()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        a = dict(attrs)
        up = self.stack[-1] if self.stack else ("", False, False, False)
        body = "data-pagefind-body" in a
        self.indexed |= body
        ignored = (up[2] or "data-pagefind-ignore" in a or tag in _SKIP
                   or "headerlink" in (a.get("class") or "").split())
        self.stack.append((tag, up[1] or body, ignored, up[3] or tag in _HEADINGS))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][1] and not self.stack[-1][2]:
            self.text.body.append(data)
            if self.stack[-1][3]:
                self.text.headings.append(data)


def read_page(page_html: str) -> PageText | None:
    """The indexed text of a page, or None if the page is not indexed (no data-pagefind-body)."""
    reader = _Reader()
    reader.feed(page_html)
    return reader.text if reader.indexed else None


def load_synonyms(path: Path) -> Synonyms:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise SiteBuildError("synoniemenlijst niet gevonden", source=str(path)) from None
    except yaml.YAMLError:
        raise SiteBuildError("geen geldige YAML", source=str(path)) from None
    terms = data.get("synoniemen") if isinstance(data, dict) else None
    if not isinstance(terms, dict) or not terms:
        raise SiteBuildError("'synoniemen' ontbreekt of is leeg", source=str(path))
    out: dict[str, tuple[str, ...]] = {}
    for term, words in terms.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise SiteBuildError(f"synoniemen.{term}: verwacht een lijst met woorden",
                                 source=str(path))
        out[str(term)] = tuple(words)
    if len(out) > MAX_SYNONYMS:
        raise SiteBuildError(f"{len(out)} synoniemen; houd de lijst klein (hooguit {MAX_SYNONYMS})",
                             source=str(path))
    not_parts = data.get("geen_woorddeel") or []
    return Synonyms(out, frozenset(str(w).lower() for w in not_parts))


def _words(toks: list[str]) -> set[str]:
    """The words as written, and the parts of hyphenated words."""
    out: set[str] = set()
    for tok in toks:
        bare = tok.rstrip("-")
        out.add(bare)
        out.update(p for p in bare.split("-") if p)
    return out


def _contractions(toks: list[str], compounds: dict[str, set[str]]) -> set[str]:
    """Contracted words written out: "contact- en betaalgegevens" also gives contactgegevens."""
    out: set[str] = set()
    for i, tok in enumerate(toks[:-2]):
        if tok.endswith("-") and toks[i + 1] in ("en", "of"):
            whole = toks[i + 2]
            out.update(tok.rstrip("-") + part for part in compounds.get(whole, ())
                       if whole.endswith(part) and part != whole)
    return out


def _has(term: str, toks: list[str], words: set[str]) -> bool:
    want = tokens(term)
    if len(want) == 1:
        return want[0] in words
    return any(toks[i:i + len(want)] == want for i in range(len(toks) - len(want) + 1))


def _parts(words: set[str], compounds: dict[str, set[str]]) -> set[str]:
    terms: set[str] = set()
    for word in words:
        terms.update(compounds.get(word, ()))
        if "-" in word:
            terms.add(word.replace("-", ""))
    return terms


def search_terms(text: PageText, synonyms: Synonyms,
                 compounds: dict[str, set[str]]) -> tuple[set[str], set[str]]:
    """The hidden terms of one page: (strong, weak).

    Strong: synonyms of words in the title and headings, and the parts of those words. Weak:
    parts of the other words. The search page weighs them apart (zoeken.js, metaWeights), so an
    article about a word ranks above one that only mentions it.
    """
    body, heads = tokens(" ".join(text.body)), tokens(" ".join(text.headings))
    head_made, body_made = _contractions(heads, compounds), _contractions(body, compounds)
    words = _words(body) | body_made
    head_words = _words(heads) | head_made
    strong = _parts(head_words, compounds) | head_made
    for term, customer_words in synonyms.terms.items():
        if _has(term, heads, head_words):
            for phrase in customer_words:
                strong.update(t.rstrip("-") for t in tokens(phrase))
                strong.add(phrase.lower().replace("-", "").replace(" ", ""))
    weak = (_parts(words, compounds) | body_made) - strong
    return strong, weak


def _pages(site: Path) -> dict[str, tuple[str, PageText]]:
    pages = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.split("/", 1)[0] in (INDEX_DIR, "assets"):
            continue
        page_html = path.read_text(encoding="utf-8")
        text = read_page(page_html)
        if text is not None:
            pages[rel] = (page_html, text)
    return pages


def _with_terms(page_html: str, terms: tuple[set[str], set[str]]) -> str:
    tag = "".join(f'<meta data-pagefind-meta="{key}[content]" '
                  f'content="{html.escape(" ".join(sorted(words)))}">'
                  for key, words in zip((STRONG_KEY, WEAK_KEY), terms, strict=True))
    description = _DESCRIPTION.search(page_html)
    if description:  # already escaped in the page
        tag += f'<meta data-pagefind-meta="{DESCRIPTION_KEY}[content]" content="{description[1]}">'

    head_end = page_html.find("</head>")
    if head_end < 0:
        return tag + page_html
    return page_html[:head_end] + tag + page_html[head_end:]


async def _write_index(site: Path,
                       pages: dict[str, tuple[str, tuple[set[str], set[str]]]]) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(output_path=str(site / INDEX_DIR), exclude_selectors=EXCLUDE_SELECTORS)
    async with PagefindIndex(config=config) as index:
        for rel, (page_html, terms) in pages.items():
            await index.add_html_file(content=_with_terms(page_html, terms), source_path=rel)


def index_site(site: Path, synonyms_file: Path) -> IndexedSite:
    """Write site/pagefind/ (the Pagefind bundle and index) and the site's word list."""
    if not site.is_dir():
        raise SiteBuildError("map met de gebouwde site bestaat niet", source=str(site))
    synonyms = load_synonyms(synonyms_file)
    pages = _pages(site)
    if not pages:
        raise SiteBuildError("geen pagina met 'data-pagefind-body'; is de site gebouwd?",
                             source=str(site))
    every = {p for _, text in pages.values() for t in tokens(" ".join(text.body))
             for p in t.rstrip("-").split("-") if p}
    missing = None
    try:
        compounds = compound_terms(every, synonyms.not_parts)
    except SiteBuildError as exc:  # no hunspell: search still works, without compound parts
        compounds, missing = {}, exc.line()
    augmented = {rel: (page_html, search_terms(text, synonyms, compounds))
                 for rel, (page_html, text) in pages.items()}
    try:
        asyncio.run(_write_index(site, augmented))
    except (OSError, RuntimeError) as exc:  # the pagefind binary is missing or fails
        raise SiteBuildError(f"Pagefind kon de index niet maken: {exc}", source=str(site)) \
            from None
    vocabulary: set[str] = set(every)
    for _, (strong, weak) in augmented.values():
        vocabulary |= strong | weak
    write_atomic(site / INDEX_DIR / WORD_LIST,
                 json.dumps(sorted(vocabulary), ensure_ascii=False).encode("utf-8"))
    return IndexedSite({rel: tuple(sorted(s | w)) for rel, (_, (s, w)) in augmented.items()},
                       len(vocabulary), missing)
