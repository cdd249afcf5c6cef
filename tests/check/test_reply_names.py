"""Replies never name support's own files: the .eml a message was saved as, the folder a
submission sits in, or a path. A message without a form or any attachment is no submission:
it is unreadable ("geen formulier of bijlage") and its reply says no form came, with the link
to the article. Attachment names the customer chose may be named, without any folder."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import numpy as np
import pytest
from corpus import submissions as S
from PIL import Image, ImageDraw

from formgen.check.report import reply_message
from formgen.check.submission import (
    NOT_A_SUBMISSION,
    SubmissionResult,
    check_email_message,
    check_submission,
)
from formgen.check.verdict import Verdict
from formgen.definition import load_company

CORRUPT_PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8


def _question(path: Path) -> None:
    """A question by e-mail: text only, no attachment."""
    msg = EmailMessage()
    msg["From"] = "kees@example.nl"
    msg["To"] = "klantenservice@wijzigingsloket.nl"
    msg["Subject"] = "Vraag over mijn factuur"
    msg["Message-ID"] = "<vraag-1@example.nl>"
    msg.set_content("Beste klantenservice,\n\nWanneer komt mijn factuur?\n\nGroet, Kees\n")
    path.write_bytes(bytes(msg))


def _body(result: SubmissionResult) -> str:
    message = reply_message(result)
    assert message is not None
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.parametrize("name", ["03-alleen-tekst.eml", "vraag kees.eml", "bericht.EML"])
def test_question_without_attachment_is_no_submission(tmp_path: Path, name: str) -> None:
    path = tmp_path / "postvak" / name
    path.parent.mkdir()
    _question(path)
    result = check_submission(path, key=b"k" * 32, today=S.today())
    assert result.verdict is Verdict.UNREADABLE
    assert result.not_a_submission
    form = next(c for c in result.checks if c.code == "form")
    assert form.message.startswith(NOT_A_SUBMISSION)
    body = _body(result)
    assert "geen wijzigingsformulier van u ontvangen" in body
    assert load_company().article_url("form") in body
    assert "Bedankt voor uw wijzigingsformulier" not in body
    assert name not in body and "postvak" not in body and str(tmp_path) not in body
    assert "kunnen wij niet openen" not in body


def test_empty_folder_and_mailbox_message_are_no_submission(tmp_path: Path) -> None:
    empty = tmp_path / "inzending-van-kees"
    empty.mkdir()
    result = check_submission(empty, key=None, today=S.today())
    assert result.verdict is Verdict.UNREADABLE and result.not_a_submission
    body = _body(result)
    assert "inzending-van-kees" not in body and "map" not in body

    _question(tmp_path / "q.eml")
    result = check_email_message((tmp_path / "q.eml").read_bytes(), "imap://x/INBOX;UID=7",
                                 key=None, name="bericht-7.eml")
    assert result.not_a_submission and "bericht-7" not in _body(result)


def test_attachment_names_without_paths(tmp_path: Path) -> None:
    """A broken file in a folder submission is named as the customer named it; no folder."""
    rng = np.random.default_rng(4)
    root = tmp_path / "klant-123"
    (root / "bijlagen" / "diep").mkdir(parents=True)
    names = ["scan.pdf", "Formulier (1).pdf", "IMG 2031.pdf"]
    for i, name in enumerate(names):
        (root / "bijlagen" / ("diep" if i % 2 else "") / name).write_bytes(CORRUPT_PDF)
    eml = tmp_path / "07-kapotte-bijlage.eml"
    S.write_eml(eml, "kees@example.nl", [("mijn scan.pdf", CORRUPT_PDF)], rng)
    for source, shown in ((root, names), (eml, ["mijn scan.pdf"])):
        result = check_submission(source, key=None, today=S.today())
        assert result.verdict is Verdict.UNREADABLE and not result.not_a_submission
        body = _body(result)
        for name in shown:
            assert f"Het bestand {name} kunnen wij niet openen" in body
        for ours in ("klant-123", "bijlagen", "diep", "07-kapotte-bijlage", str(tmp_path)):
            assert ours not in body
        assert "Bedankt voor uw e-mail" in body


def test_message_with_only_a_logo_is_no_submission(tmp_path: Path) -> None:
    """A question whose only attachment is the logo of the sender's e-mail signature: neither
    the form nor an ID copy came; the reply says so without naming the logo."""
    logo = Image.new("RGB", (320, 90), (20, 70, 140))
    ImageDraw.Draw(logo).text((12, 30), "Bakkerij Jansen B.V.", fill=(255, 255, 255))
    buffer = io.BytesIO()
    logo.save(buffer, format="PNG")
    path = tmp_path / "12-vraag-met-logo.eml"
    S.write_eml(path, "info@bakkerij.example.nl", [("image001.png", buffer.getvalue())],
                np.random.default_rng(2))
    result = check_submission(path, key=None, today=S.today())
    assert result.verdict is Verdict.UNREADABLE and result.not_a_submission
    assert not result.no_file
    body = _body(result)
    assert "geen wijzigingsformulier en geen kopie van een identiteitsbewijs" in body
    assert "image001" not in body and "12-vraag" not in body
