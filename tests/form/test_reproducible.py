"""The blank form is reproducible: the same definition gives the same bytes, in any process.

Every site build writes the blank form into docs/downloads/; if its bytes changed per run, each
build would rewrite the download and its size line. Nothing in the file may depend on the clock,
the hash seed, the time zone or the folder it is made in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from formgen.site import prepare_site


def _blank_in_new_process(out: Path, cwd: Path, hash_seed: str, tz: str) -> bytes:
    # FORMGEN_CACHE=0: each process builds the form itself (a shared template cache would
    # hand the second process the first one's bytes)
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "TZ": tz, "FORMGEN_CACHE": "0"}
    result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out", str(out)],
                            cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_two_processes_write_the_same_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _blank_in_new_process(tmp_path / "a" / "x.pdf", tmp_path / "a", "1", "UTC")
    second = _blank_in_new_process(tmp_path / "b" / "y.pdf", tmp_path / "b", "4242",
                                   "America/Los_Angeles")
    assert first.startswith(b"%PDF-")
    assert first == second


def test_site_prepare_leaves_an_unchanged_form_alone(tmp_path: Path) -> None:
    docs, generated = tmp_path / "docs", tmp_path / "generated"
    published = prepare_site(docs, generated)
    before = published.path.stat().st_mtime_ns
    os.utime(published.path, ns=(before - 10**9, before - 10**9))
    again = prepare_site(docs, generated)
    assert again.path.stat().st_mtime_ns == before - 10**9  # not rewritten
