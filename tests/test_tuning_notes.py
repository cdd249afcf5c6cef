"""A threshold's history lives in a tuning note under benchmarks/; the code points to it
(``benchmarks/NOTE.md#section``). Every such pointer leads to a note and a section that exist,
as GitHub names a heading's anchor."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POINTER = re.compile(r"benchmarks/([\w.-]+\.md)(?:#([\w-]+))?")


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(note: Path) -> set[str]:
    return {anchor(line.lstrip("#")) for line in note.read_text(encoding="utf-8").splitlines()
            if line.startswith("#")}


def test_anchor_is_githubs() -> None:
    assert anchor(" Bent borders (session 25)") == "bent-borders-session-25"
    assert anchor("The signer's name (NAME_OTHER)") == "the-signers-name-name_other"


def test_every_pointer_from_the_code_to_a_tuning_note_leads_to_its_section() -> None:
    anchors = {note.name: _anchors(note) for note in (ROOT / "benchmarks").glob("*.md")}
    broken, pointers = [], 0
    for source in sorted((ROOT / "formgen").rglob("*.py")):
        for match in POINTER.finditer(source.read_text(encoding="utf-8")):
            pointers += 1
            note, section = match.groups()
            if note not in anchors or (section and section not in anchors[note]):
                broken.append(f"{source.relative_to(ROOT)}: {match.group(0)}")
    assert pointers > 20  # the pattern still finds them
    assert not broken, broken
