"""Writing a file whole, through a temporary file no one else can have put there.

A fixed temporary name ("<name>.tmp") in a folder others can write to may be a symbolic link
planted there: writing through it overwrites whatever file it points at. The temporary file
here has a random name and is created with O_CREAT|O_EXCL|O_NOFOLLOW, so it is always a new
file and never reached through a link; it is then renamed over the target, and a rename
replaces a link at the target itself, never the file the link points at.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
          | getattr(os, "O_CLOEXEC", 0))
_NAME_KEPT = 200  # of the target's name in the temporary one: the whole stays within 255 bytes


def write_atomic(path: Path, data: bytes, *, mode: int = 0o666) -> None:
    """Replace `path` with `data` at once: an interrupted run leaves the old file or none,
    never half a file. `mode` is reduced by the umask, as for open() (0o600: private).
    Raises OSError. No fsync: a batch writes thousands of files, and the promise is about
    an interrupted formgen, not a power cut."""
    tmp, fd = _create(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create(path: Path, mode: int) -> tuple[Path, int]:
    """A new file beside `path` with a name no one can guess, opened for writing."""
    stem = os.fsencode(path.name)[:_NAME_KEPT].decode(errors="ignore")
    for _ in range(100):
        tmp = path.with_name(f".{stem}.{secrets.token_hex(8)}.tmp")
        try:
            return tmp, os.open(tmp, _FLAGS, mode)
        except FileExistsError:
            continue  # taken (planted?): another random name
    raise FileExistsError(f"geen vrije tijdelijke naam naast {path}")
