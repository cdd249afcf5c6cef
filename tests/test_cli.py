"""The CLI, run as a user runs it: options, files, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from formgen.cli import main
from formgen.definition import load_form
from formgen.resources import default_config_dir

FORM = load_form()
CUSTOMER = {"customer_id": "K77", "name": "Ana Şahin", "company": "", "id_number": "Z1",
            "email": "ana@voorbeeld.nl", "phone": "", "street": "Dorpsstraat 1",
            "postcode": "1234 AB", "city": "Ede", "country": "Nederland"}


def run(args: list[str], env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "test.key"
    assert run(["key", "--out", str(path)]).exit_code == 0
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    return path


def test_every_command_has_help() -> None:
    for args in ([], ["form"], ["fields"], ["key"], ["demo"], ["site"], ["site", "prepare"]):
        result = run([*args, "--help"])
        assert result.exit_code == 0 and "Gebruik:" in result.output


def test_blank_form(tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    result = run(["form", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")


def test_prefilled_form(tmp_path: Path, key_file: Path) -> None:
    data = tmp_path / "customer.json"
    data.write_text(json.dumps(CUSTOMER), encoding="utf-8")
    out = tmp_path / "form.pdf"
    result = run(["form", "--customer", str(data), "--out", str(out), "--key-file",
                  str(key_file), "--request-id", "R-42"])
    assert result.exit_code == 0, result.output
    assert "R-42" in result.output
    fields = PdfReader(out).get_fields()
    assert fields and fields["name"]["/V"] == "Ana Şahin" and fields["company"].get("/V") == ""


def test_missing_optional_keys_are_left_empty(tmp_path: Path, key_file: Path) -> None:
    data = tmp_path / "c.json"
    data.write_text(json.dumps({"customer_id": "K8"}), encoding="utf-8")
    out = tmp_path / "f.pdf"
    assert run(["form", "--customer", str(data), "--out", str(out),
                "--key-file", str(key_file)]).exit_code == 0
    fields = PdfReader(out).get_fields()
    assert fields and fields["customer_id"]["/V"] == "K8" and fields["name"].get("/V") == ""


@pytest.mark.parametrize(("content", "message"), [
    ({"customer_id": "K1", "shoe_size": 44}, "onbekende sleutel(s): shoe_size"),
    ({"name": "Zonder nummer"}, "'customer_id' ontbreekt"),
    ({"customer_id": "K1", "name": ["a"]}, "'name' moet tekst zijn"),
    ("{not json", "geen geldige JSON (regel 1"),
])
def test_bad_customer_file_is_one_line(tmp_path: Path, key_file: Path, content: object,
                                       message: str) -> None:
    data = tmp_path / "c.json"
    data.write_text(content if isinstance(content, str) else json.dumps(content),
                    encoding="utf-8")
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf"),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(data) in lines[0] and message in lines[0]
    assert not (tmp_path / "f.pdf").exists()


def test_prefilled_form_without_key_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "c.json"
    data.write_text(json.dumps(CUSTOMER), encoding="utf-8")
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf")])
    assert result.exit_code == 2
    assert "geen sleutel" in result.output and "FORMGEN_SECRET" in result.output


def test_key_from_environment(tmp_path: Path) -> None:
    data = tmp_path / "c.json"
    data.write_text(json.dumps(CUSTOMER), encoding="utf-8")
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf")],
                 env={"FORMGEN_SECRET": "short"})
    assert result.exit_code == 2 and "te kort" in result.output
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf")],
                 env={"FORMGEN_SECRET": "a-long-enough-secret-for-tests"})
    assert result.exit_code == 0


def test_key_is_never_overwritten(key_file: Path) -> None:
    before = key_file.read_bytes()
    result = run(["key", "--out", str(key_file)])
    assert result.exit_code == 2 and key_file.read_bytes() == before


def test_batch_skips_bad_rows_with_line_numbers(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "klanten.csv"
    rows = [CUSTOMER, {**CUSTOMER, "customer_id": ""}, {**CUSTOMER, "customer_id": "K78",
            "name": "Ørsted"}, {**CUSTOMER, "customer_id": "K77"}]
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CUSTOMER))
        writer.writeheader()
        writer.writerows(rows)
    out_dir = tmp_path / "out"
    result = run(["form", "--customers", str(source), "--out-dir", str(out_dir),
                  "--key-file", str(key_file)])
    assert result.exit_code == 1
    assert f"{source}:3: overgeslagen: 'customer_id' ontbreekt" in result.output
    assert f"{source}:5: overgeslagen: klantnummer K77 staat er al eerder in" in result.output
    assert sorted(p.name for p in out_dir.glob("*.pdf")) == ["K77.pdf", "K78.pdf"]
    manifest = list(csv.DictReader(io.StringIO((out_dir / "aanvragen.csv").read_text())))
    assert [m["customer_id"] for m in manifest] == ["K77", "K78"]
    assert len({m["request_id"] for m in manifest}) == 2


def test_batch_jsonl_in_parallel(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "klanten.jsonl"
    lines = [json.dumps({**CUSTOMER, "customer_id": f"K{i}"}) for i in range(6)]
    lines.insert(2, "{broken")
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run(["form", "--customers", str(source), "--out-dir", str(out_dir), "--jobs", "2",
                  "--key-file", str(key_file)])
    assert result.exit_code == 1
    assert f"{source}:3: overgeslagen: geen geldige JSON" in result.output
    assert len(list(out_dir.glob("*.pdf"))) == 6


def test_batch_with_unknown_column_is_refused(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "k.csv"
    source.write_text("customer_id,hat\nK1,red\n", encoding="utf-8")
    result = run(["form", "--customers", str(source), "--out-dir", str(tmp_path / "o"),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2 and "onbekende kolom(men): hat" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(["form"]).exit_code == 2
    assert run(["form", "--customers", "x.csv"]).exit_code == 2
    assert run(["form", "--nope"]).exit_code == 2


def test_fields_json_is_the_layout_contract() -> None:
    result = run(["fields", "--json"])
    assert result.exit_code == 0
    contract = json.loads(result.output)
    assert contract["units"] == "pt" and contract["origin"] == "top-left"
    size = contract["page_size"]
    assert (round(size["width"]), round(size["height"])) == (595, 842)
    by_id = {f["id"]: f for f in contract["fields"]}
    assert set(by_id) == {f.id for f in FORM.fields}
    assert by_id["signature"]["kind"] == "signature" and by_id["signature"]["required"]
    assert by_id["new_iban"]["group"] == "change" and not by_id["new_iban"]["required"]
    assert set(contract["groups"]["change"]["fields"]) >= {"new_iban", "new_email"}
    for field in contract["fields"]:
        r = field["rect"]
        assert 0 < r["x"] < r["x"] + r["width"] < size["width"]
        assert 0 < r["y"] < r["y"] + r["height"] < size["height"]
    for page in contract["pages"]:
        assert [m["id"] for m in page["marks"]] == [0, 1, 2, 3]
        boxes = [page["qr"]] + [f["rect"] for f in contract["fields"]
                                if f["page"] == page["number"]]
        for i, a in enumerate(boxes):  # nothing overlaps
            for b in boxes[i + 1:]:
                assert (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                        or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_broken_definition_gives_one_line_through_the_real_command(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    root = default_config_dir()
    (config / "company.yaml").write_bytes((root / "company.yaml").read_bytes())
    (config / "form.yaml").write_text(
        (root / "form.yaml").read_text(encoding="utf-8").replace("kind: iban", "kind: ibn"),
        encoding="utf-8")
    env = {**os.environ, "FORMGEN_CONFIG_DIR": str(config)}
    result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out",
                             str(tmp_path / "x.pdf")], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "form.yaml" in lines[0] and "soort 'ibn' onbekend" in lines[0]


def test_demo_creates_dev_key_and_both_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    from formgen import keys

    monkeypatch.setattr(keys, "DEV_KEY_FILE", tmp_path / ".formgen" / "dev.key")
    result = run(["demo", "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "Ontwikkelsleutel aangemaakt" in result.output
    assert (tmp_path / ".formgen" / "dev.key").exists()
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
    again = run(["demo", "--out-dir", str(tmp_path / "out")])
    assert "aangemaakt" not in again.output


def _help_texts() -> list[tuple[str, str]]:
    """The --help output of the command and every sub-command, at 80 columns."""
    runner = CliRunner()
    names = [[], ["form"], ["fields"], ["key"], ["demo"], ["check"], ["site"],
             ["site", "prepare"], ["site", "serve"]]
    out = []
    for words in names:
        result = runner.invoke(main, [*words, "--help"], terminal_width=80)
        assert result.exit_code == 0, result.output
        out.append((" ".join(words) or "formgen", result.output))
    return out


def test_help_is_dutch_and_not_cut() -> None:
    english = ("Show this message", "Show the version", "Usage:", "Options:", "Commands:",
               "[OPTIONS]", "COMMAND", "TEXT", "INTEGER")
    for name, text in _help_texts():
        assert not [w for w in english if w in text], f"{name}: English in --help:\n{text}"
        assert "..." not in text.replace("PAD...", "").replace("[ARGUMENTEN]...", ""), \
            f"{name}: a summary is cut:\n{text}"


def test_click_errors_are_dutch() -> None:
    result = CliRunner().invoke(main, ["form", "--jobs", "0"])
    assert result.exit_code == 2
    assert "Fout:" in result.output and "Error" not in result.output
    result = CliRunner().invoke(main, ["bestaat-niet"])
    assert "Onbekende opdracht" in result.output


def test_prefilled_line_is_not_broken_in_80_columns(tmp_path: Path, key: bytes) -> None:
    customer = tmp_path / "klant.json"
    customer.write_text(json.dumps({"customer_id": "K1234567", "name": "Anna de Vries"}),
                        encoding="utf-8")
    out = tmp_path / ("een-nogal-lange-mapnaam-voor-formulieren" * 2) / "formulier.pdf"
    env = {**os.environ, "FORMGEN_SECRET": key.decode(), "COLUMNS": "80"}
    result = subprocess.run([sys.executable, "-m", "formgen", "form", "--customer", str(customer),
                             "--out", str(out), "--request-id", "R-2026-ABCDEFGH-0001"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "R-2026-ABCDEFGH-0001" in result.stderr  # whole, not broken by a newline
    assert str(out) in result.stderr


def test_a_check_starts_without_the_ocr_engine() -> None:
    """`formgen check` and `formgen inbox` start (and check a submission without a form)
    without the OCR engine: it is loaded when a page needs it. (scikit-image stays imported at
    the start: a worker that imported it itself would pass its memory limit,
    test_run.py::test_a_submission_past_the_memory_limit_costs_only_its_own_verdict.)"""
    code = ("import sys, formgen.cli, formgen.check.run, formgen.check.inbox; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'rapidocr_onnxruntime', 'onnxruntime', 'rapidocr'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
