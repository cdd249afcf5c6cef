"""A request sent again to the mailbox, in a later `formgen inbox` run (formgen.check.inbox.seen),
against a real Dovecot on loopback (tests/check/imap_server.py) with real prefilled forms."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import imap_server as dovecot
import inbox_mails as msgs
import pytest

from formgen.check.inbox.config import MailboxSettings, ServerSettings
from formgen.check.inbox.connection import Connection
from formgen.check.inbox.run import process
from formgen.check.inbox.seen import note_request
from formgen.check.inbox.state import StateStore
from formgen.check.submission import SubmissionResult
from formgen.check.verdict import Check, Status, Verdict

KEY = b"inbox-seen-test-key-0123456789abcdef"
FOLDERS = MailboxSettings().folders


@pytest.fixture
def server() -> Iterator[dovecot.Dovecot]:
    srv = dovecot.start()
    try:
        yield srv
    finally:
        srv.stop()


def _again(mail: msgs.Mail, n: int) -> msgs.Mail:
    """The same message sent once more: its own Message-ID, the same attachments."""
    new_id = mail.message_id[:-1] + f".weer{n}>"
    return msgs.Mail(mail.kind, mail.expected, mail.raw.replace(mail.message_id.encode(),
                                                                new_id.encode()), new_id)


def _run(server: dovecot.Dovecot, state: Path) -> dict[str, SubmissionResult]:
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    with StateStore(state) as store, Connection(settings) as conn:
        summary = process(conn, store, MailboxSettings(), key=KEY)
    return {o.message_id or "": o.result for o in summary.outcomes}


def _repeat(result: SubmissionResult) -> Check | None:
    return next((c for c in result.checks if c.code == "resubmitted"), None)


def test_a_request_sent_again_in_a_later_run(server: dovecot.Dovecot, tmp_path: Path) -> None:
    complete, no_id = msgs.build(tmp_path / "mails", KEY, [msgs.complete, msgs.no_id])
    state = tmp_path / "state.sqlite"
    for mail in (complete, no_id):
        server.deliver(mail.raw)
    first = _run(server, state)
    assert first[complete.message_id].verdict is Verdict.COMPLETE
    assert first[no_id.message_id].verdict is Verdict.INCOMPLETE
    assert not any(_repeat(r) for r in first.values())

    complete2, no_id2 = _again(complete, 1), _again(no_id, 1)
    for mail in (complete2, no_id2):
        server.deliver(mail.raw)
    second = _run(server, state)  # a new run, the same state file
    assert set(second) == {complete2.message_id, no_id2.message_id}
    repeat = _repeat(second[complete2.message_id])
    assert repeat is not None and repeat.status is Status.REVIEW
    assert "deze aanvraag is al eerder ingediend" in repeat.message
    assert second[complete2.message_id].verdict is Verdict.REVIEW
    repeat = _repeat(second[no_id2.message_id])
    assert repeat is not None and repeat.status is Status.WARNING
    assert second[no_id2.message_id].verdict is Verdict.INCOMPLETE  # the reply still goes
    snap = dovecot.snapshot(server)
    assert complete2.message_id in {m for m, _, _ in snap[FOLDERS["review"]]}
    assert no_id2.message_id in {m for m, _, _ in snap[FOLDERS["incomplete"]]}
    with sqlite3.connect(state) as db:  # one row per request, next to the run's own table
        assert db.execute("SELECT count(*) FROM requests").fetchone()[0] == 2
        assert db.execute("SELECT count(*) FROM messages").fetchone()[0] == 4


def _result(request_id: str | None, verdict: Verdict = Verdict.COMPLETE) -> SubmissionResult:
    return SubmissionResult(source="imap://x", verdict=verdict,
                            checks=[Check("form", Status.OK, "formulier")],
                            form={"request_id": request_id})


def test_the_same_message_checked_again_is_no_repeat(tmp_path: Path) -> None:
    """A run that stopped after the check checks the message again: not a repeat of itself."""
    state = tmp_path / "state.sqlite"
    StateStore(state).close()  # the file as a run leaves it
    for _ in range(2):
        result = _result("RABC")
        note_request(state, "klantenservice@x", "<een@voorbeeld.nl>", result)
        assert _repeat(result) is None and result.verdict is Verdict.COMPLETE
    other_account = _result("RABC")
    note_request(state, "andere@x", "<twee@voorbeeld.nl>", other_account)
    assert _repeat(other_account) is None
    later = _result("RABC")
    note_request(state, "klantenservice@x", "<twee@voorbeeld.nl>", later)
    repeat = _repeat(later)
    assert repeat is not None and repeat.status is Status.REVIEW
    blank = _result(None)  # a blank form names no request
    note_request(state, "klantenservice@x", "<drie@voorbeeld.nl>", blank)
    assert _repeat(blank) is None


def test_after_incomplete_ones_a_later_complete_one_makes_the_next_a_review(
        tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    outcomes = []
    for n, verdict in enumerate((Verdict.INCOMPLETE, Verdict.COMPLETE, Verdict.COMPLETE)):
        result = _result("RXYZ", verdict)
        note_request(state, "a", f"<{n}@voorbeeld.nl>", result)
        outcomes.append(_repeat(result))
    assert outcomes[0] is None
    assert outcomes[1] is not None and outcomes[1].status is Status.WARNING
    assert outcomes[2] is not None and outcomes[2].status is Status.REVIEW
