"""A token read from a QR code without a key reaches the reply writer: an id in it with a
line end after it ("$" matches before a final newline) must not crash `check --reply`.

The scans are made here: the blank form's pages with their QR codes replaced by prefilled
tokens (crafted, with a tag no key made) whose request id ends in a line end.
"""

from __future__ import annotations

import email
import email.policy
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import imap_server as dovecot
import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from formgen.form import blank_form
from formgen.form.template import get_template

DPI = 200


def _scans(folder: Path, request_id: str) -> None:
    template = get_template()
    form, scale = template.form, DPI / 72
    for number, page in enumerate(pdfium.PdfDocument(blank_form()), start=1):
        image = page.render(scale=scale).to_pil().convert("L")
        text = (f"WZL1:{form.id}:{form.version}:{number}/{form.page_count}:{request_id}:K42:"
                f"20261125:{'A' * 26}")
        code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
        rect = template.layout.page(number).qr
        size, x, y = round(rect.width * scale), round(rect.x * scale), round(rect.y * scale)
        modules = Image.fromarray(np.asarray(code.to_image(scale=1, add_quiet_zones=False)))
        image.paste(255, (x - 10, y - 10, x + size + 10, y + size + 10))
        image.paste(modules.resize((size, size), Image.Resampling.NEAREST), (x, y))
        assert [r.text for r in zxingcpp.read_barcodes(np.asarray(image))] == [text]
        image.save(folder / f"pagina-{number}.png")


def test_a_page_whose_code_is_damaged_is_the_page_its_print_says(tmp_path: Path) -> None:
    """A QR code read but no valid token (no page number to trust): page 2 is still page 2,
    placed by its marks and known by its print, and its boxes are judged; not "pagina 2
    ontbreekt" (drawn as of 2026-12-07 both pages were taken for page 1)."""
    from formgen.check.submission import check_submission
    from formgen.check.verdict import Status

    _scans(tmp_path, "R123\n")
    result = check_submission(tmp_path, key=None)
    checks = {c.code: c for c in result.checks}
    assert checks["pages"].status is Status.OK, checks["pages"].message
    assert checks["field:sign_place"].status is Status.MISSING
    assert "ontbreekt" not in checks["field:sign_place"].message


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_a_request_id_ending_in_a_line_end_gets_a_reply(end: str, tmp_path: Path) -> None:
    scans, replies = tmp_path / "scan", tmp_path / "antwoorden"
    scans.mkdir()
    _scans(scans, "R123" + end)
    result = subprocess.run([sys.executable, "-m", "formgen", "check", str(scans), "--reply",
                             str(replies)], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr  # incomplete: an empty form
    [reply] = list(replies.glob("*.eml"))
    message = email.message_from_bytes(reply.read_bytes(), policy=email.policy.default)
    assert message["Subject"].startswith("Uw wijzigingsformulier is nog niet compleet")
    assert "R123" not in message["Subject"]  # a damaged token's id is not trusted


def test_the_inbox_drafts_a_reply_to_such_a_message(tmp_path: Path) -> None:
    """`formgen inbox` (no key) files the message and drafts its reply, run after run."""
    scans = tmp_path / "scan"
    scans.mkdir()
    _scans(scans, "R123\n")
    mail = EmailMessage()
    mail["From"], mail["To"] = "klant@voorbeeld.nl", "klantenservice@voorbeeld.nl"
    mail["Subject"], mail["Message-ID"] = "Mijn formulier", "<regeleinde@voorbeeld.nl>"
    mail.set_content("Hierbij het formulier.")
    for page in sorted(scans.iterdir()):
        mail.add_attachment(page.read_bytes(), maintype="image", subtype="png",
                            filename=page.name)
    server = dovecot.start()
    try:
        server.deliver(bytes(mail))
        for _ in range(2):
            run = subprocess.run([sys.executable, "-m", "formgen", "inbox", "--port",
                                  str(server.imap_port), "--starttls", "--state",
                                  str(tmp_path / "state.sqlite")], env=server.env(),
                                 capture_output=True, text=True, timeout=600)
            assert "Traceback" not in run.stderr, run.stderr
            assert run.returncode in (0, 1), run.stderr
        [draft] = dovecot.drafts(server)
        assert draft["In-Reply-To"] == "<regeleinde@voorbeeld.nl>"
        assert draft["Subject"].startswith("Uw wijzigingsformulier is nog niet compleet")
    finally:
        server.stop()
