"""The files formgen writes into an output folder (--report, --reply), listed in a manifest.

A folder used again must not keep the pages of earlier customers or an old error log next to
the new set: before writing, the files the manifest lists are removed, and only those (a file
formgen did not write is never touched), then the new names are listed before they are written,
so that a run stopped halfway is cleaned up by the next one too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from formgen.errors import InputFileError
from formgen.form.build import write_bytes

REPORT_MANIFEST = ".formgen-rapport.json"
REPLY_MANIFEST = ".formgen-antwoorden.json"
# A name we write: no folder, no leading dot, nothing but these characters.
OWN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


class OutputFolder:
    """One output folder and its manifest (one per kind of output, so --report and --reply
    may share a folder without removing each other's files)."""

    def __init__(self, folder: Path, manifest: str) -> None:
        self.folder = folder
        self.manifest = folder / manifest

    def listed(self) -> list[str]:
        """The names in the manifest that are ours to remove (a damaged manifest lists none)."""
        try:
            names = json.loads(self.manifest.read_text(encoding="utf-8")).get("files", [])
        except (OSError, ValueError, AttributeError):
            return []
        return [n for n in names if isinstance(n, str) and OWN_NAME.fullmatch(n)]

    def replace(self, names: list[str]) -> None:
        """Remove the files the previous run listed, then list these names (not yet written)."""
        for name in self.listed():
            target = self.folder / name
            try:
                if target.is_file() and not target.is_symlink():
                    target.unlink()
            except OSError as exc:
                raise InputFileError(f"kan het oude bestand niet verwijderen ({exc.strerror})",
                                     source=str(target)) from None
        self._save(names)

    def add(self, name: str, data: bytes) -> Path:
        """Write one more file into the folder and list it."""
        names = self.listed()
        if name not in names:
            self._save([*names, name])
        path = self.folder / name
        write_bytes(path, data)
        return path

    def _save(self, names: list[str]) -> None:
        assert all(OWN_NAME.fullmatch(n) for n in names), names
        document = {"written_by": "formgen", "files": sorted(set(names))}
        write_bytes(self.manifest, json.dumps(document, indent=1).encode("utf-8"))
