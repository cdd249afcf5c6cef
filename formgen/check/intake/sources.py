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


# Folder entries not read are named one per line up to this many, then counted in one line.
_SKIPPED_NAMED = 10


def require_usable_path(path: Path) -> os.stat_result:
    """Stat PATH (never open it: a FIFO would block) and refuse anything but a file or folder.

    Raises InputFileError (a usage error) naming PATH.
    """
    shown = shown_path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputFileError("bestand of map bestaat niet", source=shown) from None
    except OSError:
        raise InputFileError("bestand of map kan niet worden gelezen", source=shown) from None
    if not (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)):
        raise InputFileError(f"is {_special_kind(st.st_mode)}, geen bestand of map; geef een "
                             "e-mail (.eml), een map of één bestand", source=shown)
    return st


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):  # a FIFO or a socket
        return "een verbinding tussen programma's"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "een apparaat"
    return "geen gewoon bestand"


def open_path(path: Path) -> Opened:
    shown = shown_path(path)
    st = require_usable_path(path)
    opened = Opened()
    if stat.S_ISDIR(st.st_mode):
        _collect_folder(path, opened)
        if not opened.sources and not opened.problems:
            opened.problems.append(
                FileProblem(display_name(path.name, "map"), "de map bevat geen bestanden",
                            whole=True)
            )
        return opened

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
    skipped: list[FileProblem] = []  # entries not read, each with the reason

    def inside(p: str) -> bool:
        try:
            return os.path.commonpath([root_real, p]) == root_real
        except ValueError:
            return False

    def skip(rel_name: str, why: str) -> None:
        skipped.append(FileProblem(display_name(rel_name, "bestand", keep_dirs=True), why))

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
                    # Directory symlinks are not followed (no loops), nor symlinks out of the
                    # folder; file symlinks inside the folder are read.
                    target = os.path.realpath(entry.path)
                    why = _symlink_skipped(target, inside(target))
                    if why:
                        skip(rel + entry.name, why)
                    else:
                        files.append((entry.name, target))
                elif entry.is_dir(follow_symlinks=False):
                    dirs.append((entry.name, entry.path))
                elif entry.is_file(follow_symlinks=False):
                    files.append((entry.name, entry.path))
                else:  # FIFOs, sockets, devices: never opened
                    mode = entry.stat(follow_symlinks=False).st_mode
                    skip(rel + entry.name, f"is {_special_kind(mode)}, geen gewoon bestand; "
                         "niet gelezen")
            except OSError:
                skip(rel + entry.name, "kan niet worden gelezen")
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
        for name, full in dirs:
            if depth < MAX_FOLDER_DEPTH:
                visit(full, rel + name + "/", depth + 1)
            else:
                skip(rel + name + "/", f"deze map zit dieper dan {MAX_FOLDER_DEPTH} mappen in "
                     "de inzending; wat erin staat is niet gelezen")

    visit(str(root), "", 0)
    opened.problems += skipped[:_SKIPPED_NAMED]
    if len(skipped) > _SKIPPED_NAMED:
        opened.problems.append(FileProblem(
            display_name(root.name, "map"), f"nog {len(skipped) - _SKIPPED_NAMED} andere "
            "bestanden of mappen in de map zijn niet gelezen (snelkoppelingen, verbindingen "
            "tussen programma's, apparaten of te diep)"))


def _symlink_skipped(target: str, inside: bool) -> str | None:
    """Why a symlink in a folder is not read, or None when it is (a file in the folder)."""
    if not os.path.exists(target):
        return "is een snelkoppeling die nergens naar wijst; niet gelezen"
    if not inside:
        return "is een snelkoppeling naar iets buiten de map; niet gelezen"
    if os.path.isdir(target):
        return "is een snelkoppeling naar een map; niet gevolgd"
    if not os.path.isfile(target):
        mode = os.stat(target).st_mode
        return f"is een snelkoppeling naar {_special_kind(mode)}; niet gelezen"
    return None


def open_email_bytes(data: bytes, name: str) -> Opened:
    """An e-mail given as bytes (from a mailbox), read as an .eml file would be: in memory."""
    opened = Opened()
    if len(data) > MAX_FILE_BYTES:
        opened.add(name, raiser(too_big(len(data))))
        return opened
    collect_email(data, name, opened, prefix="", set_header=True)
    return opened
