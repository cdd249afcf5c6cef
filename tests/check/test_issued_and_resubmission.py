"""The token's issue date (formgen.check.consistency.issued_check) and a request submitted twice
in one `formgen check` run (formgen.check.resubmission), on real prefilled forms."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import id_card_page
from PIL import Image

from formgen.check.consistency import CLOCK_SKEW, issued_check
from formgen.check.run import run_checks
from formgen.check.submission import check_submission
from formgen.check.verdict import Status, Verdict
from formgen.form.build import prefilled_form
from formgen.form.template import get_template

TODAY = S.today()
DPI = 200
KEY = b"issued-test-key-0123456789abcdef0123"
ROOT = Path(__file__).resolve().parents[2]


def _submission(folder: Path, issued: dt.date, seed: int = 21, *,
                with_id: bool = True) -> S.Person:
    """A prefilled form issued on that date, filled in, signed and scanned, with the
    customer's ID (unless with_id is False), in folder."""
    person = S.make_person(np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    pdf, person.request_id = prefilled_form(person.customer, KEY, issued=issued)
    person.issued = issued
    pages = S.filled_pages(pdf, S.form_values(person, rng, prefilled=True), DPI, rng)
    folder.mkdir(parents=True)
    scanned = S.scan(pages, rng, dpi=DPI, src_dpi=DPI)
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(scanned, DPI))
    if with_id:
        page = id_card_page(dpi=DPI, surname=S.mrz_name(person.info["surname"]),
                            given_names=S.mrz_name(person.info["given"]), masked_bsn=True,
                            today=TODAY, document_number=person.customer.id_number)
        (folder / "id.jpg").write_bytes(forms.jpeg_bytes(Image.fromarray(page.image), 90))
    return person


# -- the issue date ------------------------------------------------------------------------------

VERSION_DATE = get_template().form.date


@pytest.mark.parametrize(("days", "status"), [
    (0, Status.OK), (1, Status.OK), (-1, Status.OK), (-400, Status.OK),
    (2, Status.REVIEW), (30, Status.REVIEW), (365 * 70, Status.REVIEW),
])
def test_issue_dates_after_today_beyond_the_clock_skew_go_to_support(days: int,
                                                                     status: Status) -> None:
    today = VERSION_DATE + dt.timedelta(days=500)
    check = issued_check(today + dt.timedelta(days=days), VERSION_DATE, 1, today)
    assert check.code == "issued" and check.status is status, check.message
    assert ("toekomst" in check.message) is (dt.timedelta(days=days) > CLOCK_SKEW)


def test_the_issue_date_and_its_age_are_shown() -> None:
    today = VERSION_DATE + dt.timedelta(days=40)
    check = issued_check(VERSION_DATE + dt.timedelta(days=3), VERSION_DATE, 1, today)
    assert check.status is Status.OK
    shown = (VERSION_DATE + dt.timedelta(days=3)).strftime("%d-%m-%Y")
    assert check.message == f"uitgegeven op {shown} (37 dagen geleden)"
    assert issued_check(today, VERSION_DATE, 1, today).message.endswith("(vandaag)")


@pytest.mark.parametrize("days_before", [1, 30, 4000])
def test_a_date_before_this_version_existed_is_a_warning(days_before: int) -> None:
    """The paper prints this version of the form, which had no existence before its date."""
    issued = VERSION_DATE - dt.timedelta(days=days_before)
    check = issued_check(issued, VERSION_DATE, 1, VERSION_DATE + dt.timedelta(days=10))
    assert check.status is Status.WARNING
    assert VERSION_DATE.strftime("%d-%m-%Y") in check.message


@pytest.mark.parametrize(("issued", "verdict", "status"), [
    (dt.date(2099, 1, 1), Verdict.REVIEW, Status.REVIEW),
    (dt.date(2015, 6, 1), Verdict.COMPLETE, Status.WARNING),
])
def test_forms_dated_far_off_on_paper(tmp_path: Path, issued: dt.date, verdict: Verdict,
                                      status: Status) -> None:
    person = _submission(tmp_path / "inzending", issued)
    result = check_submission(tmp_path / "inzending", key=KEY, from_address=person.email,
                              today=TODAY)
    check = next(c for c in result.checks if c.code == "issued")
    assert check.status is status, check.message
    assert issued.strftime("%d-%m-%Y") in check.message
    assert result.verdict is verdict, [(c.code, c.status) for c in result.checks
                                       if c.status != "ok"]
    assert not result.missing


# -- the same request twice in one run ---------------------------------------------------------


@pytest.fixture(scope="module")
def twice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One complete submission of a request (an e-mail), and the same e-mail again; one
    incomplete (no ID) submission of another request, and the same again."""
    root = tmp_path_factory.mktemp("twice")
    for name, seed, with_id in (("a", 31, True), ("b", 32, False)):
        folder = root / name
        person = _submission(folder, TODAY - dt.timedelta(days=3), seed=seed, with_id=with_id)
        files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
        S.write_eml(root / f"{name}-eerst.eml", person.email, files, np.random.default_rng(1))
        shutil.copy(root / f"{name}-eerst.eml", root / f"{name}-weer.eml")
    return {p.stem: p for p in root.glob("*.eml")}


def test_a_request_submitted_twice_in_one_run(twice: dict[str, Path]) -> None:
    order = ["a-eerst", "b-eerst", "a-weer", "b-weer"]
    results = run_checks([twice[n] for n in order], key=KEY, today=TODAY)
    by_name = dict(zip(order, results, strict=True))
    codes = {n: {c.code: c for c in r.checks} for n, r in by_name.items()}
    assert "resubmitted" not in codes["a-eerst"] and "resubmitted" not in codes["b-eerst"]
    assert by_name["a-eerst"].verdict is Verdict.COMPLETE, codes["a-eerst"]
    assert by_name["b-eerst"].verdict is Verdict.INCOMPLETE
    # after a complete one: a person looks
    again = codes["a-weer"]["resubmitted"]
    assert again.status is Status.REVIEW and "al eerder ingediend" in again.message
    assert "a-eerst" in again.message
    assert by_name["a-weer"].verdict is Verdict.REVIEW
    # after an incomplete one: sending again is what we asked; its own verdict stands
    again = codes["b-weer"]["resubmitted"]
    assert again.status is Status.WARNING and "al eerder ingediend" in again.message
    assert by_name["b-weer"].verdict is Verdict.INCOMPLETE
    # a run with each one alone flags nothing
    alone = run_checks([twice["a-weer"]], key=KEY, today=TODAY)[0]
    assert "resubmitted" not in {c.code for c in alone.checks}


def test_check_command_reports_the_repeat_in_json(twice: dict[str, Path]) -> None:
    env = dict(os.environ, FORMGEN_SECRET=KEY.decode())
    run = subprocess.run([sys.executable, "-m", "formgen", "check", str(twice["b-eerst"]),
                          str(twice["b-weer"]), "--json", "--jobs", "2"], env=env,
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 1, run.stderr
    later = json.loads(run.stdout)["submissions"][1]
    repeat = [c for c in later["checks"] if c["code"] == "resubmitted"]
    assert len(repeat) == 1 and repeat[0]["status"] == "warning"
