"""The on-disk cache of the template and field font: used when valid, never when stale."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formgen.definition import load_company, load_form
from formgen.form import cache
from formgen.form.template import _cached, build_template, get_template
from formgen.resources import default_config_dir


def test_value_is_built_once_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    assert cache.cached("thing", [b"a"], build) == {"n": 1}
    assert cache.cached("thing", [b"a"], build) == {"n": 1}
    assert cache.cached("thing", [b"b"], build) == {"n": 2}  # another key: built again
    assert len(calls) == 2
    for path in tmp_path.glob("thing-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert cache.cached("thing", [b"a"], build) == {"n": 3}  # unreadable: rebuilt


@pytest.mark.parametrize("switch", [None, "0"])
def test_cache_is_off_unless_turned_on(switch: str | None, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The library (and so the validator and the site build) writes no cache by default."""
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    if switch is None:
        monkeypatch.delenv("FORMGEN_CACHE", raising=False)
    else:
        monkeypatch.setenv("FORMGEN_CACHE", switch)
    calls: list[int] = []
    cache.cached("thing", [b"a"], lambda: calls.append(1))
    cache.cached("thing", [b"a"], lambda: calls.append(1))
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def _own_config(tmp_path: Path) -> Path:
    """A copy of the package's definition: its template is built and cached, not the one the
    package ships (see test_shipped.py)."""
    config = tmp_path / "eigen"
    shutil.copytree(default_config_dir(), config)
    return config


def test_form_command_uses_the_cache(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "FORMGEN_CACHE"}
    env["FORMGEN_CACHE_DIR"] = str(tmp_path / "cache")
    env["FORMGEN_CONFIG_DIR"] = str(_own_config(tmp_path))
    for name in ("a.pdf", "b.pdf"):
        result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out",
                                 str(tmp_path / name)], env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
    assert list((tmp_path / "cache").glob("template-*.pickle"))
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_template_from_the_cache_is_the_built_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    config = _own_config(tmp_path)
    _cached.cache_clear()
    try:
        first = get_template(config)  # builds and stores
        assert list(tmp_path.glob("template-*.pickle"))
        _cached.cache_clear()
        again = get_template(config)  # read back
        assert again.pdf == first.pdf == build_template(load_form(), load_company()).pdf
        assert again.layout == first.layout
    finally:
        _cached.cache_clear()
