"""Serve the built help center on this computer only, with the site's own Dutch 404 page.

Python's `http.server` answers a wrong address with its bare English error page; a reader
trying the site locally should see what the published site shows.
"""

from __future__ import annotations

import functools
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from formgen.errors import InputFileError, system_reason

LOOPBACK = "127.0.0.1"
NOT_FOUND_PAGE = "404.html"


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder; a missing one gets 404.html with status 404."""

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = Path(self.directory) / NOT_FOUND_PAGE
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def site_server(site_dir: Path, port: int, host: str = LOOPBACK) -> ThreadingHTTPServer:
    """A server for the built site (call serve_forever); port 0 picks a free port."""
    if not (site_dir / "index.html").is_file():
        raise InputFileError("hier staat geen gebouwde site (de startpagina ontbreekt); "
                             "draai eerst 'make site'", source=str(site_dir))
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise InputFileError(f"poort {port} is niet beschikbaar ({system_reason(exc)})",
                             source=f"{host}:{port}") from None
