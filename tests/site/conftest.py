"""Gedeelde fixtures voor de sitetests.

Eén keer per sessie: `formgen site prepare`, `mkdocs build --strict` naar een tijdelijke map, daarna
`formgen site index` (Pagefind met de Nederlandse zoekwoorden), daarna een http.server op 127.0.0.1
op een vrije poort. De browser is Debian's Chromium via Playwright. Zensical bouwt (alleen als een
test erom vraagt) dezelfde bronnen in een eigen tijdelijke map.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    build_log: str

    def pages(self) -> list[str]:
        """Paden (vanaf de root van de site) van alle html-pagina's, zonder Pagefind's eigen."""
        out = []
        for p in sorted(self.root.rglob("*.html")):
            rel = p.relative_to(self.root).as_posix()
            if rel.startswith(("pagefind/", "assets/")):
                continue
            out.append(rel)
        return out


def _run(cmd: list[str], what: str) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"{what} mislukt (code {proc.returncode}):\n{log}", pytrace=False)
    return log


def prepare() -> str:
    """`formgen site prepare`: mkdocs.yml erft generated/site-config.yml, dus eerst dit."""
    return _run([sys.executable, "-m", "formgen", "site", "prepare"], "formgen site prepare")


def index(site: Path) -> str:
    return _run([sys.executable, "-m", "formgen", "site", "index", str(site)], "formgen site index")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    site = tmp_path_factory.mktemp("site") / "site"
    prepare()
    log = _run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(site)],
        "mkdocs build --strict",
    )
    index(site)
    return BuiltSite(site, log)


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """`formgen site prepare`, then `zensical build` on a copy of the sources (Zensical has no
    option for the output folder; a copy keeps the repo clean), then `formgen site index`."""
    prepare()
    work = tmp_path_factory.mktemp("zensical")
    for name in ("docs", "overrides", "generated"):
        shutil.copytree(REPO / name, work / name)
    shutil.copy2(REPO / "mkdocs.yml", work / "mkdocs.yml")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean"], cwd=work,
                          env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        pytest.fail(f"zensical build mislukt (code {proc.returncode}):\n{log}", pytrace=False)
    index(work / "site")
    return BuiltSite(work / "site", log)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
