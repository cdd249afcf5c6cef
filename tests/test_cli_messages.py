"""What the CLI says when something is wrong, and how it ends: Dutch, in order, nothing cut.

Issue 25's small defects, each tested as the kind it belongs to: every number option of every
command, every system error the code names, every bad input file before a missing key.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.errors import SYSTEM_REASONS, FormgenError, system_reason
from formgen.form.build import layout_contract, write_bytes
from formgen.keys import load_key

REPO = Path(__file__).resolve().parents[1]
# Click's and the system's English that must not reach a user of formgen
ENGLISH = re.compile(r"integer|float|range|<=|>=|\brequired\b|not a valid|No such|"
                     r"directory|File exists|Permission|Is a |Not a ", re.I)


def run(args: list[str], env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False, terminal_width=80)


def _commands(group: click.Group = main, path: tuple[str, ...] = ()
              ) -> list[tuple[tuple[str, ...], click.Command]]:
    found: list[tuple[tuple[str, ...], click.Command]] = [(path, group)]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*path, name))
        else:
            found.append(((*path, name), command))
    return found


def _number_options() -> list[tuple[tuple[str, ...], click.Option]]:
    return [(path, param) for path, command in _commands() for param in command.params
            if isinstance(param, click.Option)
            and isinstance(param.type, click.types._NumberParamTypeBase)]


NUMBER_OPTIONS = _number_options()


def test_the_number_options_are_found() -> None:
    names = {(" ".join(p), o.opts[0]) for p, o in NUMBER_OPTIONS}
    assert {("form", "--jobs"), ("check", "--jobs"), ("inbox", "--interval"),
            ("site serve", "--port")} <= names


@pytest.mark.parametrize(("path", "option"), NUMBER_OPTIONS,
                         ids=[f"{' '.join(p)} {o.opts[0]}" for p, o in NUMBER_OPTIONS])
def test_a_bad_number_is_refused_in_dutch(path: tuple[str, ...], option: click.Option) -> None:
    """Not a number, and a number out of range: one Dutch sentence each, no Click English."""
    name = option.opts[0]
    text = run([*path, name, "abc"]).output
    whole = "geheel getal" if isinstance(option.type, click.types.IntParamType) else "getal"
    assert f"'abc' is geen {whole}." in text, text
    if isinstance(option.type, click.types._NumberRangeBase):
        low = option.type.min
        assert low is not None
        result = run([*path, name, str(low - 1)])
        assert result.exit_code == 2
        assert "valt buiten het bereik" in result.output, result.output
    assert not ENGLISH.search(text.split("Fout:", 1)[-1]), text


def _path_params() -> list[tuple[tuple[str, ...], click.Parameter]]:
    return [(path, param) for path, command in _commands() for param in command.params
            if isinstance(param.type, click.Path)]


PATH_PARAMS = _path_params()


@pytest.mark.parametrize(("path", "param"), PATH_PARAMS,
                         ids=[f"{' '.join(p)} {q.name}" for p, q in PATH_PARAMS])
def test_a_bad_path_is_refused_in_dutch(path: tuple[str, ...], param: click.Parameter,
                                        tmp_path: Path) -> None:
    """Each check Click makes of a path option or argument (exists, a file, a folder)."""
    kind = param.type
    assert isinstance(kind, click.Path)
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    wrong = [tmp_path / "bestand"] if not kind.file_okay else []
    wrong += [tmp_path] if not kind.dir_okay else []
    wrong += [tmp_path / "weg"] if kind.exists else []
    for value in wrong:
        words = [str(value)] if isinstance(param, click.Argument) else [param.opts[0],
                                                                        str(value)]
        result = run([*path, *words])
        assert result.exit_code == 2, result.output
        said = result.output.split("Fout:", 1)[-1].replace(str(tmp_path), "")
        assert re.search(r"bestaat niet|is een map|is een bestand", said), result.output
        assert not ENGLISH.search(said), result.output


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=lambda p: " ".join(p) or "-")
def test_help_has_no_click_english(path: tuple[str, ...]) -> None:
    """Metavars, ranges and the required mark of every command's help read Dutch."""
    text = run([*path, "--help"]).output
    for english in ("INTEGER", "FLOAT", "RANGE", "<=", "[required]", "required]"):
        assert english not in text, f"formgen {' '.join(path)} --help: {english}\n{text}"


# --- the system's reasons --------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(SYSTEM_REASONS))
def test_every_named_system_error_reads_dutch(code: str) -> None:
    number = getattr(errno, code)
    reason = system_reason(OSError(number, os.strerror(number)))
    assert reason == SYSTEM_REASONS[code] and os.strerror(number) not in reason
    assert not ENGLISH.search(reason), reason


def test_an_unnamed_system_error_names_its_code() -> None:
    assert system_reason(OSError(errno.EXDEV, os.strerror(errno.EXDEV))) == "systeemfout EXDEV"


def test_real_system_errors_read_dutch(tmp_path: Path) -> None:
    """A file where a folder must come, a folder where a file must come: Dutch reasons."""
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    (tmp_path / "map").mkdir()
    lines = []
    for target in (tmp_path / "bestand" / "uit.pdf", tmp_path / "bestand" / "a" / "uit.pdf",
                   tmp_path / "map"):
        with pytest.raises(FormgenError) as caught:
            write_bytes(target, b"%PDF-")
        lines.append(caught.value.line())
    with pytest.raises(FormgenError) as caught:
        load_key(tmp_path / "map")
    lines.append(caught.value.line())
    result = run(["form", "--out", str(tmp_path / "bestand" / "leeg.pdf")])
    assert result.exit_code == 2
    lines.append(result.output.strip())
    assert "een deel van het pad is een bestand, geen map" in lines[0]
    assert "is een map" in lines[2] and "is een map" in lines[3]
    for line in lines:
        assert not ENGLISH.search(line.replace(str(tmp_path), "")), line


# --- the input file before the key ------------------------------------------------------------

def _bad_inputs(tmp_path: Path, suffix: str) -> dict[str, Path]:
    folder = tmp_path / f"map{suffix}"
    folder.mkdir()
    other = tmp_path / "klanten.txt"
    other.write_text("customer_id\nK1\n", encoding="utf-8")
    return {"ontbreekt": tmp_path / f"weg{suffix}", "map": folder, "soort": other}


@pytest.mark.parametrize("kind", ["ontbreekt", "map", "soort"])
@pytest.mark.parametrize("option", ["--customers", "--customer"])
def test_a_bad_customer_file_is_named_before_the_missing_key(tmp_path: Path, option: str,
                                                            kind: str) -> None:
    source = _bad_inputs(tmp_path, ".csv" if option == "--customers" else ".json")[kind]
    if option == "--customer" and kind == "soort":
        source.write_text("geen json", encoding="utf-8")
    out = ["--out-dir", str(tmp_path / "uit")] if option == "--customers" else [
        "--out", str(tmp_path / "uit.pdf")]
    result = run(["form", option, str(source), *out])
    assert result.exit_code == 2
    assert source.name in result.output, result.output
    assert "sleutel" not in result.output, result.output
    assert "0/?" not in result.output and "Formulieren" not in result.output, result.output


def test_no_progress_bar_before_an_error(tmp_path: Path) -> None:
    """With a key, a file that cannot be read: the error alone, no empty bar ('0/?') first."""
    result = run(["form", "--customers", str(tmp_path / "weg.csv"), "--out-dir",
                  str(tmp_path / "uit")], env={"FORMGEN_SECRET": "x" * 32})
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"formgen: fout: {tmp_path / 'weg.csv'}: bestand niet gevonden"]


# --- formgen fields at 80 columns ---------------------------------------------------------------

@pytest.mark.parametrize("columns", [80, 100, 160])
def test_fields_cuts_no_id_at_any_width(columns: int) -> None:
    env = {**os.environ, "COLUMNS": str(columns)}
    result = subprocess.run([sys.executable, "-m", "formgen", "fields"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "…" not in result.stdout
    ids = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    for field in layout_contract()["fields"]:
        assert field["id"] in ids, (field["id"], result.stdout)


# --- formgen site prepare outside the help center ----------------------------------------------

def test_site_prepare_refuses_a_folder_without_mkdocs_yml(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "formgen", "site", "prepare"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"formgen: fout: {tmp_path}: hier staat geen mkdocs.yml, dus geen helpcentrum: ga naar "
        "de map van het helpcentrum, of geef --docs-dir en --generated-dir"]
    assert list(tmp_path.iterdir()) == []
    one = subprocess.run([sys.executable, "-m", "formgen", "site", "prepare", "--docs-dir",
                          "d"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert one.returncode == 2 and list(tmp_path.iterdir()) == []
    both = subprocess.run([sys.executable, "-m", "formgen", "site", "prepare", "--docs-dir", "d",
                           "--generated-dir", "g"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert both.returncode == 0, both.stderr
    assert (tmp_path / "d" / "downloads" / "wijzigingsformulier.pdf").is_file()


# --- Ctrl+C ends formgen site serve (and so make run) without an error ------------------------

def test_site_serve_stops_on_ctrl_c_with_exit_code_0(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html lang=nl><body>Start</body></html>", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "formgen", "site", "serve", "--dir", str(site), "--port", "0"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert process.stderr is not None
    started = process.stderr.readline()  # the address line: the server is up
    assert "Helpcentrum: http://127.0.0.1:" in started, started
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=30)
    assert process.returncode == 0, rest
    assert rest.strip() == "Helpcentrum gestopt.", rest
