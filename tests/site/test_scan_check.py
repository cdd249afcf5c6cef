"""De scancontrole op de formulierpagina, in headless Chromium door de pagina zelf.

De invoer is echt: een ingevuld, ondertekend formulier van twee pagina's, gescand als pdf (de
corpusgenerator van de validator, tests/corpus/submissions.py), met een foto van een
identiteitsbewijs; en hetzelfde formulier zonder handtekening. De test kijkt wat de pagina
zegt en dat de browser intussen alleen de eigen bestanden van de site ophaalt.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from corpus import submissions

FORM_PAGE = "klantenkaart/wijzigingsformulier/"
MOBILE = {"width": 375, "height": 740}
# klaar or fout: the check has finished (a CSP without 'unsafe-eval' allows a function here)
DONE = "() => ['klaar', 'fout'].includes(document.querySelector('[data-controle]').dataset.state)"


def _case(tmp: Path, key: bytes, seed: int, **kwargs: object) -> list[Path]:
    ctx = submissions.Ctx(tmp / f"zaak{seed}", key, np.random.default_rng(seed))
    path, _, _ = submissions.scanned_case(ctx, how="folder", **kwargs)  # type: ignore[arg-type]
    return sorted(path.iterdir())


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory, key: bytes) -> list[Path]:
    return _case(tmp_path_factory.mktemp("getekend"), key, 11, prefilled=True, dpi=200)


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory, key: bytes) -> list[Path]:
    return _case(tmp_path_factory.mktemp("ongetekend"), key, 12, prefilled=True, dpi=200,
                 signature="no")


@pytest.fixture()
def form_page(browser, site_url):
    contexts = []

    def open_page(viewport=None):
        ctx = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                  locale="nl-NL")
        contexts.append(ctx)
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))
        pg = ctx.new_page()
        pg.set_default_timeout(60_000)
        pg.goto(site_url + FORM_PAGE, wait_until="networkidle")
        return pg, requests

    yield open_page
    for ctx in contexts:
        ctx.close()


def _check(pg, files: list[Path]) -> dict[str, str]:
    pg.locator("#controle-bestanden").set_input_files([str(f) for f in files])
    pg.wait_for_function(DONE, timeout=120_000)
    state = pg.locator("[data-controle]").get_attribute("data-state")
    assert state == "klaar", pg.locator(".controle__status").inner_text()
    items = pg.eval_on_selector_all(
        "[data-item]", "els => els.map(e => [e.dataset.item, e.dataset.status])")
    return dict(items)


def _own_static_files(requests: list[str], site_url: str) -> list[str]:
    """Alles wat geen GET van een bestand van de site zelf is."""
    host = urlsplit(site_url).netloc
    return [u for u in requests
            if urlsplit(u).scheme not in ("http", "blob", "data") or
            (urlsplit(u).scheme == "http" and urlsplit(u).netloc != host)]


def test_signed_scan_is_found_complete(form_page, site_url, signed) -> None:
    pg, requests = form_page()
    items = _check(pg, signed)
    assert items["pages"] == "ok", items
    assert items["signature"] == "ok", items
    assert items["group:change"] == "ok", items
    required = {k: v for k, v in items.items() if k.startswith("field:")}
    assert required and all(v == "ok" for v in required.values()), required
    # the ID photo is a file without the form: named, but not checked here
    assert items["id_document"] == items["bsn"] == "unsure", items
    summary = pg.locator("[data-summary]").get_attribute("data-summary")
    assert summary == "unsure", "zonder controle van het ID mag de pagina niet 'in orde' zeggen"
    assert not _own_static_files(requests, site_url), requests


def test_unsigned_scan_names_the_missing_signature(form_page, site_url, unsigned) -> None:
    pg, requests = form_page()
    items = _check(pg, unsigned)
    assert items["pages"] == "ok", items
    assert items["signature"] == "missing", items
    assert pg.locator("[data-summary]").get_attribute("data-summary") == "missing"
    text = pg.locator(".controle__uitslag").inner_text()
    assert "handtekening ontbreekt" in text, text
    assert not _own_static_files(requests, site_url), requests


def test_missing_page_is_named(form_page, signed) -> None:
    """Alleen de foto van het ID: geen pagina van het formulier, en de pagina zegt dat."""
    pg, _ = form_page()
    photos = [f for f in signed if f.suffix == ".jpg"]
    items = _check(pg, photos)
    assert items["pages"] == "missing", items
    assert pg.locator("[data-summary]").get_attribute("data-summary") == "missing"
