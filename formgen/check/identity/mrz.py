"""Parse and check machine readable zones (ICAO 9303) of ID cards (TD1) and passports (TD3).

Pure string work, no OCR. Tolerant of what OCR makes of an MRZ: spaces, lower case, dropped or
doubled ``<`` fillers (lines are aligned by position and by check digits), and letter/digit
confusions in positions that must be numeric (or alphabetic).

Dutch documents carry the BSN in the optional data (TD1 line 1 positions 16-30, TD3 personal
number). A customer may mask it, as advised: a field that does not hold nine digits is then left
out of the verdict, and the composite check digit (which covers it) is reported as "not
verifiable" instead of wrong. Everything else is still checked.

Personal data (names, numbers, dates) only ever lands in the returned objects; their ``repr``
leaves it out, and nothing here logs.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Literal

from formgen.icao import DROPPED, SEPARATORS, char_options, icao_name_variants
from formgen.icao import icao_name as icao_name  # re-exported: the name checks import it here

if TYPE_CHECKING:
    import numpy as np

CheckStatus = Literal["ok", "fout", "niet te controleren"]
DocType = Literal["TD1", "TD3"]

TD1_LEN = 30
TD3_LEN = 44

UNKNOWN = "?"  # a position OCR could not read (e.g. under a black bar)

_TO_DIGIT = {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2",
             "G": "6"}
_TO_ALPHA = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}
# letters and digits OCR confuses inside alphanumeric fields (document number)
_AMBIGUOUS = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B",
              "Z": "2", "2": "Z", "G": "6", "6": "G", "D": "0", "Q": "0"}
_MRZ_ALPHABET = re.compile(r"[A-Z0-9<]+")
_FILLER_LOOKALIKES = {"«": "<<", "‹": "<", "〈": "<", "《": "<<", "く": "<", "≤": "<", "＜": "<",
                      "×": "X", "Ø": "0", "—": "<", "-": "<"}

FIELD_LABELS = {
    "document_number": "controlecijfer van het documentnummer",
    "birth_date": "controlecijfer van de geboortedatum",
    "expiry_date": "controlecijfer van de vervaldatum",
    "personal_number": "controlecijfer van het persoonsnummer",
    "composite": "samengesteld controlecijfer",
}


# --------------------------------------------------------------------------------------------
# check digits and BSN
# --------------------------------------------------------------------------------------------


def _char_value(ch: str) -> int | None:
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    return None


def check_digit(data: str) -> str | None:
    """ICAO 9303 check digit (weights 7-3-1) of ``data``; None when a character is unreadable."""
    total = 0
    for i, ch in enumerate(data):
        value = _char_value(ch)
        if value is None:
            return None
        total += value * (7, 3, 1)[i % 3]
    return str(total % 10)


def bsn_is_valid(digits: str) -> bool:
    """True if ``digits`` is nine digits passing the Dutch 11-test.

    sum(d_i * w_i) for w = 9..2 over the first eight digits, minus the ninth, must be a multiple
    of 11 (and the number is not all zeros).
    """
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return False
    if digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


# --------------------------------------------------------------------------------------------
# result
# --------------------------------------------------------------------------------------------


@dataclass
class MrzResult:
    """A parsed MRZ. Personal fields are excluded from ``repr``."""

    doc_type: DocType
    document_code: str
    issuing_country: str
    nationality: str
    sex: str
    checks: dict[str, CheckStatus]
    check_failures: list[str]
    notes: list[str]
    bsn_masked: bool | None  # None: no BSN expected (non-Dutch document) and none present
    bsn_unmasked_visible: bool
    expiry: dt.date | None
    lines: tuple[str, ...] = field(repr=False)
    document_number: str = field(repr=False)
    surname: str = field(repr=False)
    given_names: str = field(repr=False)
    birth_date: dt.date | None = field(repr=False)
    optional_data: str = field(repr=False)
    optional_data_2: str = field(default="", repr=False)
    bsn: str | None = field(default=None, repr=False)
    surname_truncated: bool = False
    # the name row's image as read (grey, straightened; set by the reader, None from text) and
    # its character cells' borders (columns): the name has no check digit, so a doubtful
    # reading of it is checked against the image
    name_row: np.ndarray | None = field(default=None, repr=False, compare=False)
    name_edges: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def valid(self) -> bool:
        """No check digit is wrong and every field has a plausible format."""
        return not self.check_failures

    @property
    def document_kind(self) -> str:
        """Dutch name of the kind of document ("ID-kaart", "paspoort", ...)."""
        if self.doc_type == "TD3" and self.document_code.startswith("P"):
            return "paspoort"
        if self.doc_type == "TD1" and self.document_code[:1] in ("I", "A", "C"):
            return "ID-kaart"
        return "reisdocument"

    def expired(self, today: dt.date) -> bool | None:
        return None if self.expiry is None else self.expiry < today


# --------------------------------------------------------------------------------------------
# normalisation of OCR text
# --------------------------------------------------------------------------------------------


# Specks on a photocopy read as these marks; the MRZ's alphabet has nothing so small.
_SPECKS = frozenset(".,'`·")


def normalize_line(text: str, *, specks: bool = False) -> str:
    """Upper case, no spaces, filler look-alikes turned into ``<``, and each symbol that stands
    for one MRZ letter or digit turned into it (see :func:`_as_mrz`); with ``specks``, the
    marks a speck reads as are dropped too (for a whole MRZ row)."""
    return "".join(_as_mrz(ch) for ch in text
                   if not ch.isspace() and not (specks and ch in _SPECKS))


@cache  # one recognised symbol at a time: lines are normalised over and over
def _as_mrz(symbol: str) -> str:
    """One recognised symbol in the MRZ alphabet where it stands for one letter or digit: its
    compatibility form (full-width letters, circled digits), the letter under an accent (Ö is
    O), or the one letter or digit in it (the recogniser reads a C as ℃, which is °C). Others
    stay as they are (a line holding them is no MRZ line)."""
    folded = "".join(_FILLER_LOOKALIKES.get(ch, ch)
                     for ch in unicodedata.normalize("NFKC", symbol).upper())
    if _MRZ_ALPHABET.fullmatch(folded):
        return folded
    kept = [ch for ch in unicodedata.normalize("NFKD", folded) if _MRZ_ALPHABET.fullmatch(ch)]
    return kept[0] if len(kept) == 1 else folded


def _fix(segment: str, kind: str) -> str:
    """Repair OCR confusions in a field that must be numeric ("9"), alphabetic ("A"),
    alphabetic-or-filler names ("N"), or a check digit ("c": digit or ``<``)."""
    out = []
    for ch in segment:
        if kind in ("9", "c"):
            if kind == "c" and ch == "<":
                out.append(ch)
            else:
                out.append(_TO_DIGIT.get(ch, ch))
        elif kind in ("A", "N"):
            out.append(_TO_ALPHA.get(ch, ch))
        else:
            out.append(ch)
    return "".join(out)


def as_letters(row: str) -> str:
    """A name row (letters and fillers only) with each digit that looks like a letter read as
    that letter, as the parser reads it (``V0S`` is ``VOS``)."""
    return _fix(row, "N")


def _length_candidates(line: str, target: int) -> list[str]:
    """Ways to bring an OCR line to ``target`` characters by adding/removing ``<`` fillers."""
    line = line[: target + 8]
    diff = target - len(line)
    if diff == 0:
        return [line]
    runs = [(m.start(), m.end()) for m in re.finditer(r"<{2,}", line)]
    cands: list[str] = []
    if diff > 0:
        cands.append(line + "<" * diff)
        for _start, end in sorted(runs, key=lambda r: r[0] - r[1]):
            cands.append(line[:end] + "<" * diff + line[end:])
        if not runs:
            cands.append(line + UNKNOWN * diff)
    else:
        extra = -diff
        if set(line[target:]) <= {"<"}:
            cands.append(line[:target])
        for start, end in sorted(runs, key=lambda r: r[0] - r[1]):
            if end - start > extra:
                cands.append(line[: end - extra] + line[end:])
        cands.append(line[:target])
    seen: dict[str, None] = {}
    for c in cands:
        if len(c) == target:
            seen.setdefault(c, None)
    return list(seen)[:6]


# --------------------------------------------------------------------------------------------
# field helpers
# --------------------------------------------------------------------------------------------


def _parse_date(yymmdd: str, *, kind: Literal["birth", "expiry"],
                today: dt.date | None = None) -> dt.date | None:
    if len(yymmdd) != 6 or not yymmdd.isdigit():
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    ref = today or dt.date.today()
    if kind == "birth":
        year = 2000 + yy if yy <= ref.year % 100 else 1900 + yy
    else:
        year = 2000 + yy if yy < 70 else 1900 + yy
    try:
        return dt.date(year, mm, dd)
    except ValueError:
        return None


def _names(field_text: str) -> tuple[str, str, bool]:
    """Surname and given names from a name field (``<`` kept between words of the surname)."""
    truncated = not field_text.endswith("<")
    text = field_text.rstrip("<")
    if "<<" in text:
        primary, secondary = text.split("<<", 1)
    else:
        primary, secondary = text, ""
    surname = primary.strip("<")
    given = " ".join(part for part in secondary.split("<") if part)
    return surname, given, truncated


def _docnum_variants(raw: str, country: str) -> list[str]:
    """The document number as read plus variants for ambiguous letters/digits."""
    variants = [raw]
    if country == "NLD":  # Dutch document numbers never use the letter O
        fixed = raw.replace("O", "0")
        if fixed != raw:
            variants.insert(0, fixed)
    positions = [i for i, ch in enumerate(raw) if ch in _AMBIGUOUS][:5]
    for combo in itertools.product((False, True), repeat=len(positions)):
        if not any(combo):
            continue
        chars = list(raw)
        for flip, pos in zip(combo, positions, strict=True):
            if flip:
                chars[pos] = _AMBIGUOUS[chars[pos]]
        variants.append("".join(chars))
    return variants


def _bsn_in_field(raw: str) -> str | None:
    """Nine digits at the start of the optional data (OCR confusions repaired when at least
    seven are digits already), followed only by fillers/digits; None otherwise."""
    head, tail = raw[:9], raw[9:]
    if len(head) < 9 or sum(ch.isdigit() for ch in head) < 7:
        return None
    fixed = _fix(head, "9")
    if not fixed.isdigit():
        return None
    if any(ch not in "<0123456789" for ch in tail):
        return None
    return fixed


@dataclass
class _Checker:
    checks: dict[str, CheckStatus] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def repair(self, name: str, data: str, digit: str) -> str:
        """Fill in one unreadable character of ``data`` from its check digit (unique: the
        weights 7, 3, 1 are coprime with 10), noting that it happened."""
        if data.count(UNKNOWN) != 1 or not digit.isdigit():
            return data
        pos = data.index(UNKNOWN)
        fits = [c for c in "0123456789<ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                if check_digit(data[:pos] + c + data[pos + 1:]) == digit]
        digits = [c for c in fits if c.isdigit()]
        choice = digits[0] if len(digits) == 1 else (fits[0] if len(fits) == 1 else None)
        if choice is None:
            return data
        self.notes.append(f"{FIELD_LABELS[name]}: één onleesbaar teken aangevuld")
        return data[:pos] + choice + data[pos + 1:]

    def check(self, name: str, data: str, digit: str, *, allow_filler: bool = False) -> bool:
        expected = check_digit(data)
        ok = expected is not None and (
            digit == expected or (allow_filler and digit == "<" and set(data) <= {"<"})
        )
        self.checks[name] = "ok" if ok else "fout"
        if not ok:
            self.failures.append(f"{FIELD_LABELS[name]} klopt niet")
        return ok

    def not_verifiable(self, name: str, reason: str) -> None:
        self.checks[name] = "niet te controleren"
        self.notes.append(f"{FIELD_LABELS[name]} niet te controleren ({reason})")

    def score(self) -> int:
        return sum(1 if s == "ok" else -1 if s == "fout" else 0 for s in self.checks.values())


# --------------------------------------------------------------------------------------------
# parsers
# --------------------------------------------------------------------------------------------


def _optional_field(raw: str, country: str) -> tuple[str | None, bool]:
    """(bsn_digits, masked) for an optional-data field."""
    bsn = _bsn_in_field(raw)
    if bsn is not None:
        return bsn, False
    stripped = raw.replace("<", "")
    # masked: a Dutch document without nine digits there, or anything unreadable/odd
    masked = country == "NLD" or bool(stripped)
    return None, masked


def _matching_docnum(raw: str, country: str, check: str) -> str:
    """The reading of the document number (OCR confusions undone) that its check digit confirms,
    or the raw reading when none does."""
    return next((v for v in _docnum_variants(raw, country) if check_digit(v) == check), raw)


def _parse_td1(lines: Sequence[str], today: dt.date | None) -> MrzResult:
    l1, l2, l3 = lines
    code = _fix(l1[0:2], "N")
    country = _fix(l1[2:5], "A")
    c = _Checker()

    docnum_raw, doc_cd = l1[5:14], _fix(l1[14], "c")
    optional = l1[15:30]
    overflow = doc_cd == "<" and bool(optional.rstrip("<"))
    if overflow:  # a long document number continues in the optional data
        ext = optional.split("<", 1)[0]
        docnum_raw, doc_cd = docnum_raw + ext[:-1], _fix(ext[-1:], "c")
        optional = optional[len(ext):]
    docnum = _matching_docnum(docnum_raw, country, doc_cd)
    c.check("document_number", docnum, doc_cd)

    birth_raw, birth_cd = _fix(l2[0:6], "9"), _fix(l2[6], "c")
    sex = l2[7]
    expiry_raw, expiry_cd = _fix(l2[8:14], "9"), _fix(l2[14], "c")
    nationality = _fix(l2[15:18], "A")
    optional2 = l2[18:29]
    composite_cd = _fix(l2[29], "c")
    birth_raw = c.repair("birth_date", birth_raw, birth_cd)
    expiry_raw = c.repair("expiry_date", expiry_raw, expiry_cd)
    c.check("birth_date", birth_raw, birth_cd)
    c.check("expiry_date", expiry_raw, expiry_cd)

    bsn, masked = _optional_field(optional, country)
    if overflow:
        upper = l1[5:30]
    else:
        upper = docnum + doc_cd + (bsn + optional[9:] if bsn is not None else optional)
    composite_data = upper + birth_raw + birth_cd + expiry_raw + expiry_cd + optional2
    if masked and check_digit(composite_data) != composite_cd:
        c.not_verifiable("composite", "BSN afgeschermd" if country == "NLD"
                         else "optionele gegevens onleesbaar")
    else:
        c.check("composite", composite_data, composite_cd)

    surname, given, truncated = _names(_fix(l3, "N"))
    return _finish(c, "TD1", tuple(lines), code, country, nationality, sex, docnum, surname,
                   given, truncated, birth_raw, expiry_raw, optional, optional2, bsn, masked,
                   today)


def _parse_td3(lines: Sequence[str], today: dt.date | None) -> MrzResult:
    l1, l2 = lines
    code = _fix(l1[0:2], "N")
    country = _fix(l1[2:5], "A")
    surname, given, truncated = _names(_fix(l1[5:44], "N"))
    c = _Checker()

    docnum_raw, doc_cd = l2[0:9], _fix(l2[9], "c")
    docnum = _matching_docnum(docnum_raw, country, doc_cd)
    c.check("document_number", docnum, doc_cd)
    nationality = _fix(l2[10:13], "A")
    birth_raw, birth_cd = _fix(l2[13:19], "9"), _fix(l2[19], "c")
    sex = l2[20]
    expiry_raw, expiry_cd = _fix(l2[21:27], "9"), _fix(l2[27], "c")
    birth_raw = c.repair("birth_date", birth_raw, birth_cd)
    expiry_raw = c.repair("expiry_date", expiry_raw, expiry_cd)
    c.check("birth_date", birth_raw, birth_cd)
    c.check("expiry_date", expiry_raw, expiry_cd)

    personal_cd = _fix(l2[42], "c")
    personal = l2[28:42]
    if UNKNOWN in personal[:9] and sum(ch.isdigit() for ch in personal[:9]) == 8:
        personal = c.repair("personal_number", personal, personal_cd)
    composite_cd = _fix(l2[43], "c")
    bsn, masked = _optional_field(personal, country)
    if bsn is not None:
        personal = bsn + personal[9:]
    reason = "BSN afgeschermd" if country == "NLD" else "persoonsnummer onleesbaar"
    if masked and check_digit(personal) != personal_cd:
        c.not_verifiable("personal_number", reason)
    else:
        c.check("personal_number", personal, personal_cd, allow_filler=True)
    composite_data = (docnum + doc_cd + birth_raw + birth_cd + expiry_raw + expiry_cd + personal
                      + personal_cd)
    if masked and check_digit(composite_data) != composite_cd:
        c.not_verifiable("composite", reason)
    else:
        c.check("composite", composite_data, composite_cd)

    return _finish(c, "TD3", tuple(lines), code, country, nationality, sex, docnum, surname,
                   given, truncated, birth_raw, expiry_raw, personal, "", bsn, masked, today)


def _finish(c: _Checker, doc_type: DocType, lines: tuple[str, ...], code: str, country: str,
            nationality: str, sex: str, docnum: str, surname: str, given: str, truncated: bool,
            birth_raw: str, expiry_raw: str, optional: str, optional2: str, bsn: str | None,
            masked: bool, today: dt.date | None) -> MrzResult:
    birth = _parse_date(birth_raw, kind="birth", today=today)
    expiry = _parse_date(expiry_raw, kind="expiry", today=today)
    failures = list(c.failures)
    if birth is None and c.checks.get("birth_date") == "ok":
        failures.append("de geboortedatum is geen geldige datum")
    if expiry is None and c.checks.get("expiry_date") == "ok":
        failures.append("de vervaldatum is geen geldige datum")
    if not re.fullmatch(r"[A-Z<]{3}", country):
        failures.append("de code van het uitgevende land is onleesbaar")
    if sex not in ("M", "F", "X", "<"):
        failures.append("het geslacht is onleesbaar")
    if not surname or not re.fullmatch(r"[A-Z<]+", surname):
        failures.append("de naam is onleesbaar")
    bsn_visible = bsn is not None and bsn_is_valid(bsn)
    if bsn is not None:
        bsn_masked: bool | None = False
    elif country == "NLD":
        bsn_masked = masked
    else:
        bsn_masked = None
    return MrzResult(
        doc_type=doc_type,
        document_code=code.rstrip("<"),
        issuing_country=country,
        nationality=nationality,
        sex=sex,
        checks=dict(c.checks),
        check_failures=failures,
        notes=list(c.notes),
        bsn_masked=bsn_masked,
        bsn_unmasked_visible=bsn_visible,
        expiry=expiry,
        lines=lines,
        document_number=docnum.rstrip("<"),
        surname=surname,
        given_names=given,
        birth_date=birth,
        optional_data=optional,
        optional_data_2=optional2,
        bsn=bsn if bsn_visible else None,
        surname_truncated=truncated,
    )


def _guess_type(lines: Sequence[str]) -> DocType | None:
    if len(lines) == 3:
        return "TD1"
    if len(lines) == 2:
        return "TD3" if sum(map(len, lines)) >= 70 else None
    return None


def parse_mrz(lines: Sequence[str] | str, *, today: dt.date | None = None) -> MrzResult | None:
    """Parse a TD1 (3 lines) or TD3 (2 lines) MRZ as read by OCR; None if it is neither.

    Lines are normalised (spaces, case, filler look-alikes); short or long lines are brought to
    length by adding/removing ``<`` fillers, choosing the variant whose check digits agree best.
    ``today`` only matters for the century of the birth date.
    """
    if isinstance(lines, str):
        lines = lines.splitlines()
    norm = [normalize_line(x) for x in lines]
    norm = [x for x in norm if x]
    doc_type = _guess_type(norm)
    if doc_type is None:
        return None
    target = TD1_LEN if doc_type == "TD1" else TD3_LEN
    parser = _parse_td1 if doc_type == "TD1" else _parse_td3
    options = [_length_candidates(x, target) for x in norm]
    best: MrzResult | None = None
    best_key: tuple[int, int] | None = None
    for n, combo in enumerate(itertools.islice(itertools.product(*options), 256)):
        result = parser(list(combo), today)
        score = sum(1 if s == "ok" else -1 if s == "fout" else 0 for s in result.checks.values())
        key = (score - len(result.check_failures), -n)
        if best_key is None or key > best_key:
            best, best_key = result, key
    return best


# --------------------------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------------------------

TUSSENVOEGSELS = frozenset({
    "VAN", "DE", "DER", "DEN", "HET", "T", "TEN", "TER", "TE", "IN", "OP", "AAN", "BIJ", "ONDER",
    "OVER", "UIT", "VOOR", "LA", "LE", "DU", "D", "L", "VON", "VOM", "ZU", "ZUM", "ZUR", "DA",
    "DOS", "DAS", "DEL", "DELLA", "DI", "S", "LO", "LOS", "DES",
})


def _name_words(name: str) -> list[set[str]]:
    return [icao_name_variants(w) for w in SEPARATORS.split(name.translate(DROPPED)) if w]


def _run_matches(words: list[set[str]], tokens: list[str], truncated: bool) -> bool:
    n = len(tokens)
    if n == 0 or n > len(words):
        return False
    for start in range(len(words) - n + 1):
        ok = True
        for k, token in enumerate(tokens):
            variants = words[start + k]
            if token in variants:
                continue
            last = k == n - 1
            if last and truncated and len(token) >= 2 and any(v.startswith(token)
                                                              for v in variants):
                continue
            ok = False
            break
        if ok:
            return True
    return False


def surname_matches(account_holder_name: str, mrz_surname: str, *,
                    truncated: bool = False) -> bool:
    """Whether the MRZ surname is one of the words / word runs of the name on the form.

    Accepts either ICAO transliteration (Ø as OE or O, ...) and Dutch tussenvoegsels in any of the
    usual placements: "Jan de Vries" and "Vries, Jan de" both match ``DE<VRIES`` (and ``VRIES``).
    ``truncated``: the MRZ name field was full, so the last surname word may be cut short.
    """
    tokens = [t for t in re.split(r"[<\s\-]+", mrz_surname.upper().translate(DROPPED)) if t]
    tokens = ["".join(char_options(c)[0] for c in t) for t in tokens]
    words = _name_words(account_holder_name)
    if not tokens or not words:
        return False
    if _run_matches(words, tokens, truncated):
        return True
    # tussenvoegsels elsewhere ("Vries, Jan de" for DE<VRIES): the core must form a run and the
    # name may only use tussenvoegsels the MRZ surname has too
    core = list(itertools.dropwhile(lambda t: t in TUSSENVOEGSELS, tokens))
    prefix = set(tokens[: len(tokens) - len(core)])
    name_tv = {v for w in words for v in w if v in TUSSENVOEGSELS and len(w) == 1}
    if not core or not name_tv <= prefix:
        return False
    plain = [w for w in words if not (w & TUSSENVOEGSELS)]
    return _run_matches(plain, core, truncated)


def iter_bsn_candidates(text: str) -> Iterable[str]:
    """Nine-digit numbers in free text (dots, spaces or dashes between groups allowed)."""
    for m in re.finditer(r"(?<!\d)(\d(?:[ .\-]?\d){8})(?!\d)", text):
        yield re.sub(r"\D", "", m.group(1))


def text_has_bsn(text: str) -> bool:
    """True if ``text`` contains a nine-digit number that passes the 11-test."""
    return any(bsn_is_valid(c) for c in iter_bsn_candidates(text))
