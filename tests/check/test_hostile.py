"""Hostile submissions: everything in them is written by someone outside the company.

One table of cases, by class. For each: the validator gives a verdict (never a traceback), the
outputs (JSON, table, HTML report, reply) are written, nothing lands outside the output folders,
and what the attacker wrote stays data: escaped in HTML, literal in the terminal, bounded in the
reply. The report is also opened in headless Chromium: no script may run, no dialog may open.
Older classes (corrupt, encrypted, bombs, path names in attachments, forged tokens) have their
own tests in test_intake.py and test_submission.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from corpus import bombs as B
from corpus import forms
from corpus import submissions as S
from PIL import Image

from formgen.check.intake.limits import MAX_EMAIL_NESTING, MAX_FILES
from formgen.check.report import COPY_SCRIPT, MAX_REPLY_PROBLEMS

CAP_BYTES = 1536 * 1024 * 1024
# Bidi controls and other format characters that reorder or hide shown text.
BIDI = ("\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
        "\u061c", "\u200b")
PAYLOADS = ("<script>alert('x')</script>", "<img src=x onerror=alert('x')>",
            "javascript:alert('x')")
KEY = "hostile-test-key-0123456789abcdef"


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # builds the submission in a folder, returns its PATH
    expect_verdict: set[str]
    expect_text: str | None = None  # must appear (literally) in the table, the JSON or a reply
    capped: bool = False  # a memory bomb: checked under CAP_BYTES of address space
    forbid: tuple[str, ...] = ()  # must not appear in the table, the JSON, a reply or the report
    reply: bool = False  # a reply is written, and expect_text is in it


def _png(tmp: Path, name: str = "blad.png", size: tuple[int, int] = (400, 560)) -> bytes:
    image = Image.fromarray(np.full((size[1], size[0], 3), 250, np.uint8))
    path = tmp / name
    image.save(path)
    return path.read_bytes()


def _eml(path: Path, sender: str, attachments: list[tuple[str, bytes]],
         subject: str = "Formulier") -> Path:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klantenservice@voorbeeld.nl"
    message["Subject"] = subject
    message.set_content("Zie de bijlage.")
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=name)
    path.write_bytes(bytes(message))
    return path


def _typed_reply_address(tmp: Path) -> Path:
    """A digital form whose typed reply address is markup: it reaches the report's messages."""
    rng = np.random.default_rng(5)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY.encode(), True, rng)
    values = S.form_values(person, rng, prefilled=True)
    values["reply_email"] = "'" + PAYLOADS[0] + "'@x.nl [/x]"
    path = tmp / "digitaal.pdf"
    path.write_bytes(forms.fill_digital(pdf, values))
    return path


def _sender_quoted_local_part(tmp: Path) -> Path:
    return _eml(tmp / "afzender.eml", '"<script>alert(1)</script>[/x]"@voorbeeld.nl',
                [("blad.png", _png(tmp))])


def _attachment_names(tmp: Path) -> Path:
    return _eml(tmp / "namen.eml", "klant@voorbeeld.nl",
                [(p + ".png", b"not really a png") for p in PAYLOADS])


def _hostile_path(tmp: Path) -> Path:
    folder = tmp / "<img src=x onerror=alert('pad')> [red]pad"  # no '/': it is one name
    folder.mkdir()
    (folder / "blad.png").write_bytes(_png(tmp))
    return folder


def _non_utf8_path(tmp: Path) -> Path:
    folder = Path(os.fsdecode(bytes(tmp) + b"/map-\xff\xfe"))
    folder.mkdir()
    (folder / "blad.png").write_bytes(_png(tmp))
    return folder


def _nested_too_deep(tmp: Path) -> Path:
    inner = EmailMessage()
    inner["From"] = "klant@voorbeeld.nl"
    inner["Subject"] = "diep"
    inner.set_content("x")
    inner.add_attachment(_png(tmp), maintype="image", subtype="png", filename="diep.png")
    for level in range(MAX_EMAIL_NESTING + 2):
        outer = EmailMessage()
        outer["From"] = "klant@voorbeeld.nl"
        outer["Subject"] = f"Fwd {level}"
        outer.set_content("doorgestuurd")
        outer.add_attachment(inner)
        inner = outer
    path = tmp / "genest.eml"
    path.write_bytes(bytes(inner))
    return path


def _many_parts(tmp: Path) -> Path:
    return _eml(tmp / "veel.eml", "klant@voorbeeld.nl",
                [(f"bestand-{i}.txt", b"tekst") for i in range(5000)])


def _many_pages(tmp: Path) -> Path:
    page = _png(tmp)
    return _eml(tmp / "pagina-s.eml", "klant@voorbeeld.nl",
                [(f"p{i}.png", page) for i in range(MAX_FILES - 5)])


def _raw_eml(path: Path, headers: bytes, parts: list[bytes] | None = None,
             png: bytes = b"") -> Path:
    """A multipart e-mail written byte by byte: headers as given, then a PNG and parts."""
    import base64

    attachment = (b"Content-Type: image/png\r\nContent-Disposition: attachment; "
                  b'filename="blad.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
                  + base64.encodebytes(png).replace(b"\n", b"\r\n"))
    body = b"".join(b"--B\r\n" + part for part in [attachment, *(parts or [])])
    path.write_bytes(headers + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
                     b"boundary=B\r\n\r\n" + body + b"--B--\r\n")
    return path


def _encoded_word_subject(tmp: Path) -> Path:
    words = b"\r\n ".join([b"=?utf-8?q?ab=C3=A9?="] * 200_000)  # 2.8 MB: 22 GB before
    return _raw_eml(tmp / "onderwerp.eml", b"From: klant@voorbeeld.nl\r\nSubject: " + words
                    + b"\r\n", png=_png(tmp))


def _long_from(tmp: Path) -> Path:
    words = b"woord " * 170_000  # 1 MB: 102 s before
    return _raw_eml(tmp / "afzender-lang.eml", b"From: " + words + b"<klant@voorbeeld.nl>\r\n"
                    b"Subject: Formulier\r\n", png=_png(tmp))


def _million_empty_parts(tmp: Path) -> Path:
    return _raw_eml(tmp / "delen.eml", b"From: klant@voorbeeld.nl\r\nSubject: x\r\n",
                    [b"\r\n"] * 1_000_000, png=_png(tmp))


def _raw_8bit_from(tmp: Path) -> Path:
    return _raw_eml(tmp / "acht-bits.eml", b"From: j\xe9n@voorbeeld.nl\r\nSubject: x\r\n",
                    png=_png(tmp))


def _bidi_eml(tmp: Path, sender: str) -> Path:
    """U+202E and friends in the PATH, the subject and an attachment name, from sender."""
    name = "scan-" + "".join(BIDI) + "gnp.exe"
    message = EmailMessage()
    message["Subject"] = "Formulier " + "".join(BIDI)
    message["To"] = "klantenservice@voorbeeld.nl"
    message.set_content("Zie de bijlage.")
    message.add_attachment(_png(tmp), maintype="image", subtype="png", filename="blad.png")
    message.add_attachment(b"geen plaatje", maintype="image", subtype="png", filename=name)
    data = f"From: {sender}\n".encode() + bytes(message)  # raw UTF-8, as sent by a mailer
    path = tmp / ("post-" + "".join(BIDI) + "lme.eml")
    path.write_bytes(data)
    return path


def _bidi_names(tmp: Path) -> Path:
    return _bidi_eml(tmp, "Klant " + "".join(BIDI) + " <klant@voorbeeld.nl>")


def _bidi_address(tmp: Path) -> Path:
    return _bidi_eml(tmp, "klant" + "".join(BIDI) + "@voorbeeld.nl")


def _folder_with_special_files(tmp: Path) -> Path:
    folder = tmp / "map"
    deep = folder / "1" / "2" / "3" / "4" / "5"
    deep.mkdir(parents=True)
    (folder / "blad.png").write_bytes(_png(tmp))
    (deep / "pagina-2.png").write_bytes(_png(tmp))
    os.mkfifo(folder / "pijp.png")
    os.symlink("/etc/passwd", folder / "wachtwoorden.png")
    os.symlink(folder / "1", folder / "naar-map")
    with contextlib.suppress(OSError):  # not allowed here: the FIFO stands for the kind
        os.mknod(folder / "apparaat.png", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    return folder


CASES = [
    Case("typed value with markup", _typed_reply_address, {"incomplete", "review"}, "[/x]"),
    Case("sender with quoted local part", _sender_quoted_local_part,
         {"incomplete", "unreadable"}, "[/x]"),
    Case("attachment names with markup", _attachment_names, {"unreadable"}, "onerror"),
    Case("submission path with markup", _hostile_path, {"incomplete", "unreadable"},
         "[red]pad"),
    Case("non-UTF-8 bytes in the path", _non_utf8_path, {"incomplete", "unreadable"},
         "map-\ufffd\ufffd"),
    Case("forwarded deeper than the limit", _nested_too_deep, {"incomplete", "unreadable"},
         f"dieper dan {MAX_EMAIL_NESTING} lagen"),
    # 50 files read, one line for the files not taken, one for the MIME parts not parsed.
    Case("5000 attachments", _many_parts, {"incomplete", "unreadable"},
         f"Nog {MAX_FILES + 2 - MAX_REPLY_PROBLEMS} andere bestanden"),
    Case("more pages than the submission budget", _many_pages, {"incomplete", "unreadable"},
         "te groot om helemaal te controleren"),
    Case("subject of 200,000 encoded words", _encoded_word_subject,
         {"incomplete", "unreadable"}, "gecodeerde stukken", capped=True),
    Case("From of 1 MB", _long_from, {"incomplete", "unreadable"},
         "is niet als e-mailadres gebruikt", capped=True),
    Case("1,000,000 empty MIME parts", _million_empty_parts, {"incomplete", "unreadable"},
         "meer dan 200 delen", capped=True),
    Case("From with raw bytes that are not UTF-8", _raw_8bit_from,
         {"incomplete", "unreadable"}, "geen geldige UTF-8", forbid=("j\ufffdn", "j\xe9n")),
    Case("bidi controls in path, subject, display name and file name", _bidi_names,
         {"incomplete", "unreadable"}, "scan-gnp.exe", forbid=BIDI, reply=True),
    Case("bidi controls in the sender address", _bidi_address, {"incomplete", "unreadable"},
         "klant" + "\ufffd" * len(BIDI) + "@voorbeeld.nl", forbid=BIDI),
    Case("folder with a FIFO, symlinks, a device, too deep", _folder_with_special_files,
         {"incomplete", "unreadable"}, "dieper dan 4 mappen"),
]


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_submission(case: Case, tmp_path: Path, browser: object) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    submission = case.make(inbox)
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "uit"
    before = _tree(tmp_path)
    env = {**os.environ, "FORMGEN_SECRET": KEY, "HOME": str(home), "COLUMNS": "120"}
    env.pop("XDG_CACHE_HOME", None)
    common = [sys.executable, "-m", "formgen", "check", os.fsdecode(submission)]
    cap = _cap if case.capped else None
    as_json = subprocess.run([*common, "--json", "--report", str(out / "rapport"),
                              "--reply", str(out / "antwoord")],
                             capture_output=True, env=env, timeout=600, preexec_fn=cap)
    table = subprocess.run(common, capture_output=True, env=env, timeout=600, preexec_fn=cap)

    for run in (as_json, table):
        assert run.returncode in (0, 1), run.stderr.decode("utf-8", "replace")
        assert b"Traceback" not in run.stderr
    document = json.loads(as_json.stdout.decode("utf-8"))  # valid UTF-8 JSON
    result = document["submissions"][0]
    assert result["verdict"] in case.expect_verdict
    replies = [p.read_text(encoding="utf-8") for p in (out / "antwoord").glob("*.eml")]
    for reply in replies:
        assert len(reply) < 20_000
    shown = table.stdout.decode("utf-8") + as_json.stdout.decode("utf-8") + "".join(replies)
    if case.expect_text:
        assert case.expect_text in shown
    if case.reply:
        assert replies and all(case.expect_text in reply for reply in replies)
    for text in case.forbid:
        assert text not in shown, f"{text!r} shown"
        assert text not in json.dumps(document)  # also as a JSON escape

    # Nothing written outside the output folder (the fresh HOME included).
    after = _tree(tmp_path)
    new = {p for p in after - before if not p.startswith("uit")}
    assert not new, f"written outside the output folder: {sorted(new)[:5]}"

    # The report: everything escaped, a strict CSP, and no script runs in a browser.
    pages = sorted((out / "rapport").glob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not [text for text in case.forbid if text in html]
        own = f'<script src="{COPY_SCRIPT}"></script>'  # the copy buttons' own script file
        assert html.count("<script") == html.count(own) <= 1 and "<img src=x" not in html
        assert 'href="javascript:' not in html
        assert "Content-Security-Policy" in html and "default-src 'none'" in html
    context = browser.new_context(java_script_enabled=True)  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for html_file in pages:
            page.goto(html_file.as_uri())
            page.wait_for_load_state("load")
            for link in page.locator("a").all():
                href = link.get_attribute("href") or ""
                assert not href.lower().startswith("javascript:")
        assert dialogs == []
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------
# Bombs: small files that would cost a decoder gigabytes. Each is read in a child process under
# a memory cap and a time limit (the test machine stays safe even when a guard is missing); the
# bomb must become one problem line for its file, and the other file must still be read.
# ---------------------------------------------------------------------------------------------

BOMB_CAP_BYTES = 1536 * 1024 * 1024  # address space of the child reading a bomb
BOMB_SECONDS = 120

# The child's own peak: VmHWM starts anew at exec, where ru_maxrss of a forked child starts at
# the parent's size (a long test session's parent is over a gigabyte).
_READ_FOLDER = """
import json, sys
from pathlib import Path
from formgen.check.intake import load_submission
def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
sub = load_submission(Path(sys.argv[1]))
print(json.dumps({"pages": [[p.file_name, p.index] for p in sub.pages],
                  "problems": [[p.file_name, p.message] for p in sub.problems],
                  "peak_mb": peak_kb() / 1024}))
"""


def _capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (BOMB_CAP_BYTES, BOMB_CAP_BYTES))


def read_bomb(tmp: Path, name: str, data: bytes) -> dict[str, Any]:
    """Intake of a folder with the bomb and one ordinary page, under the cap."""
    folder = tmp / "inzending"
    folder.mkdir()
    (folder / name).write_bytes(data)
    (folder / "gewoon.png").write_bytes(_png(tmp))
    run = subprocess.run([sys.executable, "-c", _READ_FOLDER, str(folder)], capture_output=True,
                         timeout=BOMB_SECONDS, preexec_fn=_capped)
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-500:]
    return dict(json.loads(run.stdout))


def assert_refused(result: dict[str, Any], name: str, words: str) -> None:
    mine = [message for file, message in result["problems"] if file == name]
    assert len(mine) == 1 and words in str(mine[0]), result["problems"]
    assert ["gewoon.png", 1] in result["pages"]


@pytest.mark.parametrize("make", [
    lambda: B.xobject_fanout(24),  # 2^24 drawings of a 4 KB form
    lambda: B.xobject_fanout(10, fanout=8),
    lambda: B.xobject_fanout(24, where="annotation"),
    lambda: B.xobject_fanout(24, where="pattern"),
    lambda: B.xobject_cycle(1),  # a form that draws itself twice
    lambda: B.xobject_cycle(3),
    lambda: B.xobject_cycle(1, inherit=True),  # through the page's resources
    lambda: B.xobject_cycle(2, inherit=True),
], ids=["nested-2x", "nested-8x", "annotation", "pattern", "self", "ring-of-3",
        "self-via-page", "ring-via-page"])
def test_pdf_whose_drawings_multiply_is_refused_per_page(make: Callable[[], bytes],
                                                         tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "bom.pdf", make())
    assert_refused(result, "bom.pdf", "pagina 1 van de pdf is te ingewikkeld")


def test_pdf_with_modest_nesting_is_still_read(tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "logo.pdf", B.xobject_fanout(8))  # 256 drawings: ordinary
    assert ["logo.pdf", 1] in result["pages"]
    assert not [m for f, m in result["problems"] if f == "logo.pdf"]


GB = 1024 * 1024 * 1024


@pytest.mark.parametrize("make", [
    lambda: B.flate_content(GB),  # 1 MB of deflate: a gigabyte of page content
    lambda: B.double_flate_content(4 * GB),  # deflated twice: 5 KB
    lambda: B.hex_wrapped_flate_content(GB),
    lambda: B.lzw_wrapped_flate_content(GB // 4),  # (LZW is encoded in Python: slow)
    lambda: B.flate_font(GB),  # an embedded font file
    lambda: B.flate_object_stream(GB),  # decoded as soon as the file is opened
], ids=["content", "twice-deflated", "hex-wrapped", "lzw-wrapped", "font-file",
        "object-stream"])
def test_pdf_stream_bomb_is_refused(make: Callable[[], bytes], tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "bom.pdf", make())
    assert_refused(result, "bom.pdf", "mogelijke decompressiebom")


def test_pdf_with_a_huge_declared_image_is_refused(tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "bom.pdf", B.huge_image(40_000, 40_000, colour=False))
    assert_refused(result, "bom.pdf", "afbeelding die te groot is")


@pytest.mark.parametrize("count,per_page", [(3000, None), (3000, 600)],
                         ids=["one-page", "five-pages"])
def test_pdf_with_thousands_of_fields_is_refused_fast(count: int, per_page: int | None,
                                                      tmp_path: Path) -> None:
    import time

    data = B.many_fields(count, per_page)
    start = time.perf_counter()
    result = read_bomb(tmp_path, "velden.pdf", data)
    assert time.perf_counter() - start < 20
    assert_refused(result, "velden.pdf", "invulvelden")


def test_pdf_with_a_large_but_ordinary_content_stream_is_read(tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "groot.pdf", B.flate_content(32 * 1024 * 1024))
    assert ["groot.pdf", 1] in result["pages"]
    assert not [m for f, m in result["problems"] if f == "groot.pdf"]


WORKER_MB = 1024  # the README's memory per worker


@pytest.mark.parametrize("make,name", [
    (lambda: B.webp_rgba(10_300, 7_700), "foto.webp"),  # 79 MP in a 38-byte WebP
    (lambda: B.png_raw(10_300, 7_700, 8, 6), "scan.png"),  # 79 MP with transparency
], ids=["webp-79mp", "png-rgba-79mp"])
def test_image_that_would_take_over_a_worker_is_refused_before_decoding(
        make: Callable[[], bytes], name: str, tmp_path: Path) -> None:
    result = read_bomb(tmp_path, name, make())
    assert_refused(result, name, "te groot om te lezen")
    assert float(str(result["peak_mb"])) < WORKER_MB


@pytest.mark.parametrize("bit_depth,colour_type", [(16, 0), (16, 2), (8, 0)],
                         ids=["gray-16", "rgb-16", "gray-8"])
def test_large_deep_image_is_read_within_a_worker(bit_depth: int, colour_type: int,
                                                  tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "scan.png", B.png_raw(10_300, 7_700, bit_depth, colour_type))
    assert ["scan.png", 1] in result["pages"]
    assert not [m for f, m in result["problems"] if f == "scan.png"]
    assert float(str(result["peak_mb"])) < WORKER_MB


def test_pdf_page_with_thousands_of_annotations_is_skipped(tmp_path: Path) -> None:
    result = read_bomb(tmp_path, "notities.pdf", B.many_annotations(5000))
    assert_refused(result, "notities.pdf", "pagina 1 van de pdf is te ingewikkeld")
    assert ["notities.pdf", 2] in result["pages"]
