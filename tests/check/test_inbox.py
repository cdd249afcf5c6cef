"""`formgen inbox` against a real Dovecot on loopback: filing, drafts, state, faults, watch.

Every test starts its own Dovecot (tests/check/imap_server.py); where it cannot start, the
test fails.
"""

from __future__ import annotations

import email
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import imap_server as dovecot
import inbox_mails as msgs
import pytest
import yaml
from click.testing import CliRunner

from formgen.check.inbox.config import (
    MailboxSettings,
    ServerSettings,
    parse_mailbox,
    server_settings,
)
from formgen.check.inbox.connection import Connection, decode_utf7, encode_utf7
from formgen.check.inbox.run import process, watch
from formgen.check.inbox.state import StateStore
from formgen.cli import main
from formgen.errors import ConnectionLost, DefinitionError, MailboxError
from formgen.resources import default_config_dir

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"complete": "Wijzigingen/Compleet", "incomplete": "Wijzigingen/Onvolledig",
           "review": "Wijzigingen/Nakijken", "unreadable": "Wijzigingen/Onleesbaar"}
CHEAP_VERDICT = {"no_id": "incomplete", "unsigned_no_id": "incomplete",
                 "corrupt_pdf": "unreadable", "no_attachment": "unreadable",
                 "malformed_mime": "unreadable", "plain_text": "unreadable"}


@pytest.fixture
def server() -> Iterator[dovecot.Dovecot]:
    srv = dovecot.start()  # raises (test fails) when Dovecot is missing or cannot start
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def cheap_mails(tmp_path_factory: pytest.TempPathFactory) -> list[msgs.Mail]:
    builders = [msgs.no_id, msgs.corrupt_pdf, msgs.no_attachment, msgs.malformed_mime,
                msgs.plain_text, msgs.unsigned_no_id]
    return msgs.build(tmp_path_factory.mktemp("mails"), b"k" * 32, builders)


def formgen(server: dovecot.Dovecot, *args: str, key: bytes | None = None,
            env: dict[str, str] | None = None, timeout: float = 600
            ) -> subprocess.CompletedProcess[str]:
    extra = {"FORMGEN_SECRET": key.decode()} if key else {}
    full_env = server.env(**extra, **(env or {}))
    return subprocess.run([sys.executable, "-m", "formgen", "inbox", "--port",
                           str(server.imap_port), "--starttls", *args],
                          env=full_env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def where(snap: dict[str, list[tuple[str, str, tuple[str, ...]]]], message_id: str) -> list[str]:
    return [folder for folder, items in snap.items() if folder != "Drafts"
            for mid, _, _ in items if mid == message_id]


def assert_filed_once(server: dovecot.Dovecot, mails: list[msgs.Mail],
                      verdicts: dict[str, str]) -> dict:
    snap = dovecot.snapshot(server)
    assert snap.get("INBOX") == [], snap.get("INBOX")
    for mail in mails:
        assert where(snap, mail.message_id) == [FOLDERS[verdicts[mail.message_id]]], mail.kind
    replies = [d["In-Reply-To"] for d in dovecot.drafts(server)]
    wanted = sorted(m.message_id for m in mails
                    if verdicts[m.message_id] in ("incomplete", "unreadable"))
    assert sorted(replies) == wanted  # exactly one draft per incomplete or unreadable message
    return snap


def filed_count(state: Path) -> int:
    if not state.exists():
        return 0
    try:
        with sqlite3.connect(state, timeout=30) as db:
            return int(db.execute("SELECT count(*) FROM messages WHERE status='filed'"
                                  ).fetchone()[0])
    except sqlite3.OperationalError:  # created, but its table not yet
        return 0


# ------------------------------------------------------------------------------------------------
# one run, a second run, the same answers as `formgen check`
# ------------------------------------------------------------------------------------------------


def test_inbox_checks_files_and_drafts_like_check(server: dovecot.Dovecot, tmp_path: Path,
                                                  key: bytes) -> None:
    mails = msgs.build(tmp_path / "mails", key, [msgs.complete, msgs.no_id, msgs.corrupt_pdf,
                                                 msgs.no_attachment, msgs.malformed_mime])
    eml_dir = tmp_path / "eml"
    eml_dir.mkdir()
    for uid, mail in enumerate(mails, start=1):  # the names the inbox gives them
        server.deliver(mail.raw)
        (eml_dir / f"bericht-{uid}.eml").write_bytes(mail.raw)
    emls = [str(eml_dir / f"bericht-{uid}.eml") for uid in range(1, len(mails) + 1)]
    env = dict(os.environ, FORMGEN_SECRET=key.decode())
    check = subprocess.run([sys.executable, "-m", "formgen", "check", *emls, "--json",
                            "--reply", str(tmp_path / "replies")], env=env, capture_output=True,
                           text=True, cwd=ROOT, timeout=600)
    assert check.returncode == 1, check.stderr
    expected = json.loads(check.stdout)["submissions"]

    state = tmp_path / "state.sqlite"
    run = formgen(server, "--state", str(state), "--json", "--report", str(tmp_path / "rapport"),
                  key=key)
    assert run.returncode == 1, run.stderr
    got = json.loads(run.stdout)["submissions"]
    assert (tmp_path / "rapport" / "index.html").is_file()
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert re.fullmatch(r"imap://klantenservice@127\.0\.0\.1:\d+/INBOX;UIDVALIDITY=\d+/;"
                            r"UID=\d+", mine.pop("source"))
        theirs.pop("source")
        assert mine == theirs  # same verdict, checks, form summary, file problems, reply_to

    verdicts = {m.message_id: e["verdict"] for m, e in zip(mails, expected, strict=True)}
    assert verdicts[mails[0].message_id] == "complete"
    assert {verdicts[m.message_id] for m in mails[1:]} <= {"incomplete", "unreadable"}
    snap = assert_filed_once(server, mails, verdicts)
    for folder, items in snap.items():  # checked, filed, never marked read or deleted
        if folder != "Drafts":
            assert all("\\Seen" not in flags and "\\Deleted" not in flags
                       for _, _, flags in items), folder

    # the drafts carry the same reply text as `formgen check --reply`, threaded
    reply_files = sorted((tmp_path / "replies").glob("*.eml"))
    by_sender = {}
    for path in reply_files:
        reply = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        by_sender[reply["To"]] = (reply["Subject"], reply.get_content())
    for draft in dovecot.drafts(server):
        original = next(m for m in mails if m.message_id == draft["In-Reply-To"])
        assert draft["References"].endswith(original.message_id)
        subject, content = by_sender[draft["To"]]
        assert draft.get_content().replace("\r\n", "\n") == content
        assert draft["Subject"] == subject
    imap = server.client()
    imap.select("Drafts", readonly=True)
    _, flags = imap.fetch("1:*", "(FLAGS)")
    imap.logout()
    assert all(b"\\Draft" in f for f in flags)

    # a second run changes nothing
    before_rows = sqlite3.connect(state).execute("SELECT * FROM messages ORDER BY uid").fetchall()
    again = formgen(server, "--state", str(state), key=key)
    assert again.returncode == 0, again.stderr
    assert "geen nieuwe berichten" in again.stderr
    assert dovecot.snapshot(server) == snap
    after_rows = sqlite3.connect(state).execute("SELECT * FROM messages ORDER BY uid").fetchall()
    assert [r[:6] for r in after_rows] == [r[:6] for r in before_rows]


# ------------------------------------------------------------------------------------------------
# crashes and concurrency
# ------------------------------------------------------------------------------------------------


def test_run_killed_halfway_then_resumed(server: dovecot.Dovecot, tmp_path: Path,
                                         cheap_mails: list[msgs.Mail]) -> None:
    mails = cheap_mails * 2  # twelve messages; the copies get their own Message-ID below
    mails = [msgs.Mail(m.kind, m.expected, m.raw.replace(m.message_id.encode(), (
        m.message_id[:-1] + f".{i}>").encode()), m.message_id[:-1] + f".{i}>")
        for i, m in enumerate(mails)]
    for mail in mails:
        server.deliver(mail.raw)
    state = tmp_path / "state.sqlite"
    env = server.env()
    proc = subprocess.Popen([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imap_port), "--starttls", "--state", str(state),
                             "--jobs", "2"],  # killed with checks in flight in two workers
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while filed_count(state) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no clean-up of any kind
    proc.communicate()
    halfway = filed_count(state)
    assert 3 <= halfway < len(mails), halfway
    resumed = formgen(server, "--state", str(state))
    assert resumed.returncode == 1, resumed.stderr
    assert_filed_once(server, mails, {m.message_id: CHEAP_VERDICT[m.kind] for m in mails})
    assert filed_count(state) == len(mails)


@pytest.mark.parametrize("crash_at", ["after_check", "after_draft", "after_move"])
def test_crash_between_steps_is_finished_once(server: dovecot.Dovecot, tmp_path: Path,
                                              cheap_mails: list[msgs.Mail],
                                              monkeypatch: pytest.MonkeyPatch,
                                              crash_at: str) -> None:
    mail = next(m for m in cheap_mails if m.kind == "no_attachment")
    server.deliver(mail.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    state = StateStore(tmp_path / "state.sqlite")
    hooks = {"after_check": (StateStore, "checked"), "after_draft": (Connection, "append"),
             "after_move": (Connection, "file")}
    owner, name = hooks[crash_at]
    real = getattr(owner, name)

    def crash(self: object, *args: object, **kwargs: object) -> object:
        real(self, *args, **kwargs)
        raise KeyboardInterrupt  # the process dies right after this step

    monkeypatch.setattr(owner, name, crash)
    with Connection(settings) as conn, pytest.raises(KeyboardInterrupt):
        process(conn, state, MailboxSettings(), key=None)
    monkeypatch.setattr(owner, name, real)
    state.close()
    state = StateStore(tmp_path / "state.sqlite")  # a new run (another owner)
    with Connection(settings) as conn:
        summary = process(conn, state, MailboxSettings(), key=None)
    assert_filed_once(server, [mail], {mail.message_id: "unreadable"})
    assert [e.status for e in state.entries()] == ["filed"]
    assert len(summary.outcomes) + summary.finished_elsewhere == 1


def test_copy_and_keyword_where_the_server_has_no_move(server: dovecot.Dovecot, tmp_path: Path,
                                                      cheap_mails: list[msgs.Mail]) -> None:
    mail = next(m for m in cheap_mails if m.kind == "plain_text")
    server.deliver(mail.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    with StateStore(tmp_path / "state.sqlite") as store:
        for _ in range(2):  # the second pass must leave the copied original alone
            with Connection(settings) as conn:
                conn.capabilities = conn.capabilities - {"MOVE"}
                summary = process(conn, store, MailboxSettings(), key=None)
    assert summary.outcomes == []
    snap = dovecot.snapshot(server)
    assert snap["INBOX"] == [(mail.message_id, "", ("$FormgenFiled",))]  # kept, not read
    assert where(snap, mail.message_id) == ["INBOX", FOLDERS["unreadable"]]
    assert len(snap["Drafts"]) == 1


def test_watch_polls_where_the_server_has_no_idle(server: dovecot.Dovecot, tmp_path: Path,
                                                  cheap_mails: list[msgs.Mail]) -> None:
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    events: list[str] = []
    mail = next(m for m in cheap_mails if m.kind == "no_attachment")

    def connect() -> Connection:
        conn = Connection(settings)
        conn.capabilities = conn.capabilities - {"IDLE"}
        server.deliver(mail.raw)  # arrives while the first pass is about to run
        return conn

    started = time.monotonic()
    with StateStore(tmp_path / "state.sqlite") as store:
        watch(connect, store, MailboxSettings(), key=None, interval=1.0, on_event=events.append,
              rounds=2)
    assert time.monotonic() - started >= 1.0  # waited one interval between the passes
    assert events == [f"verbonden met 127.0.0.1:{server.imap_port}; wachten op nieuwe "
                      "berichten (elke 1 s kijken)"]
    assert where(dovecot.snapshot(server), mail.message_id) == [FOLDERS["unreadable"]]


def test_watch_reconnects_after_a_dropped_connection(server: dovecot.Dovecot, tmp_path: Path,
                                                      cheap_mails: list[msgs.Mail]) -> None:
    for mail in cheap_mails:
        server.deliver(mail.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    events: list[str] = []
    handled = []

    def kick_once(outcome: object) -> None:
        handled.append(outcome)
        if len(handled) == 1:
            subprocess.run(["doveadm", "-c", str(server.root / "dovecot.conf"), "kick",
                            dovecot.USER], check=True, capture_output=True)

    with StateStore(tmp_path / "state.sqlite") as store:
        watch(lambda: Connection(settings), store, MailboxSettings(), key=None, interval=1.0,
              on_event=events.append, on_message=kick_once, rounds=1, retry_delay=0.2)
    assert len(events) == 3 and "de verbinding is verbroken" in events[1], events
    assert events[1].endswith("opnieuw verbinden over 0.2 s")
    assert len(handled) == len(cheap_mails)
    assert_filed_once(server, cheap_mails, {m.message_id: CHEAP_VERDICT[m.kind]
                                            for m in cheap_mails})


def test_internal_error_goes_to_review_without_a_draft(server: dovecot.Dovecot, tmp_path: Path,
                                                        cheap_mails: list[msgs.Mail],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    mail = next(m for m in cheap_mails if m.kind == "plain_text")
    server.deliver(mail.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the validator")

    monkeypatch.setattr("formgen.check.inbox.run.check_email_message", broken)
    with StateStore(tmp_path / "state.sqlite") as store:
        with Connection(settings) as conn:
            summary = process(conn, store, MailboxSettings(), key=None)
        (outcome,) = summary.outcomes
        assert outcome.result.internal_error and "a bug in the validator" in \
            outcome.result.internal_error
        assert [c.code for c in outcome.result.checks] == ["internal"]
        assert (outcome.target, outcome.draft) == (FOLDERS["review"], False)
        assert [e.draft_id for e in store.entries()] == [None]
    snap = dovecot.snapshot(server)
    assert where(snap, mail.message_id) == [FOLDERS["review"]] and snap["Drafts"] == []


def test_two_runs_at_once_share_the_work(server: dovecot.Dovecot, tmp_path: Path,
                                         cheap_mails: list[msgs.Mail]) -> None:
    for mail in cheap_mails:
        server.deliver(mail.raw)
    state = tmp_path / "state.sqlite"
    env = server.env()
    args = [sys.executable, "-m", "formgen", "inbox", "--port", str(server.imap_port),
            "--starttls", "--state", str(state)]
    runs = [subprocess.Popen(args + extra, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for extra in ([], ["--jobs", "2"])]
    outputs = [r.communicate(timeout=300) for r in runs]
    assert all(r.returncode == 1 for r in runs), outputs
    assert_filed_once(server, cheap_mails, {m.message_id: CHEAP_VERDICT[m.kind]
                                            for m in cheap_mails})
    lines = [ln for _, err in outputs for ln in err.splitlines() if " -> " in ln]
    assert len(lines) == len(cheap_mails)  # each message reported by exactly one run


# ------------------------------------------------------------------------------------------------
# faults
# ------------------------------------------------------------------------------------------------


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_refused_login(server: dovecot.Dovecot, tmp_path: Path) -> None:
    result = formgen(server, "--state", str(tmp_path / "s.sqlite"),
                     env={"FORMGEN_IMAP_PASSWORD": "fout"})
    assert "weigert de aanmelding voor gebruiker 'klantenservice'" in one_error_line(result)


def test_tls_is_required_and_verified(server: dovecot.Dovecot, tmp_path: Path,
                                      cheap_mails: list[msgs.Mail]) -> None:
    state = str(tmp_path / "s.sqlite")
    line = one_error_line(formgen(server, "--state", state, "--insecure"))
    assert "kies --starttls of --insecure" in line
    env = server.env(FORMGEN_IMAP_HOST="imap.voorbeeld.nl")
    result = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--insecure"], env=env,
                            capture_output=True, text=True, cwd=ROOT)
    assert "alleen met een testserver op deze computer" in one_error_line(result)
    env = server.env(FORMGEN_IMAP_CAFILE="")
    result = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imaps_port), "--state", state], env=env,
                            capture_output=True, text=True, cwd=ROOT)
    assert "certificaat niet vertrouwd" in one_error_line(result)
    # IMAPS with the certificate trusted works
    mail = next(m for m in cheap_mails if m.kind == "plain_text")
    server.deliver(mail.raw)
    result = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imaps_port), "--state", state], env=server.env(),
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert where(dovecot.snapshot(server), mail.message_id) == [FOLDERS["unreadable"]]
    # plain IMAP only with --insecure, on loopback
    mail = next(m for m in cheap_mails if m.kind == "no_attachment")
    server.deliver(mail.raw)
    result = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imap_port), "--insecure", "--state", state],
                            env=server.env(), capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1, result.stderr
    assert where(dovecot.snapshot(server), mail.message_id) == [FOLDERS["unreadable"]]


def test_dropped_connection_loses_nothing(server: dovecot.Dovecot, tmp_path: Path,
                                          cheap_mails: list[msgs.Mail]) -> None:
    for mail in cheap_mails:
        server.deliver(mail.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    state = StateStore(tmp_path / "state.sqlite")
    seen = []

    def kick(outcome: object) -> None:
        seen.append(outcome)
        if len(seen) == 2:  # the server drops every session of the user
            subprocess.run(["doveadm", "-c", str(server.root / "dovecot.conf"), "kick",
                            dovecot.USER], check=True, capture_output=True)

    with Connection(settings) as conn, pytest.raises(ConnectionLost) as caught:
        process(conn, state, MailboxSettings(), key=None, on_message=kick)
    assert "de verbinding is verbroken" in caught.value.line()
    # nothing half-done: every message taken is filed, or judged and waiting to be filed (the
    # server may close the session a message later than the kick on a busy machine, while that
    # message is being filed); the next run files it without judging it again
    statuses = [e.status for e in state.entries()]
    assert statuses.count("filed") >= 2 and set(statuses) <= {"filed", "checked"}
    with Connection(settings) as conn:
        process(conn, state, MailboxSettings(), key=None)
    assert {e.status for e in state.entries()} == {"filed"}
    assert_filed_once(server, cheap_mails, {m.message_id: CHEAP_VERDICT[m.kind]
                                            for m in cheap_mails})


def _config_dir(tmp_path: Path, mailbox: dict) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("form.yaml", "company.yaml"):
        (config / name).write_bytes((default_config_dir() / name).read_bytes())
    company = yaml.safe_load((config / "company.yaml").read_text(encoding="utf-8"))
    company["mailbox"] = mailbox
    (config / "company.yaml").write_text(yaml.safe_dump(company, allow_unicode=True),
                                         encoding="utf-8")
    return config


def test_too_large_message_goes_to_review_unread(server: dovecot.Dovecot, tmp_path: Path,
                                                 cheap_mails: list[msgs.Mail]) -> None:
    big = next(m for m in cheap_mails if m.kind == "corrupt_pdf")  # ~27 KB
    small = next(m for m in cheap_mails if m.kind == "plain_text")
    server.deliver(big.raw)
    server.deliver(small.raw)
    config = _config_dir(tmp_path, {"max_message_mb": 0.01, "folders": {
        "review": "Wijzigingen/Zelf bekijken"}})
    result = formgen(server, "--state", str(tmp_path / "s.sqlite"),
                     env={"FORMGEN_CONFIG_DIR": str(config)})
    assert result.returncode == 1, result.stderr
    assert re.search(r"te groot om te controleren \(2\d kB, de grens is 10 kB\)",
                     result.stderr)
    snap = dovecot.snapshot(server)
    assert where(snap, big.message_id) == ["Wijzigingen/Zelf bekijken"]
    assert where(snap, small.message_id) == [FOLDERS["unreadable"]]
    assert [d["In-Reply-To"] for d in dovecot.drafts(server)] == [small.message_id]


def test_vanished_folders(server: dovecot.Dovecot, tmp_path: Path,
                          cheap_mails: list[msgs.Mail]) -> None:
    state = str(tmp_path / "s.sqlite")
    config = _config_dir(tmp_path, {"inbox": "Aanvragen"})
    line = one_error_line(formgen(server, "--state", state,
                                  env={"FORMGEN_CONFIG_DIR": str(config)}))
    assert "de map 'Aanvragen' bestaat niet (meer)" in line
    first, second, third = cheap_mails[1], cheap_mails[2], cheap_mails[3]  # all unreadable
    server.deliver(first.raw)
    assert formgen(server, "--state", state).returncode == 1
    _delete_folder(server, "Wijzigingen/Onleesbaar")  # between runs
    server.deliver(second.raw)
    result = formgen(server, "--state", state)
    assert result.returncode == 1, result.stderr
    assert where(dovecot.snapshot(server), second.message_id) == [FOLDERS["unreadable"]]
    # during a run: after the first message, the folder the next one goes to disappears
    server.deliver(cheap_mails[4].raw)
    server.deliver(third.raw)
    settings = ServerSettings("127.0.0.1", server.imap_port, "starttls", dovecot.USER,
                              dovecot.PASSWORD, server.cafile)
    with StateStore(Path(state)) as store, Connection(settings) as conn:
        summary = process(conn, store, MailboxSettings(), key=None, on_message=lambda o: (
            _delete_folder(server, "Wijzigingen/Onleesbaar") if o.uid == 3 else None))
    assert [o.uid for o in summary.outcomes] == [3, 4]
    assert where(dovecot.snapshot(server), third.message_id) == [FOLDERS["unreadable"]]


def _delete_folder(server: dovecot.Dovecot, name: str) -> None:
    """What support might do: empty a folder and delete it."""
    imap = server.client()
    imap.select(name)
    imap.store("1:*", "+FLAGS", "\\Deleted")
    imap.expunge()
    imap.close()
    assert imap.delete(name)[0] == "OK"
    imap.logout()


# ------------------------------------------------------------------------------------------------
# watch
# ------------------------------------------------------------------------------------------------


def _ctrl_c_as_in_a_terminal() -> None:
    """A test run started in the background (`bash .ci/run &`) ignores SIGINT, and a child
    inherits that: give the command the default Ctrl+C, as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_idles_and_stops_cleanly_on_ctrl_c(server: dovecot.Dovecot, tmp_path: Path,
                                                  cheap_mails: list[msgs.Mail]) -> None:
    state = tmp_path / "state.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imap_port), "--starttls", "--state", str(state),
                             "--watch", "--interval", "30"], env=server.env(), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while not state.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # in IDLE by now
        mail = next(m for m in cheap_mails if m.kind == "plain_text")
        server.deliver(mail.raw)
        deadline = time.monotonic() + 60
        while filed_count(state) < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        elapsed = 60 - (deadline - time.monotonic())
        assert filed_count(state) == 1
        assert elapsed < 25  # woken by IDLE, not by the 30-second poll
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "IDLE" in err and "gestopt" in err
    assert where(dovecot.snapshot(server), mail.message_id) == [FOLDERS["unreadable"]]


# ------------------------------------------------------------------------------------------------
# settings
# ------------------------------------------------------------------------------------------------


def test_mailbox_settings_defaults_and_errors() -> None:
    default = parse_mailbox(None)
    assert default.folders == FOLDERS and default.inbox == "INBOX" and default.drafts == "Drafts"
    custom = parse_mailbox({"folders": {"complete": "Klaar"}, "drafts": "Concepten"})
    assert custom.folders["complete"] == "Klaar" and custom.folders["review"] == FOLDERS["review"]
    for bad in ({"folders": {"klaar": "X"}}, {"max_message_mb": 0}, {"inbox": ""},
                {"mappen": {}}, ["INBOX"]):
        with pytest.raises(DefinitionError):
            parse_mailbox(bad)  # type: ignore[arg-type]


def test_folder_names_in_modified_utf7() -> None:
    for name in ("Wijzigingen/Compleet", "Één & ander", "Überprüfung/日本"):
        assert decode_utf7(encode_utf7(name).encode()) == name
    assert encode_utf7("Één & ander") == "&AMkA6Q-n &- ander"


def test_server_settings_from_the_environment(tmp_path: Path) -> None:
    secret = tmp_path / "wachtwoord"
    secret.write_text("geheim\n", encoding="utf-8")
    env = {"FORMGEN_IMAP_USER": "ks", "FORMGEN_IMAP_PASSWORD_FILE": str(secret)}
    settings = server_settings("imap.voorbeeld.nl", None, starttls=False, insecure=False,
                               cafile=None, env=env)
    assert (settings.security, settings.port, settings.password) == ("imaps", 993, "geheim")
    assert "geheim" not in repr(settings)
    starttls = server_settings("imap.voorbeeld.nl", None, starttls=True, insecure=False,
                               cafile=None, env=env)
    assert (starttls.security, starttls.port) == ("starttls", 143)
    with pytest.raises(MailboxError, match="FORMGEN_IMAP_PASSWORD"):
        server_settings("imap.voorbeeld.nl", None, starttls=False, insecure=False, cafile=None,
                        env={"FORMGEN_IMAP_USER": "ks"})
    with pytest.raises(MailboxError, match="wachtwoordbestand"):
        server_settings("imap.voorbeeld.nl", None, starttls=False, insecure=False, cafile=None,
                        env={**env, "FORMGEN_IMAP_PASSWORD_FILE": str(tmp_path / "weg")})


def test_settings_never_from_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--host", "127.0.0.1",
                             "--starttls"], env={k: v for k, v in os.environ.items()
                                                 if not k.startswith("FORMGEN_IMAP")},
                            capture_output=True, text=True, cwd=ROOT)
    assert "FORMGEN_IMAP_USER" in one_error_line(result)
    assert isinstance(MailboxError("x"), Exception)


def test_a_run_waits_while_another_opens_the_state_file(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two runs started together: SQLite tells one of them "database is locked" while the other
    switches the file to WAL, without waiting. That one tries again instead of giving up."""
    from formgen.check.inbox import state as state_module

    real_connect = sqlite3.connect
    refusals = []

    class Busy:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("PRAGMA journal_mode") and len(refusals) < 2:
                refusals.append(sql)
                raise sqlite3.OperationalError("database is locked")
            return self.db.execute(sql, *args)

        def __getattr__(self, name: str) -> object:
            return getattr(self.db, name)

    monkeypatch.setattr(state_module.sqlite3, "connect",
                        lambda *args, **kwargs: Busy(real_connect(*args, **kwargs)))
    with StateStore(tmp_path / "state.sqlite") as store:
        assert store.entries() == []
    assert len(refusals) == 2


# ------------------------------------------------------------------------------------------------
# a message that kills its check, a reused Message-ID, an unusable state file (issue 26)
# ------------------------------------------------------------------------------------------------


def _slow_mail(message_id: str, tmp_path: Path, pages: int = 12) -> bytes:
    """Pages of grain, each searched for an ID document (about 2 s a page): 12 take many
    seconds, far past 2 s."""
    from email.message import EmailMessage

    from test_interrupt import noise_pages

    noise_pages(tmp_path / message_id.strip("<>"), pages)
    message = EmailMessage()
    message["From"], message["To"] = "traag@voorbeeld.nl", "klantenservice@voorbeeld.nl"
    message["Subject"], message["Message-ID"] = "Mijn formulier", message_id
    message.set_content("Hierbij mijn formulier.")
    for page in sorted((tmp_path / message_id.strip("<>")).iterdir()):
        message.add_attachment(page.read_bytes(), maintype="image", subtype="jpeg",
                               filename=page.name)
    return message.as_bytes()


def test_a_message_that_kills_its_check_twice_is_set_aside(
        server: dovecot.Dovecot, tmp_path: Path, cheap_mails: list[msgs.Mail]) -> None:
    first = next(m for m in cheap_mails if m.kind == "plain_text")
    last = next(m for m in cheap_mails if m.kind == "no_attachment")
    slow_id = "<traag-1@voorbeeld.nl>"
    server.deliver(first.raw)
    server.deliver(_slow_mail(slow_id, tmp_path))
    server.deliver(last.raw)
    state = tmp_path / "state.sqlite"
    run = formgen(server, "--state", str(state), "--json",
                  env={"FORMGEN_CHECK_TIMEOUT": "2"}, timeout=300)
    assert run.returncode == 3, run.stderr  # not judged: an internal matter for support
    verdicts = [s["verdict"] for s in json.loads(run.stdout)["submissions"]]
    assert verdicts == ["unreadable", "unreadable", "unreadable"]
    snap = dovecot.snapshot(server)
    assert where(snap, first.message_id) == [FOLDERS["unreadable"]]
    assert where(snap, last.message_id) == [FOLDERS["unreadable"]]
    assert where(snap, slow_id) == ["Wijzigingen/Vastgelopen"]
    assert sorted(d["In-Reply-To"] for d in dovecot.drafts(server)) == sorted(
        [first.message_id, last.message_id])  # no reply to the customer for our fault
    note = ("de controle van dit bericht liep 2 keer vast (de controle duurde te lang); het "
            "bericht is apart gezet in Wijzigingen/Vastgelopen")
    assert note in run.stderr
    with sqlite3.connect(state) as db:
        rows = dict(db.execute("SELECT message_id, failures FROM messages").fetchall())
    assert rows == {first.message_id: 0, slow_id: 2, last.message_id: 0}
    again = formgen(server, "--state", str(state))
    assert again.returncode == 0 and "geen nieuwe berichten" in again.stderr


def test_a_reused_message_id_is_checked_on_its_own(server: dovecot.Dovecot, tmp_path: Path,
                                                   cheap_mails: list[msgs.Mail]) -> None:
    genuine = next(m for m in cheap_mails if m.kind == "no_id")  # incomplete
    other = next(m for m in cheap_mails if m.kind == "plain_text")  # unreadable
    impostor = other.raw.replace(other.message_id.encode(), genuine.message_id.encode())
    server.deliver(genuine.raw)
    state = str(tmp_path / "state.sqlite")
    assert formgen(server, "--state", state).returncode == 1
    server.deliver(impostor)
    server.deliver(genuine.raw)  # the same bytes again: its verdict is known
    run = formgen(server, "--state", state, "--json")
    assert run.returncode == 1, run.stderr
    got = json.loads(run.stdout)["submissions"]
    assert [s["verdict"] for s in got] == ["unreadable", "incomplete"]
    assert [s["source"].rsplit("UID=", 1)[1] for s in got] == ["2", "3"]  # each its own
    folders = {folder: [mid for mid, _, _ in items] for folder, items in
               dovecot.snapshot(server).items()}
    assert folders[FOLDERS["unreadable"]] == [genuine.message_id]  # the impostor
    assert folders[FOLDERS["incomplete"]] == [genuine.message_id] * 2
    with sqlite3.connect(state) as db:
        hashes = [h for (h,) in db.execute("SELECT content_hash FROM messages ORDER BY uid")]
    assert hashes[0] == hashes[2] != hashes[1] and all(hashes)


def test_an_old_state_file_is_upgraded(tmp_path: Path) -> None:
    """A state file of the schema before content hashes and failure counts still opens."""
    state = tmp_path / "state.sqlite"
    old_schema = ("CREATE TABLE messages (account TEXT NOT NULL, folder TEXT NOT NULL, "
                  "uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL, message_id TEXT, "
                  "status TEXT NOT NULL, owner TEXT, updated_at REAL NOT NULL, verdict TEXT, "
                  "target TEXT, result TEXT, draft_id TEXT, draft_state TEXT, "
                  "PRIMARY KEY (account, folder, uidvalidity, uid))")
    with sqlite3.connect(state) as db:
        db.execute(old_schema)
        db.execute("INSERT INTO messages VALUES ('a', 'INBOX', 1, 5, '<m@x>', 'filed', NULL, 1.0,"
                   " 'complete', 'Wijzigingen/Compleet', '{\"source\": \"s\"}', NULL, NULL)")
    db.close()
    with StateStore(state) as store:
        (entry,) = store.entries()
        assert (entry.uid, entry.status, entry.result, entry.content_hash, entry.failures) == (
            5, "filed", {"source": "s"}, None, 0)
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()
    with StateStore(state) as store:  # opened again: nothing to do
        assert len(store.entries()) == 1


def test_a_read_only_state_file_is_one_line(server: dovecot.Dovecot, tmp_path: Path,
                                            cheap_mails: list[msgs.Mail]) -> None:
    import ctypes  # noqa: F401 - loaded now: 'nobody' may not read the interpreter's library
    import resource  # noqa: F401
    import shutil
    import tempfile

    # the file read-only, its folder open to all (as the state folder of a service may be)
    folder = Path(tempfile.mkdtemp(prefix="formgen-status-", dir="/tmp"))
    folder.chmod(0o777)
    state = folder / "state.sqlite"
    with StateStore(state) as store:
        assert store.entries() == []
    state.chmod(0o444)
    server.deliver(next(m for m in cheap_mails if m.kind == "plain_text").raw)
    root = os.geteuid() == 0
    try:
        if root:  # root may write any file: the command runs as 'nobody', for whom it is not
            os.setegid(65534)
            os.seteuid(65534)
        result = CliRunner().invoke(main, ["inbox", "--port", str(server.imap_port),
                                           "--starttls", "--state", str(state)],
                                    env=server.env())
    finally:
        if root:
            os.seteuid(0)
            os.setegid(0)
        shutil.rmtree(folder)
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"formgen: fout: {state}: het statusbestand "), lines
    assert dovecot.snapshot(server)["INBOX"]  # nothing was done


def test_a_stored_result_that_is_not_json_is_one_line(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    with StateStore(state) as store:
        claim = store.claim("a", "INBOX", 1, 7, "<m@x>")
        assert claim.entry is not None
        store.checked(claim.entry, "complete", "Wijzigingen/Compleet", {"source": "s"}, None)
    with sqlite3.connect(state) as db:
        db.execute("UPDATE messages SET result='{\"source\": \"s\"'")  # cut off
    db.close()
    with StateStore(state) as store, pytest.raises(MailboxError) as caught:
        store.unfinished("a", "INBOX", 1)
    assert caught.value.line() == (f"{state}: het statusbestand is beschadigd: de opgeslagen "
                                   "uitslag van bericht 7 in INBOX is geen JSON")
    assert caught.value.exit_code == 2


def test_ctrl_c_leaves_the_unfinished_messages_for_the_next_run(
        server: dovecot.Dovecot, tmp_path: Path, cheap_mails: list[msgs.Mail]) -> None:
    from test_interrupt import STOPPING, group, press_ctrl_c, wait_for

    first = next(m for m in cheap_mails if m.kind == "plain_text")
    last = next(m for m in cheap_mails if m.kind == "no_attachment")
    slow_id = "<traag-2@voorbeeld.nl>"
    for raw in (first.raw, _slow_mail(slow_id, tmp_path, pages=5), last.raw):  # ~10 s
        server.deliver(raw)
    state = tmp_path / "state.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "formgen", "inbox", "--port",
                             str(server.imap_port), "--starttls", "--state", str(state)],
                            env=server.env(), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    try:
        assert wait_for(lambda: filed_count(state) >= 1, 120), "nothing filed"
        time.sleep(1.0)  # the slow one is being checked
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    _, err, stopped_after = press_ctrl_c(proc)
    assert proc.returncode == 130, err
    assert stopped_after < 5 and STOPPING in err and "Traceback" not in err
    assert re.search(r"UID=2: niet gecontroleerd \(gestopt met Ctrl\+C\)", err), err
    assert re.search(r"UID=3: niet gecontroleerd \(gestopt met Ctrl\+C\)", err), err
    assert wait_for(lambda: not group(proc.pid), 5), group(proc.pid)
    snap = dovecot.snapshot(server)
    assert where(snap, first.message_id) == [FOLDERS["unreadable"]]
    assert where(snap, slow_id) == where(snap, last.message_id) == ["INBOX"]
    with sqlite3.connect(state) as db:
        rows = db.execute("SELECT uid, status, owner FROM messages ORDER BY uid").fetchall()
    assert rows == [(1, "filed", None)]  # nothing half done is recorded
    resumed = formgen(server, "--state", str(state), "--json")  # no limit: the slow one passes
    assert resumed.returncode == 1, resumed.stderr
    assert len(json.loads(resumed.stdout)["submissions"]) == 2
    snap = dovecot.snapshot(server)
    assert snap["INBOX"] == [] and where(snap, last.message_id) == [FOLDERS["unreadable"]]
