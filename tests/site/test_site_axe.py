"""Toegankelijkheid: axe-core op elke pagina, bij 1280 en 375 px. Geen 'serious' of 'critical'."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"1280": {"width": 1280, "height": 900}, "375": {"width": 375, "height": 740}}

pytestmark = pytest.mark.skipif(
    not AXE_JS.is_file(),
    reason=f"{AXE_JS.relative_to(REPO)} ontbreekt: draai 'npm install --no-save axe-core' "
    "in de root van de repo",
)


def _pages(built_site) -> list[str]:
    pages = []
    for rel in built_site.pages():
        if rel == "index.html":
            pages.append("")
        elif rel.endswith("/index.html"):
            pages.append(rel.removesuffix("index.html"))
        else:
            pages.append(rel)  # 404.html
    return pages


def _format(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(n["target"]) for n in v["nodes"][:5]]
        lines.append(f"  {v['impact']}: {v['id']} ({v['help']}) op {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_no_serious_axe_violations(browser, built_site, site_url, width) -> None:
    ctx = browser.new_context(viewport=VIEWPORTS[width], locale="nl-NL")
    axe = AXE_JS.read_text(encoding="utf-8")
    failures = []
    checked = 0
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(15_000)
        for path in _pages(built_site):
            url = site_url + (path + "?q=factuur" if path == "zoeken/" else path)
            pg.goto(url, wait_until="load")
            if path == "zoeken/":  # met zoekresultaten, zoals een lezer de pagina ziet
                pg.wait_for_selector(".pagefind-ui__result-link")
            pg.add_script_tag(content=axe)
            result = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
            checked += 1
            if bad:
                failures.append(f"/{path} bij {width} px:\n{_format(bad)}")
    finally:
        ctx.close()
    assert checked >= 9, f"maar {checked} pagina's gecontroleerd"
    assert not failures, "axe-core vindt ernstige problemen:\n" + "\n".join(failures)
