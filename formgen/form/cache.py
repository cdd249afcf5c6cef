"""A small on-disk cache for things that are slow to build and the same every run.

The blank form template (fpdf2 layout, fonts, fields, structure) takes most of a second to
build but only changes when the code, the configuration, the texts or the fonts change. A
batch run, and every worker process of a parallel batch, loads it from here instead.
The key is a hash of everything the value is built from, so a stale entry is never used.

An entry is data that cannot run: its bytes (the template's PDF, the field font's TrueType
file) and a JSON file with the rest and the bytes' SHA-256; a codec per kind turns a value
into those two and back. Nothing is ever unpickled: a pickle planted in a cache folder would
run code as the user of `formgen form`. The user's cache folder is made 0700 whatever the
umask, its entries 0600; a folder or entry that is not the user's own or that others may
write is not used (the value is built in memory, as without a cache).

Only the form commands use it (`formgen form` calls enable()): the library, the validator and
the help-center build write nothing outside the folders they are given.
FORMGEN_CACHE=1 turns it on and FORMGEN_CACHE=0 off for any caller; FORMGEN_CACHE_DIR names
the folder (default: $XDG_CACHE_HOME/formgen or ~/.cache/formgen).

The package ships entries of its own in the same format (formgen/data/prebuilt/, written by
`make template`, see shipped.py): the template of its own definition and the field font. A
caller that allows it (shipped=True) reads one of those when its name, a hash of the code and
the inputs, matches, also where no cache folder is used (the validator, the library: it is
read, never written; FORMGEN_CACHE=0 turns this off too); so the first run after an install,
and every `formgen check` and its workers, builds nothing, and a changed
definition, font or line of the form code misses and builds as before. Library versions are
left out of a shipped entry's name (an upgrade of fpdf2 does not make the form wrong; the
user's cache does rebuild then): MANIFEST.json next to them records the versions used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

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


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a kind of value is kept: its bytes (in a file ending in `suffix`) and JSON."""

    suffix: str  # ".pdf", ".ttf": the bytes file is what it says
    encode: Callable[[T], tuple[bytes, dict[str, Any]]]
    decode: Callable[[bytes, dict[str, Any]], T]  # raises KeyError, TypeError, ValueError


def entry_name(kind: str, key: Iterable[bytes]) -> str:
    """The name of the entry for (kind, key) without suffix: the same in the user cache and
    shipped. Its files are `name.json` and `name` + the codec's suffix."""
    name = hashlib.sha256(b"\0".join([kind.encode(), code_digest(), *key])).hexdigest()[:40]
    return f"{kind}-{name}"


def entry_files(name: str, codec: Codec[Any]) -> tuple[str, str]:
    """The file names of an entry: its JSON and its bytes."""
    return f"{name}.json", f"{name}{codec.suffix}"


def dump(value: T, codec: Codec[T]) -> tuple[bytes, bytes]:
    """The JSON file and the bytes file of an entry holding `value`."""
    blob, data = codec.encode(value)
    meta = {"sha256": hashlib.sha256(blob).hexdigest(), "size": len(blob), "value": data}
    return (json.dumps(meta, ensure_ascii=True, separators=(",", ":"))  # order kept: it counts
            .encode("ascii") + b"\n"), blob


def load(meta_file: bytes, blob: bytes, codec: Codec[T]) -> T:
    """The value in an entry's two files; ValueError when they do not belong together or
    do not hold a value of this kind."""
    meta = json.loads(meta_file)
    if not isinstance(meta, dict) or meta.get("size") != len(blob) \
            or meta.get("sha256") != hashlib.sha256(blob).hexdigest():
        raise ValueError("the entry's files do not belong together")
    try:
        return codec.decode(blob, meta["value"])
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ValueError(f"not an entry of this kind ({exc})") from None


# not through a link, and without waiting on a FIFO put where an entry goes
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NONBLOCK", 0))


def _owned(st: os.stat_result) -> bool:
    """The user's own and writable by no one else (group or others)."""
    return st.st_uid == os.geteuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path, check_owner: bool) -> bytes | None:
    """A regular file's bytes, not through a link; with check_owner, only the user's own
    file that no one else may write. None otherwise."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (check_owner and not _owned(st)):
            return None
        try:
            return handle.read()
        except OSError:
            return None


def _load(folder: Path, name: str, codec: Codec[T], check_owner: bool) -> tuple[T] | None:
    """(the value,) of a usable entry, else None."""
    meta_name, blob_name = entry_files(name, codec)
    meta, blob = _read(folder / meta_name, check_owner), _read(folder / blob_name, check_owner)
    if meta is None or blob is None:
        return None
    try:
        return (load(meta, blob, codec),)
    except ValueError:  # also a JSON or Unicode error: damaged, or written by other code
        return None


def _private_folder(folder: Path) -> bool:
    """Make the cache folder (and any missing folder above it) 0700, whatever the umask;
    True when it is the user's own and no one else may write it."""
    missing = []
    for path in [folder, *folder.parents]:
        if path.exists():
            break
        missing.append(path)
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue  # made meanwhile: judged below like any folder that was there
        except OSError:
            return False
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)  # the umask may have taken bits away
    try:
        st = os.stat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and _owned(st)


def cached(kind: str, key: list[bytes], build: Callable[[], T], codec: Codec[T], *,
           libraries: tuple[str, ...] = (), shipped: bool = False) -> T:
    """The value stored under (kind, key and the versions of the libraries it is built
    with), built and stored when missing or unreadable. With shipped=True, an entry the
    package ships for (kind, key) is read first: built with the libraries of its day
    (MANIFEST.json says which), it is what a build gives for this code and these inputs."""
    if shipped and os.environ.get(SWITCH) != "0" and (
            found := _load(SHIPPED_DIR, entry_name(kind, key), codec, check_owner=False)):
        return found[0]  # read only, inside the package: also where no cache is written
    folder = cache_dir()
    if folder is None:
        return build()
    if not _private_folder(folder):
        return build()  # another user's folder, or one others may write: not used
    name = entry_name(kind, [*key, library_versions(*libraries)])
    if found := _load(folder, name, codec, check_owner=True):
        return found[0]
    value = build()
    meta, blob = dump(value, codec)
    meta_name, blob_name = entry_files(name, codec)
    try:
        write_atomic(folder / blob_name, blob, mode=0o600)
        write_atomic(folder / meta_name, meta, mode=0o600)  # last: the entry is whole
    except OSError:
        pass  # a read-only home: build every run, as before
    return value
