"""One submission that breaks the validator spoils no other (issue 10, class 2).

An unexpected error, or a worker process that dies, gives that submission `unreadable` with one
check `internal`; the run goes on, --json stays valid, the exit code is 3, the traceback goes to
a log under --report (or stderr with --verbose), and the customer gets no reply for our fault.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from formgen.check import run
from formgen.check.run import INTERNAL, WORKER_DIED_MESSAGE, run_checks
from formgen.check.verdict import Verdict
from formgen.cli import main
from formgen.errors import ExitCode
from formgen.form import blank_form

real_check = run.check_submission


def _raising(path: Path, **kwargs: object) -> object:
    if path.name.startswith("kapot"):
        raise ValueError("operands could not be broadcast together")
    return real_check(path, **kwargs)  # type: ignore[arg-type]


def _dying(path: Path, **kwargs: object) -> object:
    if path.name.startswith("kapot"):
        os._exit(1)  # as an out-of-memory kill would end the worker
    return real_check(path, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("inzendingen")
    page = pdfium.PdfDocument(blank_form())[0].render(scale=100 / 72).to_pil().convert("RGB")
    first = root / "blanco.png"
    page.save(first)
    broken = root / "kapot.png"
    page.save(broken)
    text = root / "brief.txt"
    text.write_text("Hierbij mijn formulier.", encoding="utf-8")
    return [first, broken, text]


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_error_in_one_submission_keeps_the_others(
        monkeypatch: pytest.MonkeyPatch, submissions: list[Path], tmp_path: Path,
        jobs: int) -> None:
    monkeypatch.setattr(run, "check_submission", _raising)  # inherited by forked workers
    report, replies = tmp_path / "rapport", tmp_path / "antwoord"
    result = CliRunner().invoke(main, ["check", "--json", "--jobs", str(jobs), "--report",
                                       str(report), "--reply", str(replies),
                                       *map(str, submissions)])
    assert result.exit_code == ExitCode.INTERNAL == 3
    document = json.loads(result.stdout)  # still valid JSON
    verdicts = {Path(s["source"]).name: s for s in document["submissions"]}
    assert verdicts["blanco.png"]["verdict"] == "incomplete"
    assert verdicts["brief.txt"]["verdict"] == "unreadable"
    broken = verdicts["kapot.png"]
    assert broken["verdict"] == "unreadable"
    assert [c["code"] for c in broken["checks"]] == [INTERNAL]
    assert "Traceback" not in result.stdout + result.stderr  # details in the log only
    log = (report / "interne-fouten.log").read_text(encoding="utf-8")
    assert "kapot.png" in log and "ValueError" in log
    reply_names = [p.name for p in replies.glob("*.eml")]
    assert reply_names and not any("kapot" in name for name in reply_names)


def test_verbose_prints_the_details(monkeypatch: pytest.MonkeyPatch,
                                    submissions: list[Path]) -> None:
    monkeypatch.setattr(run, "check_submission", _raising)
    result = CliRunner().invoke(main, ["check", "--verbose", str(submissions[1])])
    assert result.exit_code == 3
    assert "ValueError" in result.stderr


def test_a_worker_that_dies_takes_only_its_own_submission(
        monkeypatch: pytest.MonkeyPatch, submissions: list[Path]) -> None:
    monkeypatch.setattr(run, "check_submission", _dying)
    results = run_checks(submissions, key=None, jobs=2)
    by_name = {Path(r.source).name: r for r in results}
    assert by_name["blanco.png"].verdict is Verdict.INCOMPLETE
    assert by_name["brief.txt"].verdict is Verdict.UNREADABLE
    assert by_name["brief.txt"].internal_error is None
    dead = by_name["kapot.png"]
    assert dead.verdict is Verdict.UNREADABLE and dead.internal_error
    assert dead.checks[0].code == INTERNAL and dead.checks[0].message == WORKER_DIED_MESSAGE
