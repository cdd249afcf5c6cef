"""Issue 27: a photo of the ID alone (no form) is `incomplete` for the form, and its ID check
does not speak of a handwritten name: there is no form, so no name to compare with.

Drawn with the external corpus's own recipe (tests/corpus/external.py ``r_id_only``: the ID on
an A4 page, photographed, sent as a JPEG in an e-mail).
"""

from __future__ import annotations

from pathlib import Path

from corpus import external as E

from formgen.check.submission import check_submission

KEY = b"external-corpus-key-0123456789abcdef"


def test_an_id_photographed_alone_is_incomplete_for_the_form(tmp_path: Path) -> None:
    case = E.build_one(tmp_path, KEY, 1200, 0, [E.r_id_only])
    result = check_submission(case.path, key=KEY, from_address=case.sender, today=E.today())
    checks = {c.code: c for c in result.checks}
    assert str(result.verdict) == "incomplete"
    assert str(checks["form"].status) == "missing"
    assert str(checks["id_document"].status) == "ok", checks["id_document"].message
    assert "hand geschreven" not in checks["id_name"].message
    assert "formulier" in checks["id_name"].message
