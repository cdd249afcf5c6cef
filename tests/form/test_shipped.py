"""The template and field font the package ships (formgen/data/prebuilt/, shipped.py).

They are what a build from scratch gives now, byte for byte; the first `formgen form` with an
empty cache loads them and no layout, font or PDF library; any other definition, and any change
to the code, builds as before.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formgen.form import cache, shipped
from formgen.resources import default_config_dir

REPO = Path(__file__).resolve().parents[2]
BUILD_LIBRARIES = ("fpdf", "pypdf", "pikepdf", "fontTools")


def test_shipped_entries_are_the_ones_built_now() -> None:
    """A stale shipped template (form code, definition or fonts changed) fails here. Built
    with the libraries installed here, the entries are the same byte for byte; built with
    other versions (a newer fpdf2 in CI), they still have the layout a build gives now."""
    on_disk = {p.name: p.read_bytes() for p in cache.SHIPPED_DIR.iterdir() if p.is_file()}
    fresh = shipped.expected()
    assert sorted(on_disk) == sorted(fresh), "run 'make template' and commit formgen/data/prebuilt"
    same_libraries = on_disk[shipped.MANIFEST] == fresh[shipped.MANIFEST]
    for name, data in fresh.items():
        if same_libraries:
            assert on_disk[name] == data, f"{name} differs from a fresh build: run 'make template'"
        elif name.startswith("template-") and name.endswith(".json"):
            shipped_layout = json.loads(on_disk[name])["value"]["layout"]
            fresh_layout = json.loads(data)["value"]["layout"]
            assert shipped_layout == fresh_layout, f"{name}: layout differs: run 'make template'"


def test_the_package_ships_no_pickle_and_loads_none() -> None:
    """Shipped entries are data (PDF, TrueType, JSON); nothing in formgen unpickles."""
    assert sorted({p.suffix for p in cache.SHIPPED_DIR.iterdir()}) == [".json", ".pdf", ".ttf"]
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "formgen").rglob("*.py")]
    assert not [s for s in sources if "import pickle" in s or "pickle.load" in s]


def test_a_library_upgrade_does_not_miss_the_shipped_entries() -> None:
    """The shipped names leave the library versions out; the user's cache names keep them."""
    from formgen.form import template

    key = template.template_key(default_config_dir().resolve())
    shipped_name = cache.entry_name("template", key)
    assert (cache.SHIPPED_DIR / f"{shipped_name}.json").is_file()
    user_name = cache.entry_name("template", [*key, cache.library_versions(
        *template.TEMPLATE_LIBRARIES)])
    assert user_name != shipped_name
    assert shipped.built_with(), "MANIFEST.json names the library versions"


def _customers(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "name", "id_number", "email", "street", "postcode",
                         "city", "country"])
        for i, name in enumerate(["Łukasz Nowak", "Nguyễn Thị Mai", "Ștefan Țurcanu"]):
            writer.writerow([f"K{100 + i}", name, f"X{i:07d}Z", f"k{i}@voorbeeld.nl",
                             "Dorpsstraat 1", "1234 AB", "Utrecht", "Nederland"])
    return path


# Runs the command in this process and prints which build libraries it imported.
_RUN_AND_LIST_IMPORTS = f"""
import sys
from formgen.cli import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    assert not stop.code, stop.code
print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(BUILD_LIBRARIES)!r}))
"""


def _formgen(tmp_path: Path, cache_dir: Path, *args: str,
             **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"FORMGEN_CACHE", "FORMGEN_CONFIG_DIR", "FORMGEN_TEMPLATES_DIR"}}
    environment.update({"FORMGEN_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(REPO),
                        "FORMGEN_SECRET": "een-testsleutel-" * 3, **env})
    result = subprocess.run([sys.executable, "-c", _RUN_AND_LIST_IMPORTS, *args], cwd=tmp_path,
                            env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_first_run_loads_the_shipped_template(tmp_path: Path) -> None:
    table = _customers(tmp_path / "klanten.csv")
    empty = tmp_path / "cache"
    batch = _formgen(tmp_path, empty, "form", "--customers", str(table), "--out-dir", "uit")
    assert len(list((tmp_path / "uit").glob("K*.pdf"))) == 3
    assert batch.stdout.strip() == "[]", "a build library was imported: " + batch.stdout
    assert not list(empty.glob("*")), "the template was built, not loaded"

    _formgen(tmp_path, empty, "form", "--out", "geladen.pdf")
    _formgen(tmp_path, empty, "form", "--out", "gebouwd.pdf", FORMGEN_CACHE="0")
    assert (tmp_path / "geladen.pdf").read_bytes() == (tmp_path / "gebouwd.pdf").read_bytes()


def test_own_definition_builds_and_keeps_its_template(tmp_path: Path) -> None:
    """--config / FORMGEN_CONFIG_DIR: built and kept in the user's cache, even when the
    folder is a copy of the package's own definition."""
    config = tmp_path / "eigen"
    shutil.copytree(default_config_dir(), config)
    empty = tmp_path / "cache"
    result = _formgen(tmp_path, empty, "form", "--out", "eigen.pdf",
                      FORMGEN_CONFIG_DIR=str(config))
    assert "fpdf" in result.stdout
    assert [p.name.split("-")[0] for p in empty.glob("*.json")] == ["template"]


def _form_with_changed(tmp_path: Path, module: str) -> tuple[str, set[str]]:
    """`formgen form` from a copy of the package with one module changed: what it imported
    of the build libraries, and the kinds of cache entry it wrote."""
    shutil.copytree(REPO / "formgen", tmp_path / "formgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    changed = tmp_path / "formgen" / module
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    empty = tmp_path / "cache"
    result = _formgen(tmp_path, empty, "form", "--out", "x.pdf", PYTHONPATH=str(tmp_path))
    return result.stdout, {p.name.split("-")[0] for p in empty.glob("*.json")}


def test_a_code_change_misses_the_shipped_template(tmp_path: Path) -> None:
    """The entry's name hashes the form code: a changed renderer builds anew."""
    imported, written = _form_with_changed(tmp_path, "form/render.py")
    assert "fpdf" in imported
    assert written == {"template", "field"}


def test_a_change_outside_the_form_code_keeps_the_shipped_template(tmp_path: Path) -> None:
    """Only the form code is in the name: a changed validator module still loads it."""
    imported, written = _form_with_changed(tmp_path, "check/ink.py")
    assert "fpdf" not in imported
    assert not written


def test_the_validator_reads_the_shipped_template_and_writes_no_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no cache is used (the validator, the library) the shipped template is still read:
    a `formgen check` and each of its workers start without building the form (about 1 s
    each); FORMGEN_CACHE=0 builds."""
    from formgen.form import template

    def no_build(*args: object) -> None:
        raise AssertionError("built")

    monkeypatch.setenv("FORMGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FORMGEN_CACHE", raising=False)
    monkeypatch.setattr(template, "_build", no_build)
    template._cached.cache_clear()
    try:
        assert template.get_template().pdf.startswith(b"%PDF")
        assert not list(tmp_path.iterdir())
        template._cached.cache_clear()
        monkeypatch.setenv("FORMGEN_CACHE", "0")
        with pytest.raises(AssertionError, match="built"):
            template.get_template()
    finally:
        template._cached.cache_clear()
