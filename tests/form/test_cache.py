"""The on-disk cache of the template and field font: used when valid, never when stale."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from formgen.definition import load_company, load_form
from formgen.form import cache, fonts, template
from formgen.form.template import _cached, build_template, get_template
from formgen.resources import default_config_dir

# A value of a test kind: a dictionary kept as JSON, with its "n" also as the bytes.
THING = cache.Codec(".bin", lambda v: (str(v["n"]).encode(), v),
                    lambda blob, v: {"n": int(blob)} if v == {"n": int(blob)} else {})


def _counting(calls: list[int]) -> Callable[[], dict[str, int]]:
    """A build that counts its calls in calls and returns how many there were."""

    def build() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    return build


@pytest.mark.parametrize("damage", ["meta", "blob", "both"])
def test_value_is_built_once_then_read(damage: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    calls: list[int] = []
    build = _counting(calls)

    assert cache.cached("thing", [b"a"], build, THING) == {"n": 1}
    assert cache.cached("thing", [b"a"], build, THING) == {"n": 1}
    assert cache.cached("thing", [b"b"], build, THING) == {"n": 2}  # another key: built again
    assert len(calls) == 2
    for suffix in {"meta": [".json"], "blob": [".bin"], "both": [".json", ".bin"]}[damage]:
        for path in tmp_path.glob(f"thing-*{suffix}"):
            path.write_bytes(b"7")  # valid JSON, a valid number: but not the entry written
            path.chmod(0o600)
    assert cache.cached("thing", [b"a"], build, THING) == {"n": 3}  # unreadable: rebuilt


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
    cache.cached("thing", [b"a"], lambda: calls.append(1), THING)
    cache.cached("thing", [b"a"], lambda: calls.append(1), THING)
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def _own_config(tmp_path: Path) -> Path:
    """A copy of the package's definition: its template is built and cached, not the one the
    package ships (see test_shipped.py)."""
    config = tmp_path / "eigen"
    shutil.copytree(default_config_dir(), config)
    return config


def test_form_command_uses_the_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "FORMGEN_CACHE"}
    env["FORMGEN_CACHE_DIR"] = str(tmp_path / "cache")
    env["FORMGEN_CONFIG_DIR"] = str(_own_config(tmp_path))
    for name in ("a.pdf", "b.pdf"):
        result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out",
                                 str(tmp_path / name)], env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
    assert list((tmp_path / "cache").glob("template-*.pdf"))
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_template_from_the_cache_is_the_built_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    config = _own_config(tmp_path)
    _cached.cache_clear()
    try:
        first = get_template(config)  # builds and stores
        assert list(tmp_path.glob("template-*.pdf"))
        _cached.cache_clear()
        again = get_template(config)  # read back
        assert again.pdf == first.pdf == build_template(load_form(), load_company()).pdf
        assert again.layout == first.layout
    finally:
        _cached.cache_clear()


class _Planted:
    """Unpickled, it makes a folder: the trace of code run from a cache folder."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (str(self.marker),)


def test_a_pickle_planted_in_the_cache_folder_is_never_run(tmp_path: Path) -> None:
    """Pickles under every name an entry of this code and these inputs has or had (.pickle,
    and the .json and .pdf/.ttf of now): `formgen form` builds or loads the real template and
    runs none of them."""
    config = _own_config(tmp_path)
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    marker = tmp_path / "uitgevoerd"
    planted = pickle.dumps(_Planted(marker))
    names = [cache.entry_name("template", [*template.template_key(config.resolve()),
                                           cache.library_versions(*template.TEMPLATE_LIBRARIES)]),
             cache.entry_name("field-font", [*fonts.field_font_key(),
                                             cache.library_versions(*fonts.FIELD_FONT_LIBRARIES)])]
    for name in names:
        stem = name.removesuffix(".pickle")
        for suffix in (".pickle", ".json", ".pdf", ".ttf"):
            (folder / (stem + suffix)).write_bytes(planted)
            (folder / (stem + suffix)).chmod(0o600)
    env = {k: v for k, v in os.environ.items() if k != "FORMGEN_CACHE"}
    env.update(FORMGEN_CACHE_DIR=str(folder), FORMGEN_CONFIG_DIR=str(config))
    for run in ("eerste", "tweede"):
        result = subprocess.run([sys.executable, "-m", "formgen", "form", "--out",
                                 str(tmp_path / f"{run}.pdf")], env=env, capture_output=True,
                                text=True, timeout=300)
        assert not marker.exists(), "a planted pickle was run"
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "eerste.pdf").read_bytes() == (tmp_path / "tweede.pdf").read_bytes() \
        == build_template(load_form(), load_company()).pdf


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_cache_folder_is_private_under_any_umask(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Under umask 000 the folder, the folders made above it, and the entries are the
    user's alone."""
    folder = tmp_path / "home" / ".cache" / "formgen"
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(folder))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    config = _own_config(tmp_path)
    _cached.cache_clear()
    before = os.umask(0)
    try:
        get_template(config)
    finally:
        os.umask(before)
        _cached.cache_clear()
    assert [_mode(p) for p in (folder.parent.parent, folder.parent, folder)] == [0o700] * 3
    entries = list(folder.iterdir())
    assert entries and {_mode(p) for p in entries} == {0o600}


def _as_another_user(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.chown(path, 4242, 4242)


TAMPER = {
    "folder open to all": lambda folder, entry: folder.chmod(0o777),
    "folder open to its group": lambda folder, entry: folder.chmod(0o770),
    "folder of another user": lambda folder, entry: _as_another_user(folder),
    "entry open to all": lambda folder, entry: entry.chmod(0o666),
    "entry open to its group": lambda folder, entry: entry.chmod(0o620),
    "entry of another user": lambda folder, entry: _as_another_user(entry),
}


@pytest.mark.parametrize("tamper", TAMPER)
@pytest.mark.parametrize("which", [".json", ".bin"])
def test_an_entry_others_could_have_written_is_not_used(tamper: str, which: str,
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the user's own, or writable by others: the value is built in memory again, with
    no error; a folder like that gets no entries either."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(folder))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    calls: list[int] = []
    build = _counting(calls)

    assert cache.cached("thing", [b"a"], build, THING) == {"n": 1}
    [entry] = folder.glob(f"thing-*{which}")
    TAMPER[tamper](folder, entry)
    written = sorted(folder.iterdir())
    assert cache.cached("thing", [b"a"], build, THING) == {"n": 2}
    if tamper.startswith("folder"):
        assert sorted(folder.iterdir()) == written


def test_an_entry_reached_through_a_link_is_not_used(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder, elsewhere = tmp_path / "cache", tmp_path / "elders"
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(elsewhere))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    assert cache.cached("thing", [b"a"], lambda: {"n": 1}, THING) == {"n": 1}
    folder.mkdir(mode=0o700)
    for entry in elsewhere.iterdir():
        (folder / entry.name).symlink_to(entry)
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(folder))
    assert cache.cached("thing", [b"a"], lambda: {"n": 2}, THING) == {"n": 2}


def test_a_fifo_where_an_entry_goes_does_not_stop_the_run(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening a FIFO for reading waits for a writer: an entry's file is opened without
    waiting, and a FIFO is no entry."""
    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("FORMGEN_CACHE", "1")
    assert cache.cached("thing", [b"a"], lambda: {"n": 1}, THING) == {"n": 1}
    for entry in tmp_path.iterdir():
        entry.unlink()
        os.mkfifo(entry, 0o600)
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(
        cache.cached("thing", [b"a"], lambda: {"n": 2}, THING)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert found == [{"n": 2}]
