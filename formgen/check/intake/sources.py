"""One PATH (an .eml, a folder or a file) into the list of files it holds."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from formgen.check.intake.email import collect_email, looks_like_email
from formgen.check.intake.files import Opened, ReadError, file_reader, once, raiser, too_big
from formgen.check.intake.limits import MAX_FILE_BYTES, MAX_FOLDER_DEPTH
from formgen.check.intake.model import FileProblem
from formgen.check.intake.names import display_name, natural_key, shown_path
from formgen.errors import InputFileError

# Operating-system litter in folders (hidden files are skipped anyway).
_IGNORED_FILE_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}


def open_path(path: Path) -> Opened:
    shown = shown_path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError("bestand of map bestaat niet", source=shown) from None
    except OSError:
        raise InputFileError("bestand of map kan niet worden gelezen", source=shown) from None

    opened = Opened()
    if stat.S_ISDIR(st.st_mode):
        _collect_folder(path, opened)
        if not opened.sources and not opened.problems:
            opened.problems.append(
                FileProblem(display_name(path.name, "map"), "de map bevat geen bestanden",
                            whole=True)
            )
        return opened
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError("is geen gewoon bestand of map", source=shown)

    name = display_name(path.name, "bestand")
    if st.st_size > MAX_FILE_BYTES:  # readable, but not by us: a problem, not an error
        opened.add(name, raiser(too_big(st.st_size)))
        return opened
    try:
        data = path.read_bytes()
    except OSError:
        raise InputFileError("bestand kan niet worden gelezen", source=shown) from None

    if path.suffix.lower() == ".eml" or looks_like_email(data):
        collect_email(data, name, opened, prefix="", set_header=True)
    else:
        opened.add(name, once(data))
    return opened


def _collect_folder(root: Path, opened: Opened) -> None:
    root_real = os.path.realpath(root)

    def inside(p: str) -> bool:
        try:
            return os.path.commonpath([root_real, p]) == root_real
        except ValueError:
            return False

    def visit(directory: str, rel: str, depth: int) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: natural_key(e.name))
        except OSError:
            if depth == 0:
                raise InputFileError("map kan niet worden gelezen",
                                     source=shown_path(root)) from None
            opened.problems.append(
                FileProblem(
                    display_name(rel, "map", keep_dirs=True), "de map kan niet worden gelezen",
                    whole=True)
            )
            return
        files: list[tuple[str, str]] = []
        dirs: list[tuple[str, str]] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name.casefold() in _IGNORED_FILE_NAMES:
                continue
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    # Symlinks out of the folder are skipped; directory symlinks are not
                    # followed (no loops); file symlinks inside the folder are read.
                    if not inside(target) or not os.path.isfile(target):
                        continue
                    files.append((entry.name, target))
                elif entry.is_dir(follow_symlinks=False):
                    dirs.append((entry.name, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files.append((entry.name, entry.path))
                # FIFOs, sockets, devices: never opened.
            except OSError:
                continue
        for name, full in files:
            shown = display_name(rel + name, "bestand", keep_dirs=True)
            if name.lower().endswith(".eml"):
                try:
                    data = file_reader(full)()
                except ReadError as exc:
                    opened.add(shown, raiser(str(exc)))
                    continue
                collect_email(data, shown, opened, prefix=shown + ": ", set_header=False)
            else:
                opened.add(shown, file_reader(full))
        if depth < MAX_FOLDER_DEPTH:
            for name, full in dirs:
                visit(full, rel + name + "/", depth + 1)

    visit(str(root), "", 0)


def open_email_bytes(data: bytes, name: str) -> Opened:
    """An e-mail given as bytes (from a mailbox), read as an .eml file would be: in memory."""
    opened = Opened()
    if len(data) > MAX_FILE_BYTES:
        opened.add(name, raiser(too_big(len(data))))
        return opened
    collect_email(data, name, opened, prefix="", set_header=True)
    return opened
