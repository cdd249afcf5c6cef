"""The prebuilt entries the package ships: its own form template and the field font.

They are cache entries (cache.py: a PDF or TrueType file and a JSON file each, data that
cannot run) written to formgen/data/prebuilt/, so the first `formgen form` after an install
loads them instead of building the template (about a second: fpdf2, fontTools, pypdf and
pikepdf). Their names hash the form code and the inputs: after a change
to either they no longer match and are not used (a test then fails until they are written
again). MANIFEST.json records the library versions they were built with. Write them again
with `make template`, i.e.

    python -m formgen.form.shipped
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TypeVar

from formgen.atomic import write_atomic
from formgen.form import cache

T = TypeVar("T")


def expected() -> dict[str, bytes]:
    """File name -> contents of every shipped entry, built from scratch now."""
    from formgen.definition import load_form
    from formgen.form import fonts, template
    from formgen.resources import default_config_dir

    before = os.environ.get(cache.SWITCH)
    os.environ[cache.SWITCH] = "0"  # build everything, read no cache entry
    fonts.field_font.cache_clear()
    try:
        config = default_config_dir().resolve()
        form = load_form(config)
        return {
            **_files(cache.entry_name("field-font", fonts.field_font_key()),
                     fonts._subset_field_font(), fonts.FIELD_FONT_CODEC),
            **_files(cache.entry_name("template", template.template_key(config)),
                     template.build_entry(config), template.template_codec(form)),
            MANIFEST: manifest(),
        }
    finally:
        fonts.field_font.cache_clear()
        if before is None:
            del os.environ[cache.SWITCH]
        else:
            os.environ[cache.SWITCH] = before


def _files(name: str, value: T, codec: cache.Codec[T]) -> dict[str, bytes]:
    """File name -> contents of one entry."""
    meta_name, blob_name = cache.entry_files(name, codec)
    meta, blob = cache.dump(value, codec)
    return {meta_name: meta, blob_name: blob}


MANIFEST = "MANIFEST.json"
SUFFIXES = (".json", ".pdf", ".ttf", ".pickle")  # of the files write() replaces (and the old)


def manifest() -> bytes:
    """The library versions the entries are built with (JSON)."""
    from formgen.form import fonts, template

    libraries = sorted({*fonts.FIELD_FONT_LIBRARIES, *template.TEMPLATE_LIBRARIES})
    versions = cache.library_versions(*libraries).decode().split(";")
    return (json.dumps({"libraries": versions}, indent=2) + "\n").encode()


def built_with() -> list[str]:
    """The library versions in the shipped MANIFEST.json ([] when there is none)."""
    path = cache.SHIPPED_DIR / MANIFEST
    return list(json.loads(path.read_text())["libraries"]) if path.is_file() else []


def write(folder: Path = cache.SHIPPED_DIR) -> list[Path]:
    """Replace the shipped entries in `folder` with freshly built ones."""
    entries = expected()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in entries and old.suffix in SUFFIXES:
            old.unlink()
    written = []
    for name, data in sorted(entries.items()):
        write_atomic(folder / name, data, mode=0o644)
        written.append(folder / name)
    return written


def main() -> None:
    for path in write():
        print(f"{path} ({path.stat().st_size / 1000:.1f} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
