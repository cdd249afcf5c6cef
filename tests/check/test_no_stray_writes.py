"""A check writes only where it is told to: --report and --reply, nothing in HOME or TMPDIR.

onnxruntime (under the OCR engine) writes a telemetry database and a device id under
~/.cache/Microsoft/DeveloperTools/.onnxruntime/ when it loads, unless its telemetry is
switched off before it is imported; this runs the real command on a submission with an ID page,
in its own process with a fresh, empty HOME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import id_card_page
from PIL import Image

KEY = "stray-writes-test-key-0123456789abcdef"
DPI = 200


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under root: its size and modification time."""
    out = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        out[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return out


def _submissions(folder: Path) -> tuple[list[Path], str]:
    """A scanned, prefilled form and a photo of an ID card in one .eml (complete), and the same
    form without the ID card in a second .eml (incomplete: that one gets a reply)."""
    rng = np.random.default_rng(5)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY.encode(), True, rng)
    pages = S.scan(S.filled_pages(pdf, S.form_values(person, rng, prefilled=True), DPI, rng),
                   rng, dpi=DPI, src_dpi=DPI)
    card = id_card_page(dpi=DPI, surname=S.mrz_name(person.info["surname"]),
                        given_names=S.mrz_name(person.info["given"]), masked_bsn=True,
                        today=S.today())
    scan = ("scan0001.pdf", forms.pages_to_pdf(pages, DPI))
    complete, incomplete = folder / "met-id.eml", folder / "zonder-id.eml"
    S.write_eml(complete, person.email, [
        scan, ("identiteitskaart.jpg", forms.jpeg_bytes(Image.fromarray(card.image), 90, dpi=DPI))],
        rng)
    S.write_eml(incomplete, person.email, [scan], rng)
    return [complete, incomplete], person.request_id


def test_a_check_writes_only_into_its_report_and_reply_folders(tmp_path: Path) -> None:
    home, temp, work, inbox = (tmp_path / name for name in ("home", "tmp", "work", "in"))
    for folder in (home, temp, work, inbox):
        folder.mkdir()
    submissions, request_id = _submissions(inbox)
    report, reply = tmp_path / "rapport", tmp_path / "antwoorden"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "ORT_", "FORMGEN_"))}
    env.update(HOME=str(home), TMPDIR=str(temp), FORMGEN_SECRET=KEY,
               PYTHONPATH=os.pathsep.join(sys.path), PYTHONDONTWRITEBYTECODE="1")
    before = _tree(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "formgen", "check", *map(str, submissions), "--json",
         "--report", str(report), "--reply", str(reply)],
        cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    # OCR did run: the ID document was found in the first submission and its MRZ read.
    with_id, without_id = json.loads(result.stdout)["submissions"]
    assert with_id["form"]["request_id"] == without_id["form"]["request_id"] == request_id
    codes = {c["code"]: c["status"] for c in with_id["checks"]}
    assert codes.get("id_document") == "ok" and "id_name" in codes, codes
    assert without_id["verdict"] == "incomplete"
    after = _tree(tmp_path)
    new_or_changed = sorted(name for name, stat in after.items() if before.get(name) != stat)
    stray = [name for name in new_or_changed
             if not name.startswith((report.name, reply.name))]
    assert stray == [], stray
    assert any(name.startswith(f"{report.name}/") for name in new_or_changed)
    assert any(name.startswith(f"{reply.name}/") for name in new_or_changed)
    assert not any(home.iterdir()) and not any(temp.iterdir()) and not any(work.iterdir())
