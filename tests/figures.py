"""Figures a test measures (a confusion matrix, a search score) are shown once, after the run,
and only with `-v`: printed between the dots, "50.0% (target >= 95%)" reads as a failure.

A test asks for the `figures` fixture and calls it with a title and the text (or a function
whose printed output is the text). Each figure is a JUnit property of its test; the summary
collects them from the test reports, so figures measured in pytest-xdist workers are shown too.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")
FIGURES = pytest.StashKey[list[tuple[str, str]]]()
SECTION = "cijfers"


class Figures:
    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._node = request.node

    def __call__(self, title: str, text: str) -> None:
        self._node.user_properties.append((title, text.rstrip("\n")))

    def printed(self, title: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run func (which prints its figures); keep what it printed as one figure."""
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            result = func(*args, **kwargs)
        self(title, buffer.getvalue())
        return result


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Figures:
    return Figures(request)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Keep a test's figures once (its teardown report carries all of them), in the process
    that prints the summary (the only one without xdist, the controller with it)."""
    if report.when != "teardown" or not report.user_properties:
        return
    kept = _CONFIG[0].stash.setdefault(FIGURES, [])
    kept.extend((f"{report.nodeid}: {title}", str(text)) for title, text in report.user_properties)


_CONFIG: list[pytest.Config] = []


def pytest_configure(config: pytest.Config) -> None:
    _CONFIG[:] = [config]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int,
                            config: pytest.Config) -> None:
    kept = config.stash.get(FIGURES, [])
    if not kept or config.get_verbosity() < 1:
        return
    terminalreporter.section(SECTION)
    for title, text in kept:
        terminalreporter.write_line(title)
        terminalreporter.write_line(text)
