"""A small on-disk cache for things that are slow to build and the same every run.

The blank form template (fpdf2 layout, fonts, fields, structure) takes most of a second to
build but only changes when the code, the configuration, the texts or the fonts change. A
batch run, and every worker process of a parallel batch, loads it from here instead.
The key is a hash of everything the value is built from, so a stale entry is never used.

Only the form commands use it (`formgen form` calls enable()): the library, the validator and
the help-center build write nothing outside the folders they are given.
FORMGEN_CACHE=1 turns it on and FORMGEN_CACHE=0 off for any caller; FORMGEN_CACHE_DIR names
the folder (default: $XDG_CACHE_HOME/formgen or ~/.cache/formgen).

The package ships entries of its own in the same format (formgen/data/prebuilt/, written by
`make template`, see shipped.py): the template of its own definition and the field font. A
caller that allows it (shipped=True) reads one of those when its name, a hash of the code and
the inputs, matches; so the first run after an install builds nothing, and a changed
definition, font or line of the form code misses and builds as before. Library versions are
left out of a shipped entry's name (an upgrade of fpdf2 does not make the form wrong; the
user's cache does rebuild then): MANIFEST.json next to them records the versions used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

from formgen.atomic import write_atomic

T = TypeVar("T")
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # formgen/
SHIPPED_DIR = PACKAGE_DIR / "data" / "prebuilt"  # entries built for the package's own defaults


SWITCH = "FORMGEN_CACHE"


def enable() -> None:
    """Use the cache in this process and the processes it starts (unless switched off)."""
    os.environ.setdefault(SWITCH, "1")


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is not in use."""
    if os.environ.get(SWITCH) != "1":
        return None
    if folder := os.environ.get("FORMGEN_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "formgen"


# The code a cached value is built from: the form package and the core modules it uses. The
# validator, the site build and the command line are left out, so changing them neither
# invalidates a user's cache nor the entries the package ships.
BUILD_SOURCES = ("form/**/*.py", "definition.py", "errors.py", "resources.py", "texts.py",
                 "token.py")


@cache
def code_digest() -> bytes:
    """Hash of the source the values are built from (BUILD_SOURCES): a change invalidates
    every entry."""
    digest = hashlib.sha256()
    paths = {path for pattern in BUILD_SOURCES for path in PACKAGE_DIR.glob(pattern)}
    for path in sorted(paths):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.digest()


def library_versions(*names: str) -> bytes:
    """The installed versions of the libraries a value is built with: an upgrade rebuilds."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in names:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ";".join(found).encode()


def file_digest(paths: Iterable[Path]) -> bytes:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.digest()


def entry_name(kind: str, key: Iterable[bytes]) -> str:
    """The file name of the entry for (kind, key): the same in the user cache and shipped."""
    name = hashlib.sha256(b"\0".join([kind.encode(), code_digest(), *key])).hexdigest()[:40]
    return f"{kind}-{name}.pickle"


def dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: Path) -> tuple[bool, object]:
    try:
        return True, pickle.loads(path.read_bytes())  # noqa: S301 - our own files
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return False, None


def cached(kind: str, key: list[bytes], build: Callable[[], T], *,
           libraries: tuple[str, ...] = (), shipped: bool = False) -> T:
    """The value stored under (kind, key and the versions of the libraries it is built
    with), built and stored when missing or unreadable. With shipped=True, an entry the
    package ships for (kind, key) is read first: built with the libraries of its day
    (MANIFEST.json says which), it is what a build gives for this code and these inputs."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / entry_name(kind, [*key, library_versions(*libraries)])
    for candidate in ([SHIPPED_DIR / entry_name(kind, key)] if shipped else []) + [path]:
        found, value = _load(candidate)
        if found:
            return value  # type: ignore[return-value]
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, dump(value), mode=0o600)
    except OSError:
        pass  # a read-only home: build every run, as before
    return value
