"""One exception family: every error carries its exit code and a one-line Dutch message."""

from __future__ import annotations

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
