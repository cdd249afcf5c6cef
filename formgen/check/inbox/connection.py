"""One IMAP session: log in over TLS, list and select folders, fetch, move, append, idle.

Every server or network fault becomes a :class:`MailboxError` with a one-line Dutch message;
nothing here deletes a message or sets ``\\Seen`` (bodies are fetched with ``BODY.PEEK``).
"""

from __future__ import annotations

import base64
import imaplib
import re
import select
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

from formgen.check.inbox.config import ServerSettings
from formgen.errors import ConnectionLost, MailboxError

FILED_KEYWORD = "$FormgenFiled"  # set on the original when the server has no MOVE
TIMEOUT = 60.0  # seconds for connect and every answer
CLOSE_TIMEOUT = 5.0  # seconds for the answer to logging out: a stop does not hang on it
FETCH_INFO = "(UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID REFERENCES)])"


@dataclass(frozen=True)
class Folder:
    name: str  # decoded, with the server's delimiter
    flags: frozenset[str]


@dataclass
class MessageInfo:
    uid: int
    size: int
    flags: set[str] = field(default_factory=set)
    message_id: str | None = None
    references: str | None = None


@dataclass(frozen=True)
class Selected:
    name: str
    uidvalidity: int
    keywords: bool  # the server stores keywords of our own (PERMANENTFLAGS has \*)


class Connection:
    """A logged-in IMAP session (a context manager that logs out on leaving)."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.where = f"{settings.host}:{settings.port}"
        self._imap = self._login()
        self.capabilities = self._capabilities()
        self.delimiter = self._delimiter()
        self.selected: Selected | None = None

    # -- session ------------------------------------------------------------------------------

    def _login(self) -> imaplib.IMAP4:
        s = self.settings
        context = ssl.create_default_context(cafile=str(s.cafile) if s.cafile else None)
        try:
            if s.security == "imaps":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(s.host, s.port, ssl_context=context,
                                                        timeout=TIMEOUT)
            else:
                imap = imaplib.IMAP4(s.host, s.port, timeout=TIMEOUT)
                if s.security == "starttls":
                    if "STARTTLS" not in imap.capabilities:
                        raise MailboxError("de server biedt geen STARTTLS aan; gebruik IMAPS "
                                           "(poort 993)", source=self.where)
                    imap.starttls(context)
        except ssl.SSLError as exc:
            raise MailboxError(f"de beveiligde verbinding is mislukt ({_reason(exc)})",
                               source=self.where) from None
        except (OSError, imaplib.IMAP4.error) as exc:
            raise ConnectionLost(f"geen verbinding met de mailserver ({_reason(exc)})",
                               source=self.where) from None
        try:
            imap.login(s.user, s.password)
        except imaplib.IMAP4.abort as exc:
            raise ConnectionLost(f"de verbinding is verbroken tijdens het aanmelden "
                                 f"({_reason(exc)})", source=self.where) from None
        except imaplib.IMAP4.error:
            raise MailboxError(f"de server weigert de aanmelding voor gebruiker '{s.user}': "
                               "controleer gebruikersnaam en wachtwoord",
                               source=self.where) from None
        except OSError as exc:
            raise ConnectionLost(f"de verbinding is verbroken tijdens het aanmelden "
                                 f"({_reason(exc)})", source=self.where) from None
        return imap

    def close(self) -> None:
        """Log out, waiting CLOSE_TIMEOUT s at most for the server (after Ctrl+C too)."""
        with suppress(OSError, imaplib.IMAP4.error):
            self._imap.sock.settimeout(CLOSE_TIMEOUT)
            self._imap.logout()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _faults(self, doing: str) -> Iterator[None]:
        """Network and protocol faults as one Dutch line."""
        try:
            yield
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            raise ConnectionLost(f"de verbinding is verbroken tijdens {doing} ({_reason(exc)})",
                                 source=self.where) from None
        except imaplib.IMAP4.error as exc:
            raise MailboxError(f"de server weigert {doing} ({_reason(exc)})",
                               source=self.where) from None

    def _ok(self, doing: str, typ: str, data: list) -> list:
        if typ != "OK":
            raise MailboxError(f"de server weigert {doing} ({_text(data)})", source=self.where)
        return data

    def _capabilities(self) -> frozenset[str]:
        with self._faults("het opvragen van de mogelijkheden"):
            typ, data = self._imap.capability()
        words = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        return frozenset(w.upper() for w in words.split())

    def _delimiter(self) -> str:
        with self._faults("het opvragen van de mappen"):
            typ, data = self._imap.list('""', '""')
        for folder in _parse_list(data):
            return folder[1] or "/"
        return "/"

    # -- folders ------------------------------------------------------------------------------

    def server_name(self, configured: str) -> str:
        """A configured folder name ('/' between levels) in the server's own notation."""
        return configured if self.delimiter == "/" else configured.replace("/", self.delimiter)

    def folders(self) -> list[Folder]:
        with self._faults("het opvragen van de mappen"):
            typ, data = self._imap.list('""', "*")
        self._ok("het opvragen van de mappen", typ, data)
        return [Folder(name, flags) for flags, _delim, name in
                ((f, d, n) for f, d, n in _parse_list(data))]

    def drafts_folder(self, configured: str) -> str:
        """The folder marked \\Drafts (SPECIAL-USE), else the configured name."""
        for folder in self.folders():
            if "\\DRAFTS" in folder.flags:
                return folder.name
        return self.server_name(configured)

    def ensure_folder(self, name: str) -> None:
        existing = {f.name for f in self.folders()}
        if name in existing or (name.upper() == "INBOX"):
            return
        with self._faults(f"het maken van de map '{name}'"):
            typ, data = self._imap.create(_quote(name))
        if typ != "OK" and name not in {f.name for f in self.folders()}:
            raise MailboxError(f"de map '{name}' kan niet worden gemaakt ({_text(data)})",
                               source=self.where)
        with self._faults(f"het abonneren op de map '{name}'"):
            self._imap.subscribe(_quote(name))

    def select(self, name: str) -> Selected:
        with self._faults(f"het openen van de map '{name}'"):
            typ, data = self._imap.select(_quote(name))
            if typ != "OK":
                self.selected = None
                raise MailboxError(f"de map '{name}' bestaat niet (meer) of kan niet worden "
                                   f"geopend ({_text(data)})", source=self.where)
            _, validity = self._imap.response("UIDVALIDITY")
            _, permanent = self._imap.response("PERMANENTFLAGS")
        uidvalidity = int(validity[-1]) if validity and validity[-1] else 0
        keywords = any(b"\\*" in p for p in permanent if isinstance(p, bytes))
        self.selected = Selected(name, uidvalidity, keywords)
        return self.selected

    # -- messages -----------------------------------------------------------------------------

    def pending(self) -> list[MessageInfo]:
        """Messages in the selected folder not yet filed by keyword, oldest first."""
        with self._faults("het zoeken van nieuwe berichten"):
            typ, data = self._imap.uid("SEARCH", None,  # type: ignore[arg-type]
                                        "UNKEYWORD", FILED_KEYWORD)
        self._ok("het zoeken van nieuwe berichten", typ, data)
        uids = [int(u) for u in b" ".join(d for d in data if d).split()]
        if not uids:
            return []
        infos: dict[int, MessageInfo] = {}
        for start in range(0, len(uids), 200):
            chunk = ",".join(str(u) for u in uids[start:start + 200])
            with self._faults("het ophalen van berichtgegevens"):
                typ, data = self._imap.uid("FETCH", chunk, FETCH_INFO)
            self._ok("het ophalen van berichtgegevens", typ, data)
            for info in _parse_fetch(data):
                infos[info.uid] = info
        return [infos[u] for u in sorted(infos)]

    def fetch(self, uid: int) -> bytes | None:
        """The whole message, without marking it read; None when it has gone."""
        with self._faults(f"het ophalen van bericht {uid}"):
            typ, data = self._imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
        self._ok(f"het ophalen van bericht {uid}", typ, data)
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return bytes(item[1])
        return None

    def file(self, uid: int, target: str) -> str:
        """Move (or copy and mark) one message into target; creates target when it is gone.

        Returns 'move' or 'copy'. Never expunges anything but the moved message itself.
        """
        for attempt in (1, 2):
            if "MOVE" in self.capabilities:
                with self._faults(f"het verplaatsen van bericht {uid}"):
                    typ, data = self._imap.uid("MOVE", str(uid), _quote(target))
                how = "move"
            else:
                with self._faults(f"het kopiëren van bericht {uid}"):
                    typ, data = self._imap.uid("COPY", str(uid), _quote(target))
                how = "copy"
            if typ == "OK":
                break
            if attempt == 1 and b"TRYCREATE" in b" ".join(d for d in data if d):
                self.ensure_folder(target)
                if self.selected:  # CREATE may not change the selection, but be sure
                    self.select(self.selected.name)
                continue
            raise MailboxError(f"bericht {uid} kan niet naar '{target}' ({_text(data)})",
                               source=self.where)
        if how == "copy":
            with self._faults(f"het markeren van bericht {uid}"):
                flag = FILED_KEYWORD if self.selected and self.selected.keywords else "\\Flagged"
                typ, data = self._imap.uid("STORE", str(uid), "+FLAGS.SILENT", f"({flag})")
            self._ok(f"het markeren van bericht {uid}", typ, data)
        return how

    def append(self, folder: str, message: bytes, flags: str = "(\\Draft \\Seen)") -> None:
        with self._faults(f"het opslaan in '{folder}'"):
            typ, data = self._imap.append(_quote(folder), flags,
                                          imaplib.Time2Internaldate(time.time()), message)
        self._ok(f"het opslaan in '{folder}'", typ, data)

    def has_message_id(self, folder: str, message_id: str) -> bool:
        """Whether a message with this Message-ID is in folder (selects that folder)."""
        self.select(folder)
        with self._faults(f"het zoeken in '{folder}'"):
            typ, data = self._imap.uid("SEARCH", None,  # type: ignore[arg-type]
                                        "HEADER", "Message-ID",
                                       _quote(message_id))
        self._ok(f"het zoeken in '{folder}'", typ, data)
        return bool(b" ".join(d for d in data if d).split())

    # -- waiting ------------------------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Until the selected folder changes or seconds pass: IDLE when the server has it."""
        if "IDLE" not in self.capabilities:
            time.sleep(seconds)
            return
        imap = self._imap
        with self._faults("het wachten op nieuwe berichten"):
            tag = imap._new_tag()  # noqa: SLF001 - imaplib before 3.14 has no idle()
            imap.send(tag + b" IDLE\r\n")
            refused = False
            try:  # once IDLE is sent, DONE ends it, also after Ctrl+C in the handshake
                line = imap.readline()
                while line.startswith(b"*"):  # untagged lines may come before the continuation
                    line = imap.readline()
                if not line.startswith(b"+"):
                    refused = True  # answered already: nothing to end
                    raise MailboxError(f"de server weigert IDLE "
                                       f"({line.decode(errors='replace')})", source=self.where)
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    ready, _, _ = select.select([imap.sock], [], [], min(
                        1.0, max(0.0, deadline - time.monotonic())))
                    pending = getattr(imap.sock, "pending", lambda: 0)()
                    if ready or pending:
                        line = imap.readline()
                        if not line:
                            raise EOFError("de server sloot de verbinding")
                        if re.match(rb"\* \d+ (EXISTS|RECENT)", line):
                            break
            finally:
                if not refused:
                    _end_idle(imap, tag)


def _end_idle(imap: imaplib.IMAP4, tag: bytes) -> None:
    """DONE, and the server's answer to the IDLE command read."""
    imap.send(b"DONE\r\n")
    while True:
        line = imap.readline()
        if not line:
            raise EOFError("de server sloot de verbinding")
        if line.startswith(tag):
            break


# ----------------------------------------------------------------------------------------------
# parsing and quoting
# ----------------------------------------------------------------------------------------------

_LIST = re.compile(rb'\((?P<flags>[^)]*)\) (?P<delim>NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)$')


def _parse_list(data: list) -> Iterator[tuple[frozenset[str], str, str]]:
    """(flags, delimiter, decoded name) for each LIST line (literals included)."""
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, literal = item[0], item[1]
            m = _LIST.match(head.rsplit(b"{", 1)[0].rstrip() + b" x")
            if not m:
                continue
            raw = literal
        else:
            m = _LIST.match(item)
            if not m:
                continue
            raw = m["name"]
            if raw.startswith(b'"') and raw.endswith(b'"'):
                raw = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
        delim = "" if m["delim"] == b"NIL" else m["delim"][1:-1].replace(b"\\", b"").decode()
        flags = frozenset(f.upper() for f in m["flags"].decode("ascii", "replace").split())
        yield flags, delim, decode_utf7(raw)


_FETCH_UID = re.compile(rb"UID (\d+)")
_FETCH_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_FETCH_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")


def _parse_fetch(data: list) -> list[MessageInfo]:
    infos: list[MessageInfo] = []
    meta, header = b"", b""

    def flush() -> None:
        uid, size = _FETCH_UID.search(meta), _FETCH_SIZE.search(meta)
        if uid:
            flags = _FETCH_FLAGS.search(meta)
            infos.append(MessageInfo(
                int(uid[1]), int(size[1]) if size else 0,
                set(flags[1].decode("ascii", "replace").split()) if flags else set(),
                _header_value(header, "message-id"), _header_value(header, "references")))

    for item in data:
        if isinstance(item, tuple):
            if meta:
                flush()
            meta, header = item[0], item[1]
        elif isinstance(item, bytes):
            if re.match(rb"\d+ \(", item):  # a message without literal
                if meta:
                    flush()
                meta, header = item, b""
            else:
                meta += item
    if meta:
        flush()
    return infos


def _header_value(header: bytes, name: str) -> str | None:
    """One header's value from a HEADER.FIELDS literal (unfolded); Message-IDs only."""
    text = re.sub(r"\r?\n[ \t]+", " ", header.decode("ascii", "replace"))
    m = re.search(rf"(?im)^{name}:[ \t]*(.*)$", text)
    if not m:
        return None
    ids = re.findall(r"<[^<>\s]+>", m[1])
    return " ".join(ids) if ids else None


def _quote(name: str) -> str:
    encoded = encode_utf7(name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def encode_utf7(name: str) -> str:
    """IMAP modified UTF-7 (RFC 3501 5.1.3) for folder names."""
    out: list[str] = []
    run: list[str] = []

    def close() -> None:
        if run:
            raw = "".join(run).encode("utf-16-be")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            close()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    close()
    return "".join(out)


def decode_utf7(raw: bytes) -> str:
    text = raw.decode("ascii", "replace")

    def one(m: re.Match[str]) -> str:
        body = m[1]
        if not body:
            return "&"
        b64 = body.replace(",", "/")
        b64 += "=" * (-len(b64) % 4)
        return base64.b64decode(b64).decode("utf-16-be", "replace")

    return re.sub(r"&([^-]*)-", one, text)


def _text(data: list) -> str:
    parts = [d.decode("utf-8", "replace") if isinstance(d, bytes) else str(d)
             for d in data if d is not None]
    return " ".join(parts).strip() or "geen reden opgegeven"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.timeout | TimeoutError):
        return "geen antwoord binnen de tijd"
    if isinstance(exc, ConnectionRefusedError):
        return "verbinding geweigerd"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificaat niet vertrouwd: {exc.verify_message}"
    text = str(exc).strip()
    return text or type(exc).__name__
