"""Replies are drafts in the customer's thread: X-Unsent, In-Reply-To and a trimmed References
from the customer's own e-mail, a To with its domain in IDNA, one extension in the file name.

A References header of 200,000 ids (4 MB) once cost 41.5 s and a 4 MB header in the draft;
now the reply keeps the first id and the last few, each a valid msg-id, at once."""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

import idna
import pytest
from corpus import submissions as S

from formgen.check.inbox.drafts import draft_message
from formgen.check.msgid import RECENT_IDS
from formgen.check.report import recipient, reply_message, write_replies, write_report
from formgen.check.submission import SubmissionResult, check_submission

OWN_ID = "<vraag.42@mail.example.nl>"
BAD_IDS = ["<geen-apenstaart>", "<[10.0.0.1]@literal>", "<a@b@c>", "<met spatie@x.nl>",
           "<a..b@x.nl>", "<>", "<" + "x" * 300 + "@x.nl>"]


def _question(path: Path, references: str | None, message_id: str | None = OWN_ID) -> Path:
    msg = EmailMessage()
    msg["From"] = "kees@example.nl"
    msg["Subject"] = "Vraag"
    if message_id:
        msg["Message-ID"] = message_id
    msg.set_content("Wanneer komt mijn factuur?\n")
    raw = bytes(msg)
    if references is not None:  # as a mailer writes it: one folded line, not parsed by us
        folded = references.replace("> <", ">\r\n <")
        raw = raw.replace(b"Subject:", f"References: {folded}\r\nSubject:".encode(), 1)
    path.write_bytes(raw)
    return path


def _check(path: Path, **kwargs: object) -> SubmissionResult:
    return check_submission(path, key=None, today=S.today(), **kwargs)  # type: ignore[arg-type]


def _read(path: Path) -> email.message.EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


@pytest.mark.parametrize("name", ["03-alleen-tekst.eml", "vraag.v2.EML", "geen-extensie"])
def test_reply_file_is_a_threaded_draft(tmp_path: Path, name: str) -> None:
    refs = ["<start@a.nl>", *BAD_IDS, "<mid.1@a.nl>", "<abc@[10.0.0.1]>"]
    result = _check(_question(tmp_path / name, " ".join(refs)))
    [path] = write_replies([result], tmp_path / "antwoord")
    assert re.fullmatch(r"001-[A-Za-z0-9_-]+\.eml", path.name), path.name
    reply = _read(path)
    assert reply["X-Unsent"] == "1"
    assert reply["In-Reply-To"] == OWN_ID
    assert str(reply["References"]).split() == ["<start@a.nl>", "<mid.1@a.nl>",
                                                "<abc@[10.0.0.1]>", OWN_ID]
    assert result.to_json()["message_id"] == OWN_ID


def test_no_message_id_no_threading(tmp_path: Path) -> None:
    result = _check(_question(tmp_path / "q.eml", "<a@b.nl>", message_id=None))
    reply = reply_message(result)
    assert reply is not None and reply["X-Unsent"] == "1"
    assert reply["In-Reply-To"] is None and reply["References"] is None


def test_huge_references_stay_fast_and_small(tmp_path: Path) -> None:
    ids = [f"<id{i}.thread@mail.example.nl>" for i in range(200_000)]
    refs = " ".join(ids[:1000] + BAD_IDS + ids[1000:] + BAD_IDS)
    path = _question(tmp_path / "lang.eml", refs)
    assert path.stat().st_size > 4_000_000
    start = time.perf_counter()
    result = _check(path)
    reply = reply_message(result)
    assert reply is not None
    draft = draft_message(result, "<concept.1@wijzigingsloket.nl>", OWN_ID, refs)
    assert draft is not None
    data, draft_data = bytes(reply), bytes(draft)
    elapsed = time.perf_counter() - start
    assert elapsed < 5, elapsed
    for message in (reply, draft):
        kept = str(message["References"]).split()
        assert kept[0] == ids[0] and kept[-1] == OWN_ID
        assert kept[1:-1] == ids[-(RECENT_IDS - 1):]
        assert len(str(message["References"])) < 1_000
    assert len(data) < 20_000 and len(draft_data) < 20_000


@pytest.mark.parametrize("address", ["kees@bücher.example", "anna@пример.рф",
                                     "li@例子.中国", "jan@straße.de", "eva@ÉCOLE.fr"])
def test_idn_domain_in_idna(tmp_path: Path, address: str) -> None:
    result = _check(_question(tmp_path / "q.eml", None), from_address=address)
    reply = reply_message(result)
    assert reply is not None
    to = reply["To"]
    assert to is not None and str(to).isascii() and "=?" not in bytes(reply).decode("ascii")
    local, _, domain = str(to).partition("@")
    assert local == address.split("@")[0]
    assert idna.decode(domain) == idna.decode(idna.encode(address.split("@")[1], uts46=True))


@pytest.mark.parametrize("address", ["jürgen@example.nl", "иван@пример.рф", "用户@例子.中国"])
def test_non_ascii_local_part_is_left_to_support(tmp_path: Path, address: str) -> None:
    result = _check(_question(tmp_path / "q.eml", None), from_address=address)
    reply = reply_message(result)
    assert reply is not None and reply["To"] is None
    bytes(reply).decode("ascii")  # nothing undeclared in the headers
    to, note = recipient(result)
    assert to is None and note is not None and address in note
    page = next(p for p in write_report([result], tmp_path / "rapport").parent.glob("0*.html"))
    assert "vóór de @" in page.read_text(encoding="utf-8")
