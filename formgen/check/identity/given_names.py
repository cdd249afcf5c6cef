"""Do the given names on the form fit those on the identity document?

The surname alone does not tell the account holder from a partner, a parent or a child: the
given names must fit too. The form may carry full given names ("Maria Wilhelmina de Groot"),
initials ("M.W. de Groot"), or the first given name only ("Maria de Groot"); the document
carries all given names, ICAO-transliterated, possibly cut short when its name field is full.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from formgen.check.identity.mrz import TUSSENVOEGSELS, icao_name, icao_name_variants

# OCR of a name box misreads letters ("Ngen" for NGUYEN): a word this close counts as the same.
OCR_WORD_SIMILARITY, OCR_MIN_LETTERS = 0.75, 4
_WORDS = re.compile(r"[\s\-‐‑–—,.<]+")
_DROPPED = str.maketrans("", "", "'’‘`´ʼ")


class GivenNames(Enum):
    MATCH = "match"  # the form's given names or initials fit the document's, in order
    DIFFERENT = "different"  # the form names someone else with the same surname
    UNKNOWN = "unknown"  # nothing to compare: the form or the document shows no given name


def _tokens(text: str) -> list[str]:
    return [t for t in (icao_name(w) for w in _WORDS.split(text.translate(_DROPPED)) if w) if t]


@dataclass(frozen=True)
class _Word:
    folded: str  # the ICAO spelling
    spellings: frozenset[str]  # every accepted ICAO spelling (Müller: MUELLER, MULLER, ...)


def _form_given(account_name: str, surname_tokens: set[str], fuzzy: bool) -> list[_Word]:
    """The words of the form's name that are not part of the surname, initials as one letter.

    A word is surname when the document's surname holds it; a tussenvoegsel is surname too,
    unless it is a capital single letter: an initial ("T. de Vries" is Thijs, not 't). A
    surname word the form does not hold exactly is the one word (or word's tail) most like it:
    one only, so that a given name like the surname ("Pieter Peters") stays a given name."""
    raws = [raw for raw in _WORDS.split(account_name.translate(_DROPPED)) if raw]
    words = [icao_name(raw) for raw in raws]
    rests: dict[int, str] = {}  # word index -> what is left of it once its surname part goes
    for token in sorted(surname_tokens - set(words), key=len, reverse=True):
        found = _surname_word(words, token, fuzzy, taken=set(rests))
        if found is not None:
            rests[found[0]] = found[1]
    given = []
    for i, (raw, folded) in enumerate(zip(raws, words, strict=True)):
        if not folded or folded in surname_tokens:
            continue
        if folded in TUSSENVOEGSELS and not (len(raw) == 1 and raw.isupper()):
            continue
        stripped = rests.get(i, folded)
        if not stripped:
            continue
        spellings = icao_name_variants(raw) if stripped == folded else set()
        given.append(_Word(stripped, frozenset(spellings | {stripped})))
    return given


def _surname_word(words: list[str], token: str, fuzzy: bool,
                  taken: set[int]) -> tuple[int, str] | None:
    """Where the form's name holds the surname word ``token`` misread (fuzzy), or glued to the
    given name before it because OCR lost the space ("JEROENNGUYEN", also misread:
    "MILAVERHCEVEN"): the index of the word most like it (a later word on a tie: the surname
    comes last) and what is left of that word ('' when all of it is surname)."""
    best: tuple[float, int, str] | None = None
    for i, word in enumerate(words):
        if i in taken or not word:
            continue
        found = []
        if fuzzy and _close(word, token):
            found.append((SequenceMatcher(None, word, token).ratio(), ""))
        tail = word[-len(token):]
        if len(token) >= 3 and len(word) > len(token) + 1 and (tail == token
                                                                 or _close(tail, token)):
            found.append((SequenceMatcher(None, tail, token).ratio(), word[:-len(token)]))
        for score, rest in found:
            if best is None or (score, i) >= best[:2]:
                best = (score, i, rest)
    return None if best is None else (best[1], best[2])


def _same(word: _Word, document_word: str, *, fuzzy: bool, cut_short: bool) -> bool:
    if len(word.folded) == 1:  # an initial
        return document_word.startswith(word.folded)
    if document_word in word.spellings:
        return True
    if cut_short and len(document_word) >= 2 and any(
            s.startswith(document_word) for s in word.spellings):
        return True
    return fuzzy and _close(word.folded, document_word) and \
        _edits(word.folded, document_word) <= (1 if len(document_word) <= SHORT_NAME else 2)


# A given name this long or shorter differs from a misread of it in one letter at most: two
# letters apart is another name ("Nina" for ANNA: SequenceMatcher still gives 0.75).
SHORT_NAME = 5


def _edits(read: str, name: str) -> int:
    """Letters inserted, deleted or replaced between two words (difflib's opcodes)."""
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in
               SequenceMatcher(None, read, name, autojunk=False).get_opcodes() if tag != "equal")


def _close(read: str, name: str) -> bool:
    """A misread of a name of four letters or more (shorter ones differ in one letter: Jan and
    Jana are two people)."""
    return min(len(read), len(name)) >= OCR_MIN_LETTERS and \
        SequenceMatcher(None, read, name).ratio() >= OCR_WORD_SIMILARITY


def compare_given_names(account_name: str, document_surname: str, document_given: str | None,
                        *, fuzzy: bool = False, cut_short: bool = False,
                        exact_given: bool = False) -> GivenNames:
    """Whether the given names on the form fit the document's.

    The form's first given name must be one of the document's (many people go by a second
    name), its first initial the document's first given name's (that is how initials are
    written); the words after it are not compared: OCR splits and misreads them ("El" read as
    "EI"), and names may be left out.
    fuzzy: the form's name was read by OCR, so letters may be misread (``exact_given``: in
    finding the surname only, the given names compared exactly). cut_short: the
    document's name field was full, so its last given name may be cut off.
    """
    surname_tokens = set(_tokens(document_surname))
    form = _form_given(account_name, surname_tokens, fuzzy)
    fuzzy = fuzzy and not exact_given
    document = _tokens(document_given or "")
    if not form or not document:
        return GivenNames.UNKNOWN
    first = form[0]
    if len(first.folded) == 1:  # an initial is the first given name's
        return GivenNames.MATCH if _same(first, document[0], fuzzy=fuzzy, cut_short=False) \
            else GivenNames.DIFFERENT
    last = len(document) - 1
    if any(_same(first, name, fuzzy=fuzzy, cut_short=cut_short and i == last)
           for i, name in enumerate(document)):
        return GivenNames.MATCH
    return GivenNames.DIFFERENT


def first_given_spellings(account_name: str, document_surname: str, *,
                          fuzzy: bool = False) -> frozenset[str]:
    """The ICAO spellings of the first given name of a name (empty without one; an initial
    is no given name); ``fuzzy``: the name was read by OCR (its surname may be misread)."""
    form = _form_given(account_name, set(_tokens(document_surname)), fuzzy)
    return form[0].spellings if form and len(form[0].folded) > 1 else frozenset()


def closest_given_name(account_name: str, document_surname: str,
                       document_given: str | None) -> float:
    """How close (0..1, letters in common) the form's first given name comes to any of the
    document's: a misread of the holder's name keeps most letters, another person's name few."""
    form = _form_given(account_name, set(_tokens(document_surname)), True)
    document = _tokens(document_given or "")
    if not form or not document or len(form[0].folded) == 1:
        return 1.0
    return max(SequenceMatcher(None, form[0].folded, d).ratio() for d in document)
