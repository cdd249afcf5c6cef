"""What the mailbox run has done, per message, in a small SQLite file.

A message is known by its account, folder, UIDVALIDITY and UID, and also by its Message-ID (so a
copy that turns up again, or a folder whose UIDVALIDITY changed, is not checked twice). Every
step is written before the next one starts: ``claimed`` (being checked by one run), ``checked``
(verdict stored; draft and filing may still be due) and ``filed``. A claim names its run (host,
process id, start token); another run leaves it alone while that process lives, and takes it
over when the process is gone (a crash or a kill halfway).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.errors import MailboxError, system_reason

LEASE_SECONDS = 3600.0  # a claim by a run on another host expires after this long
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    account     TEXT NOT NULL,
    folder      TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    message_id  TEXT,
    status      TEXT NOT NULL,          -- claimed | checked | filed
    owner       TEXT,
    updated_at  REAL NOT NULL,
    verdict     TEXT,
    target      TEXT,                   -- target folder
    result      TEXT,                   -- the check result as JSON
    draft_id    TEXT,                   -- Message-ID of the draft reply, if any
    draft_state TEXT,                   -- NULL | pending | done
    PRIMARY KEY (account, folder, uidvalidity, uid)
);
CREATE INDEX IF NOT EXISTS by_message_id ON messages (account, message_id);
"""


@dataclass
class Entry:
    account: str
    folder: str
    uidvalidity: int
    uid: int
    message_id: str | None
    status: str
    owner: str | None
    verdict: str | None
    target: str | None
    result: dict[str, Any] | None
    draft_id: str | None
    draft_state: str | None


@dataclass
class Claim:
    """What this run is to do with one message."""

    action: str  # check | finish | skip
    entry: Entry | None = None
    reason: str = ""  # for skip: done | busy


def _owner_alive(owner: str | None, updated_at: float) -> bool:
    if not owner:
        return False
    host, _, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname():
        return time.time() - updated_at < LEASE_SECONDS
    try:
        os.kill(int(pid_text), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


OPEN_WAIT = 60.0  # s: how long a run waits for another run that is opening the same file


def _open(path: Path) -> sqlite3.Connection:
    """The state database, in WAL mode, with its tables. Two runs started together both switch
    the file to WAL and create the tables; SQLite answers "database is locked" to one of them
    without waiting, so that one tries again, for up to OPEN_WAIT seconds."""
    deadline = time.monotonic() + OPEN_WAIT
    while True:
        db = sqlite3.connect(path, timeout=OPEN_WAIT, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class StateStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = _open(path)
        except sqlite3.DatabaseError as exc:
            raise MailboxError(f"het statusbestand kan niet worden gebruikt ({exc})",
                               source=str(path)) from None
        except OSError as exc:
            raise MailboxError(f"het statusbestand kan niet worden gemaakt ({system_reason(exc)})",
                               source=str(path)) from None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ------------------------------------------------------------------------------

    def _entry(self, row: sqlite3.Row | tuple | None) -> Entry | None:
        if row is None:
            return None
        (account, folder, uidvalidity, uid, message_id, status, owner, _updated, verdict,
         target, result, draft_id, draft_state) = row
        return Entry(account, folder, uidvalidity, uid, message_id, status, owner, verdict,
                     target, json.loads(result) if result else None, draft_id, draft_state)

    def get(self, account: str, folder: str, uidvalidity: int, uid: int) -> Entry | None:
        row = self._db.execute(
            "SELECT * FROM messages WHERE account=? AND folder=? AND uidvalidity=? AND uid=?",
            (account, folder, uidvalidity, uid)).fetchone()
        return self._entry(row)

    def entries(self, account: str | None = None) -> list[Entry]:
        sql = "SELECT * FROM messages"
        args: tuple[str, ...] = ()
        if account:
            sql, args = sql + " WHERE account=?", (account,)
        return [e for e in map(self._entry, self._db.execute(
            sql + " ORDER BY folder, uidvalidity, uid", args)) if e]

    def unfinished(self, account: str, folder: str, uidvalidity: int) -> list[Entry]:
        """Checked but not filed, and not held by a live run (e.g. moved before a crash)."""
        rows = self._db.execute(
            "SELECT * FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
            "AND status='checked'", (account, folder, uidvalidity)).fetchall()
        return [e for e in map(self._entry, rows) if e and
                (e.owner == self.owner or not _owner_alive(e.owner, self._updated(e)))]

    def _updated(self, e: Entry) -> float:
        row = self._db.execute(
            "SELECT updated_at FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
            "AND uid=?", (e.account, e.folder, e.uidvalidity, e.uid)).fetchone()
        return float(row[0]) if row else 0.0

    # -- claiming -----------------------------------------------------------------------------

    def claim(self, account: str, folder: str, uidvalidity: int, uid: int,
              message_id: str | None) -> Claim:
        """Decide, atomically across runs, whether this run checks, finishes or skips."""
        now = time.time()
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                "SELECT *, updated_at FROM messages WHERE account=? AND folder=? AND "
                "uidvalidity=? AND uid=?", (account, folder, uidvalidity, uid)).fetchone()
            if row is not None:
                entry = self._entry(row[:13])
                assert entry is not None
                if entry.status == "filed":
                    db.execute("COMMIT")
                    return Claim("skip", entry, "done")
                if entry.owner != self.owner and _owner_alive(entry.owner, row[13]):
                    db.execute("COMMIT")
                    return Claim("skip", entry, "busy")
                db.execute("UPDATE messages SET owner=?, updated_at=? WHERE account=? AND "
                           "folder=? AND uidvalidity=? AND uid=?",
                           (self.owner, now, account, folder, uidvalidity, uid))
                db.execute("COMMIT")
                entry.owner = self.owner
                return Claim("finish" if entry.status == "checked" else "check", entry)
            twin = None
            if message_id:
                twin = self._entry(db.execute(
                    "SELECT * FROM messages WHERE account=? AND message_id=? AND status IN "
                    "('checked', 'filed') ORDER BY updated_at LIMIT 1",
                    (account, message_id)).fetchone())
            if twin is not None:  # the same message seen before: reuse its verdict and draft
                db.execute(
                    "INSERT INTO messages VALUES (?,?,?,?,?,'checked',?,?,?,?,?,?,?)",
                    (account, folder, uidvalidity, uid, message_id, self.owner, now,
                     twin.verdict, twin.target, json.dumps(twin.result), twin.draft_id,
                     twin.draft_state))
                db.execute("COMMIT")
                entry = self.get(account, folder, uidvalidity, uid)
                return Claim("finish", entry, "twin")
            db.execute("INSERT INTO messages VALUES (?,?,?,?,?,'claimed',?,?,NULL,NULL,NULL,"
                       "NULL,NULL)",
                       (account, folder, uidvalidity, uid, message_id, self.owner, now))
            db.execute("COMMIT")
            return Claim("check", self.get(account, folder, uidvalidity, uid))
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # -- steps --------------------------------------------------------------------------------

    def _update(self, e: Entry, **values: Any) -> None:
        values["updated_at"] = time.time()
        cols = ", ".join(f"{k}=?" for k in values)
        self._db.execute(
            f"UPDATE messages SET {cols} WHERE account=? AND folder=? AND uidvalidity=? AND "
            "uid=?", (*values.values(), e.account, e.folder, e.uidvalidity, e.uid))
        for k, v in values.items():
            if hasattr(e, k):
                setattr(e, k, json.loads(v) if k == "result" and v else v)

    def checked(self, e: Entry, verdict: str, target: str, result: dict[str, Any],
                draft_id: str | None) -> None:
        self._update(e, status="checked", verdict=verdict, target=target,
                     result=json.dumps(result, ensure_ascii=False), draft_id=draft_id,
                     draft_state="pending" if draft_id else None)

    def draft_done(self, e: Entry) -> None:
        self._update(e, draft_state="done")

    def filed(self, e: Entry) -> None:
        self._update(e, status="filed", owner=None)

    def release(self, e: Entry) -> None:
        """Give a claim back (the check could not finish); the next run tries again."""
        if e.status == "claimed":
            self._db.execute(
                "DELETE FROM messages WHERE account=? AND folder=? AND uidvalidity=? AND uid=? "
                "AND status='claimed' AND owner=?",
                (e.account, e.folder, e.uidvalidity, e.uid, self.owner))
        else:
            self._update(e, owner=None)
