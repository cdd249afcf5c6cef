"""A --report or --reply folder used again holds only this run's files (issue 26, item 18).

Before, a second run kept the pages of the first run's customers and its interne-fouten.log
next to the new index, and their replies next to the new ones. Now the files an earlier run
listed in the folder's manifest are removed first; files formgen did not write stay.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from formgen.check import run
from formgen.check.outdir import REPLY_MANIFEST, REPORT_MANIFEST
from formgen.cli import main
from formgen.errors import ExitCode

real_check = run.check_submission
# Files support keeps in the same folders; one is named as formgen names its pages.
THEIRS = ["notities.txt", "mijn-overzicht.html", "009-oud-abc123.html", "010-antwoord-x.eml"]


def _raising(path: Path, **kwargs: object) -> object:
    """A fault in the validator for one submission (as tests/check/test_run.py provokes it)."""
    if path.name.startswith("kapot"):
        raise ValueError("operands could not be broadcast together")
    return real_check(path, **kwargs)  # type: ignore[arg-type]


def _question(path: Path, sender: str) -> Path:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = "Vraag"
    msg.set_content("Wanneer komt mijn factuur?\n")
    path.write_bytes(bytes(msg))
    return path


def _run(report: Path, replies: Path, *paths: Path) -> int:
    result = CliRunner().invoke(main, ["check", "--report", str(report), "--reply", str(replies),
                                       *map(str, paths)])
    return result.exit_code


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("shared", [False, True], ids=["two-folders", "one-folder"])
def test_second_run_leaves_only_its_own_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              shared: bool) -> None:
    monkeypatch.setattr(run, "check_submission", _raising)
    report = tmp_path / "rapport"
    replies = report if shared else tmp_path / "antwoorden"
    for folder in {report, replies}:
        folder.mkdir()
        for name in THEIRS:
            (folder / name).write_text("van support", encoding="utf-8")
    first = [_question(tmp_path / f"klant-{n}.eml", f"klant{n}@example.nl") for n in (1, 2)]
    broken = _question(tmp_path / "kapot.eml", "kapot@example.nl")
    assert _run(report, replies, *first, broken) == ExitCode.INTERNAL
    assert "interne-fouten.log" in _names(report)
    assert len([n for n in _names(report) if "klant-" in n and n.endswith(".html")]) == 2
    assert len([n for n in _names(replies) if "klant-" in n and n.endswith(".eml")]) == 2

    second = _question(tmp_path / "nieuw.eml", "nieuw@example.nl")
    assert _run(report, replies, second) == ExitCode.PARTIAL
    ours = {n for n in _names(report) | _names(replies) if n not in THEIRS}
    pages = {n for n in ours if n.endswith(".html") and n != "index.html"}
    emls = {n for n in ours if n.endswith(".eml")}
    assert len(pages) == 1 and "nieuw" in next(iter(pages))
    assert len(emls) == 1 and "nieuw" in next(iter(emls))
    assert ours == {"index.html", *pages, *emls, REPORT_MANIFEST, REPLY_MANIFEST}
    for folder in {report, replies}:
        assert set(THEIRS) <= _names(folder)
        assert all((folder / n).read_text(encoding="utf-8") == "van support" for n in THEIRS)
    index = (report / "index.html").read_text(encoding="utf-8")
    assert "nieuw.eml" in index and "klant-1" not in index


def test_manifest_names_nothing_outside_the_folder(tmp_path: Path) -> None:
    """A manifest is only a list of plain names: a path in it (written by hand, or damaged)
    removes nothing outside the folder, nor a hidden file."""
    report = tmp_path / "rapport"
    report.mkdir()
    outside = tmp_path / "buiten.txt"
    outside.write_text("blijft", encoding="utf-8")
    (report / ".verborgen").write_text("blijft", encoding="utf-8")
    (report / "sub").mkdir()
    (report / "sub" / "a.html").write_text("blijft", encoding="utf-8")
    listed = ["../buiten.txt", str(outside), ".verborgen", "sub/a.html", "sub", "", 7, None]
    (report / REPORT_MANIFEST).write_text(json.dumps({"files": listed}), encoding="utf-8")
    assert _run(report, tmp_path / "antwoorden", _question(tmp_path / "q.eml", "q@x.nl")) == 1
    assert outside.exists() and (report / ".verborgen").exists()
    assert (report / "sub" / "a.html").exists()
    (report / REPORT_MANIFEST).write_text("{kapot", encoding="utf-8")
    assert _run(report, tmp_path / "antwoorden", _question(tmp_path / "q.eml", "q@x.nl")) == 1
    assert (report / "index.html").exists()
