"""Hostile customer files: every malformed value is refused with a reason, never a crash.

One family of hostile records, generated here, goes three ways: each record as a single
customer file (`formgen form --customer`: one line naming the file, exit 2), all of them in one
JSON Lines batch and their CSV counterparts in one CSV batch (`formgen form --customers`:
`file:line: overgeslagen: reason` per bad row, every good row written, exit 1).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from formgen.cli import main
from formgen.definition import CUSTOMER_KEYS
from formgen.errors import InputFileError
from formgen.form.customers import MAX_RECORD_CHARS, iter_customers, load_customer

BOM = b"\xef\xbb\xbf"
# Invisible characters: C0 and C1 controls (Cc), bidi and other format controls (Cf).
INVISIBLE = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9b", "\x0b", "\x1f",
             "\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u00ad", "\U000e0001"]


@dataclass(frozen=True)
class Case:
    name: str
    line: bytes  # one JSON record, as the file holds it
    message: str  # part of the reason that must be printed


def _record(**values: object) -> dict[str, object]:
    return {"customer_id": "K1", "name": "Ana Şahin", **values}


def _json(**values: object) -> bytes:
    return json.dumps(_record(**values), ensure_ascii=False).encode("utf-8")


def _raw(text: str) -> bytes:
    return text.encode("utf-8")


def hostile_cases() -> list[Case]:
    cases = []
    for depth in (2, 50, 300):
        cases.append(Case(f"list-{depth}", _raw('{"customer_id": "K1", "name": '
                                                + "[" * depth + "]" * depth + "}"),
                          "'name' moet tekst zijn, geen lijst"))
        cases.append(Case(f"object-{depth}", _raw('{"customer_id": "K1", "city": '
                                                  + '{"a": ' * depth + "1" + "}" * depth + "}"),
                          "'city' moet tekst zijn, geen object"))
    for depth in (1100, 2000):  # deeper than Python's recursion limit
        cases.append(Case(f"deep-list-{depth}", _raw('{"customer_id": "K1", "name": '
                                                     + "[" * depth + "]" * depth + "}"),
                          "geen geldige JSON: te diep genest"))
        cases.append(Case(f"deep-object-{depth}", _raw('{"a": ' * depth + "1" + "}" * depth),
                          "geen geldige JSON: te diep genest"))
        cases.append(Case(f"deep-top-{depth}", _raw("[" * depth + "]" * depth),
                          "geen geldige JSON: te diep genest"))
    for digits in (201, 4300, 4301, 12000):
        cases.append(Case(f"digits-{digits}", _raw('{"customer_id": "K1", "phone": '
                                                   + "9" * digits + "}"),
                          "'phone' is langer dan 200 tekens"))
    cases.append(Case("negative-huge", _raw('{"customer_id": "K1", "phone": -' + "1" * 5000
                                            + "}"), "'phone' is langer dan 200 tekens"))
    for number in ("1.5", "1e400", "-0.0", "1E-999"):
        cases.append(Case(f"float-{number}", _raw('{"customer_id": "K1", "postcode": '
                                                  + number + "}"),
                          "'postcode' moet tekst zijn, geen getal met decimalen"))
    for constant in ("NaN", "Infinity", "-Infinity"):
        cases.append(Case(f"constant-{constant}", _raw('{"customer_id": "K1", "phone": '
                                                       + constant + "}"),
                          f"{constant.lstrip('-')} is geen getal in JSON"))
    for key in CUSTOMER_KEYS:
        cases.append(Case(f"list-in-{key}", _json(**{key: ["a", "b"]}),
                          f"'{key}' moet tekst zijn, geen lijst"))
        cases.append(Case(f"object-in-{key}", _json(**{key: {"a": "b"}}),
                          f"'{key}' moet tekst zijn, geen object"))
        cases.append(Case(f"bool-in-{key}", _json(**{key: True}),
                          f"'{key}' moet tekst zijn, geen ja/nee-waarde"))
        cases.append(Case(f"long-{key}", _json(**{key: "x" * 201}),
                          f"'{key}' is langer dan 200 tekens"))
        for char in INVISIBLE:
            code = f"U+{ord(char):04X}"
            cases.append(Case(f"{code}-in-{key}", _json(**{key: f"A{char}B"}),
                              f"'{key}' bevat een onzichtbaar besturingsteken ({code})"))
        cases.append(Case(f"surrogate-in-{key}",
                          _json(**{key: "A@B"}).replace(b"@", b"\\ud800"),
                          f"'{key}' bevat tekens die geen geldige UTF-8 zijn"))
    for top in ("[]", '"K1"', "42", "null", "true"):
        cases.append(Case(f"top-{top}", _raw(top), "verwacht een object met klantgegevens"))
    cases += [
        Case("duplicate-key", _raw('{"customer_id": "K1", "name": "A", "name": "B"}'),
             "sleutel 'name' staat er twee keer in"),
        Case("duplicate-nested", _raw('{"customer_id": "K1", "x": {"a": 1, "a": 2}}'),
             "sleutel 'a' staat er twee keer in"),
        Case("unknown-markup-key", _json(**{"[/x]": "a"}), "onbekende sleutel(s): [/x]"),
        Case("unknown-escape-key", _json(**{"\x1b[31m": "a"}), "onbekende sleutel(s): \\u001b[31m"),
        Case("many-unknown-keys", _json(**{f"k{i:02}": "a" for i in range(50)}),
             "onbekende sleutel(s): k00, k01, k02, k03, k04 en nog 45"),
        Case("long-unknown-key", _json(**{"q" * 5000: "a"}), "q" * 40 + "…"),
        Case("null-id", _json(customer_id=None), "'customer_id' ontbreekt"),
        Case("id-with-slash", _json(customer_id="../K1"), "'customer_id' mag alleen"),
        Case("id-too-long", _json(customer_id="K" * 33), "'customer_id' mag alleen"),
        Case("invalid-utf8", b'{"customer_id": "K1", "name": "Ana \xff\xfe"}', "UTF-8-tekst"),
        Case("latin1", b'{"customer_id": "K1", "name": "Ren\xe9"}', "UTF-8-tekst"),
        Case("overlong-utf8", b'{"customer_id": "K1", "name": "\xc0\xaf"}', "UTF-8-tekst"),
        Case("cut-off", _raw('{"customer_id": "K1", "name": "An'), "geen geldige JSON"),
        Case("trailing", _raw('{"customer_id": "K1"} x'), "geen geldige JSON"),
        Case("single-quotes", _raw("{'customer_id': 'K1'}"), "geen geldige JSON"),
        Case("raw-control-in-string", _raw('{"customer_id": "K1", "name": "A\x01B"}'),
             "geen geldige JSON"),
    ]
    return cases


CASES = hostile_cases()
# Good records: printable Unicode and plain whitespace that is collapsed, never refused.
GOOD = [
    _record(name="Łukasz Nguyễn", city="Zürich"),
    _record(name="Ana\tŞahin", street="Dorpsstraat\n1"),  # tab and newline become one space
    _record(name="A\u2028B", city="x" * 200),  # a line separator in a string; exactly 200
    _record(name="山田 太郎 😀", phone=31612345678),
    _record(name="[/x] [bold]", company="<script>alert(1)</script>"),
]


# Lines whose number Rich once printed as an emoji (':100:'); the batches below keep a blank line
# there, and test_line_numbers_are_printed_as_they_are holds the fix.
EMOJI_LINES = {100, 1234}


def run(args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "test.key"
    assert run(["key", "--out", str(path)]).exit_code == 0
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_hostile_customer_file_is_one_line(case: Case, tmp_path: Path,
                                               key_file: Path) -> None:
    data = tmp_path / "klant.json"
    data.write_bytes(case.line)
    out = tmp_path / "f.pdf"
    result = run(["form", "--customer", str(data), "--out", str(out), "--key-file", str(key_file)])
    lines = result.output.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith(f"formgen: fout: {data}: "), result.output
    assert case.message in lines[0]
    assert "\x1b" not in result.output and "\x00" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("content", [b"", b"  \n", BOM, b"{}"])
def test_empty_customer_file_is_refused(content: bytes, tmp_path: Path, key_file: Path) -> None:
    data = tmp_path / "klant.json"
    data.write_bytes(content)
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf"),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2 and str(data) in result.output
    assert ("geen geldige JSON" in result.output) != (content == b"{}")


def test_customer_file_too_big_or_a_folder_is_refused(tmp_path: Path, key_file: Path) -> None:
    data = tmp_path / "klant.json"
    data.write_bytes(_raw('{"customer_id": "K1", "name": "' + " " * 70_000 + 'A"}'))
    result = run(["form", "--customer", str(data), "--out", str(tmp_path / "f.pdf"),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2 and (f"{data}: groter dan 64 KB; dat is te groot voor een "
                                      "bestand met klantgegevens") in result.output
    with pytest.raises(InputFileError, match="is een map, geen bestand"):
        load_customer(tmp_path)  # the CLI refuses a folder itself; the library too
    with pytest.raises(InputFileError, match="is een map, geen bestand"):
        (tmp_path / "map.csv").mkdir()
        list(iter_customers(tmp_path / "map.csv"))


@pytest.mark.parametrize("bom", [b"", BOM])
def test_customer_file_with_or_without_bom(bom: bytes, tmp_path: Path, key_file: Path) -> None:
    data = tmp_path / "klant.json"
    data.write_bytes(bom + _json(name="Ana\t Şahin"))
    out = tmp_path / "f.pdf"
    result = run(["form", "--customer", str(data), "--out", str(out), "--key-file", str(key_file)])
    assert result.exit_code == 0, result.output
    fields = PdfReader(out).get_fields()
    assert fields and fields["name"]["/V"] == "Ana Şahin"


def _skips(stderr: str, source: Path) -> dict[int, str]:
    skips = {}
    for line in stderr.splitlines():
        if line.startswith(f"{source}:") and ": overgeslagen: " in line:
            where, reason = line[len(f"{source}:"):].split(": overgeslagen: ", 1)
            skips[int(where)] = reason
    return skips


def _run_batch(source: Path, out_dir: Path, key_file: Path) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a traceback would show on its stderr."""
    return subprocess.run([sys.executable, "-m", "formgen", "form", "--customers", str(source),
                           "--out-dir", str(out_dir), "--key-file", str(key_file)],
                          capture_output=True, text=True, errors="replace", env=os.environ,
                          timeout=300)


def _check_batch(result: subprocess.CompletedProcess[str], source: Path, out_dir: Path,
                 expected: dict[int, str], good: dict[int, str]) -> None:
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    skips = _skips(result.stderr, source)
    assert set(skips) ^ set(expected) == set(), result.stderr
    for line, message in expected.items():
        assert message in skips[line], (line, message, skips[line])
    assert sorted(p.stem for p in out_dir.glob("*.pdf")) == sorted(good.values())
    manifest = csv.DictReader(io.StringIO((out_dir / "aanvragen.csv").read_text("utf-8")))
    assert {int(m["line"]): m["customer_id"] for m in manifest} == good
    assert f"{len(good)} formulieren geschreven" in result.stderr


def test_jsonl_batch_skips_every_hostile_row_and_writes_the_good_ones(
        tmp_path: Path, key_file: Path) -> None:
    lines: list[bytes] = []
    expected: dict[int, str] = {}
    good: dict[int, str] = {}
    cases = [*CASES, Case("long-line", _json(name="x" * MAX_RECORD_CHARS), "regel is langer dan"),
             Case("bom-inside", BOM + _json(), "geen geldige JSON")]
    for number, case in enumerate(cases):
        if len(lines) + 1 in EMOJI_LINES:
            lines.append(b"")
        lines.append(case.line)
        expected[len(lines)] = case.message
        if number % 10 == 0:  # a good row now and then, between the bad ones
            lines.append(json.dumps(_record(customer_id=f"G{number}")).encode())
            good[len(lines)] = f"G{number}"
            lines.append(b"")  # blank lines are passed over and still counted
    for number, record in enumerate(GOOD):
        lines.append(json.dumps({**record, "customer_id": f"OK{number}"},
                                ensure_ascii=number % 2 == 1).encode())
        good[len(lines)] = f"OK{number}"
    source = tmp_path / "klanten.jsonl"
    source.write_bytes(BOM + b"\r\n".join(lines) + b"\r\n")  # Windows line ends and a BOM
    out_dir = tmp_path / "out"
    _check_batch(_run_batch(source, out_dir, key_file), source, out_dir, expected, good)
    fields = PdfReader(out_dir / "OK1.pdf").get_fields()
    assert fields and fields["name"]["/V"] == "Ana Şahin"
    assert fields["street"]["/V"] == "Dorpsstraat 1"
    assert PdfReader(out_dir / "OK2.pdf").get_fields()["name"]["/V"] == "A B"  # type: ignore[index]
    assert PdfReader(out_dir / "OK3.pdf").get_fields()["phone"]["/V"] == "31612345678"  # type: ignore[index]


def _csv_cases() -> list[tuple[list[str], str]]:
    """CSV rows (in CUSTOMER_KEYS order) and the reason each must give; values are all text."""
    cases: list[tuple[list[str], str]] = []

    def row(**values: str) -> list[str]:
        record = {**{k: "" for k in CUSTOMER_KEYS}, "customer_id": "K1", **values}
        return [record[k] for k in CUSTOMER_KEYS]

    for key in CUSTOMER_KEYS:
        for char in INVISIBLE:
            cases.append((row(**{key: f"A{char}B"}),
                          f"'{key}' bevat een onzichtbaar besturingsteken (U+{ord(char):04X})"))
        cases.append((row(**{key: "y" * 201}), f"'{key}' is langer dan 200 tekens"))
        cases.append((row(**{key: "A\udcffB"}), f"'{key}' bevat tekens die geen geldige UTF-8"))
    cases += [
        (row(phone="9" * 4301), "'phone' is langer dan 200 tekens"),
        (row(name="z" * 200_000), "een waarde is te lang"),  # over the csv module's field limit
        (row(customer_id=""), "'customer_id' ontbreekt"),
        (row(customer_id="K 1"), "'customer_id' mag alleen"),
        ([*row(), "extra"], "meer waarden dan kolommen"),
    ]
    return cases


def test_csv_batch_skips_every_hostile_row_and_writes_the_good_ones(
        tmp_path: Path, key_file: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CUSTOMER_KEYS)
    line = 1
    expected: dict[int, str] = {}
    good: dict[int, str] = {}
    for number, (values, message) in enumerate(_csv_cases()):
        if line + 1 in EMOJI_LINES:
            buffer.write("\n")
            line += 1
        writer.writerow(values)
        line += 1
        expected[line] = message
        if number % 10 == 0:
            writer.writerow([f"G{number}", "Ana"] + [""] * (len(CUSTOMER_KEYS) - 2))
            line += 1
            good[line] = f"G{number}"
    writer.writerow(["OK1", "Ana\tŞahin", "", "", "", "", "", "", "Zürich", ""])
    good[line + 1] = "OK1"
    source = tmp_path / "klanten.csv"
    # Not-UTF-8 bytes go in as surrogates and come out as the bytes they were.
    source.write_bytes(BOM + buffer.getvalue().encode("utf-8", errors="surrogateescape"))
    out_dir = tmp_path / "out"
    _check_batch(_run_batch(source, out_dir, key_file), source, out_dir, expected, good)
    assert PdfReader(out_dir / "OK1.pdf").get_fields()["name"]["/V"] == "Ana Şahin"  # type: ignore[index]


@pytest.mark.parametrize(("header", "message"), [
    ("customer_id,name,name", "kolom(men) name staan er twee keer in"),
    ("customer_id,[/x]", "onbekende kolom(men): [/x]"),
    ("customer_id,\x1b[2J", "onbekende kolom(men): \\u001b[2J"),
    ("name,city", "kolom 'customer_id' ontbreekt"),
])
def test_csv_with_a_bad_header_is_refused_as_a_whole(header: str, message: str, tmp_path: Path,
                                                     key_file: Path) -> None:
    source = tmp_path / "k.csv"
    source.write_text(f"{header}\nK1,a,b\n", encoding="utf-8")
    result = run(["form", "--customers", str(source), "--out-dir", str(tmp_path / "o"),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2 and f"{source}: {message}" in result.output, result.output
    assert not (tmp_path / "o").exists()


def test_line_numbers_are_printed_as_they_are(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "klanten.jsonl"
    source.write_bytes(b"\n" * 99 + b"{broken\n")
    result = _run_batch(source, tmp_path / "out", key_file)
    assert f"{source}:100: overgeslagen: geen geldige JSON" in result.stderr, result.stderr


def _mutations(seed: int, count: int) -> list[bytes]:
    """Random damage to good records: bytes flipped, cut, doubled, hostile characters put in."""
    rng = random.Random(seed)
    pieces = [b"[", b"{", b"]", b"}", b'"', b"\\", b"\\u0000", b"\\ud800", b"\x00", b"\xff",
              b"1e999", b"NaN", b"9" * 5000, b'"name": ', b",", b"\xe2\x80\xae", b"\x1b"]
    base = [json.dumps({**r, "customer_id": "K1"}, ensure_ascii=False).encode() for r in GOOD]
    out = []
    for _ in range(count):
        data = bytearray(rng.choice(base))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data) + 1)
            action = rng.randrange(4)
            if action == 0:
                data[at:at] = rng.choice(pieces) * rng.choice((1, 1, 3, 50))
            elif action == 1 and at < len(data):
                data[at] = rng.randrange(256)
            elif action == 2:
                del data[at:at + rng.randint(1, 10)]
            else:
                data[at:at] = data[: rng.randrange(len(data) + 1)]
        out.append(bytes(data).replace(b"\n", b" "))
    return out


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_damaged_rows_never_raise_and_never_let_invisible_text_through(suffix: str,
                                                                      tmp_path: Path) -> None:
    """Fuzz the reader: every row is a customer with clean text, or a Dutch reason."""
    rows = _mutations(seed=11, count=1500)
    source = tmp_path / f"klanten{suffix}"
    header = b"customer_id,name,city\n" if suffix == ".csv" else b""
    source.write_bytes(header + b"\n".join(rows) + b"\n")
    seen = 0
    for row in iter_customers(source):
        seen += 1
        if row.customer is None:
            assert row.error and row.error.isprintable() and len(row.error) < 400
            continue
        for key in CUSTOMER_KEYS:
            value = row.customer.value(key)
            assert len(value) <= 200
            assert not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in value)
            assert value == " ".join(value.split())
    assert seen > 0


def test_line_numbers_are_the_lines_an_editor_shows(tmp_path: Path) -> None:
    """Blank lines, a quoted line break, an unreadable row and characters that str.splitlines
    would break on (U+2028, form feed, NEL) never shift the line numbers of later rows."""
    source = tmp_path / "k.csv"
    source.write_bytes(BOM + "\r\n".join([
        "customer_id,name,street", "K1,Ana,a", "", "K2,\"Ana\nŞahin\",b", "K3,"
        + "z" * 200_000, "", "K4,Bo,c", "K5,\"Bo\u2028Li\",d", "K6,Bo\rLi,e", "K7,,f"]).encode())
    rows = list(iter_customers(source))
    assert [(r.line, r.customer.customer_id if r.customer else r.error) for r in rows] == [
        (2, "K1"), (4, "K2"), (6, "een waarde is te lang"), (8, "K4"), (9, "K5"),
        (10, "de regel is geen geldige CSV"), (11, "K7")]
    assert [r.customer.name for r in rows if r.customer] == ["Ana", "Ana Şahin", "Bo", "Bo Li", ""]
    source = tmp_path / "k.jsonl"
    source.write_bytes(BOM + "\r\n".join([
        json.dumps(_record(name="A\u2028B\u2029C\x0cD", customer_id="K1"), ensure_ascii=False),
        "", json.dumps(_record(name="A\x85B"), ensure_ascii=False),
        json.dumps(_record(customer_id="K3"), ensure_ascii=False)]).encode())
    rows = list(iter_customers(source))
    assert [(r.line, r.customer.customer_id if r.customer else r.error) for r in rows] == [
        (1, "'name' bevat een onzichtbaar besturingsteken (U+000C); haal het weg"),
        (3, "'name' bevat een onzichtbaar besturingsteken (U+0085); haal het weg"), (4, "K3")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_pdf_that_cannot_be_written_skips_only_its_row(jobs: str, tmp_path: Path,
                                                         key_file: Path) -> None:
    source = tmp_path / "klanten.jsonl"
    source.write_text("".join(json.dumps(_record(customer_id=f"K{i}")) + "\n" for i in range(4)),
                      encoding="utf-8")
    out_dir = tmp_path / "out"
    (out_dir / "K2.pdf").mkdir(parents=True)  # in the way of one customer's file
    result = run(["form", "--customers", str(source), "--out-dir", str(out_dir), "--jobs", jobs,
                  "--key-file", str(key_file)])
    assert result.exit_code == 1, result.output
    assert f"{source}:3: overgeslagen: {out_dir / 'K2.pdf'}: kan niet schrijven" in result.output
    assert sorted(p.name for p in out_dir.glob("K*.pdf") if p.is_file()) == [
        "K0.pdf", "K1.pdf", "K3.pdf"]
    manifest = csv.DictReader(io.StringIO((out_dir / "aanvragen.csv").read_text("utf-8")))
    assert [m["customer_id"] for m in manifest] == ["K0", "K1", "K3"]


def test_an_out_dir_that_cannot_be_made_is_one_line(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "klanten.jsonl"
    source.write_text(json.dumps(_record()) + "\n", encoding="utf-8")
    (tmp_path / "bestand").write_text("geen map", encoding="utf-8")
    out_dir = tmp_path / "bestand" / "out"
    result = run(["form", "--customers", str(source), "--out-dir", str(out_dir),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"formgen: fout: {out_dir}: map kan niet worden gemaakt (een deel van het pad is een "
        "bestand, geen map)")


def test_a_manifest_that_cannot_be_written_is_one_line(tmp_path: Path, key_file: Path) -> None:
    source = tmp_path / "klanten.jsonl"
    source.write_text(json.dumps(_record()) + "\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    (out_dir / "aanvragen.csv").mkdir(parents=True)
    result = run(["form", "--customers", str(source), "--out-dir", str(out_dir),
                  "--key-file", str(key_file)])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        f"{out_dir / 'aanvragen.csv'}: kan niet schrijven (is een map)")
