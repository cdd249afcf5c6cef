"""`formgen inbox --explain`: per filed message the explanation of `formgen check --explain`.

The oracle is `formgen check --explain` on the same message saved as an .eml file: the lines
per box (measures, the rules, the deciding one) are the same in the inbox's log, and the
JSON carries the same key `explain` per check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import imap_server as dovecot
import inbox_mails as msgs

ROOT = Path(__file__).resolve().parents[2]


def _boxes(lines: list[str]) -> list[str]:
    """The explanation lines after each submission's header line (its source differs)."""
    return [line for line in lines if line and not line.startswith("== ")]


def _inbox(server: dovecot.Dovecot, state: Path, key: bytes, *args: str
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "formgen", "inbox", "--port", str(server.imap_port),
         "--starttls", "--state", str(state), *args],
        env=server.env(FORMGEN_SECRET=key.decode()), capture_output=True, text=True,
        timeout=900, cwd=ROOT)


def test_inbox_explain_matches_check_explain(tmp_path: Path, key: bytes) -> None:
    (mail,) = msgs.build(tmp_path / "mails", key, [msgs.no_id])
    eml = tmp_path / "bericht.eml"
    eml.write_bytes(mail.raw)
    check = subprocess.run([sys.executable, "-m", "formgen", "check", str(eml), "--explain"],
                           env=dict(os.environ, FORMGEN_SECRET=key.decode(), COLUMNS="400"),
                           capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert check.returncode == 1, check.stderr
    expected = _boxes(check.stdout.split("== ", 1)[1].splitlines()[1:])
    assert any(line.startswith("field:") for line in expected)  # boxes were explained
    check_json = subprocess.run(
        [sys.executable, "-m", "formgen", "check", str(eml), "--json", "--explain"],
        env=dict(os.environ, FORMGEN_SECRET=key.decode()), capture_output=True, text=True,
        timeout=900, cwd=ROOT)
    by_code = {c["code"]: c["explain"]
               for c in json.loads(check_json.stdout)["submissions"][0]["checks"]}
    server = dovecot.start()
    try:
        server.deliver(mail.raw)
        log = _inbox(server, tmp_path / "a.sqlite", key, "--explain")
        server.deliver(mail.raw)  # again, checked afresh under another state file
        as_json = _inbox(server, tmp_path / "b.sqlite", key, "--json", "--explain")
        server.deliver(mail.raw)
        plain = _inbox(server, tmp_path / "c.sqlite", key)
    finally:
        server.stop()
    assert log.returncode == 1, log.stderr
    header = [i for i, line in enumerate(log.stderr.splitlines()) if line.startswith("== ")]
    assert len(header) == 1  # one filed message, one explanation after its log line
    assert _boxes(log.stderr.splitlines()[header[0] + 1:]) [: len(expected)] == expected
    checks = json.loads(as_json.stdout)["submissions"][0]["checks"]
    assert {c["code"]: c["explain"] for c in checks} == by_code
    assert "== " not in plain.stderr and "regel " not in plain.stderr  # only when asked
