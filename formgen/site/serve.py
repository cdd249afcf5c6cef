"""Serve the built help center on this computer only, with the site's own Dutch 404 page.

Python's `http.server` answers a wrong address with its bare English error page; a reader
trying the site locally should see what the published site shows. It also lists folders,
follows links out of the site folder, and keeps a thread and a file descriptor per open
connection for as long as the other side keeps it open. Here a folder without index.html, a
file whose real path lies outside the site folder and a path that cannot name a file (a NUL
byte, bytes that are no text) all get the 404 page; a connection that sends nothing is closed
after a few seconds, and at most MAX_CONNECTIONS are held: past that, the one waiting longest
for its request is closed, so idle connections cannot stop the server answering.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import socket
import sys
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from formgen.errors import InputFileError, system_reason

LOOPBACK = "127.0.0.1"
NOT_FOUND_PAGE = "404.html"
IDLE_SECONDS = 5  # a connection that sends nothing (or stalls) this long is closed
MAX_CONNECTIONS = 64  # held at once, and never more than a quarter of the open-file limit
INDEX_PAGE = "index.html"


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files from the site folder; a missing one gets 404.html with status 404."""

    timeout = IDLE_SECONDS
    server: SiteServer

    def parse_request(self) -> bool:
        self.server.started(self.connection)  # the request line is in: no longer idle
        return super().parse_request()

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        target = self._inside(path)
        if target is not None and os.path.isdir(target):
            index = self._inside(os.path.join(path, INDEX_PAGE))
            target = index if index is not None and os.path.isfile(index) else None
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def _inside(self, path: str) -> str | None:
        """The real path of `path` when it names something inside the site folder (after
        following links), else None: also for a NUL byte or a name that is no file name."""
        try:
            os.fsencode(path)
            real = os.path.realpath(path)
            root = os.path.realpath(self.directory)
        except (ValueError, OSError):  # NUL byte, unencodable, too long
            return None
        if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
            return None
        return real if os.path.exists(real) else None

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """No folder listings: a folder without index.html is not a page of the site."""
        self.send_error(HTTPStatus.NOT_FOUND)

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        page = self._inside(os.path.join(self.directory, NOT_FOUND_PAGE))
        if code != HTTPStatus.NOT_FOUND or page is None or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        body = Path(page).read_bytes()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class SiteServer(ThreadingHTTPServer):
    """A thread per connection, at most `max_connections` of them; past that the connection
    that has waited longest without sending its request is closed."""

    daemon_threads = True
    request_queue_size = 512  # connections the system keeps waiting while one is accepted

    def __init__(self, address: tuple[str, int], handler: Any, max_connections: int) -> None:
        super().__init__(address, handler)
        self.max_connections = max_connections
        self._lock = threading.Lock()
        self._idle: dict[socket.socket, None] = {}  # oldest first
        self._busy: set[socket.socket] = set()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._idle[request] = None
            if len(self._idle) + len(self._busy) > self.max_connections:
                oldest = next(iter(self._idle))
                del self._idle[oldest]
                with contextlib.suppress(OSError):  # its thread reads the end and closes it
                    oldest.shutdown(socket.SHUT_RDWR)
        super().process_request(request, client_address)

    def started(self, request: socket.socket) -> None:
        with self._lock:
            if request in self._idle:  # not closed meanwhile for a newer connection
                del self._idle[request]
                self._busy.add(request)

    def shutdown_request(self, request: Any) -> None:
        with self._lock:
            self._idle.pop(request, None)
            self._busy.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, no traceback (a reader who closed the tab mid-page is no error)."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            print(f"{client_address[0]}: {type(error).__name__}: {error}", file=sys.stderr)


def connection_limit() -> int:
    """MAX_CONNECTIONS, or fewer when the process may open few files."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(4, min(MAX_CONNECTIONS, soft // 4))


def site_server(site_dir: Path, port: int, host: str = LOOPBACK) -> SiteServer:
    """A server for the built site (call serve_forever); port 0 picks a free port."""
    if not (site_dir / INDEX_PAGE).is_file():
        raise InputFileError("hier staat geen gebouwde site (de startpagina ontbreekt); "
                             "draai eerst 'make site'", source=str(site_dir))
    handler = functools.partial(SiteHandler, directory=str(site_dir))
    try:
        return SiteServer((host, port), handler, connection_limit())
    except OSError as exc:
        raise InputFileError(f"poort {port} is niet beschikbaar ({system_reason(exc)})",
                             source=f"{host}:{port}") from None
