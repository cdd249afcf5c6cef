"""`formgen site serve` (what `make run` starts): the built site on loopback, Dutch 404 page."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from formgen.errors import InputFileError
from formgen.site.serve import site_server


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html lang=nl><body>Start</body></html>", encoding="utf-8")
    (site / "404.html").write_text("<html lang=nl><body>Pagina niet gevonden</body></html>",
                                   encoding="utf-8")
    server = site_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_known_page_is_served(served: str) -> None:
    with urllib.request.urlopen(served + "/", timeout=10) as response:
        assert response.status == 200
        assert b"Start" in response.read()


def test_unknown_address_gets_the_sites_404_page(served: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(served + "/bestaat/niet/", timeout=10)
    assert caught.value.code == 404
    body = caught.value.read().decode("utf-8")
    assert "Pagina niet gevonden" in body
    assert "Error response" not in body  # not Python's bare English page


def test_listens_on_loopback_only(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("x", encoding="utf-8")
    server = site_server(tmp_path, 0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_unbuilt_site_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="make site"):
        site_server(tmp_path / "site", 0)
