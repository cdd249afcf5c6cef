"""MRZ parsing and checks (pure strings, no OCR). All data is fictitious."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

from formgen.check.identity.mrz import (
    bsn_is_valid,
    check_digit,
    icao_name,
    icao_name_variants,
    normalize_line,
    parse_mrz,
    surname_matches,
    text_has_bsn,
)

TODAY = dt.date(2026, 11, 24)
BSN = "123456782"  # passes the 11-test; fictitious

# ICAO 9303 specimens (Utopia)
ICAO_TD1 = [
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
]
ICAO_TD3 = [
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
]


def dutch_td1(bsn: str = BSN, surname: str = "de Vries", given: str = "Jan Pieter") -> list[str]:
    code = TD1CodeGenerator("I", "NLD", "XN12AB345", "850310", "F", "310309", "NLD", surname,
                            given, bsn)
    return str(code).splitlines()


def dutch_td3(bsn: str = BSN) -> list[str]:
    code = TD3CodeGenerator("P", "NLD", "van den Berg", "Anna", "NX34CD567", "NLD", "900101",
                            "F", "320101", bsn)
    return str(code).splitlines()


# ---------------------------------------------------------------------------- check digits


@pytest.mark.parametrize(("data", "digit"), [("L898902C3", "6"), ("740812", "2"),
                                             ("120415", "9"), ("D23145890", "7")])
def test_check_digit_icao_examples(data: str, digit: str) -> None:
    assert check_digit(data) == digit


def test_check_digit_unreadable_is_none() -> None:
    assert check_digit("12?456") is None


def test_bsn_11_test() -> None:
    assert bsn_is_valid("123456782")
    assert bsn_is_valid("111222333")
    assert not bsn_is_valid("123456789")
    assert not bsn_is_valid("12345678")
    assert not bsn_is_valid("12345678a")
    assert not bsn_is_valid("000000000")


# ---------------------------------------------------------------------------- TD1 / TD3


def test_icao_td1_specimen_is_valid() -> None:
    r = parse_mrz(ICAO_TD1, today=TODAY)
    assert r is not None and r.valid
    assert r.doc_type == "TD1"
    assert r.document_kind == "ID-kaart"
    assert r.issuing_country == "UTO"
    assert r.document_number == "D23145890"
    assert r.surname == "ERIKSSON" and r.given_names == "ANNA MARIA"
    assert r.birth_date == dt.date(1974, 8, 12)
    assert r.expiry == dt.date(2012, 4, 15)
    assert r.expired(TODAY) is True
    assert r.bsn_masked is None  # not a Dutch document


def test_icao_td3_specimen_is_valid() -> None:
    r = parse_mrz(ICAO_TD3, today=TODAY)
    assert r is not None and r.valid, r.check_failures
    assert r.doc_type == "TD3" and r.document_kind == "paspoort"
    assert r.checks == {"document_number": "ok", "birth_date": "ok", "expiry_date": "ok",
                        "personal_number": "ok", "composite": "ok"}
    assert r.bsn_unmasked_visible is False


def test_dutch_td1_with_bsn() -> None:
    r = parse_mrz(dutch_td1(), today=TODAY)
    assert r is not None and r.valid
    assert r.surname == "DE<VRIES"
    assert r.expiry == dt.date(2031, 3, 9)
    assert r.bsn_masked is False
    assert r.bsn_unmasked_visible is True
    assert r.bsn == BSN


def test_dutch_td3_with_bsn() -> None:
    r = parse_mrz(dutch_td3(), today=TODAY)
    assert r is not None and r.valid
    assert r.checks["personal_number"] == "ok"
    assert r.bsn_unmasked_visible is True
    assert r.surname == "VAN<DEN<BERG"


def test_personal_data_not_in_repr() -> None:
    r = parse_mrz(dutch_td1(), today=TODAY)
    assert r is not None
    text = repr(r)
    assert BSN not in text and "VRIES" not in text and "XN12AB345" not in text


# ---------------------------------------------------------------------------- OCR tolerance


def test_dropped_trailing_fillers_and_spaces() -> None:
    l1, l2, l3 = dutch_td1()
    r = parse_mrz([l1.rstrip("<"), " ".join(l2), l3.rstrip("<").lower()], today=TODAY)
    assert r is not None and r.valid
    assert r.given_names == "JAN PIETER"


def test_ocr_confusions_in_numeric_positions() -> None:
    l1, l2, l3 = dutch_td1()
    # birth date 850310 -> B5O3IO, expiry 310309 -> 3IO3O9
    l2 = "B5O3IO" + l2[6:8] + "3IO3O9" + l2[14:]
    r = parse_mrz([l1, l2, l3], today=TODAY)
    assert r is not None and r.valid, r.check_failures
    assert r.birth_date == dt.date(1985, 3, 10)
    assert r.expiry == dt.date(2031, 3, 9)


# Symbols a recogniser gives for an MRZ letter or digit (PP-OCR read the C of a document number
# as the degree-Celsius sign): accented letters, full-width forms, circled digits, unit signs.
STAND_INS = {"A": "ÅÄÁ", "C": "℃Ç", "E": "ÉËÈ", "F": "℉", "I": "ÍÏ", "N": "Ñ", "O": "ÖÓ",
             "U": "ÜÚ", "K": "ｋK", "1": "①１", "0": "０", "8": "⑧", "5": "５"}


@pytest.mark.parametrize("seed", range(12))
def test_symbols_standing_for_one_letter_or_digit_are_read_as_it(seed: int) -> None:
    rng = random.Random(seed)
    lines = dutch_td1() if seed % 2 else dutch_td3()
    read = []
    for line in lines:
        chars = list(line)
        spots = [i for i, ch in enumerate(chars) if ch in STAND_INS]
        for i in rng.sample(spots, min(3, len(spots))):
            chars[i] = rng.choice(STAND_INS[chars[i]])
        read.append("".join(chars))
    assert read != lines
    r = parse_mrz(read, today=TODAY)
    expected = parse_mrz(lines, today=TODAY)
    assert r is not None and expected is not None and r.valid, (seed, r and r.check_failures)
    assert (r.document_number, r.surname, r.expiry) == (
        expected.document_number, expected.surname, expected.expiry)


def test_symbols_standing_for_no_single_character_are_kept() -> None:
    assert normalize_line("12 ½ °") == "121⁄2°"  # no MRZ line holds them: it is not taken


def test_filler_count_off_in_the_middle() -> None:
    l1, l2, l3 = dutch_td1()
    shorter = l2.replace("<<<<<<<<<<<", "<<<<<<<<<")  # OCR collapsed two fillers
    r = parse_mrz([l1, shorter, l3], today=TODAY)
    assert r is not None and r.valid, r.check_failures


def test_wrong_expiry_check_digit_reported() -> None:
    l1, l2, l3 = dutch_td1()
    l2 = l2[:14] + str((int(l2[14]) + 1) % 10) + l2[15:]
    r = parse_mrz([l1, l2, l3], today=TODAY)
    assert r is not None and not r.valid
    assert "controlecijfer van de vervaldatum klopt niet" in r.check_failures
    assert all("VRIES" not in f and BSN not in f for f in r.check_failures)


def test_unmasked_bsn_with_wrong_composite_fails() -> None:
    l1, l2, l3 = dutch_td1()
    l2 = l2[:29] + str((int(l2[29]) + 1) % 10)
    r = parse_mrz([l1, l2, l3], today=TODAY)
    assert r is not None and not r.valid
    assert r.checks["composite"] == "fout"


# ---------------------------------------------------------------------------- masked BSN


@pytest.mark.parametrize("mask", ["<" * 9, "X" * 9, "?" * 9, "K<<XX<<<<", "", "■■■■■■■■■"])
def test_masked_bsn_td1_does_not_fail(mask: str) -> None:
    l1, l2, l3 = dutch_td1()
    masked = l1[:15] + mask + l1[24:] if mask else l1[:15]  # "" = OCR dropped it entirely
    r = parse_mrz([masked, l2, l3], today=TODAY)
    assert r is not None
    assert r.valid, r.check_failures
    assert r.bsn_masked is True
    assert r.bsn_unmasked_visible is False
    assert r.checks["composite"] == "niet te controleren"
    assert r.checks["document_number"] == "ok"
    assert r.checks["expiry_date"] == "ok"


def test_masked_bsn_still_checks_everything_else() -> None:
    l1, l2, l3 = dutch_td1()
    l1 = l1[:15] + "X" * 9 + l1[24:]
    l2 = l2[:6] + str((int(l2[6]) + 1) % 10) + l2[7:]  # wrong birth-date check digit
    r = parse_mrz([l1, l2, l3], today=TODAY)
    assert r is not None and not r.valid
    assert r.check_failures == ["controlecijfer van de geboortedatum klopt niet"]


def test_masked_bsn_td3() -> None:
    l1, l2 = dutch_td3(bsn="111222333")
    r = parse_mrz([l1, l2[:28] + "<" * 9 + l2[37:]], today=TODAY)
    assert r is not None and r.valid, r.check_failures
    assert r.bsn_masked is True
    assert r.checks["personal_number"] == "niet te controleren"
    assert r.checks["composite"] == "niet te controleren"
    assert any("niet te controleren" in n for n in r.notes)


def test_nine_digits_failing_11_test_is_not_a_visible_bsn() -> None:
    r = parse_mrz(dutch_td1(bsn="123456789"), today=TODAY)
    assert r is not None and r.valid
    assert r.bsn_unmasked_visible is False


def test_not_an_mrz() -> None:
    assert parse_mrz(["Geachte heer, mevrouw"], today=TODAY) is None
    assert parse_mrz([], today=TODAY) is None


# ---------------------------------------------------------------------------- names


@pytest.mark.parametrize(("name", "icao"), [
    ("Łukasz", "LUKASZ"), ("Ørsted", "OERSTED"), ("Şahin", "SAHIN"), ("Nguyễn", "NGUYEN"),
    ("Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT"), ("Strauß", "STRAUSS"),
    ("d'Ancona", "DANCONA"), ("van den Berg", "VAN<DEN<BERG"), ("Ĳsselmeer", "IJSSELMEER"),
    ("Peña", "PENA"), ("Ångström", "AANGSTROEM"), ("Ærø", "AEROE"),
])
def test_icao_name(name: str, icao: str) -> None:
    assert icao_name(name) == icao


def test_icao_name_variants() -> None:
    assert {"MUELLER", "MULLER"} <= icao_name_variants("Müller")
    assert {"OERSTED", "ORSTED"} <= icao_name_variants("Ørsted")
    assert {"PENA", "PENXXA"} <= icao_name_variants("Peña")


@pytest.mark.parametrize(("holder", "mrz_surname"), [
    ("Jan de Vries", "DE<VRIES"),
    ("Jan de Vries", "DE VRIES"),
    ("J.P. de Vries", "DE<VRIES"),
    ("Vries, Jan de", "DE<VRIES"),
    ("Anna van den Berg", "VAN<DEN<BERG"),
    ("Anna van den Berg", "BERG"),
    ("Łukasz Ørsted", "ORSTED"),
    ("Łukasz Ørsted", "OERSTED"),
    ("Łukasz Ørsted", "Ørsted"),
    ("Ayşe Şahin", "SAHIN"),
    ("Thi Lan Nguyễn", "NGUYEN"),
    ("Karl Müller", "MULLER"),
    ("Karl Müller", "MUELLER"),
    ("Anna de Vries-Jansen", "DE<VRIES<JANSEN"),
    ("Maria José García Pérez", "GARCIA<PEREZ"),
])
def test_surname_matches(holder: str, mrz_surname: str) -> None:
    assert surname_matches(holder, mrz_surname)


@pytest.mark.parametrize(("holder", "mrz_surname"), [
    ("Jan Jansen", "DE<VRIES"),
    ("Jan de Vries", "VRIESMAN"),
    ("Anna van den Berg", "VAN<DER<BERG"),
    ("", "DE<VRIES"),
    ("Jan de Vries", ""),
])
def test_surname_does_not_match(holder: str, mrz_surname: str) -> None:
    assert not surname_matches(holder, mrz_surname)


def test_truncated_surname() -> None:
    assert surname_matches("Anna Wolfeschlegelsteinhausen", "WOLFESCHLEGELSTEIN", truncated=True)
    assert not surname_matches("Anna Wolfeschlegelsteinhausen", "WOLFESCHLEGELSTEIN")


def test_bsn_in_free_text() -> None:
    assert text_has_bsn("Mijn BSN is 1234.56.782.")
    assert text_has_bsn("burgerservicenummer123456782")
    assert not text_has_bsn("Klantnummer 123456789")
    assert not text_has_bsn("IBAN NL91ABNA0417164300 1234567820")
