"""Split Dutch compound words into their parts, with the hunspell-nl dictionary.

Search needs "kaart" to find "klantenkaart". A word is split where both sides are words that
hunspell (nl_NL) knows, with or without a linking sound (klant|en|kaart, betaling|s|verzoek).
Parts shorter than four letters and verb prefixes are never split off ("ver|plaatsen").
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable

from formgen.errors import SiteBuildError

LINKS = ("", "s", "en", "e")
PREFIXES = frozenset(["aan", "achter", "af", "bij", "door", "her", "mee", "mis", "ont", "onder",
                      "over", "terug", "toe", "uit", "voor", "weg"])
MIN_PART = 4
MIN_WORD = 2 * MIN_PART


def known_words(words: Iterable[str], dictionary: str = "nl_NL") -> set[str]:
    """The words hunspell accepts (its own compounding and inflection included)."""
    unique = sorted(set(words))
    if not unique:
        return set()
    hunspell = shutil.which("hunspell")
    if hunspell is None:
        raise SiteBuildError("'hunspell' ontbreekt (installeer 'hunspell' en 'hunspell-nl')")
    proc = subprocess.run([hunspell, "-d", dictionary, "-i", "utf-8", "-l"],
                          input="\n".join(unique) + "\n", capture_output=True, text=True,
                          encoding="utf-8", check=False)
    if proc.returncode != 0 or "Can't open" in proc.stderr:
        raise SiteBuildError(f"'hunspell -d {dictionary}' werkt niet: {proc.stderr.strip()}")
    unknown = set(proc.stdout.split())
    return {w for w in unique if w not in unknown}


def _splits(word: str) -> list[tuple[str, str, str]]:
    out = []
    for i in range(MIN_PART, len(word) - MIN_PART + 1):
        left, rest = word[:i], word[i:]
        if left in PREFIXES:
            continue
        for link in LINKS:
            if rest.startswith(link) and len(rest) - len(link) >= MIN_PART:
                out.append((left, link, rest[len(link):]))
    return out


def compound_terms(words: Iterable[str], not_parts: Iterable[str] = ()) -> dict[str, set[str]]:
    """For each compound: its parts, and the word without its linking sound (klantkaart).

    `not_parts` are dictionary words that are no real part (versturen is not vers + turen).
    """
    stop = set(not_parts)
    candidates = {w: _splits(w) for w in {w.lower() for w in words}
                  if len(w) >= MIN_WORD and w.isalpha()}
    parts = {p for splits in candidates.values() for s in splits for p in (s[0], s[2])}
    ok = known_words(parts) - stop
    out: dict[str, set[str]] = {}
    for word, splits in candidates.items():
        for left, link, right in splits:
            if left in ok and right in ok:
                out.setdefault(word, set()).update((left, right))
                if link in ("s", "en"):
                    out[word].add(left + right)
    return out
