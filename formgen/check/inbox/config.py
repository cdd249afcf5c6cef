"""Settings for the mailbox: the server (environment and options) and the folders (company file).

User and password never come from the command line: ``FORMGEN_IMAP_USER`` and
``FORMGEN_IMAP_PASSWORD`` (or ``FORMGEN_IMAP_PASSWORD_FILE``, a file holding only the password).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formgen.check.identity.id_copy import FORMATS as COPY_FORMATS
from formgen.definition import load_company
from formgen.errors import DefinitionError, MailboxError
from formgen.resources import config_dir

SECURITY = ("imaps", "starttls", "insecure")
DEFAULT_PORTS = {"imaps": 993, "starttls": 143, "insecure": 143}
VERDICT_FOLDERS = {
    "complete": "Wijzigingen/Compleet",
    "incomplete": "Wijzigingen/Onvolledig",
    "review": "Wijzigingen/Nakijken",
    "unreadable": "Wijzigingen/Onleesbaar",
}
SET_ASIDE = "set_aside"  # a message whose check killed its worker twice: for a person
SET_ASIDE_FOLDER = "Wijzigingen/Vastgelopen"
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    security: str  # imaps | starttls | insecure
    user: str
    password: str = field(repr=False)
    cafile: Path | None = None

    @property
    def account(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True)
class MailboxSettings:
    """Folder names use '/' between levels; the server's own delimiter is used on the wire."""

    inbox: str = "INBOX"
    drafts: str = "Drafts"
    folders: dict[str, str] = field(default_factory=lambda: dict(VERDICT_FOLDERS))
    max_message_mb: float = 25.0
    set_aside: str = SET_ASIDE_FOLDER
    # a folder on disk: per message with an ID, a copy with the BSN painted out (id_copy.py)
    id_copies: Path | None = None
    id_copies_format: str = "png"  # or "pdf" (id_copy.FORMATS)

    @property
    def max_message_bytes(self) -> int:
        return int(self.max_message_mb * 1024 * 1024)


def parse_mailbox(data: dict[str, Any] | None, src: str = "company.yaml") -> MailboxSettings:
    """The optional ``mailbox:`` block of the company file; every key has a Dutch default."""
    if data is None:
        return MailboxSettings()
    if not isinstance(data, dict):
        raise DefinitionError("'mailbox' moet een lijst met instellingen zijn", source=src)
    unknown = set(data) - {"inbox", "drafts", "folders", "max_message_mb", "id_copies",
                           "id_copies_format"}
    if unknown:
        raise DefinitionError(f"mailbox: onbekende instelling(en) {', '.join(sorted(unknown))}",
                              source=src)
    folders = dict(VERDICT_FOLDERS)
    given = data.get("folders") or {}
    if not isinstance(given, dict) or set(given) - {*VERDICT_FOLDERS, SET_ASIDE}:
        raise DefinitionError("mailbox.folders kent alleen complete, incomplete, review, "
                              "unreadable en set_aside", source=src)
    folders.update({k: _name(v, f"mailbox.folders.{k}", src) for k, v in given.items()})
    set_aside = folders.pop(SET_ASIDE, SET_ASIDE_FOLDER)
    size = data.get("max_message_mb", 25)
    if not isinstance(size, int | float) or isinstance(size, bool) or size <= 0:
        raise DefinitionError("mailbox.max_message_mb moet een positief getal zijn", source=src)
    return MailboxSettings(inbox=_name(data.get("inbox", "INBOX"), "mailbox.inbox", src),
                           drafts=_name(data.get("drafts", "Drafts"), "mailbox.drafts", src),
                           folders=folders, max_message_mb=float(size), set_aside=set_aside,
                           id_copies=_copies_folder(data.get("id_copies"), src),
                           id_copies_format=_copies_format(data.get("id_copies_format"), src))


def _copies_folder(value: object, src: str) -> Path | None:
    """mailbox.id_copies: a folder on disk; a relative one is taken from the company file's
    folder (not from wherever formgen happens to be started)."""
    if value is None:
        return None
    folder = Path(_name(value, "mailbox.id_copies", src)).expanduser()
    return folder if folder.is_absolute() else Path(src).parent / folder


def _copies_format(value: object, src: str) -> str:
    """mailbox.id_copies_format: png (the default) or pdf, as --redact-format."""
    if value is None:
        return COPY_FORMATS[0]
    if value not in COPY_FORMATS:
        raise DefinitionError(f"mailbox.id_copies_format moet {' of '.join(COPY_FORMATS)} zijn",
                              source=src)
    return str(value)


def mailbox_settings() -> MailboxSettings:
    """The ``mailbox:`` block of the company file in use (``--config`` or the package's)."""
    return parse_mailbox(load_company().mailbox or None, str(config_dir() / "company.yaml"))


def _name(value: object, where: str, src: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise DefinitionError(f"{where} moet een mapnaam zijn", source=src)
    return value


def server_settings(host: str | None, port: int | None, *, starttls: bool, insecure: bool,
                    cafile: Path | None, env: dict[str, str] | None = None) -> ServerSettings:
    """Server settings from the options and the environment; refuses plain IMAP off loopback."""
    env = dict(os.environ) if env is None else env
    host = host or env.get("FORMGEN_IMAP_HOST")
    if not host:
        raise MailboxError("geef de mailserver met --host of FORMGEN_IMAP_HOST")
    if starttls and insecure:
        raise MailboxError("kies --starttls of --insecure, niet allebei")
    security = "insecure" if insecure else "starttls" if starttls else "imaps"
    if security == "insecure" and host not in LOOPBACK:
        raise MailboxError(f"--insecure (zonder versleuteling) mag alleen met een testserver op "
                           f"deze computer, niet met {host}")
    user = env.get("FORMGEN_IMAP_USER")
    if not user:
        raise MailboxError("zet de gebruikersnaam in FORMGEN_IMAP_USER")
    password = env.get("FORMGEN_IMAP_PASSWORD")
    if not password and env.get("FORMGEN_IMAP_PASSWORD_FILE"):
        path = Path(env["FORMGEN_IMAP_PASSWORD_FILE"])
        try:
            password = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise MailboxError(f"het wachtwoordbestand kan niet worden gelezen "
                               f"({exc.__class__.__name__})", source=str(path)) from None
    if not password:
        raise MailboxError("zet het wachtwoord in FORMGEN_IMAP_PASSWORD of in een bestand "
                           "genoemd in FORMGEN_IMAP_PASSWORD_FILE")
    cafile = cafile or (Path(env["FORMGEN_IMAP_CAFILE"]) if env.get("FORMGEN_IMAP_CAFILE")
                        else None)
    if cafile is not None and not cafile.is_file():
        raise MailboxError("het certificaatbestand bestaat niet", source=str(cafile))
    return ServerSettings(host, port or DEFAULT_PORTS[security], security, user, password,
                          cafile)
