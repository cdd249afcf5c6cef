"""What the mailbox's state file keeps (formgen.check.inbox.retention, .state): no value read.

The oracle is the state file's raw bytes (the database and its write-ahead log): a new IBAN
read from a message is in the run's JSON but nowhere in them, neither written compactly nor
in groups of four, also not in free pages after values stored by an older version were cut
out.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import imap_server as dovecot
import numpy as np
import pytest
from corpus import submissions as S
from corpus.typed import typed_case

from formgen.check.inbox.retention import kept
from formgen.check.inbox.state import StateStore

ROOT = Path(__file__).resolve().parents[2]
IBAN = "NL91ABNA0417164300"  # valid check digits
GROUPED = "NL91 ABNA 0417 1643 00"


def _state_bytes(state: Path) -> bytes:
    """The database and whatever of it lies beside it (-wal, -shm, -journal)."""
    return b"".join(p.read_bytes() for p in state.parent.glob(state.name + "*"))


def _absent(state: Path, *values: str) -> None:
    data = _state_bytes(state)
    for value in values:
        for form in (value, value.replace(" ", "")):
            assert form.encode() not in data, form


@pytest.mark.parametrize("with_id", [True, False], ids=["complete", "incomplete-with-draft"])
def test_the_state_file_keeps_no_value_read(tmp_path: Path, key: bytes, with_id: bool) -> None:
    case = typed_case(tmp_path / "zaak", key, np.random.default_rng(29), with_id=with_id,
                      overrides={"new_iban": GROUPED, "new_city": "Zevenbergschen Hoek"})
    rng = np.random.default_rng(29)
    eml = tmp_path / "bericht.eml"
    S.write_eml(eml, case.person.email, [(p.name, p.read_bytes())
                                         for p in sorted(case.path.iterdir())], rng)
    state = tmp_path / "state.sqlite"
    server = dovecot.start()
    try:
        server.deliver(eml.read_bytes())
        run = subprocess.run(
            [sys.executable, "-m", "formgen", "inbox", "--port", str(server.imap_port),
             "--starttls", "--state", str(state), "--json"],
            env=server.env(FORMGEN_SECRET=key.decode()), capture_output=True, text=True,
            timeout=900, cwd=ROOT)
        drafts = dovecot.drafts(server)
    finally:
        server.stop()
    assert run.returncode in (0, 1), run.stderr
    (submission,) = json.loads(run.stdout)["submissions"]
    read = {c["field"]: c["value"] for c in submission["changes"]}
    # the run read the values (else this test could not fail) ...
    assert "".join(read.get("new_iban", "").split()) == IBAN, read
    assert read.get("new_city") == "Zevenbergschen Hoek", read
    assert submission["verdict"] == ("complete" if with_id else "incomplete")
    assert len(drafts) == (0 if with_id else 1)  # the draft got the reply address it needed
    assert all(case.person.email in str(d["To"]) for d in drafts)
    # ... and its state file keeps which fields were read and whether they hold, not what
    with sqlite3.connect(state) as db:
        (stored,) = [json.loads(r) for (r,) in db.execute("SELECT result FROM messages")]
    db.close()
    assert {c["field"]: c["valid"] for c in stored["changes"]}["new_iban"] is True
    assert all("value" not in c for c in stored["changes"])
    _absent(state, IBAN, GROUPED, "Zevenbergschen Hoek", *read.values())


def _old_file(state: Path, results: list[dict]) -> None:
    """A state file as schema version 1 wrote it: results stored whole, values and all."""
    schema = ("CREATE TABLE messages (account TEXT NOT NULL, folder TEXT NOT NULL, "
              "uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL, message_id TEXT, "
              "status TEXT NOT NULL, owner TEXT, updated_at REAL NOT NULL, verdict TEXT, "
              "target TEXT, result TEXT, draft_id TEXT, draft_state TEXT, content_hash TEXT, "
              "failures INTEGER NOT NULL DEFAULT 0, "
              "PRIMARY KEY (account, folder, uidvalidity, uid))")
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(schema)
        for uid, result in enumerate(results, start=1):
            db.execute("INSERT INTO messages VALUES ('a', 'INBOX', 1, ?, ?, 'filed', NULL, 1.0,"
                       " 'review', 'Wijzigingen/Nakijken', ?, NULL, NULL, ?, 0)",
                       (uid, f"<m{uid}@x>", json.dumps(result), f"h{uid}"))
        db.execute("PRAGMA user_version=1")
    db.close()


def _result(number: int) -> dict:
    iban = f"NL{number:02d}TEST{number:010d}"
    return {"source": f"imap://s/{number}", "verdict": "review", "form": {},
            "checks": [{"code": "value:new_iban", "status": "review", "page": 2,
                        "message": f"Nieuw IBAN: met de hand geschreven, gelezen als "
                                   f"'{iban}'; controlegetal klopt niet: lees het zelf"},
                       {"code": "id_document", "status": "ok", "message": "gevonden"}],
            "changes": [{"field": "new_iban", "label": "Nieuw IBAN", "value": iban,
                         "source": "handwritten", "confidence": 0.98, "valid": False,
                         "problem": "controlegetal klopt niet"}]}


def test_values_an_older_version_stored_are_cut_out_when_the_file_is_opened(
        tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    results = [_result(n) for n in range(1, 200)]  # many pages, overflow pages among them
    _old_file(state, results)
    ibans = [r["changes"][0]["value"] for r in results]
    assert ibans[0].encode() in _state_bytes(state)  # there before (else no test)
    with StateStore(state) as store:
        entries = store.entries()
        assert len(entries) == len(results) and all(e.status == "filed" for e in entries)
        first = entries[0].result
        assert first is not None
        assert first["changes"] == [{"field": "new_iban", "label": "Nieuw IBAN",
                                     "source": "handwritten", "valid": False}]
        assert first["checks"][0]["message"].startswith("Nieuw IBAN: met de hand geschreven, "
                                                        "gelezen als '…'")
        assert first["checks"][1]["message"] == "gevonden"
    _absent(state, *ibans)
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_kept_cuts_each_value_also_written_without_spaces() -> None:
    result = {"checks": [{"code": "x", "message": f"gelezen als {IBAN} of {GROUPED}"},
                         {"code": "y", "message": "NL"}],
              "changes": [{"field": "new_iban", "label": "Nieuw IBAN", "value": GROUPED,
                           "source": "typed", "confidence": 1.0, "valid": True,
                           "problem": None},
                          {"field": "new_country", "label": "Nieuw land", "value": "NL",
                           "source": "typed", "confidence": 1.0, "valid": None,
                           "problem": None}]}
    stored = kept(result, draft_due=True)
    assert [c["message"] for c in stored["checks"]] == ["gelezen als … of …", "NL"]
    assert result["changes"][0]["value"] == GROUPED  # the result itself is left as it is
