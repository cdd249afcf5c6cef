"""Whether what PP-OCR reads in a box has the shape of a value of the box's kind.

Read in scanner noise, an empty box gives short strings of letters and digits in no order
("66lq9wu9", "UeLMS5E", "3300"); a written one gives a name, an address, a number, with OCR
slips inside ("Femke Hoekxtra", "Kerkweg56", "06-70274748", "tacfuur@elamrani.nl"). The shape
is the whole value, not a word: a name has two words, a street a word and a house number.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL = re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9-]{2,}(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"[0-9](?:[ -]?[0-9]){8,}")  # 9 digits or more in one run (Dutch: 10)
PHONE_MAX_LETTERS = 1  # an O read for a 0, an L for a 1
IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
TEXT_MIN_LETTERS = 6  # "Yara Je" (two short words) has 6; shorter names go to a person
HOUSE_NUMBER = re.compile(r"[0-9]{1,4}(?:[-/]?[A-Za-z0-9]{1,3})?")  # 7, 112a, 3-II, 12/2
WORD_JOINS = re.compile(r"[-'’.]")


def looks_like(kind: str, reading: str) -> bool:
    """Whether reading has the shape of a value of kind (see the module docstring): an
    e-mail address, a phone number, an IBAN with a valid check number, or for text and place
    a name or a street: words apart, or a street and its house number, every word written as
    words are (Capitalised, UPPER or lower case)."""
    if kind == "email":
        return EMAIL.search(reading) is not None
    if kind == "phone":
        return PHONE.search(reading) is not None and sum(
            c.isascii() and c.isalpha() for c in reading) <= PHONE_MAX_LETTERS
    if kind == "iban":
        compact = "".join(c for c in reading.upper() if c.isascii() and c.isalnum())
        return IBAN.fullmatch(compact) is not None and _iban_checks(compact)
    if kind in ("text", "place"):
        return _name_or_address(reading)
    return False


def _iban_checks(iban: str) -> bool:
    """ISO 13616: the four first characters moved to the end, letters as 10..35, mod 97 is 1."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _name_or_address(reading: str) -> bool:
    """Two or more words apart (whitespace between them), the first a word, every other a word
    or a house number, with TEXT_MIN_LETTERS Latin letters in all. A chunk of another script
    is left out; any other chunk (letters and digits mixed: "mxbt8cm") is no part of a value."""
    chunks = [c for c in reading.split() if any(_latin(ch) or ch.isdigit() for ch in c)]
    if len(chunks) < 2 or not _word(chunks[0]):
        return False
    if not all(_word(c) or HOUSE_NUMBER.fullmatch(c) for c in chunks[1:]):
        return False
    return sum(_latin(ch) for c in chunks for ch in c) >= TEXT_MIN_LETTERS


def _latin(c: str) -> bool:
    return c.isalpha() and unicodedata.name(c, "").startswith("LATIN ")


def _word(chunk: str) -> bool:
    """Latin letters, with a hyphen, an apostrophe or a full stop between parts
    ("Jan-Willem", "d'Almeida"), each part written as words are."""
    parts = WORD_JOINS.split(chunk)
    return all(p and all(_latin(c) for c in p) and _as_words_are_written(p) for p in parts)


def _as_words_are_written(word: str) -> bool:
    if len(word) == 1:
        return True
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())
