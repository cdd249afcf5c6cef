"""formgen check --export: the new values of complete submissions for the customer system,
as CSV (formula injection neutralised) or JSON Lines, written whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from corpus.typed import typed_case

from formgen.check.export import FORMULA_STARTS, export_bytes, neutralised
from formgen.cli import main

KEY = b"export-test-key-0123456789abcdef"


def test_every_formula_start_is_neutralised_in_the_csv() -> None:
    rows = [{"customer_id": "K1", "request_id": "R1", "field": "new_name",
             "value": start + "HYPERLINK(\"http://x\";\"klik\")"} for start in FORMULA_STARTS]
    rows.append({"customer_id": "K1", "request_id": "R1", "field": "new_city",
                 "value": "Den Haag"})
    read = list(csv.DictReader(io.StringIO(export_bytes(rows, ".csv").decode())))
    assert [r["value"][0] for r in read[:-1]] == ["'"] * len(FORMULA_STARTS)
    assert [r["value"][1:] for r in read[:-1]] == [r["value"] for r in rows[:-1]]
    assert read[-1]["value"] == "Den Haag" and neutralised("K1") == "K1"
    lines = export_bytes(rows, ".jsonl").decode().splitlines()
    assert [json.loads(line) for line in lines] == rows  # JSON keeps the value as it is


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list, Path]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("export")
    key_file = tmp / "test.key"
    key_file.write_bytes(KEY)
    complete = typed_case(tmp / "compleet", KEY, np.random.default_rng(21),
                          overrides={"new_phone": "+31 6 1234 5678", "new_city": "Den Haag"})
    incomplete = typed_case(tmp / "zonder-id", KEY, np.random.default_rng(22), with_id=False,
                            overrides={"new_city": "Utrecht"})
    return tmp, [complete, incomplete], key_file


def _export(tmp: Path, cases: list, key_file: Path, name: str):  # type: ignore[no-untyped-def,type-arg]
    out = tmp / "uit" / name
    result = CliRunner().invoke(main, ["check", *(str(c.path) for c in cases), "--from",
                                       cases[0].person.email, "--key-file", str(key_file),
                                       "--export", str(out)], catch_exceptions=False)
    return result, out


def test_export_csv_and_jsonl_hold_the_complete_submission_only(checked) -> None:  # type: ignore[no-untyped-def]
    tmp, cases, key_file = checked
    result, out = _export(tmp, cases, key_file, "wijzigingen.csv")
    assert result.exit_code == 1, result.output  # one submission is not complete
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    complete = cases[0]
    assert rows and {r["request_id"] for r in rows} == {complete.person.request_id}
    assert {r["customer_id"] for r in rows} == {complete.person.customer.customer_id}
    by_field = {r["field"]: r["value"] for r in rows}
    assert set(by_field) == set(complete.written) - {"reply_email"}
    assert by_field["new_phone"] == "'+31612345678"  # starts with +: neutralised
    assert by_field["new_city"] == "Den Haag"
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert list(out.parent.iterdir()) == [out]  # no temporary file left
    result, out = _export(tmp, cases, key_file, "wijzigingen.jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["field"]: line["value"] for line in lines}["new_phone"] == "+31612345678"
    assert all(list(line) == ["customer_id", "request_id", "field", "value",
                              "customer_id_source"] for line in lines)
    assert {line["customer_id_source"] for line in lines} == {"token"}


def test_the_columns_keep_their_names_and_order() -> None:
    """A contract with the customer system: the first four as they were, new ones after."""
    rows = [{"customer_id": "K1", "request_id": "R1", "field": "new_city", "value": "Ede",
             "customer_id_source": "token"}]
    header = export_bytes(rows, ".csv").decode().splitlines()[0]
    assert header == "customer_id,request_id,field,value,customer_id_source"


def test_a_blank_form_exports_the_customer_number_it_shows_marked_as_read(
        tmp_path: Path) -> None:
    """No token names the customer on a blank form: the number written in its box is read,
    in a family of hands and of values typed into the PDF or written."""
    key_file = tmp_path / "test.key"
    key_file.write_bytes(KEY)
    cases = [typed_case(tmp_path / f"leeg-{seed}", KEY, np.random.default_rng(seed),
                        prefilled=False, source=source)
             for seed, source in ((31, "typed"), (32, "typed"), (41, "handwritten"))]
    out = tmp_path / "uit" / "wijzigingen.csv"
    result = CliRunner().invoke(main, ["check", *(str(c.path) for c in cases), "--from",
                                       cases[0].person.email, "--key-file", str(key_file),
                                       "--export", str(out), "--json"],
                              catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    verdicts = [s["verdict"] for s in json.loads(result.stdout)["submissions"]]
    complete = {c.person.customer.customer_id for c, v in zip(cases, verdicts, strict=True)
                if v == "complete"}
    assert len(complete) >= 2, verdicts
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {(r["customer_id"], r["customer_id_source"]) for r in rows} == {
        (number, "read") for number in complete}
    assert all(r["request_id"] == "" for r in rows)  # a blank form has no request


def test_export_to_a_file_of_another_kind_is_one_line_before_any_check(tmp_path: Path) -> None:
    (tmp_path / "leeg").mkdir()
    result = CliRunner().invoke(main, ["check", str(tmp_path / "leeg"), "--export",
                                       str(tmp_path / "wijzigingen.xlsx")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "wijzigingen.xlsx" in result.output
    assert ".csv of .jsonl" in result.output
