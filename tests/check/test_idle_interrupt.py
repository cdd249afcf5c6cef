"""Ctrl+C while the mailbox waits in IDLE ends it at once, however far the handshake got.

`formgen inbox --watch` hung after Ctrl+C (CI, 2026-12-06: test_inbox's
test_watch_idles_and_stops_cleanly_on_ctrl_c, no exit within 30 s): interrupted while the
IDLE command was sent but before the server's continuation, no DONE was sent, and logging out
then waited the full answer timeout for a server still idling. A scripted server that is slow
with its continuation makes the moment certain."""

from __future__ import annotations

import _thread
import signal
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from formgen.check.inbox.config import ServerSettings
from formgen.check.inbox.connection import Connection


def _serve(listener: socket.socket, seen: list[bytes], continuation_after: float) -> None:
    """One IMAP session: capabilities with IDLE, any login, one folder; IDLE's continuation
    after continuation_after seconds; DONE and LOGOUT answered."""
    conn, _ = listener.accept()
    with conn, conn.makefile("rb") as lines:
        conn.sendall(b"* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
        for line in lines:
            seen.append(line)
            tag, _, command = line.rstrip(b"\r\n").partition(b" ")
            verb = command.split(b" ")[0].upper()
            if verb == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY IMAP4rev1 IDLE\r\n" + tag + b" OK done\r\n")
            elif verb == b"LIST":
                conn.sendall(b'* LIST (\\HasNoChildren) "/" INBOX\r\n' + tag + b" OK done\r\n")
            elif verb == b"IDLE":
                idle_tag = tag
                time.sleep(continuation_after)
                conn.sendall(b"+ idling\r\n")
            elif line.rstrip(b"\r\n") == b"DONE":
                conn.sendall(idle_tag + b" OK idle done\r\n")
            elif verb == b"LOGOUT":
                conn.sendall(b"* BYE\r\n" + tag + b" OK bye\r\n")
                return
            else:
                conn.sendall(tag + b" OK done\r\n")


@pytest.fixture()
def server() -> Iterator[tuple[ServerSettings, list[bytes]]]:
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[bytes] = []
    thread = threading.Thread(target=_serve, args=(listener, seen, 3.0), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    yield ServerSettings("127.0.0.1", port, "insecure", "klantenservice", "geheim"), seen
    listener.close()


@pytest.fixture()
def ctrl_c_handled() -> Iterator[None]:
    """Ctrl+C raises KeyboardInterrupt here, as in `formgen inbox` (its handler): a test run
    started in the background (`bash .ci/run &`) ignores SIGINT, and then interrupt_main does
    nothing."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_ctrl_c_in_the_idle_handshake_ends_idle_and_logs_out_at_once(
        server: tuple[ServerSettings, list[bytes]], ctrl_c_handled: None) -> None:
    settings, seen = server
    conn = Connection(settings)
    threading.Timer(0.5, _thread.interrupt_main).start()  # Ctrl+C before the continuation
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        conn.wait(30)
    conn.close()
    assert time.monotonic() - start < 10  # the continuation's 3 s, not a 60 s timeout
    sent = [line.rstrip(b"\r\n").split(b" ")[-1].upper() for line in seen]
    assert sent[-3:] == [b"IDLE", b"DONE", b"LOGOUT"], seen
