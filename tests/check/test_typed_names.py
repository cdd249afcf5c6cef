"""Names typed in a viewer, printed (PDFium, poppler) and scanned, read exactly: letters
outside Latin-1 (Ł, Ş, ễ), accents (ü, é) and "El" (not "EI"); and a name not read surely is
not reported as sure (check.value_reading, check.latin_ocr, check.marks)."""

from __future__ import annotations

import numpy as np
import pytest
from corpus.submissions import today
from corpus.typed import typed_case
from corpus.typed_lines import typed_line

from formgen.check import latin_ocr
from formgen.check.changes import SURE_CONFIDENCE
from formgen.check.marks import more_marked, restore_marks
from formgen.check.submission import check_submission
from formgen.check.validate_value import tidy
from formgen.check.value_reading import fill_drops

KEY = b"typed-names-test-key-0123456789abcdef"
# Given names and surnames not in the corpus' own lists, with the same kinds of letters.
GIVEN = ("Łucja", "Şükrü", "Renée", "Jürgen", "Zoë", "Élise")
SURNAMES = ("Nguyễn", "El Idrissi", "Müller", "Kałuża", "Şimşek", "El Amrani")
NAME_FIELDS = ("new_name", "new_account_holder")


def _names(seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    given = rng.permutation(GIVEN)
    surnames = rng.permutation(SURNAMES)
    return {field: f"{given[i]} {surnames[i]}" for i, field in enumerate(NAME_FIELDS)} | {
        "new_city": f"{given[2]} {surnames[2]}", "new_street": f"{surnames[3]}straat 7"}


@pytest.mark.parametrize(("renderer", "dpi", "seed"),
                         [("pdfium", 150, 1), ("poppler", 200, 2), ("pdfium", 300, 3)])
def test_typed_names_are_read_exactly(tmp_path, renderer: str, dpi: int, seed: int) -> None:
    written = _names(seed)
    case = typed_case(tmp_path / "case", KEY, np.random.default_rng(seed), renderer=renderer,
                      overrides=written, dpi=dpi, with_id=False)
    result = check_submission(case.path, key=KEY, today=today(),
                              from_address=case.person.email)
    read = {c.field: c for c in result.changes}
    wrong = {f: read[f].value for f, text in written.items()
             if f not in read or read[f].value != tidy(text)}
    assert not wrong, (written, wrong)
    known = latin_ocr.known()
    for field, text in written.items():
        assert read[field].source == "typed", field
        if any(c.isalpha() and c not in known for c in text):  # ễ: put in, not read
            assert read[field].confidence < SURE_CONFIDENCE, (field, read[field])


def test_a_letter_the_latin_recogniser_drops_is_put_in_and_marked_as_guessed() -> None:
    assert fill_drops("Nguyn", "Nguyen") == ("Nguyen", frozenset({4}))
    assert fill_drops("Łukasz El Amrani", "tukasz EI Amrani") == ("Łukasz El Amrani",
                                                                  frozenset())
    assert fill_drops("NoorEl", "Noor El") == ("Noor El", frozenset())



@pytest.mark.parametrize("size", [28, 34])
def test_a_letter_the_latin_recogniser_does_not_know_is_chosen_from_the_drawing(
        size: int) -> None:
    known = latin_ocr.known()
    assert "ễ" not in known and "ễ" in more_marked("ê", known) and "Ł" in known
    for seed, (text, read, filled) in enumerate((("Nguyễn", "Nguyen", {4}),
                                                 ("Nguyễn Lan", "Nguyen Lan", {4}))):
        line = typed_line(text, size, seed)
        assert restore_marks(line, read, unknown_to=known, filled=frozenset(filled)) == text
    for seed, text in enumerate(("Noor El Amrani", "Kees de Vries", "Lieke Willemsen",
                                 "Thi Lan Müller", "Łucja Kałuża")):
        line = typed_line(text, size, seed)
        assert restore_marks(line, text, unknown_to=known) == text, text
