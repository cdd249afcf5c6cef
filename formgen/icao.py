"""ICAO 9303 transliteration of names: how a name is spelt in a machine readable zone.

Shared by the form generator (the account holder's name in the signed token) and the
validator (comparing a name with an identity document's). Pure string work.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

# ICAO 9303 part 3 transliterations: first entry is the recommended one, others are accepted.
_TRANSLIT: dict[str, tuple[str, ...]] = {
    "Ä": ("AE", "A"), "Ö": ("OE", "O"), "Ü": ("UE", "U", "UXX"), "Å": ("AA", "A"),
    "Æ": ("AE",), "Ø": ("OE", "O"), "ß": ("SS",), "ẞ": ("SS",), "Ł": ("L",), "Ş": ("S",),
    "Ñ": ("N", "NXX"), "Œ": ("OE",), "Þ": ("TH",), "Ð": ("D",), "Đ": ("D",), "Ĳ": ("IJ",),
    "Ħ": ("H",), "Ŀ": ("L",), "Ŧ": ("T",), "Ŋ": ("N",),
}
SEPARATORS = re.compile(r"[\s\-‐‑–—,.<]+")
DROPPED = str.maketrans("", "", "'’‘`´ʼ")


def _strip_accents(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def char_options(ch: str) -> tuple[str, ...]:
    """The accepted ICAO spellings of one character, the recommended one first."""
    up = ch.upper() if ch != "ß" else "ß"
    if up in _TRANSLIT:
        return _TRANSLIT[up]
    if ch in _TRANSLIT:
        return _TRANSLIT[ch]
    base = _strip_accents(up).upper()
    base = "".join(c for c in base if "A" <= c <= "Z" or c.isdigit())
    return (base,)


def icao_name(s: str) -> str:
    """ICAO 9303 transliteration of a name: upper case A-Z, words joined by ``<``.

    ``"Ørsted-Şahin"`` -> ``"OERSTED<SAHIN"``; apostrophes are dropped (``"d'Ancona"`` ->
    ``"DANCONA"``).
    """
    words = SEPARATORS.split(s.translate(DROPPED))
    return "<".join(w for w in ("".join(char_options(c)[0] for c in word) for word in words) if w)


def icao_name_variants(word: str, limit: int = 32) -> set[str]:
    """All accepted ICAO spellings of one word (e.g. ``Müller`` -> MUELLER, MULLER, MUXXLLER)."""
    options = [char_options(c) for c in word.translate(DROPPED)]
    out: set[str] = set()
    for combo in itertools.islice(itertools.product(*options), limit):
        out.add("".join(combo))
    return {w for w in out if w}
