"""Does a name box hold a known name? Scored without reading it.

Handwriting-like letters under copier noise or at 150 dpi are read badly (free decoding gives
"hisms" for "Thijs Ooms"), though a recogniser's per-step probabilities still favour the
right letters (PP-OCRv6's Latin one for a name box; PP-OCRv4's for an MRZ row and for
other_name_ahead, whose thresholds were chosen on it). So the known name is scored against
the box: the probability of its best CTC alignment (Viterbi) over the recogniser's output,
with case, accents, spaces and punctuation folded, against the free reading's (the best path)
and against competitors: the same surname with other given names (a relative's ID must never
pass for the holder's). Nothing read or scored here is logged.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from formgen.check import latin_ocr
from formgen.check.identity import ocr
from formgen.check.identity.mrz import TUSSENVOEGSELS, icao_name

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Characters that stand between letters of a name and are no letter: taken as CTC blank, so a
# space, an initial's dot or a hyphen costs nothing and is not required.
GAP_CHARACTERS = frozenset(" .,-'’‘`´·_")
_SPECIAL_FOLDS = {"Ø": "O", "Ł": "L", "Đ": "D", "Ð": "D", "Ħ": "H", "İ": "I", "ı": "I"}

# Given names of people who might share the account holder's surname (partner, parent, child):
# each is a competitor the holder's name must clearly beat. Common given names in the
# Netherlands, women's and men's; a relative whose name is not here is caught by the free
# reading of the given names (MAX_GIVEN_BEHIND below).
COMMON_GIVEN_NAMES = (
    "Anna", "Emma", "Julia", "Sophie", "Lisa", "Sara", "Eva", "Anouk", "Sanne", "Lotte",
    "Femke", "Iris", "Fleur", "Noor", "Mila", "Tess", "Lieke", "Esther", "Ingrid", "Linda",
    "Monique", "Petra", "Marieke", "Wilma", "Ria", "Els", "Annie", "Johanna", "Cornelia",
    "Maria", "Elisabeth", "Hendrika", "Fatima", "Yasmina", "Ayse", "Daan", "Sem", "Lucas",
    "Levi", "Finn", "Thomas", "Bram", "Lars", "Ruben", "Tim", "Stijn", "Jesse", "Jeroen",
    "Mark", "Dennis", "Sander", "Martijn", "Pieter", "Peter", "Jan", "Kees", "Henk", "Gerrit",
    "Willem", "Johannes", "Cornelis", "Hendrik", "Jacobus", "Adrianus", "Wim", "Joost",
    "Thijs", "Wouter", "Bas", "Rik", "Mohamed", "Ahmed", "Mustafa", "Mehmet", "Ali",
)


@dataclass(frozen=True)
class NameScore:
    """Log-probabilities (nats) of the box's best alignment with: the known name (its best
    spelling with a given name written out), the free reading, and the best competitor with
    a given name written out (``rival``, '' when none)."""

    known: float
    free: float
    rival: float
    rival_name: str
    letters: int  # letters of the known name's best spelling (a doubled letter once)
    any_given: float  # the surname after a stretch read freely (any given name)
    given_letters: int  # letters of the given names in the known name's best spelling

    @property
    def behind_free(self) -> float:
        """How much less likely the known name is than the free reading, per letter."""
        return (self.free - self.known) / max(self.letters, 1)

    @property
    def given_behind(self) -> float:
        """How much less likely the known given names are than whatever reads best before the
        surname, per letter of them."""
        return (self.any_given - self.known) / max(self.given_letters, 1)

    @property
    def ahead_of_rival(self) -> float:
        """How much more likely the known name is than the best competitor (nats)."""
        return self.known - self.rival


# The rule, tuned on the external generator's hands and noise (benchmarks/bench_name_score.py
# --gen external, seeds 0-47, on PP-OCRv4's output; kept for PP-OCRv6's in session 19:
# benchmarks/tuning-names.md). The known name with a given name written out explains the box
# nearly as well as the free reading, per letter ...
MAX_BEHIND_FREE = 2.0
# ... clearly better than the same surname with another common given name (nats, whole box;
# relatives' boxes came to at most 3.8) ...
MIN_AHEAD_OF_RIVAL = 4.0
# ... and its given names nearly as well as whatever reads best before the surname, per letter
# (a relative's name like the holder's, "Koen" for KEES, is no competitor in the list): the
# holders' boxes gained came to at most 1.53, relatives' were no lower than 2.44.
MAX_GIVEN_BEHIND = 1.6


def holds(score: NameScore) -> bool:
    """The box holds the known name, by the rule above."""
    return score.behind_free <= MAX_BEHIND_FREE and \
        score.ahead_of_rival >= MIN_AHEAD_OF_RIVAL and score.given_behind <= MAX_GIVEN_BEHIND


MRZ_LETTERS = LETTERS + "<"  # a name row of an MRZ: letters and the filler
# what the recogniser reads for an MRZ filler, and the digits it reads for letters in a name
# row (which holds none; as mrz.as_letters reads them)
_FILLER_LOOKALIKES = frozenset("<«‹〈《く≤＜")
_DIGIT_LETTERS = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}


def _fold_char(ch: str, alphabet: str = LETTERS) -> str:
    """A recogniser character as compared: a letter of ``alphabet`` (A-Z; for an MRZ row
    also the filler <), '' for a gap, '?' for any other."""
    if alphabet is MRZ_LETTERS:
        if ch in _FILLER_LOOKALIKES:
            return "<"
        ch = _DIGIT_LETTERS.get(ch, ch)
    if ch in GAP_CHARACTERS or ch == "blank":
        return ""
    if ch in _SPECIAL_FOLDS or ch.upper() in _SPECIAL_FOLDS:
        return _SPECIAL_FOLDS.get(ch, _SPECIAL_FOLDS.get(ch.upper(), "?"))
    base = unicodedata.normalize("NFKD", ch)[:1].upper()
    return base if len(ch) == 1 and base in LETTERS else "?"


@lru_cache(maxsize=4)
def _columns(chars: tuple[str, ...], alphabet: str = LETTERS
             ) -> tuple[np.ndarray, tuple[np.ndarray, ...], np.ndarray]:
    """Indices of the recogniser's characters by folded symbol: gaps (with the CTC blank at
    index 0), each symbol of ``alphabet``, and every other character."""
    folded = [_fold_char(ch, alphabet) for ch in chars]
    folded[0] = ""  # the CTC blank, whatever the engine calls it
    gap = np.array([i for i, f in enumerate(folded) if f == ""])
    symbols = tuple(np.array([i for i, f in enumerate(folded) if f == symbol], dtype=int)
                    for symbol in alphabet)
    other = np.array([i for i, f in enumerate(folded) if f == "?"])
    return gap, symbols, other


def reduced_log_probs(probs: np.ndarray, chars: Sequence[str],
                      alphabet: str = LETTERS) -> np.ndarray:
    """Per time step: log-probability of a gap (column 0), of each symbol of ``alphabet``
    (a letter whatever its case or accent; columns 1 on), of the most likely other character
    (the column after them) and of the most likely of these (the last column, "*")."""
    gap, symbols, other = _columns(tuple(chars), alphabet)
    k = len(alphabet)
    out = np.empty((probs.shape[0], k + 3), np.float64)
    out[:, 0] = probs[:, gap].sum(axis=1)
    for j, idx in enumerate(symbols, start=1):
        out[:, j] = probs[:, idx].sum(axis=1) if len(idx) else 0.0
    out[:, k + 1] = probs[:, other].max(axis=1) if len(other) else 0.0
    out[:, k + 2] = out[:, :k + 2].max(axis=1)
    return np.log(np.maximum(out, 1e-12))


def best_alignments(log_probs: np.ndarray, targets: Sequence[str],
                    alphabet: str = LETTERS) -> np.ndarray:
    """For each target (words of letters A-Z, separated by spaces; "*" stands for a stretch
    read freely, one symbol per step), the log-probability of its
    best CTC alignment with the whole line (Viterbi; gaps between letters free). A doubled
    letter inside a word may be read once or twice: the recogniser's steps (8 px) often run the
    two into one ("Baker" for "Bakker"); the same letter ending one word and starting the next
    ("B. Bakker") is two. All targets in one pass over the time steps."""
    variants = [(k, v) for k, target in enumerate(targets) for v in _doubled(target)]
    scores = _alignments(log_probs, [v for _, v in variants], alphabet)
    best = np.full(len(targets), -np.inf)
    for (k, _), score in zip(variants, scores, strict=True):
        best[k] = max(best[k], score)
    return best


def _doubled(target: str) -> set[str]:
    """A target as written, and with each doubled letter inside a word once ("BAKER" for
    "BAKKER"): the recogniser reads two like letters as one run or as two."""
    return {target, " ".join(_single(word) for word in target.split())}


def _alignments(log_probs: np.ndarray, targets: Sequence[str],
                alphabet: str = LETTERS) -> np.ndarray:
    """best_alignments for targets taken as written (like letters next to each other need a
    gap between them, as in CTC)."""
    labels: list[int] = []
    skip: list[bool] = []  # a state that may be entered from two states back
    starts: list[bool] = []  # a state an alignment may start in
    opens: list[bool] = []  # a target's first state: not entered from the state before it
    ends: list[int] = []
    for target in targets:
        codes = [log_probs.shape[1] - 1 if ch == "*" else alphabet.index(ch) + 1
                 for ch in target.replace(" ", "")]
        base = len(labels)
        for i, code in enumerate(codes):
            labels += [0, code]
            skip += [False, i > 0 and codes[i - 1] != code]
            starts += [i == 0, i == 0]
            opens += [i == 0, False]
        labels.append(0)
        skip.append(False)
        starts.append(False)
        opens.append(not codes)
        ends.append(base + 2 * len(codes))
    states = np.array(labels)
    may_skip = np.array(skip)
    first = np.array(starts)
    may_step = ~np.array(opens)
    score = np.where(first, log_probs[0, states], -np.inf)
    for t in range(1, log_probs.shape[0]):
        step = np.full_like(score, -np.inf)
        step[1:] = np.where(may_step[1:], score[:-1], -np.inf)
        jump = np.full_like(score, -np.inf)
        jump[2:] = np.where(may_skip[2:], score[:-2], -np.inf)
        score = np.maximum(np.maximum(score, step), jump) + log_probs[t, states]
    end_index = np.array(ends)
    return np.maximum(score[end_index], score[end_index - 1])


def _single(letters: str) -> str:
    return "".join(ch for i, ch in enumerate(letters) if i == 0 or letters[i - 1] != ch)


def free_reading(log_probs: np.ndarray) -> float:
    """Log-probability of the free reading's path: the likeliest symbol at every step."""
    return float(log_probs[:, :-1].max(axis=1).sum())


def _letters_of(text: str) -> str:
    return "".join(ch for ch in icao_name(text) if ch in LETTERS)


def _words(text: str) -> list[str]:
    """The name's words in ICAO letters; a digit or other sign (a misread, a typing slip) is
    no letter the recogniser's alphabet can be scored on, so it is left out."""
    words = ("".join(ch for ch in w if ch in LETTERS) for w in icao_name(text).split("<"))
    return [w for w in words if w]


def spellings(given: str, surname: str) -> dict[str, str]:
    """How a person may write their name in the box, as words of letters, with their kind
    ("full": a given name written out; "initials"): all given names, one of them alone, the
    initials, the first initial; then the surname with its tussenvoegsels; with ICAO's
    AE/OE/UE also as the letter written with an umlaut. Never the surname alone: it would fit
    a relative's box as well as the holder's."""
    names = _words(given)
    last = " ".join(_words(surname))
    if not names or not last:
        return {}
    forms = {" ".join(names) + " " + last: "full"}
    forms |= {name + " " + last: "full" for name in names}
    forms |= {" ".join(n[0] for n in names) + " " + last: "initials",
              names[0][0] + " " + last: "initials"}
    out = dict(forms)
    for form, kind in forms.items():
        for pair, single in (("AE", "A"), ("OE", "O"), ("UE", "U")):
            if pair in form:
                out.setdefault(form.replace(pair, single), kind)
    return out


def relatives(given: str, surname: str) -> dict[str, tuple[str, str]]:
    """Competitors: the same surname with a common given name that is none of the holder's,
    or with any initial but the holder's first: words -> (the name shown, kind). A name
    spelled as one of the holder's with a letter doubled or not (Mohamed, MOHAMMED) is the
    same name to the recogniser (best_alignments reads a doubled letter once), no rival."""
    own = set(_words(given))
    first = next(iter(_words(given)), "")[:1]
    last = " ".join(_words(surname))
    out: dict[str, tuple[str, str]] = {}
    for name in COMMON_GIVEN_NAMES:
        folded = _letters_of(name)
        if folded in own or any(o.startswith(folded) or folded.startswith(o) or
                                _single(o) == _single(folded) for o in own):
            continue
        out[folded + " " + last] = (f"{name} {surname}", "full")
    for letter in LETTERS.replace(first, ""):
        out[letter + " " + last] = (f"{letter}. {surname}", "initials")
    return out


def score_name(crop: np.ndarray, given: str, surname: str) -> NameScore | None:
    """Score the person ``given`` + ``surname`` against a cropped line of writing (one extra
    recogniser pass). None when the crop is empty or the name holds no letters."""
    forms = spellings(given, surname)
    own = sorted(forms)
    if crop.size == 0 or not own:
        return None
    # PP-OCRv6's Latin recogniser: in hands the rule was not tuned on it explains the holder's
    # name better than PP-OCRv4 and a relative's no better (benchmarks/tuning-names.md, session 19)
    probs, chars = latin_ocr.char_probs(crop)
    log_probs = reduced_log_probs(probs, chars)
    rivals = relatives(given, surname)
    rival_keys = [k for k in rivals if k not in forms]
    free_given = "* " + " ".join(_words(surname))  # any given name: read freely
    targets = [*own, *rival_keys, free_given]
    scores = dict(zip(targets, best_alignments(log_probs, targets), strict=True))

    def best(names: Sequence[str]) -> tuple[float, str]:
        return max(((float(scores[n]), n) for n in names), default=(-np.inf, ""))

    # each spelling against competitors written alike: an initial costs little wherever it is
    # put, so only spellings with a given name written out are compared
    known, spelling = best([n for n in own if forms[n] == "full"])
    rival, rival_key = best([n for n in rival_keys if rivals[n][1] == "full"])
    surname_words = len(_words(surname))
    given_letters = sum(len(_single(w)) for w in spelling.split()[:-surname_words])
    return NameScore(known=known, free=free_reading(log_probs), rival=rival,
                     rival_name=rivals[rival_key][0] if rival_key else "",
                     letters=sum(len(_single(w)) for w in spelling.split()),
                     any_given=float(scores[free_given]), given_letters=given_letters)


# A handwritten given name read a letter or two off the document's ("Hendrik" for HENDRIKA) is
# that other name, not a misread, where it explains the box by this much more than the
# document's (nats, whole box): near relatives' boxes 9.4-13.6, holders' misread 0.3-3.8
# (benchmarks/tuning-names.md#near-given-names-by-hand-session-18).
OTHER_NAME_MIN_AHEAD = 6.0


def other_name_ahead(crop: np.ndarray, known_given: str, other_given: str,
                     surname: str) -> float | None:
    """How much better (nats) ``other_given`` + ``surname`` explains a line of writing than
    ``known_given`` + ``surname`` (one recogniser pass); None for an empty crop or names
    without letters."""
    last = " ".join(_words(surname))
    known, other = " ".join(_words(known_given)), " ".join(_words(other_given))
    if crop.size == 0 or not last or not known or not other:
        return None
    probs, chars = ocr.char_probs(crop)
    scores = best_alignments(reduced_log_probs(probs, chars), [f"{known} {last}",
                                                               f"{other} {last}"])
    return float(scores[1] - scores[0])


def split_name(full: str, surname_hint: str | None = None) -> tuple[str, str]:
    """A full name ("Maria de Groot") as (given names, surname): the surname is the last word
    with the tussenvoegsels before it (or ``surname_hint`` where the name ends with it)."""
    words = full.split()
    if surname_hint and full.upper().endswith(surname_hint.upper()):
        cut = len(full) - len(surname_hint)
        return full[:cut].strip(), full[cut:].strip()
    if not words:
        return "", ""
    i = len(words) - 1
    while i > 0 and icao_name(words[i - 1]).replace("<", "") in TUSSENVOEGSELS \
            and not (len(bare := words[i - 1].strip(".")) == 1 and bare.isupper()):
        i -= 1
    return " ".join(words[:i]), " ".join(words[i:])


@dataclass(frozen=True)
class MrzNameFit:
    """Log-probabilities (nats) of an MRZ name row's best alignment with: the row as it prints
    the account holder's first given name, ended by a filler (``holder``); the best rival: the
    row as read (characters the reader could not read match anything) or that given name
    going on with any letter (a relative's longer name: HENDRIKA for Hendrik); and the free
    reading. ``letters``: the symbols of the holder's stretch of the row (surname, fillers,
    given name, the filler after it)."""

    holder: float
    rival: float
    free: float
    letters: int

    @property
    def ahead_of_rival(self) -> float:
        return self.holder - self.rival

    @property
    def behind_free(self) -> float:
        return (self.free - self.holder) / max(self.letters, 1)


# The holder's name explains the row clearly better than any rival (nats, whole row; a letter
# the holder's name leaves out costs it only the blank's probability at that letter, 2-5
# nats); chosen on benchmarks/bench_mrz_name.py (both ID generators, photo/JPEG/150 dpi; see
# benchmarks/tuning-names.md#the-mrz-name-row-against-its-image-session-18) ...
MRZ_MIN_AHEAD_OF_RIVAL = 3.0
# ... and nearly as well as the free reading, per symbol of the name stretch.
MRZ_MAX_BEHIND_FREE = 1.0


def mrz_holds(fit: MrzNameFit) -> bool:
    """The name row shows the holder's given name, ended there (rule above)."""
    return fit.ahead_of_rival >= MRZ_MIN_AHEAD_OF_RIVAL and \
        fit.behind_free <= MRZ_MAX_BEHIND_FREE


# Paper added around a row cut tight along its letters (share of its height): the recogniser
# reads a line without margins as blank.
ROW_PAD = 0.5


def _mrz_pattern(text: str) -> str:
    """MRZ text as a target: an unread character ('?') matches anything ('*'), runs of them
    one stretch."""
    out = ""
    for ch in text.replace("?", "*"):
        if not (ch == "*" and out.endswith("*")):
            out += ch
    return out


def _row_part(row: np.ndarray, edges: Sequence[int], first: int, last: int
              ) -> np.ndarray | None:
    """The cells ``first`` to ``last`` of an MRZ name row read as one short line (with a
    quarter cell either side and paper around it: the recogniser drops letters of a whole row
    spaced this wide): reduced log-probabilities over MRZ_LETTERS. None without such cells."""
    if row.size == 0 or first < 0 or len(edges) < 2:
        return None
    last = min(last, len(edges) - 1)
    pitch = (edges[-1] - edges[0]) / (len(edges) - 1)
    x0 = max(0, int(edges[first] - pitch / 4))
    x1 = min(row.shape[1], int(edges[last] + pitch / 4))
    if x1 - x0 < 2 * pitch:
        return None
    part = row[:, x0:x1]
    pad = round(ROW_PAD * part.shape[0])
    paper = float(np.percentile(part, 90))
    probs, chars = ocr.char_probs(cv2.copyMakeBorder(part, pad, pad, pad, pad,
                                                     cv2.BORDER_CONSTANT, value=paper))
    return reduced_log_probs(probs, chars, MRZ_LETTERS)


MAX_UNREAD_LETTERS = 2  # unread characters of one MRZ name word read again (27^2 spellings)


def mrz_word_letters(row: np.ndarray, edges: Sequence[int], start: int, word: str
                     ) -> tuple[str, MrzNameFit] | None:
    """An MRZ name word read with unread characters ('?', at most MAX_UNREAD_LETTERS) as the
    image of its row shows it: every spelling with a letter in each unread place (a filler too
    in the places that end the word: the name may be shorter) scored against the cells around
    the word (``start``: its first cell, after a filler), the best spelling against the next
    best as rival (MrzNameFit: ``mrz_holds`` says whether the row shows it). None without an
    unread character, with more, or without cells to score."""
    unread = [i for i, ch in enumerate(word) if ch == "?"]
    if not unread or len(unread) > MAX_UNREAD_LETTERS or \
            any(ch not in LETTERS + "?" for ch in word):
        return None
    log_probs = _row_part(row, edges, start - 1, start + len(word) + 2)
    if log_probs is None:
        return None
    known_end = max((i for i, ch in enumerate(word) if ch != "?"), default=-1)
    places = [LETTERS + ("<" if i > known_end else "") for i in unread]
    spellings = []
    for letters in itertools.product(*places):
        chars = list(word)
        for i, ch in zip(unread, letters, strict=True):
            chars[i] = ch
        spelled = "".join(chars)
        if "<" not in spelled.rstrip("<"):  # fillers only at the end
            spellings.append(spelled)
    targets = [f"*<{w}<*" for w in spellings]
    scores = best_alignments(log_probs, targets, MRZ_LETTERS)
    order = np.argsort(scores)[::-1]
    best, rival = int(order[0]), int(order[1])
    return spellings[best].rstrip("<"), MrzNameFit(
        holder=float(scores[best]), rival=float(scores[rival]), free=free_reading(log_probs),
        letters=len(targets[best].replace("*", "")))


def mrz_name_fit(row: np.ndarray, edges: Sequence[int], start: int, given: Sequence[str],
                 read_first: str) -> MrzNameFit | None:
    """Score the cells of an MRZ name row (its image, ``edges``: the cells' borders) around
    its first given name, which starts in cell ``start``, as printing the filler pair before
    it, the holder's first given name (``given``: its MRZ spellings) and a filler after it,
    against its rivals (see MrzNameFit; ``read_first``: that name as read, '?' unread). The
    part is read as one short line (the recogniser drops letters of a whole row spaced this
    wide). None without a name or cells to score."""
    given = [g for g in given if g and all(ch in LETTERS for ch in g)]
    read_first = "".join(ch if ch in LETTERS else "?" for ch in read_first)
    longest = max((len(g) for g in given), default=0)
    if not longest or not read_first:
        return None
    log_probs = _row_part(row, edges, start - 2, start + longest + 3)
    if log_probs is None:
        return None
    own = [f"*<<{g}<*" for g in given]
    # the text read is a rival where it is another name (read as the holder's name with
    # unread characters after it, the letter rivals stand for it)
    rivals = [] if read_first.rstrip("?") in given else [_mrz_pattern(f"*<<{read_first}*")]
    rivals += [f"*<<{g}{letter}*" for g in given for letter in LETTERS if letter != g[-1]]
    scores = best_alignments(log_probs, [*own, *rivals], MRZ_LETTERS)
    k = int(np.argmax(scores[:len(own)]))
    return MrzNameFit(holder=float(scores[k]), rival=float(scores[len(own):].max()),
                      free=free_reading(log_probs), letters=len(own[k].replace("*", "")))
