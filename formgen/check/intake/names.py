"""Names from a submission made safe to show (never used as paths)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path


def display_name(
    raw: str | None, fallback: str, *, keep_dirs: bool = False, limit: int = 120
) -> str:
    """Make a name safe to show: no directories, no control/bidi characters, bounded length.

    The result is for display only; intake never uses it (or the raw name) as a path.
    ``keep_dirs`` keeps sub-folder components (for files found below a given folder);
    attachment names are cut to their last component, so "../../etc/passwd.jpg" shows as
    "passwd.jpg".
    """
    if not raw:
        return fallback
    text = unicodedata.normalize("NFC", str(raw))
    # Drop control, format (bidi overrides, zero-width) and unassigned/surrogate characters.
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    parts = [p.strip() for p in text.replace("\\", "/").split("/")]
    parts = [p for p in parts if p not in ("", ".", "..")]
    if not parts:
        return fallback
    text = "/".join(parts) if keep_dirs else parts[-1]
    if len(text) > limit:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: limit - len(ext) - 2] + "\u2026." + ext
        else:
            text = text[: limit - 1] + "\u2026"
    return text


def one_line(text: str) -> str:
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).split()
    )


def natural_key(name: str) -> list[tuple[int, int | str]]:
    return [
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", name)
        if part
    ] + [(2, name)]


def shown_path(path: Path | str) -> str:
    """A PATH as valid UTF-8 text for JSON, reports and the terminal.

    Bytes that are not UTF-8 (kept by Python as surrogate escapes) become U+FFFD, and so do
    control and format characters (see :func:`shown_text`); any other path comes back unchanged.
    """
    return shown_text(os.fsencode(path).decode("utf-8", "replace"))


def shown_text(text: str) -> str:
    """text with every control or format character replaced by U+FFFD, visibly.

    Format characters include the bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE, U+2066-U+2069
    isolates, U+200E/U+200F marks) that make "gpj.exe" show as "exe.jpg"; U+FFFD keeps their
    place visible in the table, the JSON, the report and a reply without letting them act.
    """
    return "".join("\ufffd" if unicodedata.category(ch) in _HIDDEN else ch for ch in text)


_HIDDEN = {"Cc", "Cf", "Cs"}  # control, format (bidi, zero-width) and lone surrogates
