"""The requests already filed from the mailbox, so that one sent again says so, across runs.

A table of its own in the run's state file (``--state``, see inbox/state.py): per account and
request id the first message that carried it, its verdict, and whether any message of that
request was complete. A later message with the same request id gets the check of
:mod:`formgen.check.resubmission`; the same message checked again (a run that stopped halfway)
is no repeat of itself.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from formgen.check.resubmission import add_check, repeat_check
from formgen.check.submission import SubmissionResult
from formgen.check.verdict import Verdict

OPEN_WAIT = 60.0  # s: how long to wait for another run holding the file (as state.py)
SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    account     TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    message     TEXT NOT NULL,          -- the first message: its Message-ID, else its IMAP URL
    source      TEXT NOT NULL,          -- the first message as reports name it
    verdict     TEXT NOT NULL,          -- the first message's verdict
    complete    INTEGER NOT NULL,       -- 1 once any message of the request was complete
    seen_at     REAL NOT NULL,
    PRIMARY KEY (account, request_id)
);
"""


def note_request(state: Path, account: str, message: str, result: SubmissionResult) -> None:
    """Record the request of a checked message (message: its Message-ID, else its URL) and,
    when an earlier message carried the same request id, add the repeat check to result."""
    request_id = result.form.get("request_id")
    if not request_id:
        return
    db = sqlite3.connect(state, timeout=OPEN_WAIT, isolation_level=None)
    try:
        db.executescript(SCHEMA)
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT message, source, verdict, complete FROM requests WHERE "
                         "account=? AND request_id=?", (account, request_id)).fetchone()
        if row is None:
            db.execute("INSERT INTO requests VALUES (?,?,?,?,?,?,?)",
                       (account, request_id, message, result.source, str(result.verdict),
                        int(result.verdict is Verdict.COMPLETE), time.time()))
        elif row[0] != message:
            add_check(result, repeat_check(row[1], Verdict(row[2]), bool(row[3])))
            if result.verdict is Verdict.COMPLETE:
                db.execute("UPDATE requests SET complete=1 WHERE account=? AND request_id=?",
                           (account, request_id))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()
