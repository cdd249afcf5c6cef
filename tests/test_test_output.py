"""A test run shows dots and verdicts only: figures a test measures come after the run, with -v.

A confusion matrix printed between the dots ("50.0% (target >= 95%)") reads as a failure of a
run that passed. Tests hand such figures to the `figures` fixture (tests/figures.py).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIGURE = "complete judged complete: 1 of 2 = 50.0% (target >= 95%)"


def _prints_to_the_terminal(path: Path) -> list[str]:
    """Calls in a test module that write past pytest's capture: print() or capsys.disabled()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}: print()")
        if isinstance(func, ast.Attribute) and func.attr == "disabled":
            found.append(f"{path.relative_to(TESTS)}:{node.lineno}: capsys.disabled()")
    return found


def test_no_test_prints_between_the_dots() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 20
    found = [hit for module in modules for hit in _prints_to_the_terminal(module)]
    assert not found, "use the figures fixture instead:\n" + "\n".join(found)


def _run(tmp_path: Path, *options: str) -> str:
    (tmp_path / "conftest.py").write_text(
        "from figures import (  # noqa: F401\n"
        "    figures, pytest_configure, pytest_runtest_logreport, pytest_terminal_summary)\n",
        encoding="utf-8")
    (tmp_path / "test_measured.py").write_text(
        "def report():\n"
        f"    print({FIGURE!r})\n"
        "    return 0.5\n\n"
        "def test_one(figures):\n"
        "    assert figures.printed('matrix', report) == 0.5\n\n"
        "def test_two():\n"
        "    pass\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get(
        "PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                             *options, str(tmp_path)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_figures_are_shown_after_the_run_with_verbose_only(tmp_path: Path) -> None:
    quiet = _run(tmp_path, "-q")
    assert FIGURE not in quiet and "2 passed" in quiet, quiet
    verbose = _run(tmp_path, "-v")
    assert verbose.count(FIGURE) == 1, verbose
    assert verbose.index("test_two PASSED") < verbose.index("cijfers") < verbose.index(FIGURE)
    assert "test_measured.py::test_one: matrix" in verbose


def test_figures_measured_in_xdist_workers_are_shown_once(tmp_path: Path) -> None:
    """`make test` runs two workers: a figure measured in a worker is shown by the controller."""
    verbose = _run(tmp_path, "-v", "-n", "2")
    assert verbose.count(FIGURE) == 1, verbose
    assert "test_measured.py::test_one: matrix" in verbose
