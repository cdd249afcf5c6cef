"""An ID copy support may keep (formgen.check.identity.redact, .id_copy, `check --redact`).

The oracle is the project's own reading: the document reader (analyse_id_page) and the OCR
engine run on the written copy find no BSN, neither printed nor in the MRZ, while the name and
the document number are still read. Every generated page shows its (fictitious) BSN printed
("Persoonsnummer", with dots) and in the MRZ; the oracle is first run on the page as it came,
where it must find the BSN (else the test could not fail).
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import numpy as np
import pytest
from corpus import forms
from corpus import submissions as S
from corpus.id_documents import DEJAVU_BOLD_PATH, GeneratedId, id_card_page, passport_page
from PIL import Image, ImageDraw, ImageFont

from formgen.check.identity import ocr
from formgen.check.identity.document import analyse_id_page
from formgen.check.identity.id_copy import copy_name, copy_text, make_copy
from formgen.check.identity.mrz import text_has_bsn
from formgen.check.identity.redact import holds_bsn, redact_bsn
from formgen.check.inbox.config import parse_mailbox
from formgen.form.build import prefilled_form

TODAY = S.today()
DPI = 200
ROOT = Path(__file__).resolve().parents[2]


def _with_spaced_bsn(doc: GeneratedId) -> GeneratedId:
    """The page with the BSN written once more, with spaces (as a customer might note it)."""
    page = Image.fromarray(doc.image)
    font = ImageFont.truetype(DEJAVU_BOLD_PATH, 34)
    b = doc.bsn
    ImageDraw.Draw(page).text((260, 1900), f"BSN {b[:3]} {b[3:6]} {b[6:]}", font=font,
                              fill=(20, 20, 20))
    doc.image = np.asarray(page)
    return doc


FAMILY: dict[str, Callable[[], GeneratedId]] = {
    "id-card": lambda: id_card_page(dpi=DPI, today=TODAY, seed=31),
    "passport": lambda: passport_page(dpi=DPI, today=TODAY, seed=32),
    "id-card-turned-90": lambda: id_card_page(dpi=DPI, today=TODAY, rotate=90, seed=33),
    "passport-upside-down": lambda: passport_page(dpi=DPI, today=TODAY, rotate=180, seed=34),
    "id-card-photographed": lambda: id_card_page(dpi=DPI, today=TODAY, rotate=3.0, blur=0.5,
                                                 noise=5, jpeg_quality=75, seed=35),
    "passport-photographed": lambda: passport_page(dpi=DPI, today=TODAY, rotate=-4.0, noise=4,
                                                   jpeg_quality=70, seed=36),
    "passport-bsn-with-spaces": lambda: _with_spaced_bsn(
        passport_page(dpi=DPI, today=TODAY, seed=37)),
    # NLD and a date in the MRZ read as nine digits that pass the eleven-test by chance
    "passport-300-dpi-upside-down": lambda: passport_page(dpi=300, today=TODAY, rotate=180,
                                                          seed=105),
    "passport-150-dpi-turned-90": lambda: passport_page(dpi=150, today=TODAY, rotate=90,
                                                        seed=109),
}


def bsn_shown(image: np.ndarray, doc: GeneratedId) -> list[str]:
    """Where the project's own reading finds a BSN on the image (empty: nowhere); and the
    copy still serves: the MRZ is read, with the surname, and the document number shows."""
    found = []
    result = analyse_id_page(image, today=TODAY)
    if result.bsn_unmasked_visible:
        found.append("reader: BSN visible")
    if result.mrz is not None and result.mrz.bsn is not None:
        found.append("reader: BSN in the MRZ")
    lines = ocr.read_lines(image)
    for line in lines:
        digits = "".join(ch for ch in line.text if ch.isdigit())
        if text_has_bsn(line.text) or doc.bsn in digits:
            found.append("OCR line with the BSN")
    assert result.mrz_found and result.surname == doc.surname.upper()
    if not doc.masked_bsn:  # the row was read whole: no cell before the BSN is painted
        assert result.mrz_valid, result.check_failures
    text = "".join(line.text for line in lines).replace(" ", "").upper()
    assert doc.document_number in text  # (a page read sideways comes out partly lower case)
    return found


@pytest.mark.parametrize("kind", list(FAMILY))
def test_the_bsn_is_painted_out_wherever_it_shows(kind: str) -> None:
    doc = FAMILY[kind]()
    found = analyse_id_page(doc.image, today=TODAY)
    # the reader sees the BSN on the page as it came (else this test could not fail)
    assert found.bsn_unmasked_visible and found.mrz is not None and found.mrz.bsn == doc.bsn
    redaction = redact_bsn(doc.image, found)
    assert redaction.safe
    assert redaction.mrz_rows >= 1 and redaction.printed >= 1
    assert bsn_shown(redaction.image, doc) == []


@pytest.mark.parametrize("style", ["bar", "filler"])
def test_a_bsn_the_customer_masked_already_gives_a_copy_too(style: str) -> None:
    doc = passport_page(dpi=DPI, today=TODAY, masked_bsn=True, mask_style=style, seed=107)
    found = analyse_id_page(doc.image, today=TODAY)
    assert not found.bsn_unmasked_visible
    redaction = redact_bsn(doc.image, found)
    assert redaction.safe and redaction.mrz_rows == 1
    assert bsn_shown(redaction.image, doc) == []


@pytest.mark.parametrize("text", ["123456782", "1234.56.782", "123 456 782", "12345678Z",
                                  "Persoonsnummer 1234.56.782", "BSN: 1234-56-782"])
def test_numbers_that_may_be_a_bsn_are_painted(text: str) -> None:
    assert holds_bsn(text)


@pytest.mark.parametrize("text", ["XR8316457", "24 NOV 2032", "1,78 m", "Documentnummer",
                                  "06 1234 5678"])
def test_other_print_on_an_id_is_left(text: str) -> None:
    assert not holds_bsn(text)


def test_the_copy_says_it_is_a_copy_for_whom_and_the_date() -> None:
    doc = id_card_page(dpi=DPI, today=TODAY, seed=41)
    text = copy_text("RABCDEFGHJKLM", TODAY)
    png = make_copy(doc.image, analyse_id_page(doc.image, today=TODAY), text)
    assert png is not None
    import cv2

    image = cv2.cvtColor(cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR),
                         cv2.COLOR_BGR2RGB)
    band = image[doc.image.shape[0]:]
    read = " ".join(line.text for line in ocr.read_lines(band))
    assert re.search(r"K[O0]P[IL1]E", read.upper()) and "Wijzigingsloket" in read
    assert "RABCDEFGHJKLM" in read.replace(" ", "")
    assert TODAY.strftime("%d-%m-%Y") in read.replace(" ", "")


def test_copy_names_are_the_request_id_or_unique() -> None:
    assert copy_name("RABCDEFGHJKLM", "a/scan.pdf") == "RABCDEFGHJKLM.png"
    a, b = copy_name(None, "post/jan.eml"), copy_name(None, "post2/jan.eml")
    assert a != b and a.startswith("zonder-aanvraag-jan-") and a.endswith(".png")
    assert "/" not in copy_name("../../etc", "x") and copy_name("../../etc", "x") == "etc.png"


def pdf_page_image(pdf: bytes, doc: GeneratedId) -> np.ndarray:
    """Everything a PDF copy holds, taken out with pypdf: one page, one image and nothing else
    (no text, no second image, no hidden layer, form, annotation or attached file, no
    metadata naming the customer); returns that image. No stream but the image's holds the
    BSN's digits."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert page.extract_text().strip() == ""
    assert not page.get("/Annots")
    root = reader.trailer["/Root"]
    for hidden in ("/OCProperties", "/AcroForm", "/Names", "/Metadata", "/OpenAction"):
        assert hidden not in root, hidden
    metadata = {str(k): str(v) for k, v in (reader.metadata or {}).items()}
    assert set(metadata) <= {"/Producer"}, metadata
    shown = " ".join(metadata.values()).upper()
    assert doc.bsn not in shown and doc.surname.upper() not in shown
    images = list(page.images)
    assert len(images) == 1
    xobjects = page["/Resources"].get("/XObject", {})
    assert len(xobjects) == 1  # no second (unredacted) image drawn under or over it
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(IndirectObject(number, 0, reader))
        if isinstance(obj, StreamObject) and obj.get("/Subtype") != "/Image":
            data = obj.get_data()
            assert doc.bsn.encode() not in data and b"BT" not in data  # no text drawn
    return np.asarray(images[0].image.convert("RGB"))


def test_a_pdf_copy_holds_the_painted_image_only() -> None:
    doc = id_card_page(dpi=DPI, today=TODAY, seed=44)
    found = analyse_id_page(doc.image, today=TODAY)
    assert found.bsn_unmasked_visible  # the page as it came shows the BSN
    pdf = make_copy(doc.image, found, copy_text("RABCDEFGHJKLM", TODAY), "pdf")
    assert pdf is not None and pdf.startswith(b"%PDF-")
    image = pdf_page_image(pdf, doc)
    png = make_copy(doc.image, found, copy_text("RABCDEFGHJKLM", TODAY), "png")
    assert png is not None
    assert np.array_equal(image, _decoded_bytes(png))  # the PNG as it is, losslessly
    assert bsn_shown(image[: doc.image.shape[0]], doc) == []


def _decoded_bytes(data: bytes) -> np.ndarray:
    import io

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_mailbox_id_copies_format_is_png_or_pdf(tmp_path: Path) -> None:
    from formgen.errors import DefinitionError

    src = str(tmp_path / "company.yaml")
    assert parse_mailbox({"id_copies": "k"}, src).id_copies_format == "png"
    assert parse_mailbox({"id_copies": "k", "id_copies_format": "pdf"},
                         src).id_copies_format == "pdf"
    with pytest.raises(DefinitionError, match="id_copies_format"):
        parse_mailbox({"id_copies_format": "tiff"}, src)


# ------------------------------------------------------------------------------------------------
# through the command line
# ------------------------------------------------------------------------------------------------

KEY = b"redact-test-key-0123456789abcdef0123"


def _prefilled_submission(folder: Path, seed: int) -> tuple[str, GeneratedId]:
    """A prefilled form, filled in, signed and scanned, with the customer's ID card showing
    its BSN; returns the request id and the ID as generated."""
    person = S.make_person(np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    pdf, request_id = prefilled_form(person.customer, KEY, issued=TODAY)
    person.request_id = request_id
    pages = S.filled_pages(pdf, S.form_values(person, rng, prefilled=True), DPI, rng)
    folder.mkdir(parents=True)
    (folder / "scan.pdf").write_bytes(forms.pages_to_pdf(S.scan(pages, rng, dpi=DPI,
                                                                src_dpi=DPI), DPI))
    doc = id_card_page(dpi=DPI, surname=S.mrz_name(person.info["surname"]),
                       given_names=S.mrz_name(person.info["given"]), today=TODAY, seed=seed)
    (folder / "id.jpg").write_bytes(forms.jpeg_bytes(Image.fromarray(doc.image), 92))
    return request_id, doc


def _id_only(folder: Path) -> GeneratedId:
    folder.mkdir(parents=True)
    doc = passport_page(dpi=DPI, today=TODAY, seed=43)
    (folder / "paspoort.jpg").write_bytes(forms.jpeg_bytes(Image.fromarray(doc.image), 92))
    return doc


def formgen(*args: str, env: dict[str, str] | None = None,
            cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, FORMGEN_SECRET=KEY.decode(), **(env or {}))
    return subprocess.run([sys.executable, "-m", "formgen", *args], env=full, cwd=cwd,
                          capture_output=True, text=True, timeout=1800)


def _decoded(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_check_redact_writes_a_copy_per_submission_named_by_request_id(tmp_path: Path) -> None:
    request_id, card = _prefilled_submission(tmp_path / "inzending", seed=51)
    passport = _id_only(tmp_path / "alleen-id")
    out = tmp_path / "kopieen"
    run = formgen("check", str(tmp_path / "inzending"), str(tmp_path / "alleen-id"),
                  "--json", "--redact", str(out))
    assert run.returncode in (0, 1), run.stderr
    document = json.loads(run.stdout)
    written = sorted(p.name for p in out.iterdir())
    assert f"{request_id}.png" in written
    others = [n for n in written if n != f"{request_id}.png"]
    assert len(others) == 1 and others[0].startswith("zonder-aanvraag-alleen-id-")
    for name, doc in ((f"{request_id}.png", card), (others[0], passport)):
        path = out / name
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # only for the user
        image = _decoded(path)[: doc.image.shape[0]]  # the page, without the copy band
        assert bsn_shown(image, doc) == []
    for submission in document["submissions"]:
        copy = [c for c in submission["checks"] if c["code"] == "id_copy"]
        assert copy and copy[0]["status"] == "ok", submission["checks"]
        # the existing BSN warning stays: the ID as sent shows the BSN
        assert any(c["code"] == "bsn" and c["status"] == "warning" for c in submission["checks"])
    assert "2 kopie(ën) zonder BSN" in run.stderr


def test_check_redact_format_pdf_writes_a_pdf_without_the_bsn(tmp_path: Path) -> None:
    passport = _id_only(tmp_path / "alleen-id")
    out = tmp_path / "kopieen"
    run = formgen("check", str(tmp_path / "alleen-id"), "--json", "--redact", str(out),
                  "--redact-format", "pdf")
    assert run.returncode == 1, run.stderr
    written = list(out.iterdir())
    assert len(written) == 1 and written[0].suffix == ".pdf", written
    assert stat.S_IMODE(written[0].stat().st_mode) & 0o077 == 0
    image = pdf_page_image(written[0].read_bytes(), passport)
    assert bsn_shown(image[: passport.image.shape[0]], passport) == []
    checks = json.loads(run.stdout)["submissions"][0]["checks"]
    assert [c["status"] for c in checks if c["code"] == "id_copy"] == ["ok"]


def test_without_redact_nothing_is_written(tmp_path: Path) -> None:
    _id_only(tmp_path / "alleen-id")
    before = _files(tmp_path)
    run = formgen("check", str(tmp_path / "alleen-id"), "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert _files(tmp_path) == before
    checks = json.loads(run.stdout)["submissions"][0]["checks"]
    assert not [c for c in checks if c["code"] == "id_copy"]
    assert any(c["code"] == "bsn" and c["status"] == "warning" for c in checks)


@pytest.mark.parametrize("bad", ["file", "under-a-file"])
def test_a_bad_redact_folder_is_one_dutch_line_naming_it(tmp_path: Path, bad: str) -> None:
    submission = tmp_path / "scan.pdf"
    submission.write_bytes(b"%PDF-1.4\n")
    blocker = tmp_path / "kopieen"
    blocker.write_text("geen map")
    target = blocker if bad == "file" else blocker / "sub"
    for command in (["check", str(submission)], ["inbox"]):
        env = {"FORMGEN_IMAP_HOST": "127.0.0.1", "FORMGEN_IMAP_USER": "u",
               "FORMGEN_IMAP_PASSWORD": "p"}
        run = formgen(*command, "--redact", str(target), env=env)
        assert run.returncode == 2, (command, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and str(target) in lines[0], run.stderr
        assert "Traceback" not in run.stderr
        assert ("geen map" in lines[0]) or ("bestand" in lines[0]), lines[0]


def test_mailbox_id_copies_is_a_folder_beside_the_company_file(tmp_path: Path) -> None:
    src = str(tmp_path / "config" / "company.yaml")
    assert parse_mailbox({"id_copies": "kopieen"}, src).id_copies == tmp_path / "config" / \
        "kopieen"
    assert parse_mailbox({"id_copies": "/srv/kopieen"}, src).id_copies == Path("/srv/kopieen")
    assert parse_mailbox({"inbox": "INBOX"}, src).id_copies is None  # existing keys as before


# the folder named by the option (a PNG copy) and by the configuration (a PDF copy): each
# naming and each format once, a whole mailbox run each
@pytest.mark.parametrize("named_by", ["--redact", "company.yaml-pdf"])
def test_inbox_keeps_a_copy_per_filed_message(tmp_path: Path, named_by: str) -> None:
    import imap_server as dovecot
    import yaml

    from formgen.resources import default_config_dir

    request_id, card = _prefilled_submission(tmp_path / "inzending", seed=52)
    message = EmailMessage()
    message["From"] = "klant@voorbeeld.nl"
    message["To"] = "klantenservice@wijzigingsloket.nl"
    message["Subject"] = "Wijzigingsformulier"
    message["Message-ID"] = make_msgid(domain="voorbeeld.nl")
    message.set_content("In de bijlage het formulier en mijn ID.")
    for name, kind in (("scan.pdf", ("application", "pdf")), ("id.jpg", ("image", "jpeg"))):
        message.add_attachment((tmp_path / "inzending" / name).read_bytes(),
                               maintype=kind[0], subtype=kind[1], filename=name)
    config = tmp_path / "config"
    config.mkdir()
    for name in ("form.yaml", "company.yaml"):
        (config / name).write_bytes((default_config_dir() / name).read_bytes())
    company = yaml.safe_load((config / "company.yaml").read_text(encoding="utf-8"))
    if named_by.startswith("company.yaml"):  # the configuration names the folder
        company["mailbox"]["id_copies"] = "kopieen"
    fmt = "pdf" if named_by.endswith("-pdf") else "png"
    if fmt == "pdf":
        company["mailbox"]["id_copies_format"] = "pdf"
    (config / "company.yaml").write_text(yaml.safe_dump(company, allow_unicode=True),
                                         encoding="utf-8")
    option = ["--redact", str(config / "kopieen")] if named_by == "--redact" else []
    server = dovecot.start()
    try:
        server.deliver(bytes(message))
        run = subprocess.run(
            [sys.executable, "-m", "formgen", "inbox", "--port", str(server.imap_port),
             "--starttls", "--state", str(tmp_path / "state.sqlite"), "--json", *option],
            env=server.env(FORMGEN_SECRET=KEY.decode(), FORMGEN_CONFIG_DIR=str(config)),
            capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    finally:
        server.stop()
    assert run.returncode in (0, 1), run.stderr
    path = config / "kopieen" / f"{request_id}.{fmt}"
    assert sorted(p.name for p in (config / "kopieen").iterdir()) == [path.name]
    image = (pdf_page_image(path.read_bytes(), card) if fmt == "pdf"
             else _decoded(path))[: card.image.shape[0]]
    assert bsn_shown(image, card) == []
    checks = json.loads(run.stdout)["submissions"][0]["checks"]
    assert [c["status"] for c in checks if c["code"] == "id_copy"] == ["ok"]


def test_the_report_shows_no_crop_of_the_id(tmp_path: Path) -> None:
    """The report's crops are of the form's boxes; the ID page is never cut into it."""
    import base64
    import io

    _, card = _prefilled_submission(tmp_path / "inzending", seed=53)
    run = formgen("check", str(tmp_path / "inzending"), "--report", str(tmp_path / "rapport"))
    assert run.returncode in (0, 1), run.stderr
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "rapport").glob("*.html"))
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    assert images  # the report does show crops (of the form's boxes)
    for data in images:
        crop = np.asarray(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))
        for line in ocr.read_lines(crop):
            assert card.bsn not in "".join(ch for ch in line.text if ch.isdigit())
