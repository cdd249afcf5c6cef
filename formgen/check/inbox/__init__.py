"""The support mailbox as intake: check new messages over IMAP, file them, draft the replies.

One job per module: ``config`` (server and folder settings), ``connection`` (the IMAP session),
``state`` (what was done, in SQLite), ``drafts`` (the reply as a draft), ``run`` (one pass and
the watch loop). ``formgen inbox`` is the thin command over these.
"""

from formgen.check.inbox.config import (
    MailboxSettings,
    ServerSettings,
    mailbox_settings,
    parse_mailbox,
    server_settings,
)
from formgen.check.inbox.connection import Connection
from formgen.check.inbox.run import Outcome, RunSummary, process, watch
from formgen.check.inbox.state import StateStore

__all__ = [
    "Connection",
    "MailboxSettings",
    "Outcome",
    "RunSummary",
    "ServerSettings",
    "StateStore",
    "mailbox_settings",
    "parse_mailbox",
    "process",
    "server_settings",
    "watch",
]
