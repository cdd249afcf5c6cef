"""The document's face: the lines of the page beside its MRZ (labels, names, dates), read only
when a check asks for them.

The MRZ's name field has no check digit, and where it is read in doubt (a letter its readings
disagree on, an M that a coarse copy leaves like an N) a person reads the name on the face of
the document, printed larger. :func:`shows_name` does that: the page read that found the MRZ
is kept with its lines not yet recognised (``IdDocumentResult.face``), and they are recognised
on the first question only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from formgen.check.identity.mrz import UNKNOWN, icao_name
from formgen.check.identity.mrz_zone import mrz_like
from formgen.check.identity.page_read import PageRead, read_rest

_NO_PAGE = np.zeros((0, 0, 3), np.uint8)
_WORDS = re.compile(r"[^A-Z]+")
MIN_READ_LETTERS = 2  # letters of a given name the MRZ read that a face word must agree with


def kept(read: PageRead) -> PageRead:
    """What of a page read the face needs: its work copy and lines, not the full page."""
    return PageRead(_NO_PAGE, read.scale, list(read.lines), read.rotation, read.located,
                    read.work, list(read.pending))


def face_words(read: PageRead) -> list[list[str]]:
    """The words of each line of the page that is not an MRZ row, ICAO-folded (the lines not
    yet recognised are recognised now, once)."""
    read_rest(read)
    lines = (icao_name(line.text) for line in read.lines if mrz_like(line.text) is None)
    return [words for words in (_WORDS.split(text) for text in lines) if any(words)]


def shows_name(read: PageRead | None, surname: str, given_spellings: Iterable[str]) -> bool:
    """Whether the face shows the surname (its words, on one line) and one of the spellings of
    a given name as a whole word: MOHAMMED shows Mohammed; HENDRIKA does not show Hendrik."""
    if read is None:
        return False
    lines = [{w for w in words if w} for words in face_words(read)]
    surname_words = {w for w in _WORDS.split(icao_name(surname)) if w}
    spellings = set(given_spellings)
    return bool(surname_words and spellings) \
        and any(surname_words <= words for words in lines) \
        and any(spellings & words for words in lines)


def given_names_on_face(read: PageRead | None, mrz_given: str, surname: str) -> list[str]:
    """The words of the face that may be the first given name the MRZ left partly unread
    ("JOOST" for "JO???", "JO?ST" or "JO?" with the rest read as fillers, "WOUTER" for
    "?OUTER"): they run past its first unread character and agree with every letter it read
    within their length, at least MIN_READ_LETTERS of them (fillers misread as letters further
    on are not compared). Labels may fit too; a caller keeps a word only where the form's name
    box shows it (name_score)."""
    first = (mrz_given.split() or [""])[0]
    if read is None or UNKNOWN not in first:
        return []
    unread = first.index(UNKNOWN)
    surname_words = {w for w in _WORDS.split(icao_name(surname)) if w}
    found: list[str] = []
    for words in face_words(read):
        for word in words:
            letters = [(w, c) for w, c in zip(word, first, strict=False) if c.isalpha()]
            if len(word) > unread and len(letters) >= MIN_READ_LETTERS \
                    and all(w == c for w, c in letters) \
                    and word not in surname_words and word not in found:
                found.append(word)
    return found
