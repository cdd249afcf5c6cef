"""One exception family: every error carries its exit code and a one-line Dutch message."""

from __future__ import annotations

import errno
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PARTIAL = 1  # some rows failed, or a submission is not complete
    USAGE = 2  # usage error or unreadable input
    INTERNAL = 3  # a submission could not be checked: an internal error (see the log)


class FormgenError(Exception):
    """Base of all errors that reach the user as one line."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.message = message
        self.source = source
        super().__init__(self.line())

    def line(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message


class DefinitionError(FormgenError):
    """The form definition or company file is broken."""


class InputFileError(FormgenError):
    """An input file (customer data, submission) cannot be read or is invalid."""


class SigningKeyError(FormgenError):
    """No signing key, or the key cannot be used."""


class TokenError(FormgenError):
    """A form token cannot be parsed or does not verify."""


class MailboxError(FormgenError):
    """The mailbox cannot be used: refused login, missing folder, bad settings."""


class ConnectionLost(MailboxError):
    """The mail server cannot be reached or dropped the connection; a later run carries on."""


class SiteBuildError(FormgenError):
    """The help center's search index cannot be built (missing tool, bad synonym list)."""


# What the operating system says, in Dutch: its own texts (strerror) follow the system's
# language, mostly English on a server. Errors not listed name their code (ENOTSUP).
SYSTEM_REASONS = {
    "ENOENT": "bestaat niet",
    "ENOTDIR": "een deel van het pad is een bestand, geen map",
    "EISDIR": "is een map",
    "EEXIST": "bestaat al",
    "EACCES": "geen toegang",
    "EPERM": "niet toegestaan",
    "EROFS": "de schijf is alleen te lezen",
    "ENOSPC": "de schijf is vol",
    "EDQUOT": "de ruimte voor deze gebruiker is op",
    "ENAMETOOLONG": "de naam is te lang",
    "EMFILE": "te veel bestanden tegelijk open",
    "ENFILE": "te veel bestanden tegelijk open",
    "ELOOP": "te veel verwijzingen in het pad",
    "EIO": "lees- of schrijffout van de schijf",
    "EBUSY": "in gebruik",
    "ETXTBSY": "in gebruik",
    "EADDRINUSE": "al in gebruik",
    "EADDRNOTAVAIL": "adres niet beschikbaar",
    "ECONNREFUSED": "verbinding geweigerd",
    "ETIMEDOUT": "geen antwoord binnen de tijd",
}


def system_reason(exc: OSError) -> str:
    """The reason of an OSError in Dutch, for the brackets of a one-line error."""
    code = errno.errorcode.get(exc.errno or 0)
    if code in SYSTEM_REASONS:
        return SYSTEM_REASONS[code]
    return f"systeemfout {code}" if code else "systeemfout"
