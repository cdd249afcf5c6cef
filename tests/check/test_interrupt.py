"""Ctrl+C and kills, with real signals to a real `formgen` (issue 25, defect 1).

The first Ctrl+C says at once that the run stops, ends the workers and still writes what was
judged (JSON, table, report, replies), naming what was not; a second one ends at once; no worker
outlives its run, not even when the run is killed with SIGKILL.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from formgen.form import blank_form

ROOT = Path(__file__).resolve().parents[2]
STOPPING = "formgen: gestopt met Ctrl+C"


def group(pgid: int) -> list[int]:
    """Live processes of a process group, read from /proc (zombies count as gone)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def _ctrl_c_as_in_a_terminal() -> None:
    """A test run started in the background ignores SIGINT and a child inherits that: give the
    command the default Ctrl+C, as a terminal would."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def noise_pages(folder: Path, count: int, seed: int = 1) -> None:
    """Pages of grain, each different: no form page, so each is searched for an ID document
    (about half a second to a second a page on one core)."""
    rng = np.random.default_rng(seed)
    folder.mkdir()
    for i in range(count):
        grain = (rng.random((1700, 1200)) * 255).astype(np.uint8)
        Image.fromarray(grain).save(folder / f"pagina-{i}.jpg", quality=60)


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Two quick submissions, and three slow ones (30 pages of grain: many seconds each)."""
    root = tmp_path_factory.mktemp("inzendingen")
    letter = root / "brief.txt"
    letter.write_text("Hierbij mijn formulier.", encoding="utf-8")
    blank = root / "blanco.png"
    pdfium.PdfDocument(blank_form())[0].render(scale=100 / 72).to_pil().convert("RGB").save(blank)
    noise_pages(root / "traag-0", 30)
    slow = [root / "traag-0"]
    for n in (1, 2):  # the same pages again, as links: each folder is one submission
        folder = root / f"traag-{n}"
        folder.mkdir()
        for page in sorted(slow[0].iterdir()):
            os.link(page, folder / page.name)
        slow.append(folder)
    return {"quick": [letter, blank], "slow": slow}


def press_ctrl_c(proc: subprocess.Popen[str], *, twice: bool = False
                 ) -> tuple[str, str, float]:
    """Ctrl+C as a terminal sends it (SIGINT to the whole group; twice: pressed again at
    once); (stdout, stderr, seconds from the press to the end). The group is killed after."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        if twice:
            os.killpg(proc.pid, signal.SIGINT)
        pressed = time.monotonic()
        out, err = proc.communicate(timeout=30)
        return out, err, time.monotonic() - pressed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _nothing_left_running() -> Iterator[None]:
    """A test that fails before its Ctrl+C leaves no run (nor its workers) behind."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def start(args: list[str], **env: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-m", "formgen", *args], cwd=ROOT,
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_ctrl_c_as_in_a_terminal)
    _STARTED.append(proc)
    return proc


def test_ctrl_c_keeps_what_was_judged(submissions: dict[str, list[Path]],
                                      tmp_path: Path) -> None:
    report, replies = tmp_path / "rapport", tmp_path / "antwoorden"
    paths = [*submissions["quick"], *submissions["slow"]]
    proc = start(["check", "--json", "--jobs", "2", "--report", str(report), "--reply",
                  str(replies), *map(str, paths)])
    assert wait_for(lambda: len(group(proc.pid)) >= 3, 60), "no workers started"
    time.sleep(8)  # the quick ones are judged, the slow ones are being checked
    out, err, stopped_after = press_ctrl_c(proc)
    assert proc.returncode == 130, err
    assert stopped_after < 5, stopped_after
    assert STOPPING in err and "Traceback" not in err
    document = json.loads(out)
    judged = {Path(s["source"]).name: s["verdict"] for s in document["submissions"]}
    assert judged == {"brief.txt": "unreadable", "blanco.png": "incomplete"}
    assert [Path(p).name for p in document["not_checked"]] == ["traag-0", "traag-1", "traag-2"]
    for folder in submissions["slow"]:
        assert f"{folder}: niet beoordeeld (gestopt met Ctrl+C)" in err
    assert (report / "index.html").is_file()
    assert sorted(p.name.split("-")[1] for p in replies.glob("*.eml")) == ["blanco", "brief"]
    assert wait_for(lambda: not group(proc.pid), 5), group(proc.pid)  # no worker left


def test_a_second_ctrl_c_ends_at_once(submissions: dict[str, list[Path]]) -> None:
    proc = start(["check", "--jobs", "2", *map(str, submissions["slow"])])
    assert wait_for(lambda: len(group(proc.pid)) >= 3, 60), "no workers started"
    _, err, stopped_after = press_ctrl_c(proc, twice=True)
    assert proc.returncode == 130, err
    assert stopped_after < 3, stopped_after
    assert wait_for(lambda: not group(proc.pid), 5), group(proc.pid)


LATE_SECOND_CTRL_C = """
import os, signal, time
from formgen.cli import _friendly

@_friendly
def run():
    os.kill(os.getpid(), signal.SIGINT)  # the first Ctrl+C
    time.sleep(5)

try:
    run()
finally:  # the second, pressed with the first, handled only as the run shuts down
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)
"""


def test_a_second_ctrl_c_during_shutdown_still_ends_with_130() -> None:
    proc = subprocess.run([sys.executable, "-c", LATE_SECOND_CTRL_C], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          preexec_fn=_ctrl_c_as_in_a_terminal)
    assert proc.returncode == 130, (proc.returncode, proc.stderr)  # not -2: dead of the signal
    assert STOPPING in proc.stderr and "Traceback" not in proc.stderr


def test_workers_die_with_a_killed_run(submissions: dict[str, list[Path]]) -> None:
    proc = start(["check", "--jobs", "2", *map(str, submissions["slow"])])
    try:
        assert wait_for(lambda: len(group(proc.pid)) >= 3, 60), "no workers started"
        proc.kill()  # SIGKILL to the main process alone: nothing of it can clean up
        proc.communicate(timeout=30)
        assert wait_for(lambda: not group(proc.pid), 5), group(proc.pid)
    finally:
        for pid in group(proc.pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_in_a_batch_keeps_the_forms_written(tmp_path: Path) -> None:
    """`formgen form --customers --jobs 2`: the PDFs written stay, the manifest lists exactly
    them, and every customer whose form was not made is named."""
    source = tmp_path / "klanten.csv"
    rows = ["customer_id,name,email,street,postcode,city"]
    rows += [f"K{i:05d},Ana Şahin,ana@voorbeeld.nl,Dorpsstraat 1,1234 AB,Ede" for i in range(4000)]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out_dir = tmp_path / "formulieren"
    proc = start(["form", "--customers", str(source), "--out-dir", str(out_dir), "--jobs", "2"],
                 FORMGEN_SECRET="k" * 32)
    assert wait_for(lambda: out_dir.is_dir() and len(list(out_dir.glob("*.pdf"))) >= 50,
                    120), "no forms written"
    _, err, stopped_after = press_ctrl_c(proc)
    assert proc.returncode == 130, err
    assert stopped_after < 5, stopped_after
    assert STOPPING in err and "Traceback" not in err
    written = {p.name for p in out_dir.glob("*.pdf")}
    with (out_dir / "aanvragen.csv").open(encoding="utf-8") as handle:
        listed = {row["file"] for row in csv.DictReader(handle)}
    assert listed == written and 50 <= len(written) < 4000
    named = re.findall(r"klant (K\d{5}): niet gemaakt \(gestopt met Ctrl\+C\)", err)
    assert sorted({f"{c}.pdf" for c in named} | written) == [f"K{i:05d}.pdf" for i in range(4000)]
    assert not {f"{c}.pdf" for c in named} & written
    assert f"{len(written)} formulieren geschreven" in err and f"{len(named)} niet gemaakt" in err
    assert not list(out_dir.glob("*.tmp"))
    assert wait_for(lambda: not group(proc.pid), 5), group(proc.pid)
