"""Message-IDs (RFC 5322 3.6.4) for threading a reply under the customer's e-mail.

A customer's References header can hold any number of ids, valid or not; a reply keeps only
the first (the thread's start) and the last few, as RFC 5322 allows, each checked as a msg-id.
Read header values raw: the stdlib parser of a structured header takes minutes on megabytes.
"""

from __future__ import annotations

import re

_ATEXT = r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_NO_FOLD_LITERAL = r"\[[\x21-\x5a\x5e-\x7e]*\]"
MSG_ID = re.compile(rf"<{_DOT_ATOM}@(?:{_DOT_ATOM}|{_NO_FOLD_LITERAL})>")
_CANDIDATE = re.compile(r"<[^<>]{0,1000}>")
MAX_ID_LENGTH = 250  # characters of one id with its brackets: a header line stays short
RECENT_IDS = 10  # References keeps the first id and this many most recent ones


def valid(candidate: str) -> bool:
    return len(candidate) <= MAX_ID_LENGTH and MSG_ID.fullmatch(candidate) is not None


def first_id(text: str | None) -> str | None:
    """The first valid msg-id in a header value (a Message-ID or In-Reply-To)."""
    for match in _CANDIDATE.finditer(text or ""):
        if valid(match[0]):
            return match[0]
    return None


def thread_ids(references: str | None, message_id: str | None) -> list[str]:
    """The References of a reply to a message: the first id of its References, the last
    RECENT_IDS - 1 of them and its own Message-ID, each a valid msg-id, none twice."""
    candidates = _CANDIDATE.findall(references or "")
    first = next((c for c in candidates if valid(c)), None)
    recent: list[str] = []
    for candidate in reversed(candidates):
        if len(recent) >= RECENT_IDS - 1:
            break
        if valid(candidate) and candidate != first and candidate not in recent:
            recent.append(candidate)
    ids = ([first] if first else []) + recent[::-1]
    own = first_id(message_id)
    if own:
        ids = [i for i in ids if i != own] + [own]
    return ids


def trimmed_references(references: str | None) -> str | None:
    """A References value kept small enough to carry along: first and recent valid ids."""
    ids = thread_ids(references, None)
    return " ".join(ids) if ids else None
