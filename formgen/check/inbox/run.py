"""One pass over the mailbox, and the watch loop around it.

Per message: claim it in the state store, check it exactly as ``formgen check`` checks an
``.eml``, store the verdict, put the reply draft (incomplete and unreadable ones), then file it.
Each step is recorded before the next, so a run that stops anywhere is finished by the next one
without checking, drafting or filing anything twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from formgen.check.inbox.config import MailboxSettings
from formgen.check.inbox.connection import Connection, MessageInfo
from formgen.check.inbox.drafts import draft_message, new_draft_id, store_draft
from formgen.check.inbox.seen import note_request
from formgen.check.inbox.state import Entry, StateStore
from formgen.check.intake import FileProblem
from formgen.check.report import REPLY_VERDICTS
from formgen.check.run import (
    INTERNAL,
    INTERNAL_MESSAGE,
    internal_failure,
    memory_message,
    out_of_memory,
)
from formgen.check.submission import SubmissionResult, check_email_message
from formgen.check.verdict import Check, Status, Verdict
from formgen.errors import ConnectionLost, MailboxError
from formgen.processes import Finished, Interrupted, Limits, Workers


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
                  today: dt.date | None, limits: Limits | None = None,
                  id_copies: Path | None = None, id_copies_format: str = "png",
                  ) -> SubmissionResult:
    """`formgen check` on the message, as on an .eml file, but in memory: no copy on disk
    (only the ID copy without BSN in ``id_copies``, when given, as with --redact).

    An internal error is isolated as there."""
    try:
        result = check_email_message(raw, source, key=key, today=today, name=f"bericht-{uid}.eml",
                                     redact_dir=id_copies, redact_format=id_copies_format)
    except (Exception, RecursionError) as exc:  # a poison message must not block
        message = (memory_message(limits or Limits()) if out_of_memory(exc)
                   else INTERNAL_MESSAGE)
        result = internal_failure(Path(f"bericht-{uid}.eml"), message, traceback.format_exc())
    result.source = source
    return result


def _check_in_worker(raw: bytes, source: str, uid: int, key: bytes | None,
                     today: dt.date | None, limits: Limits,
                     id_copies: Path | None = None,
                     id_copies_format: str = "png") -> SubmissionResult:
    return check_message(raw, source, uid, key=key, today=today, limits=limits,
                         id_copies=id_copies, id_copies_format=id_copies_format)


MAX_FAILURES = 2  # a message whose check killed its worker this often is set aside
SET_ASIDE_NOTE = "de controle van dit bericht liep"
_FAILURES = {"time": "de controle duurde te lang", "memory": "te veel geheugen nodig",
             "died": "het controleproces stopte",
             "error": "het controleproces liep vast"}


def set_aside(source: str, failures: int, why: str, folder: str, details: str
              ) -> SubmissionResult:
    """A message whose check keeps killing its worker: not judged, filed apart for a person."""
    note = (f"{SET_ASIDE_NOTE} {failures} keer vast ({why}); het bericht is apart gezet in "
            f"{folder}: bekijk het zelf, de andere berichten worden wel gecontroleerd")
    return SubmissionResult(source=source, verdict=Verdict.UNREADABLE,
                            checks=[Check(INTERNAL, Status.REVIEW, note)],
                            form={"found": False}, internal_error=details or note)


def is_set_aside(result: SubmissionResult) -> bool:
    return any(c.code == INTERNAL and c.message.startswith(SET_ASIDE_NOTE) for c in result.checks)


def is_internal(result: SubmissionResult) -> bool:
    """Not judged (our fault): support looks at it, no reply draft (also for stored results)."""
    return bool(result.internal_error) or any(c.code == INTERNAL for c in result.checks)


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
    problems = [FileProblem(f["name"], f["problem"], bool(f.get("whole")))
                for f in data.get("files", [])]
    return SubmissionResult(source=data["source"], verdict=Verdict(data["verdict"]),
                            checks=checks, form=data.get("form") or {}, problems=problems,
                            reply_to=data.get("reply_to"), message_id=data.get("message_id"),
                            references=data.get("references"))


def process(conn: Connection, store: StateStore, settings: MailboxSettings, *,
            key: bytes | None, today: dt.date | None = None, jobs: int = 1,
            on_total: Callable[[int], None] | None = None,
            on_message: Callable[[Outcome], None] | None = None,
            limits: Limits | None = None) -> RunSummary:
    """Check and file every message in the inbox folder that no run has handled yet.

    The checks run in ``jobs`` worker processes (``formgen.processes``, within ``limits``)
    while this one fetches the next message and files the last; IMAP and the state file stay
    in this process. A message whose check kills its worker or runs out of time is tried once
    more; the second time it is set aside (filed in ``settings.set_aside``, no draft) and the
    others go on. Ctrl+C raises :class:`Interrupted` with the summary so far and the messages
    not finished, each left as it was for the next run.
    """
    limits = limits or Limits.from_env()
    account = conn.settings.account
    inbox = conn.server_name(settings.inbox)
    targets = {Verdict(v): conn.server_name(name) for v, name in settings.folders.items()}
    aside = conn.server_name(settings.set_aside)
    drafts = conn.drafts_folder(settings.drafts)
    for name in [*dict.fromkeys([*targets.values(), aside]), drafts]:
        conn.ensure_folder(name)
    selected = conn.select(inbox)
    one = _Pass(conn, store, inbox, drafts, targets, aside)
    summary = RunSummary(inbox)
    pending = conn.pending()
    present = {m.uid for m in pending}
    for stale in store.unfinished(account, inbox, selected.uidvalidity):
        if stale.uid not in present:  # moved by a run that stopped before it could record it
            store.filed(stale)
            summary.finished_elsewhere += 1
    if on_total:
        on_total(len(pending))

    def url(uid: int) -> str:
        return message_url(conn, inbox, selected.uidvalidity, uid)

    def settle(entry: Entry, info: MessageInfo, source: str, result: SubmissionResult,
               fresh: bool) -> None:
        if fresh:
            note_request(store.path, account, info.message_id or source, result)  # seen.py
            one.record(entry, result)
        outcome = one.finish(entry, info, source, result, fresh)
        summary.outcomes.append(outcome)
        if on_message:
            on_message(outcome)

    waiting: dict[int, tuple[Entry, MessageInfo, str, bytes]] = {}  # by UID, being checked

    def collect(end: Finished) -> None:
        entry, info, source, raw = waiting[end.tag]  # it stays there until settled
        if end.failure is None:
            settle(entry, info, source, end.value, True)
        elif store.failed(entry) < MAX_FAILURES:  # once more, in a fresh worker
            workers.submit(end.tag, raw, source, info.uid, key, today, limits,
                           settings.id_copies, settings.id_copies_format)
            return
        else:
            why = _FAILURES.get(end.failure or "", "het controleproces stopte")
            settle(entry, info, source,
                   set_aside(source, entry.failures, why, aside, end.detail), True)
        del waiting[end.tag]

    def drain(keep: int) -> None:
        while len(waiting) > keep:
            collect(workers.next())

    current: Entry | None = None
    started: set[int] = set()
    try:
        with Workers(_check_in_worker, jobs, limits) as workers:
            for info in pending:
                started.add(info.uid)
                claim = store.claim(account, inbox, selected.uidvalidity, info.uid,
                                    info.message_id)
                if claim.action == "skip":
                    summary.busy += claim.reason == "busy"
                    continue
                current = claim.entry
                assert current is not None
                source = url(info.uid)
                if claim.action == "finish":
                    assert current.result is not None
                    settle(current, info, source, _stored(current.result, source), False)
                elif current.failures >= MAX_FAILURES:  # a run that stopped before filing it
                    settle(current, info, source, set_aside(
                        source, current.failures, "in een eerdere ronde", aside, ""), True)
                elif info.size > settings.max_message_bytes:
                    settle(current, info, source,
                           too_large(source, info.size, settings.max_message_bytes), True)
                elif (raw := conn.fetch(info.uid)) is None:  # gone since the listing
                    store.release(current)
                elif store.twin(current, hashlib.sha256(raw).hexdigest()):
                    assert current.result is not None  # the same bytes, checked before
                    settle(current, info, source, _stored(current.result, source), False)
                else:
                    waiting[info.uid] = (current, info, source, raw)
                    current = None
                    workers.submit(info.uid, raw, source, info.uid, key, today, limits,
                                   settings.id_copies, settings.id_copies_format)
                    drain(jobs - 1)
                current = None
            drain(0)
    except BaseException as exc:
        for entry, _, _, _ in waiting.values():
            store.release(entry)
        if current is not None:
            store.release(current)
        if isinstance(exc, KeyboardInterrupt):
            left = [url(uid) for uid in waiting] + [
                url(m.uid) for m in pending if m.uid not in started] + (
                [url(current.uid)] if current is not None else [])
            raise Interrupted(summary, left) from None
        raise
    return summary


def _stored(data: dict[str, Any], source: str) -> SubmissionResult:
    """A result from the state file, named by this message (a copy has its own URL)."""
    result = result_from_json(data)
    result.source = source
    return result


@dataclass
class _Pass:
    """The steps after the check, for one pass over one folder."""

    conn: Connection
    store: StateStore
    inbox: str
    drafts: str
    targets: dict[Verdict, str]
    aside: str

    def target(self, result: SubmissionResult) -> str:
        """The folder for the verdict; a message not judged goes to the review folder, one
        that kept killing its check to the set-aside folder."""
        if is_set_aside(result):
            return self.aside
        return self.targets[Verdict.REVIEW if is_internal(result) else result.verdict]

    def record(self, entry: Entry, result: SubmissionResult) -> None:
        due = result.verdict in REPLY_VERDICTS and not is_internal(result)
        self.store.checked(entry, str(result.verdict), self.target(result), result.to_json(),
                           new_draft_id() if due else None)

    def finish(self, entry: Entry, info: MessageInfo, source: str, result: SubmissionResult,
               fresh: bool) -> Outcome:
        """The draft (when due and not yet there), then the filing."""
        target = self.target(result)  # names may have changed since: use today's
        drafted = False
        if entry.draft_state == "pending" and entry.draft_id:
            message = draft_message(result, entry.draft_id, info.message_id, info.references)
            if message is not None:
                drafted = store_draft(self.conn, self.drafts, message, entry.draft_id,
                                      retry=not fresh)
                if not fresh:
                    self.conn.select(self.inbox)
            self.store.draft_done(entry)
        self.conn.file(info.uid, target)
        self.store.filed(entry)
        return Outcome(info.uid, info.message_id, source, result.verdict, target, drafted,
                       fresh, result)


def watch(connect: Callable[[], Connection], store: StateStore, settings: MailboxSettings, *,
          key: bytes | None, interval: float, on_event: Callable[[str], None],
          on_message: Callable[[Outcome], None] | None = None, jobs: int = 1,
          rounds: int | None = None, retry_delay: float = 5.0) -> None:
    """Keep the inbox checked: IDLE (or polling every interval) and reconnect after a drop.

    Runs until interrupted (Ctrl+C: KeyboardInterrupt) or, for tests, ``rounds`` passes.
    A refused login or a missing folder stops it; a dropped connection does not.
    """
    delay, done = retry_delay, 0
    while rounds is None or done < rounds:
        try:
            with connect() as conn:
                delay = retry_delay
                how = "IDLE" if "IDLE" in conn.capabilities else f"elke {interval:g} s kijken"
                on_event(f"verbonden met {conn.where}; wachten op nieuwe berichten ({how})")
                while rounds is None or done < rounds:
                    process(conn, store, settings, key=key, jobs=jobs, on_message=on_message)
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
