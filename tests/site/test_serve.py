"""`formgen site serve` (what `make run` starts): the built site on loopback, Dutch 404 page."""

from __future__ import annotations

import http.client
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from formgen.errors import InputFileError
from formgen.site.serve import IDLE_SECONDS, site_server


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


@pytest.fixture(scope="module")
def site_with_links(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A site with a folder without index.html, links out of the site (to a file, to a
    folder, as a folder's index.html) and one link within it."""
    tmp_path = tmp_path_factory.mktemp("links")
    site, outside = tmp_path / "site", tmp_path / "elders"
    (site / "map").mkdir(parents=True)
    (site / "met-index").mkdir()
    (site / "index.html").write_text("<html lang=nl><body>Start</body></html>", encoding="utf-8")
    (site / "404.html").write_text("<html lang=nl><body>Pagina niet gevonden</body></html>",
                                   encoding="utf-8")
    (site / "map" / "bestand.txt").write_text("in de map", encoding="utf-8")
    (site / "met-index" / "index.html").write_text("Hoofdstuk", encoding="utf-8")
    outside.mkdir()
    (outside / "geheim.txt").write_text("GEHEIM", encoding="utf-8")
    (outside / "index.html").write_text("GEHEIM", encoding="utf-8")
    (site / "geheim.txt").symlink_to(outside / "geheim.txt")
    (site / "uit").symlink_to(outside)
    (site / "leeg").mkdir()
    (site / "leeg" / "index.html").symlink_to(outside / "index.html")
    (site / "ook-start.html").symlink_to(site / "index.html")
    server = site_server(site, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_port}", outside
    finally:
        server.shutdown()
        server.server_close()


def _get(address: str, path: str) -> tuple[int, bytes]:
    """The status and body for `path` sent exactly as given (http.client does not quote)."""
    host, port = address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/map/", "/map", "/uit/", "/"])
def test_folders_are_never_listed(site_with_links: tuple[str, Path], path: str) -> None:
    address, _ = site_with_links
    status, body = _get(address, path)
    if path == "/":
        assert status == 200 and b"Start" in body
        return
    assert status == 404 and b"Pagina niet gevonden" in body
    assert b"bestand.txt" not in body and b"geheim" not in body.lower()


@pytest.mark.parametrize("path", ["/geheim.txt", "/uit/geheim.txt", "/uit/index.html", "/leeg/",
                                  "/leeg/index.html", "/map/../geheim.txt",
                                  "/%2e%2e/elders/geheim.txt", "/..%2Felders%2Fgeheim.txt"])
def test_links_out_of_the_site_are_not_followed(site_with_links: tuple[str, Path],
                                                path: str) -> None:
    address, _ = site_with_links
    status, body = _get(address, path)
    assert status == 404 and b"GEHEIM" not in body


def test_links_within_the_site_and_folders_with_a_page_are_served(
        site_with_links: tuple[str, Path]) -> None:
    address, _ = site_with_links
    assert _get(address, "/ook-start.html") == (200, b"<html lang=nl><body>Start</body></html>")
    assert _get(address, "/met-index/") == (200, b"Hoofdstuk")
    assert _get(address, "/met-index")[0] == 301  # to the folder's address, as before


@pytest.mark.parametrize("path", ["/%00", "/index.html%00", "/%00/x", "/map/%00.txt",
                                  "/%ED%A0%80", "/%FF%FE", "/%C0%AF", "/" + "a" * 5000,
                                  "/" + "a/" * 3000, "/%0A", "/%0D%0Aindex.html"])
def test_a_bad_path_is_a_plain_not_found(site_with_links: tuple[str, Path], path: str,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    address, _ = site_with_links
    status, body = _get(address, path)
    assert status in (400, 404)
    assert "Traceback" not in capfd.readouterr().err


IDLE = 1100  # more than the 1024 files a process may open by default


def _serve_in_a_process(site: Path, limit: int) -> tuple[subprocess.Popen[str], int]:
    """`formgen site serve --port 0` in a process that may open `limit` files."""
    def lower_the_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    server = subprocess.Popen([sys.executable, "-m", "formgen", "site", "serve", "--dir",
                               str(site), "--port", "0"], stderr=subprocess.PIPE, text=True,
                              preexec_fn=lower_the_limit)
    assert server.stderr is not None
    line = server.stderr.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert found, line
    return server, int(found.group(1))


def test_many_idle_connections_do_not_stop_the_server(tmp_path: Path) -> None:
    """1,100 connections that send nothing, held open: a reader's request is still answered
    at once (the server, limited to 1,024 open files, stopped accepting near 1,020)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = IDLE + 200
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"this process may open only {hard} files")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html lang=nl><body>Start</body></html>", encoding="utf-8")
    server, port = _serve_in_a_process(site, 1024)
    idle: list[socket.socket] = []
    try:
        for _ in range(IDLE):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=2))
            except OSError:
                break  # the server takes no more: the request below shows what that means
        time.sleep(0.5)
        start = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200 and b"Start" in response.read()
        assert time.monotonic() - start < 3
    finally:
        for held in idle:
            held.close()
        server.terminate()
        server.wait(timeout=10)
        if server.stderr:
            server.stderr.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_connection_that_sends_nothing_more_is_closed(served: str) -> None:
    """Silent, or stalled in its request line: closed after IDLE_SECONDS, with no answer."""
    port = int(served.rsplit(":", 1)[1])
    held = [socket.create_connection(("127.0.0.1", port), timeout=IDLE_SECONDS + 5)
            for _ in range(2)]
    try:
        held[1].sendall(b"GET / HT")
        start = time.monotonic()
        assert [h.recv(1024) for h in held] == [b"", b""]
        assert time.monotonic() - start < IDLE_SECONDS + 3
    finally:
        for h in held:
            h.close()
