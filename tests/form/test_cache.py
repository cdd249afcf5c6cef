"""The on-disk cache of the template and field font: used when valid, never when stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from formgen.definition import load_company, load_form
from formgen.form import cache
from formgen.form.template import _cached, build_template, get_template


def test_value_is_built_once_then_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
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


def test_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "0")
    calls: list[int] = []
    cache.cached("thing", [b"a"], lambda: calls.append(1))
    cache.cached("thing", [b"a"], lambda: calls.append(1))
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_template_from_the_cache_is_the_built_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    _cached.cache_clear()
    try:
        first = get_template()  # builds and stores
        assert list(tmp_path.glob("template-*.pickle"))
        _cached.cache_clear()
        again = get_template()  # read back
        assert again.pdf == first.pdf == build_template(load_form(), load_company()).pdf
        assert again.layout == first.layout
    finally:
        _cached.cache_clear()
