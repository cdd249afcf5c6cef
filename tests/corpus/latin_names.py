"""Names with letters beyond Latin-1, generated from the letters themselves.

Vietnamese names are built the way the language builds syllables: an onset, a vowel (plain,
with a breve, circumflex or horn) carrying one of the six tones (none, grave, acute, hook
above, tilde, dot below), and a final. Other names are words with letters drawn from Latin
Extended-A and Romanian's comma below (Polish ł ą ę ż, Czech ř ů ě, Turkish ş ğ ı İ, Baltic ā
ķ ļ, Hungarian ő ű, Icelandic ð þ æ), each word holding one or two of them.
"""

from __future__ import annotations

import unicodedata

import numpy as np

TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
ONSETS = ("", "b", "c", "ch", "d", "đ", "g", "gi", "h", "kh", "l", "m", "n", "ng", "nh", "ph",
          "qu", "s", "t", "th", "tr", "v", "x")
# The vowel or vowel group, and the place of the letter that carries the tone.
NUCLEI = (("a", 0), ("ă", 0), ("â", 0), ("e", 0), ("ê", 0), ("i", 0), ("o", 0), ("ô", 0),
          ("ơ", 0), ("u", 0), ("ư", 0), ("y", 0), ("iê", 1), ("uô", 1), ("ươ", 1), ("oa", 1),
          ("uy", 1), ("ia", 0), ("ưa", 0), ("ua", 0))
FINALS = ("", "c", "ch", "m", "n", "ng", "nh", "p", "t")
# Letters of other European languages, by the word they are put in.
OTHER_LATIN = ("ąćęłńśźżĄĆĘŁŃŚŹŻ"  # Polish
               "čďěňřšťůžČĎĚŇŘŠŤŮŽ"  # Czech
               "çğıİöşüÇĞÖŞÜ"  # Turkish
               "áðéíóúýþæöÁÐÉÍÓÚÝÞÆÖ"  # Icelandic
               "āēģīķļņūĀĒĢĪĶĻŅŪ"  # Latvian
               "őűŐŰ"  # Hungarian
               "ăâîșțĂÂÎȘȚ")  # Romanian
CONSONANTS = "bdfghklmnprstvz"
VOWELS = "aeiou"


def _syllable(rng: np.random.Generator) -> str:
    onset = ONSETS[int(rng.integers(len(ONSETS)))]
    vowels, at = NUCLEI[int(rng.integers(len(NUCLEI)))]
    tone = TONES[int(rng.integers(len(TONES)))]
    final = FINALS[int(rng.integers(len(FINALS)))] if len(vowels) == 1 or at == 1 else ""
    toned = vowels[:at] + unicodedata.normalize("NFC", vowels[at] + tone) + vowels[at + 1:]
    return onset + toned + final


def vietnamese_name(rng: np.random.Generator, words: int = 3) -> str:
    """A Vietnamese-like full name: words syllables, each capitalised."""
    return " ".join(_capital(_syllable(rng)) for _ in range(words))


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def other_latin_name(rng: np.random.Generator, words: int = 2) -> str:
    """A name whose words each hold one or two letters of OTHER_LATIN."""
    out = []
    for _ in range(words):
        letters = [CONSONANTS[int(rng.integers(len(CONSONANTS)))] if k % 2 == 0
                   else VOWELS[int(rng.integers(len(VOWELS)))]
                   for k in range(int(rng.integers(4, 8)))]
        for _ in range(int(rng.integers(1, 3))):
            special = OTHER_LATIN[int(rng.integers(len(OTHER_LATIN)))]
            at = int(rng.integers(len(letters)))
            letter = special.lower() if at else special
            if len(letter) == 1:  # not İ in lower case (i and a combining dot)
                letters[at] = letter
        word = "".join(letters)
        out.append(word if word[0].isupper() else _capital(word))
    return " ".join(out)


def short_syllable_name(rng: np.random.Generator, words: int = 3) -> str:
    """A Vietnamese-like name of short syllables (an onset, one vowel with a mark, seldom a
    final: "Hắ", "Thộ", "Mừn"): a marked vowel between two letters or at a word's end is the
    letter both recognisers drop most (benchmarks/bench_changes.py --drops)."""
    out = []
    for _ in range(words):
        onset = ONSETS[int(rng.integers(1, len(ONSETS)))]
        vowel = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")[int(rng.integers(12))]
        tone = TONES[int(rng.integers(1 if vowel in "aeiouy" else 0, len(TONES)))]
        final = FINALS[int(rng.integers(len(FINALS)))] if rng.random() < 0.3 else ""
        out.append(_capital(onset + unicodedata.normalize("NFC", vowel + tone) + final))
    return " ".join(out)
