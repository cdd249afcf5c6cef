"""The prebuilt entries the package ships: its own form template and the field font.

They are cache entries (cache.py) written to formgen/data/prebuilt/, so the first `formgen
form` after an install loads them instead of building the template (about a second: fpdf2,
fontTools, pypdf and pikepdf). Their names hash the form code and the inputs: after a change
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

from formgen.atomic import write_atomic
from formgen.form import cache


def expected() -> dict[str, bytes]:
    """File name -> contents of every shipped entry, built from scratch now."""
    from formgen.form import fonts, template
    from formgen.resources import default_config_dir

    before = os.environ.get(cache.SWITCH)
    os.environ[cache.SWITCH] = "0"  # build everything, read no cache entry
    fonts.field_font.cache_clear()
    try:
        config = default_config_dir().resolve()
        return {
            cache.entry_name("field-font", fonts.field_font_key()):
                cache.dump(fonts._subset_field_font()),
            cache.entry_name("template", template.template_key(config)):
                cache.dump(template.build_entry(config)),
            MANIFEST: manifest(),
        }
    finally:
        fonts.field_font.cache_clear()
        if before is None:
            del os.environ[cache.SWITCH]
        else:
            os.environ[cache.SWITCH] = before


MANIFEST = "MANIFEST.json"


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
    for old in [*folder.glob("*.pickle"), *folder.glob(MANIFEST)]:
        if old.name not in entries:
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
