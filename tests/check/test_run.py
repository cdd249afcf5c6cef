"""One submission that breaks the validator spoils no other (issue 10, class 2).

An unexpected error, or a worker process that dies, gives that submission `unreadable` with one
check `internal`; the run goes on, --json stays valid, the exit code is 3, the traceback goes to
a log under --report (or stderr with --verbose), and the customer gets no reply for our fault.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image
from test_interrupt import noise_pages

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


# ------------------------------------------------------------------------------------------------
# limits: one submission costs at most its own verdict (issue 26)
# ------------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def _vm_data_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmData")


def _check_beside_others(submissions: list[Path], odd: Path, **env: str
                         ) -> tuple[subprocess.CompletedProcess[str], dict[str, dict]]:
    """`formgen check --json` in a fresh process (with env added) on odd between two ordinary
    submissions, which are judged as ever; the run and the submissions by name."""
    result = subprocess.run([sys.executable, "-m", "formgen", "check", "--json",
                             *map(str, [submissions[0], odd, submissions[2]])],
                            env={**os.environ, **env}, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == ExitCode.INTERNAL, result.stderr
    verdicts = {Path(s["source"]).name: s for s in json.loads(result.stdout)["submissions"]}
    assert verdicts["blanco.png"]["verdict"] == "incomplete"
    assert verdicts["brief.txt"]["verdict"] == "unreadable"
    assert verdicts["brief.txt"]["checks"][0]["code"] != INTERNAL
    return result, verdicts


def _judged_internal(submission: dict, message_start: str) -> None:
    """Not judged, for one reason given in one internal check."""
    assert submission["verdict"] == "unreadable"
    assert [c["code"] for c in submission["checks"]] == [INTERNAL]
    assert submission["checks"][0]["message"].startswith(message_start)


def test_a_submission_past_the_time_limit_costs_only_its_own_verdict(
        submissions: list[Path], tmp_path: Path) -> None:
    slow = tmp_path / "traag"  # 30 pages of grain, each searched for an ID: many seconds
    noise_pages(slow, 30)
    result, verdicts = _check_beside_others(submissions, slow, FORMGEN_CHECK_TIMEOUT="5")
    _judged_internal(verdicts["traag"], "de controle duurde te lang (langer dan 5 seconden)")
    assert "1 inzending(en) niet beoordeeld door een interne fout" in result.stderr


def test_a_submission_past_the_memory_limit_costs_only_its_own_verdict(
        submissions: list[Path], tmp_path: Path) -> None:
    """In a fresh `formgen check` (a worker forked from a long test session may reuse the
    heap that session freed, which its limit does not see)."""
    huge = tmp_path / "groot.png"  # 16 megapixels of colour noise: 48 MB decoded, and copies
    noise = np.random.default_rng(7).integers(0, 256, (4000, 4000, 3), dtype=np.uint8)
    Image.fromarray(noise).save(huge, compress_level=0)
    # What a worker adds to the copy of the process it starts as: enough for a form page, not
    # for that photo (which fails at 160 too). 80 left a form page a few MB of room: the ID
    # search's wipe in the paper's shade (a page-sized copy or two) took it over, 2 runs in 6.
    _, verdicts = _check_beside_others(submissions, huge, FORMGEN_WORKER_MEMORY_MB="120")
    _judged_internal(verdicts["groot.png"], "de controle had te veel geheugen nodig (meer dan")


def test_a_large_parent_does_not_count_against_its_workers(
        submissions: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker is forked from a process that may already hold gigabytes (a long test session,
    a long `formgen inbox --watch`): only what the worker adds counts against its limit."""
    monkeypatch.setenv("FORMGEN_WORKER_MEMORY_MB", "512")
    reserved = np.empty(3 << 30, np.uint8)  # 3 GB of address space, never touched
    assert _vm_data_mb() > 3 * 1024
    results = run_checks([submissions[0], submissions[2]], key=None, jobs=2)
    del reserved
    assert [r.verdict for r in results] == [Verdict.INCOMPLETE, Verdict.UNREADABLE]
    assert not any(r.internal_error for r in results)


def test_a_limit_that_is_no_number_is_one_line(submissions: list[Path]) -> None:
    result = CliRunner().invoke(main, ["check", str(submissions[2])],
                                env={"FORMGEN_CHECK_TIMEOUT": "vijf"})
    assert result.exit_code == 2
    assert result.stderr.strip() == ("formgen: fout: FORMGEN_CHECK_TIMEOUT moet een getal van 0 "
                                     "of meer zijn, niet 'vijf'")
