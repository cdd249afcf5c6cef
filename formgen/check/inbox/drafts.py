"""The Dutch reply to an incomplete submission, as a draft in the mailbox (never sent)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from formgen.check.inbox.connection import Connection
from formgen.check.report import reply_message, thread
from formgen.check.submission import SubmissionResult
from formgen.definition import load_company


def new_draft_id() -> str:
    """A Message-ID for a draft, fixed before it is stored so a retry can find it."""
    return make_msgid(domain=load_company().support_email.split("@")[-1])


def draft_message(result: SubmissionResult, draft_id: str, in_reply_to: str | None,
                  references: str | None) -> EmailMessage | None:
    """The same reply `formgen check --reply` writes, threaded under the customer's email."""
    message = reply_message(result)
    if message is None:
        return None
    del message["Message-ID"]
    message["Message-ID"] = draft_id
    if in_reply_to:
        thread(message, in_reply_to, references)
    return message


def store_draft(conn: Connection, drafts: str, message: EmailMessage, draft_id: str,
                *, retry: bool) -> bool:
    """APPEND with \\Draft; on a retry, first look whether the earlier attempt got there.

    Returns False when the draft was already there. Leaves no folder selected that matters:
    the caller selects its own folder again.
    """
    if retry and conn.has_message_id(drafts, draft_id):
        return False
    conn.append(drafts, bytes(message))
    return True
