"""The PDF syntax a prefilled form's update is written in (pdfsyntax.py)."""

from __future__ import annotations

import pytest

from formgen.form import pdfsyntax


@pytest.mark.parametrize("end", ["\n", "\r", " ", "\t", "\x85", "\u2028", "\x00"])
def test_a_name_with_a_line_end_or_space_after_it_is_refused(end: str) -> None:
    """A name is written as /Name with nothing around it: whitespace would end it early."""
    assert pdfsyntax.value(pdfsyntax.Name("Helv")) == b"/Helv"
    with pytest.raises(ValueError, match="PDF name"):
        pdfsyntax.value(pdfsyntax.Name("Helv" + end))


@pytest.mark.parametrize("end", ["\n", "\r", "\x85", "\u2028"])
def test_text_with_a_line_end_is_written_as_utf16(end: str) -> None:
    """Only printable ASCII goes into a literal string; a line end inside one would be
    read back as a different line end (PDF reads CR, LF and CRLF alike as LF)."""
    assert pdfsyntax.text("Amsterdam") == b"(Amsterdam)"
    written = pdfsyntax.text("Amsterdam" + end)
    assert written.startswith(b"<FEFF")
    assert bytes.fromhex(written[5:-1].decode()).decode("utf-16-be") == "Amsterdam" + end
