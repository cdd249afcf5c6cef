"""E-mails built to exhaust the parser: headers, encoded words, addresses and MIME parts.

Each e-mail is written as raw bytes and read by intake in a child process whose address space
is capped at 1.5 GB (RLIMIT_AS) and whose run time is bounded, so a bomb that gets through
fails the test instead of taking the test machine down. For each: the e-mail is read in a few
seconds, what was cut is named in a problem line, and the attachment is still read.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from formgen.check.intake.email_limits import (
    MAX_ADDRESS_HEADER_CHARS,
    MAX_ENCODED_WORDS,
    MAX_HEADER_CHARS,
    MAX_HEADER_LINES,
    MAX_MIME_PARTS,
)
from formgen.check.intake.limits import MAX_FILES
from formgen.check.intake.sources import open_email_bytes

CAP_BYTES = 1536 * 1024 * 1024
SECONDS = 10.0  # one bomb, read by intake on a shared test machine (a few tenths on one core)

CHILD = """
import json, sys, time
from pathlib import Path
from formgen.check.intake import load_submission
start = time.perf_counter()
sub = load_submission(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - start, "sender": sub.sender,
                  "subject": sub.subject, "files": sub.files,
                  "pages": [p.file_name for p in sub.pages],
                  "problems": [p.message for p in sub.problems]}))
"""


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def read_capped(path: Path) -> dict[str, object]:
    """load_submission(path) in a child process under the memory cap; its findings."""
    run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                         preexec_fn=_cap, timeout=120)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-2000:]
    result: dict[str, object] = json.loads(run.stdout)
    return result


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((300, 200, 3), 250, np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _attachment(name_params: bytes = b'filename="blad.png"',
                ctype: bytes = b"image/png") -> bytes:
    import base64

    return (b"Content-Type: " + ctype + b"\r\nContent-Disposition: attachment; " + name_params
            + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(_png()).replace(b"\n", b"\r\n"))


def eml(headers: bytes, parts: list[bytes] | None = None, before: bytes = b"") -> bytes:
    """A multipart/mixed message: extra headers, then `before` raw, then parts (a PNG)."""
    parts = [_attachment()] if parts is None else parts
    body = before + b"".join(b"--B\r\n" + part for part in parts) + b"--B--\r\n"
    return (b"From: klant@voorbeeld.nl\r\n" * (b"From:" not in headers) + headers
            + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n" + body)


def _words(word: bytes, count: int, sep: bytes = b"\r\n ") -> bytes:
    return sep.join([word] * count)


ENCODED = b"=?utf-8?q?ab=C3=A9?="

# Headers that intake decodes, each blown up the ways that made the stdlib slow or huge.
HEADER_BOMBS = [
    ("subject of 20,000 encoded words", eml(b"Subject: " + _words(ENCODED, 20_000) + b"\r\n"),
     f"meer dan {MAX_ENCODED_WORDS} gecodeerde stukken"),
    ("subject of 200,000 encoded words (2.8 MB)",
     eml(b"Subject: " + _words(ENCODED, 200_000) + b"\r\n"), f"langer dan {MAX_HEADER_CHARS}"),
    ("subject of one 2 MB line", eml(b"Subject: " + b"a" * 2_000_000 + b"\r\n"),
     f"langer dan {MAX_HEADER_CHARS}"),
    ("From of 1 MB of words", eml(b"From: " + _words(b"woord", 170_000, b" ")
                                  + b" <klant@voorbeeld.nl>\r\n"),
     f"langer dan {MAX_ADDRESS_HEADER_CHARS} tekens en is niet als e-mailadres gebruikt"),
    ("From of 0.5 MB of commas", eml(b"From: " + b"," * 500_000 + b"klant@voorbeeld.nl\r\n"),
     f"langer dan {MAX_ADDRESS_HEADER_CHARS} tekens en is niet als e-mailadres gebruikt"),
    ("From of 20,000 encoded words", eml(b"From: " + _words(ENCODED, 20_000)
                                         + b" <klant@voorbeeld.nl>\r\n"),
     f"langer dan {MAX_ADDRESS_HEADER_CHARS} tekens en is niet als e-mailadres gebruikt"),
    ("From folded over 150,000 lines", eml(b"From: " + _words(b"a,", 150_000) + b"\r\n"),
     "niet als e-mailadres gebruikt"),
    ("filename of 8,000 encoded words", eml(b"Subject: x\r\n", [_attachment(
        b'filename="' + _words(ENCODED, 8_000, b" ") + b'.png"')]),
     f"meer dan {MAX_ENCODED_WORDS} gecodeerde stukken"),
    ("Content-Type name of 8,000 encoded words", eml(b"Subject: x\r\n", [_attachment(
        b"x=y", b'image/png; name="' + _words(ENCODED, 8_000, b" ") + b'.png"')]),
     f"meer dan {MAX_ENCODED_WORDS} gecodeerde stukken"),
    ("RFC 2231 filename of 100,000 pieces", eml(b"Subject: x\r\n", [_attachment(
        b"; ".join(b"filename*%d*=utf-8''ab%%C3%%A9" % i for i in range(100_000)))]),
     f"langer dan {MAX_HEADER_CHARS}"),
    ("600,000 header lines", eml(b"X-K: v\r\n" * 600_000 + b"Subject: x\r\n"),
     f"meer dan {MAX_HEADER_LINES} kopregels"),
]


@pytest.mark.parametrize(("name", "data", "note"), HEADER_BOMBS, ids=[b[0] for b in HEADER_BOMBS])
def test_header_bombs_are_cut_before_they_are_parsed(
    name: str, data: bytes, note: str, tmp_path: Path
) -> None:
    path = tmp_path / "bom.eml"
    path.write_bytes(data)
    found = read_capped(path)
    assert float(str(found["seconds"])) < SECONDS
    problems = [str(p) for p in found["problems"]]  # type: ignore[attr-defined]
    assert any(note in p for p in problems), problems
    if "kopregels" not in note:  # past the header lines, the rest of the e-mail is not read
        assert len(found["pages"]) == 1, found  # type: ignore[arg-type]
    if name.startswith("From"):
        assert found["sender"] is None


def test_cut_subject_and_name_keep_their_decoded_start() -> None:
    data = eml(b"Subject: " + _words(ENCODED, 5_000) + b"\r\n", [_attachment(
        b'filename="' + _words(ENCODED, 5_000, b" ") + b'.png"')])
    opened = open_email_bytes(data, "bom.eml")
    assert opened.subject is not None and opened.subject.startswith("abéabé")
    assert opened.sources[0].name.startswith("abéabé")
    assert opened.sender == "klant@voorbeeld.nl"


def _nested(depth: int) -> bytes:
    """depth multiparts, each holding the next."""
    head = b"".join(b"--B%d\r\nContent-Type: multipart/mixed; boundary=B%d\r\n\r\n" % (i, i + 1)
                    for i in range(depth))
    return head + b"--B%d\r\n" % depth + _attachment()


PART_BOMBS = [
    ("1,000,000 empty parts", eml(b"Subject: x\r\n", [_attachment()] + [b"\r\n"] * 1_000_000)),
    ("200,000 named attachments", eml(b"Subject: x\r\n", [_attachment()] + [
        b"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=f%d.txt\r\n"
        b"\r\nx\r\n" % i for i in range(200_000)])),
    ("100,000 forwarded messages", eml(b"Subject: x\r\n", [_attachment()] + [
        b"Content-Type: message/rfc822\r\n\r\nFrom: a@b.nl\r\nSubject: y\r\n\r\nz\r\n"] * 100_000)),
    ("multiparts nested 50,000 deep", eml(
        b"Subject: x\r\n", [b"Content-Type: multipart/mixed; boundary=B0\r\n\r\n"
                            + _nested(50_000)])),
]


@pytest.mark.parametrize(("name", "data"), PART_BOMBS, ids=[b[0] for b in PART_BOMBS])
def test_part_bombs_stop_after_the_part_limit(name: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "delen.eml"
    path.write_bytes(data)
    found = read_capped(path)
    assert float(str(found["seconds"])) < SECONDS
    problems = [str(p) for p in found["problems"]]  # type: ignore[attr-defined]
    assert any(f"meer dan {MAX_MIME_PARTS} delen" in p for p in problems), problems
    files = found["files"]
    assert isinstance(files, list) and len(files) <= MAX_FILES
    if not name.startswith("multiparts nested"):
        assert found["pages"] == ["blad.png"]


def test_part_limit_leaves_an_ordinary_mail_whole() -> None:
    data = eml(b"Subject: x\r\n", [_attachment(b'filename="p%d.png"' % i) for i in range(40)])
    opened = open_email_bytes(data, "veel.eml")
    assert [s.name for s in opened.sources] == [f"p{i}.png" for i in range(40)]
    assert opened.problems == []


# Raw bytes in From: that are not UTF-8 are no address (RFC 6532 allows UTF-8 only).
NOT_UTF8 = [b"j\xe9n@voorbeeld.nl", b"jan@voorb\xe9eld.nl", b"jan\xff@voorbeeld.nl",
            b"jan@voorbeeld.n\x80l", b"ja\xc3n@voorbeeld.nl", b"Jan \xe9 <jan@voorbeeld.nl>"]


@pytest.mark.parametrize("sender", NOT_UTF8)
def test_from_with_raw_bytes_that_are_not_utf8_is_refused(sender: bytes) -> None:
    opened = open_email_bytes(eml(b"From: " + sender + b"\r\nSubject: x\r\n"), "post.eml")
    assert opened.sender is None
    assert any("geen geldige UTF-8" in p.message for p in opened.problems)
    assert len(opened.sources) == 1  # the attachment is still read


@pytest.mark.parametrize(("raw", "address"), [
    ("jan@voorbéeld.nl".encode(), "jan@voorbéeld.nl"),
    ("Jän <jän@voorbeeld.nl>".encode(), "jän@voorbeeld.nl"),
    (b"=?utf-8?q?J=C3=A4n?= <jan@voorbeeld.nl>", "jan@voorbeeld.nl"),
])
def test_from_in_utf8_is_read(raw: bytes, address: str) -> None:
    opened = open_email_bytes(eml(b"From: " + raw + b"\r\nSubject: x\r\n"), "post.eml")
    assert opened.sender == address
    assert opened.problems == []


@pytest.mark.parametrize("line_end", [b"\r\n", b"\n"])
def test_parsing_in_pieces_reads_what_one_parse_reads(line_end: bytes) -> None:
    """The parser is fed in pieces (so it can stop); a piece may end inside a CR LF."""
    import email
    import email.policy

    from formgen.check.intake.email_headers import Budget, parse

    rng = np.random.default_rng(7)
    parts = [_attachment(b'filename="p%d.png"' % i) for i in range(6)] + [
        b"Content-Type: text/plain\r\n\r\n" + bytes(rng.integers(32, 127, 20_000, np.uint8))
        + b"\r\n"]
    data = eml(b"Subject: =?utf-8?q?f=C3=A9?= x\r\n", parts).replace(b"\r\n", line_end)
    for shift in (0, 1, 8191, 8192, 8193):  # pieces of 8 KB: the cut lands anywhere
        padded = data.replace(b"Subject:", b"X-Pad: " + b"p" * shift + line_end + b"Subject:")
        ours = parse(padded, Budget())
        theirs = email.message_from_bytes(padded, policy=email.policy.compat32)
        assert [(p.get_filename(), p.get_payload(decode=True)) for p in ours.walk()] == [
            (p.get_filename(), p.get_payload(decode=True)) for p in theirs.walk()]
        assert ours.get("Subject") == theirs.get("Subject")
    opened = open_email_bytes(data, "post.eml")
    assert opened.subject == "fé x"
    assert [s.name for s in opened.sources] == [f"p{i}.png" for i in range(6)]
