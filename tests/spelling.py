"""Dutch spell check with hunspell (nl_NL) and the project word list, shared by the tests."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

WORDLIST = Path(__file__).resolve().parent / "site" / "woordenlijst.txt"


def tokens(text: str) -> list[str]:
    """Woorden zoals een lezer ze ziet. Zelf splitsen: hunspell-nl rekent een punt aan het eind
    tot het woord ('SIDN.'), en 'contact- en betaalgegevens' geeft 'contact-'."""
    out = []
    for tok in re.findall(r"[^\W\d_][\w'’.\-]*", text):
        if not re.search(r"\w\.\w", tok):  # afkortingen als B.V. houden hun punten
            tok = tok.rstrip(".")
        tok = tok.rstrip("-")
        if tok:
            out.append(tok)
    return out


def unknown_words(text: str) -> list[str]:
    hunspell = shutil.which("hunspell")
    if hunspell is None:
        pytest.fail("hunspell ontbreekt (apt-get install hunspell hunspell-nl)", pytrace=False)
    proc = subprocess.run(
        [hunspell, "-d", "nl_NL", "-p", str(WORDLIST), "-i", "utf-8", "-l"],
        input="\n".join(tokens(text)) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if proc.returncode != 0 or "Can't open" in proc.stderr:
        pytest.fail(f"hunspell -d nl_NL werkt niet: {proc.stderr.strip()}", pytrace=False)
    return sorted(set(proc.stdout.split()))
