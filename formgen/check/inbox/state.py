"""What the mailbox run has done, per message, in a small SQLite file.

A message is known by its account, folder, UIDVALIDITY and UID, and also by a hash of its bytes
(so a copy that turns up again, or a folder whose UIDVALIDITY changed, is not checked twice; a
Message-ID alone proves nothing, anyone can reuse one). Every
step is written before the next one starts: ``claimed`` (being checked by one run), ``checked``
(verdict stored; draft and filing may still be due) and ``filed``. A claim names its run (host,
process id, start token); another run leaves it alone while that process lives, and takes it
over when the process is gone (a crash or a kill halfway). A check that killed its worker or ran
out of time is counted per message (``failures``), so the run can set such a message aside.

Schema version 1 (``PRAGMA user_version``) added ``content_hash`` and ``failures``; version 2
keeps no value read in the stored results (:mod:`formgen.check.inbox.retention`): an older
file is upgraded in place when it is opened, and rebuilt (VACUUM) when values were cut out of
it. ``secure_delete`` is on, so content that is deleted or replaced is overwritten with zeros
rather than left in free pages.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.check.inbox.retention import kept
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
    content_hash TEXT,                  -- SHA-256 of the message's bytes (schema 1)
    failures    INTEGER NOT NULL DEFAULT 0,  -- checks that killed their worker (schema 1)
    PRIMARY KEY (account, folder, uidvalidity, uid)
);
CREATE INDEX IF NOT EXISTS by_message_id ON messages (account, message_id);
"""
SCHEMA_VERSION = 2
UPGRADES = {  # from version n to n + 1, one way
    0: ["ALTER TABLE messages ADD COLUMN content_hash TEXT",
        "ALTER TABLE messages ADD COLUMN failures INTEGER NOT NULL DEFAULT 0"],
    1: [],  # and _cut_values: no value read in the stored results
}
COLUMNS = ("account, folder, uidvalidity, uid, message_id, status, owner, updated_at, verdict, "
           "target, result, draft_id, draft_state, content_hash, failures")


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
    content_hash: str | None = None
    failures: int = 0


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
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA journal_mode=WAL")
            if _upgrade(db):  # values were cut out: rebuild the file, empty the log
                db.execute("VACUUM")
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return db
        except sqlite3.OperationalError as exc:
            db.close()
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _upgrade(db: sqlite3.Connection) -> bool:
    """Create the tables, or bring an older file up to SCHEMA_VERSION, in one transaction;
    True when stored values were cut out (see _cut_values)."""
    cut = False
    db.execute("BEGIN IMMEDIATE")
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        exists = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                            "name='messages'").fetchone()
        if not exists:
            db.execute(SCHEMA.split(";")[0])
        else:
            for step in range(version, SCHEMA_VERSION):
                for sql in UPGRADES[step]:
                    db.execute(sql)
                if step == 1:
                    cut = _cut_values(db)
        db.execute(SCHEMA.split(";")[1])
        if version != SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute(
            "CREATE INDEX IF NOT EXISTS by_content ON messages (account, content_hash)")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return cut


def _cut_values(db: sqlite3.Connection) -> bool:
    """Rewrite every stored result as version 2 keeps it; True when any row changed. A
    result that is not JSON is left for _entry to report."""
    changed = False
    rows = db.execute("SELECT rowid, result, draft_state FROM messages WHERE result IS NOT NULL"
                      ).fetchall()
    for rowid, text, draft_state in rows:
        try:
            result = json.loads(text)
        except ValueError:
            continue
        if not isinstance(result, dict):
            continue
        new = json.dumps(kept(result, draft_due=draft_state == "pending"), ensure_ascii=False)
        if new != text:
            db.execute("UPDATE messages SET result=? WHERE rowid=?", (new, rowid))
            changed = True
    return changed


class StateStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MailboxError(f"het statusbestand kan niet worden gemaakt ({system_reason(exc)})",
                               source=str(path)) from None
        with self._errors():
            self._db = _open(path)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Any fault of the file itself (read-only, damaged, not SQLite) is one Dutch line."""
        try:
            yield
        except sqlite3.Error as exc:
            text = str(exc)
            if "readonly" in text or "read-only" in text:
                reason = ("het statusbestand kan alleen worden gelezen; geef schrijfrecht op "
                          "het bestand en de map")
            elif "unable to open" in text:
                reason = ("het statusbestand kan niet worden geopend (rechten van het bestand of "
                          "de map)")
            else:
                reason = f"het statusbestand kan niet worden gebruikt: {text}"
            raise MailboxError(reason, source=str(self.path)) from None

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
         target, result, draft_id, draft_state, content_hash, failures) = row
        try:
            stored = json.loads(result) if result else None
            if stored is not None and not isinstance(stored, dict):
                raise ValueError("not an object")
        except ValueError:
            raise MailboxError(f"het statusbestand is beschadigd: de opgeslagen uitslag van "
                               f"bericht {uid} in {folder} is geen JSON", source=str(self.path)
                               ) from None
        return Entry(account, folder, uidvalidity, uid, message_id, status, owner, verdict,
                     target, stored, draft_id, draft_state, content_hash, int(failures or 0))

    def _select(self, where: str, args: tuple[Any, ...]) -> list[Entry]:
        with self._errors():
            rows = self._db.execute(f"SELECT {COLUMNS} FROM messages {where}", args).fetchall()
        return [e for e in map(self._entry, rows) if e]

    def get(self, account: str, folder: str, uidvalidity: int, uid: int) -> Entry | None:
        found = self._select("WHERE account=? AND folder=? AND uidvalidity=? AND uid=?",
                             (account, folder, uidvalidity, uid))
        return found[0] if found else None

    def entries(self, account: str | None = None) -> list[Entry]:
        if account:
            return self._select("WHERE account=? ORDER BY folder, uidvalidity, uid", (account,))
        return self._select("ORDER BY folder, uidvalidity, uid", ())

    def unfinished(self, account: str, folder: str, uidvalidity: int) -> list[Entry]:
        """Checked but not filed, and not held by a live run (e.g. moved before a crash)."""
        entries = self._select("WHERE account=? AND folder=? AND uidvalidity=? AND "
                               "status='checked'", (account, folder, uidvalidity))
        return [e for e in entries
                if e.owner == self.owner or not _owner_alive(e.owner, self._updated(e))]

    def _updated(self, e: Entry) -> float:
        with self._errors():
            row = self._db.execute(
                "SELECT updated_at FROM messages WHERE account=? AND folder=? AND uidvalidity=? "
                "AND uid=?", (e.account, e.folder, e.uidvalidity, e.uid)).fetchone()
        return float(row[0]) if row else 0.0

    # -- claiming -----------------------------------------------------------------------------

    def claim(self, account: str, folder: str, uidvalidity: int, uid: int,
              message_id: str | None) -> Claim:
        """Decide, atomically across runs, whether this run checks, finishes or skips."""
        with self._errors():
            return self._claim(account, folder, uidvalidity, uid, message_id)

    def _claim(self, account: str, folder: str, uidvalidity: int, uid: int,
               message_id: str | None) -> Claim:
        now = time.time()
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            row = db.execute(
                f"SELECT {COLUMNS} FROM messages WHERE account=? AND folder=? AND "
                "uidvalidity=? AND uid=?", (account, folder, uidvalidity, uid)).fetchone()
            if row is not None:
                entry = self._entry(row)
                assert entry is not None
                if entry.status == "filed":
                    db.execute("COMMIT")
                    return Claim("skip", entry, "done")
                if entry.owner != self.owner and _owner_alive(entry.owner, row[7]):
                    db.execute("COMMIT")
                    return Claim("skip", entry, "busy")
                db.execute("UPDATE messages SET owner=?, updated_at=? WHERE account=? AND "
                           "folder=? AND uidvalidity=? AND uid=?",
                           (self.owner, now, account, folder, uidvalidity, uid))
                db.execute("COMMIT")
                entry.owner = self.owner
                return Claim("finish" if entry.status == "checked" else "check", entry)
            db.execute(f"INSERT INTO messages ({COLUMNS}) VALUES (?,?,?,?,?,'claimed',?,?,NULL,"
                       "NULL,NULL,NULL,NULL,NULL,0)",
                       (account, folder, uidvalidity, uid, message_id, self.owner, now))
            db.execute("COMMIT")
            return Claim("check", self.get(account, folder, uidvalidity, uid))
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def twin(self, e: Entry, content_hash: str) -> bool:
        """Record the message's hash; when the same bytes were checked before (a copy, a folder
        whose UIDVALIDITY changed), take over that verdict and draft and return True."""
        with self._errors():
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                found = db.execute(
                    f"SELECT {COLUMNS} FROM messages WHERE account=? AND content_hash=? AND "
                    "status IN ('checked', 'filed') AND NOT (folder=? AND uidvalidity=? AND "
                    "uid=?) ORDER BY updated_at LIMIT 1",
                    (e.account, content_hash, e.folder, e.uidvalidity, e.uid)).fetchone()
                twin = self._entry(found)
                if twin is None:
                    self._set(e, content_hash=content_hash)
                else:
                    self._set(e, content_hash=content_hash, status="checked",
                              verdict=twin.verdict, target=twin.target,
                              result=json.dumps(twin.result, ensure_ascii=False),
                              draft_id=twin.draft_id, draft_state=twin.draft_state)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        return twin is not None

    # -- steps --------------------------------------------------------------------------------

    def _set(self, e: Entry, **values: Any) -> None:
        values["updated_at"] = time.time()
        cols = ", ".join(f"{k}=?" for k in values)
        self._db.execute(
            f"UPDATE messages SET {cols} WHERE account=? AND folder=? AND uidvalidity=? AND "
            "uid=?", (*values.values(), e.account, e.folder, e.uidvalidity, e.uid))
        for k, v in values.items():
            if hasattr(e, k):
                setattr(e, k, json.loads(v) if k == "result" and v else v)

    def _update(self, e: Entry, **values: Any) -> None:
        with self._errors():
            self._set(e, **values)

    def checked(self, e: Entry, verdict: str, target: str, result: dict[str, Any],
                draft_id: str | None) -> None:
        self._update(e, status="checked", verdict=verdict, target=target,
                     result=json.dumps(kept(result, draft_due=draft_id is not None),
                                       ensure_ascii=False), draft_id=draft_id,
                     draft_state="pending" if draft_id else None)

    def draft_done(self, e: Entry) -> None:
        """The draft is written: the reply address is no longer kept."""
        result = kept(e.result, draft_due=False) if e.result is not None else None
        self._update(e, draft_state="done",
                     result=json.dumps(result, ensure_ascii=False) if result else None)

    def filed(self, e: Entry) -> None:
        self._update(e, status="filed", owner=None)

    def failed(self, e: Entry) -> int:
        """One more check of this message killed its worker or ran out of time: the count."""
        self._update(e, failures=e.failures + 1)
        return e.failures

    def release(self, e: Entry) -> None:
        """Give a claim back (the check could not finish); the next run tries again. A message
        whose checks failed before keeps its row, and so its count."""
        with self._errors():
            if e.status == "claimed" and not e.failures:
                self._db.execute(
                    "DELETE FROM messages WHERE account=? AND folder=? AND uidvalidity=? AND "
                    "uid=? AND status='claimed' AND owner=?",
                    (e.account, e.folder, e.uidvalidity, e.uid, self.owner))
            else:
                self._set(e, owner=None)
