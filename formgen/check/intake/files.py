"""The files found in a submission, each read lazily and only once."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field

from formgen.check.intake.limits import MAX_FILE_BYTES, MAX_FILES
from formgen.check.intake.model import FileProblem


@dataclass
class Source:
    name: str  # display name, unique within the submission
    read: Callable[[], bytes]  # raises ReadError


@dataclass
class Opened:
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None  # of an .eml: the reply is threaded under it
    references: str | None = None  # of an .eml, trimmed (see check.msgid)
    sources: list[Source] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    skipped: int = 0  # files beyond MAX_FILES
    _names: set[str] = field(default_factory=set)

    def add(self, name: str, read: Callable[[], bytes]) -> None:
        if len(self.sources) >= MAX_FILES:
            self.skipped += 1  # counted and reported, never silently lost
            return
        unique = name
        n = 2
        while unique.casefold() in self._names:
            stem, dot, ext = name.rpartition(".")
            unique = f"{stem} ({n}).{ext}" if dot and stem else f"{name} ({n})"
            n += 1
        self._names.add(unique.casefold())
        self.sources.append(Source(unique, read))


class ReadError(Exception):
    """A file's bytes cannot be obtained; message is the Dutch problem line."""


def once(data: bytes) -> Callable[[], bytes]:
    """Hand the bytes out once and drop the reference, so decoded files do not pile up."""
    box = [data]

    def read() -> bytes:
        if not box:
            raise ReadError("het bestand is al gelezen")
        return box.pop()

    return read


def file_reader(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            with open(path, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise ReadError("is geen gewoon bestand")
                if st.st_size > MAX_FILE_BYTES:
                    raise ReadError(too_big(st.st_size))
                return fh.read(MAX_FILE_BYTES + 1)
        except OSError:
            raise ReadError("het bestand kan niet worden gelezen") from None

    return read


def too_big(size: int) -> str:
    return f"het bestand is te groot ({size // (1024 * 1024)} MB)"


def raiser(message: str) -> Callable[[], bytes]:
    def read() -> bytes:
        raise ReadError(message)

    return read
