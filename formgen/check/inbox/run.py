"""One pass over the mailbox, and the watch loop around it.

Per message: claim it in the state store, check it exactly as ``formgen check`` checks an
``.eml``, store the verdict, put the reply draft (incomplete and unreadable ones), then file it.
Each step is recorded before the next, so a run that stops anywhere is finished by the next one
without checking, drafting or filing anything twice.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formgen.check.inbox.config import MailboxSettings
from formgen.check.inbox.connection import Connection, MessageInfo
from formgen.check.inbox.drafts import draft_message, new_draft_id, store_draft
from formgen.check.inbox.state import Entry, StateStore
from formgen.check.intake import FileProblem
from formgen.check.report import REPLY_VERDICTS
from formgen.check.submission import SubmissionResult, check_submission
from formgen.check.verdict import Check, Status, Verdict
from formgen.errors import ConnectionLost, MailboxError


@dataclass
class Outcome:
    """What happened to one message in this run."""

    uid: int
    message_id: str | None
    source: str
    verdict: Verdict
    target: str
    draft: bool  # a draft reply was stored by this run
    checked: bool  # checked by this run (False: verdict taken from the state file)
    result: SubmissionResult


@dataclass
class RunSummary:
    folder: str
    outcomes: list[Outcome] = field(default_factory=list)
    busy: int = 0  # held by another run at the same moment
    finished_elsewhere: int = 0  # filed by an earlier run that stopped before recording it

    @property
    def complete(self) -> bool:
        return all(o.verdict is Verdict.COMPLETE for o in self.outcomes)


def message_url(conn: Connection, folder: str, uidvalidity: int, uid: int) -> str:
    """RFC 5092 IMAP URL: names the message in reports and JSON as a path does for check."""
    s = conn.settings
    return f"imap://{s.user}@{s.host}:{s.port}/{folder};UIDVALIDITY={uidvalidity}/;UID={uid}"


def check_message(raw: bytes, source: str, uid: int, *, key: bytes | None,
                  today: dt.date | None) -> SubmissionResult:
    """`formgen check` on the message as an .eml file."""
    with tempfile.TemporaryDirectory(prefix="formgen-inbox-") as tmp:
        path = Path(tmp) / f"bericht-{uid}.eml"
        path.write_bytes(raw)
        result = check_submission(path, key=key, today=today)
    result.source = source
    return result


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{round(n / 1024)} kB"
    return f"{n / 1024 / 1024:.1f} MB".replace(".", ",")


def too_large(source: str, size: int, limit: int) -> SubmissionResult:
    check = Check("message", Status.REVIEW,
                  f"het bericht is te groot om te controleren ({_size(size)}, de grens is "
                  f"{_size(limit)}): bekijk het zelf")
    return SubmissionResult(source=source, verdict=Verdict.REVIEW, checks=[check])


def result_from_json(data: dict[str, Any]) -> SubmissionResult:
    """A stored result, enough for the report table, the JSON and the reply text."""
    checks = [Check(c["code"], Status(c["status"]), c["message"], c.get("page"), c.get("file"))
              for c in data.get("checks", [])]
    problems = [FileProblem(f["name"], f["problem"]) for f in data.get("files", [])]
    return SubmissionResult(source=data["source"], verdict=Verdict(data["verdict"]),
                            checks=checks, form=data.get("form") or {}, problems=problems,
                            reply_to=data.get("reply_to"))


def process(conn: Connection, store: StateStore, settings: MailboxSettings, *,
            key: bytes | None, today: dt.date | None = None,
            on_total: Callable[[int], None] | None = None,
            on_message: Callable[[Outcome], None] | None = None) -> RunSummary:
    """Check and file every message in the inbox folder that no run has handled yet."""
    account = conn.settings.account
    inbox = conn.server_name(settings.inbox)
    targets = {Verdict(v): conn.server_name(name) for v, name in settings.folders.items()}
    drafts = conn.drafts_folder(settings.drafts)
    for name in [*dict.fromkeys(targets.values()), drafts]:
        conn.ensure_folder(name)
    selected = conn.select(inbox)
    summary = RunSummary(inbox)
    pending = conn.pending()
    present = {m.uid for m in pending}
    for stale in store.unfinished(account, inbox, selected.uidvalidity):
        if stale.uid not in present:  # moved by a run that stopped before it could record it
            store.filed(stale)
            summary.finished_elsewhere += 1
    if on_total:
        on_total(len(pending))
    for info in pending:
        claim = store.claim(account, inbox, selected.uidvalidity, info.uid, info.message_id)
        if claim.action == "skip":
            summary.busy += claim.reason == "busy"
            continue
        entry = claim.entry
        assert entry is not None
        source = message_url(conn, inbox, selected.uidvalidity, info.uid)
        try:
            outcome = _handle(conn, store, entry, info, source, claim.action == "check",
                              targets, drafts, inbox, settings, key, today)
        except BaseException:
            store.release(entry)
            raise
        if outcome is None:
            continue
        summary.outcomes.append(outcome)
        if on_message:
            on_message(outcome)
    return summary


def _handle(conn: Connection, store: StateStore, entry: Entry, info: MessageInfo, source: str,
            fresh: bool, targets: dict[Verdict, str], drafts: str, inbox: str,
            settings: MailboxSettings, key: bytes | None, today: dt.date | None
            ) -> Outcome | None:
    if fresh:
        if info.size > settings.max_message_bytes:
            result = too_large(source, info.size, settings.max_message_bytes)
        else:
            raw = conn.fetch(info.uid)
            if raw is None:  # gone between listing and fetching (another client moved it)
                store.release(entry)
                return None
            result = check_message(raw, source, info.uid, key=key, today=today)
        draft_id = new_draft_id() if result.verdict in REPLY_VERDICTS else None
        store.checked(entry, str(result.verdict), targets[result.verdict], result.to_json(),
                      draft_id)
    else:
        assert entry.result is not None and entry.verdict is not None
        result = result_from_json(entry.result)
    verdict = result.verdict
    target = targets[verdict]  # the folder names may have changed since: use today's
    drafted = False
    if entry.draft_state == "pending" and entry.draft_id:
        message = draft_message(result, entry.draft_id, info.message_id, info.references)
        if message is not None:
            drafted = store_draft(conn, drafts, message, entry.draft_id, retry=not fresh)
            if not fresh:
                conn.select(inbox)
        store.draft_done(entry)
    conn.file(info.uid, target)
    store.filed(entry)
    return Outcome(info.uid, info.message_id, source, verdict, target, drafted, fresh, result)


def watch(connect: Callable[[], Connection], store: StateStore, settings: MailboxSettings, *,
          key: bytes | None, interval: float, on_event: Callable[[str], None],
          on_message: Callable[[Outcome], None] | None = None,
          rounds: int | None = None) -> None:
    """Keep the inbox checked: IDLE (or polling every interval) and reconnect after a drop.

    Runs until interrupted (Ctrl+C: KeyboardInterrupt) or, for tests, ``rounds`` passes.
    A refused login or a missing folder stops it; a dropped connection does not.
    """
    delay, done = 5.0, 0
    while rounds is None or done < rounds:
        try:
            with connect() as conn:
                delay = 5.0
                how = "IDLE" if "IDLE" in conn.capabilities else f"elke {interval:g} s kijken"
                on_event(f"verbonden met {conn.where}; wachten op nieuwe berichten ({how})")
                while rounds is None or done < rounds:
                    process(conn, store, settings, key=key, on_message=on_message)
                    done += 1
                    if rounds is not None and done >= rounds:
                        return
                    conn.wait(interval)
        except ConnectionLost as exc:
            on_event(f"{exc.line()}; opnieuw verbinden over {delay:g} s")
            time.sleep(delay)
            delay = min(delay * 2, 300.0)
        except MailboxError:
            raise
