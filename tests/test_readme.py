"""The README stays what a newcomer needs: a title, the two commands, and nothing that lies.

A scripted edit once turned it into 5 MB of repeats with no command left; these checks fail on
that and on quieter drift (a Makefile target or a subcommand that no longer exists).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
MAX_BYTES = 30_000


def _text() -> str:
    return README.read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, flags=re.S | re.M)


def _commands(block: str) -> list[str]:
    """The command lines of a shell block, comments and blank lines left out."""
    lines = (line.split("#", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def _make_targets() -> set[str]:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", makefile, flags=re.M))


def test_size_is_bounded() -> None:
    assert README.stat().st_size <= MAX_BYTES, "README.md is larger than 30 KB: garbled?"


def test_starts_with_a_title() -> None:
    assert re.match(r"# \S", _text()), "README.md must start with a '# ' title line"


def test_first_code_block_is_the_two_commands() -> None:
    first = _code_blocks(_text())[0]
    commands = _commands(first)
    assert commands == ["make run", "make test"], commands


def _readme_make_targets() -> list[str]:
    found: set[str] = set()
    for block in _code_blocks(_text()):
        for command in _commands(block):
            for match in re.finditer(r"(?:^|&&|;)\s*make\s+([\w.-]+(?:\s+[\w.-]+)*)", command):
                found.update(t for t in match.group(1).split() if "=" not in t)
    found.update(re.findall(r"`make ([\w.-]+)`", _text()))
    return sorted(found)


def test_every_make_target_exists() -> None:
    named = _readme_make_targets()
    assert "run" in named and "test" in named
    missing = [t for t in named if t not in _make_targets()]
    assert not missing, f"README names Makefile targets that do not exist: {missing}"


def _formgen_commands() -> list[tuple[str, ...]]:
    """Every `formgen SUB [SUB]` the README names, as the words of the command."""
    from formgen.cli import main

    found: set[tuple[str, ...]] = set()
    for match in re.finditer(r"\bformgen((?:\s+(?:--config\s+\S+|[a-z][a-z-]*))+)", _text()):
        words = [w for w in match.group(1).split() if w]
        group = main
        path: list[str] = []
        while words:
            word = words.pop(0)
            if word == "--config":
                words.pop(0) if words else None
                continue
            commands = getattr(group, "commands", None)
            if commands is None:
                break
            path.append(word)
            group = commands.get(word)
            if group is None:
                break
        if path:
            found.add(tuple(path))
    return sorted(found)


def test_readme_names_formgen_commands() -> None:
    names = {c[0] for c in _formgen_commands()}
    assert {"form", "fields", "check", "site"} <= names, names


@pytest.mark.parametrize("command", _formgen_commands(), ids=" ".join)
def test_every_formgen_command_answers_help(command: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-m", "formgen", *command, "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"formgen {' '.join(command)} --help: {result.stderr}"


def test_the_batch_manifest_columns_are_the_readmes(tmp_path: Path) -> None:
    """The README names every column of `aanvragen.csv`, in order, and the count it gives."""
    from formgen.form.batch import build_batch

    table = tmp_path / "klanten.csv"
    table.write_text("customer_id,name,email,street,postcode,city,country\n"
                     "K1,Ana Smit,a@voorbeeld.nl,Dorpsstraat 1,1234 AB,Ede,Nederland\n",
                     encoding="utf-8")
    result = build_batch(table, tmp_path / "uit", b"k" * 32)
    assert result.manifest is not None
    header = next(csv.reader(io.StringIO(result.manifest.read_text(encoding="utf-8"))))
    said = re.search(r"`aanvragen\.csv` with (\w+) columns:(.*?)A bad row", _text(), re.S)
    assert said, "README: 'aanvragen.csv` with N columns: ...' not found"
    assert re.findall(r"`(\w+)`", said.group(2)) == header
    numbers = {"three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
    assert numbers.get(said.group(1)) == len(header), said.group(1)


def test_the_check_json_keys_are_the_readmes(tmp_path: Path) -> None:
    """Every key the README shows for `formgen check --json` is one the output has, and the
    other way round (the form's own keys aside, which the README leaves out as {...})."""
    from formgen.check import check_submission

    folder = tmp_path / "inzending"
    folder.mkdir()
    (folder / "notitie.txt").write_text("geen formulier", encoding="utf-8")
    document = {"submissions": [check_submission(folder, key=None).to_json()]}
    submission = document["submissions"][0]
    assert submission["checks"] and submission["files"], submission

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for name, v in value.items() if name != "form"
                                 for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    shown = re.search(r"`--json` prints `(\{\"submissions\".*?)`", _text(), re.S)
    assert shown, "README: the --json shape not found"
    assert set(re.findall(r'"(\w+)"', shown.group(1))) == keys(document)
