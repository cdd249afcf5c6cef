"""Tests for formgen.check.intake: every input is generated here, in memory or under tmp_path."""

from __future__ import annotations

import functools
import io
import math
import os
import socket
import stat
import struct
import subprocess
import sys
import zlib
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from formgen.check.intake import (
    FileProblem,
    Page,
    Submission,
    iter_pages,
    load_submission,
)
from formgen.check.intake.names import shown_path
from formgen.errors import ExitCode, InputFileError

# Unicode bidi controls and other format characters that reorder or hide shown text.
BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                 "\u2068", "\u2069", "\u200e", "\u200f", "\u061c", "\u200b", "\u200d",
                 "\ufeff"]

# ---------------------------------------------------------------------------------------------
# Generators
# ---------------------------------------------------------------------------------------------


def scan_image(label: str, size: tuple[int, int] = (425, 550)) -> Image.Image:
    """A white 'scan' with a black frame and a label."""
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    d.rectangle((10, 10, size[0] - 11, size[1] - 11), outline="black", width=3)
    d.text((30, 30), label, fill="black")
    return im


def jpeg_bytes(im: Image.Image, **kw: object) -> bytes:
    b = io.BytesIO()
    im.save(b, "JPEG", quality=85, **kw)
    return b.getvalue()


def png_bytes(im: Image.Image, **kw: object) -> bytes:
    b = io.BytesIO()
    im.save(b, "PNG", **kw)
    return b.getvalue()


def scan_pdf(pages: int = 3, resolution: float = 100.0) -> bytes:
    """A scanned PDF as Pillow writes it: one full-page image per page, no text."""
    ims = [scan_image(f"pagina {i + 1}") for i in range(pages)]
    b = io.BytesIO()
    ims[0].save(b, "PDF", save_all=True, append_images=ims[1:], resolution=resolution)
    return b.getvalue()


def _name(n: str) -> NameObject:
    return NameObject(n)


def digital_pdf(name_value: str = "Jan Jansen", checked: bool = True) -> bytes:
    """A born-digital A4 form: a line of text, an AcroForm text field 'naam' and a checkbox."""
    w = PdfWriter()
    page = w.add_blank_page(595, 842)
    helv = w._add_object(
        DictionaryObject(
            {
                _name("/Type"): _name("/Font"),
                _name("/Subtype"): _name("/Type1"),
                _name("/BaseFont"): _name("/Helvetica"),
            }
        )
    )
    page[_name("/Resources")] = DictionaryObject(
        {_name("/Font"): DictionaryObject({_name("/F1"): helv})}
    )
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 14 Tf 72 770 Td (Wijzigingsformulier klantenkaart) Tj ET")
    page[_name("/Contents")] = w._add_object(content)

    text_field = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Widget"),
            _name("/FT"): _name("/Tx"),
            _name("/T"): TextStringObject("naam"),
            _name("/V"): TextStringObject(name_value),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (72, 700, 300, 720)]),
            _name("/DA"): TextStringObject("/Helv 12 Tf 0 g"),
            _name("/F"): NumberObject(4),
            _name("/P"): page.indirect_reference,
        }
    )
    state = "/Yes" if checked else "/Off"
    checkbox = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Widget"),
            _name("/FT"): _name("/Btn"),
            _name("/T"): TextStringObject("akkoord"),
            _name("/V"): _name(state),
            _name("/AS"): _name(state),
            _name("/Rect"): ArrayObject([FloatObject(v) for v in (72, 650, 86, 664)]),
            _name("/F"): NumberObject(4),
            _name("/P"): page.indirect_reference,
        }
    )
    refs = [w._add_object(text_field), w._add_object(checkbox)]
    page[_name("/Annots")] = ArrayObject(refs)
    w._root_object[_name("/AcroForm")] = DictionaryObject(
        {
            _name("/Fields"): ArrayObject(refs),
            _name("/NeedAppearances"): BooleanObject(True),
            _name("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
            _name("/DR"): DictionaryObject(
                {_name("/Font"): DictionaryObject({_name("/Helv"): helv})}
            ),
        }
    )
    b = io.BytesIO()
    w.write(b)
    return b.getvalue()


def blank_pdf(width_pt: float, height_pt: float, pages: int = 1) -> bytes:
    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(width_pt, height_pt)
    b = io.BytesIO()
    w.write(b)
    return b.getvalue()


def encrypted_pdf() -> bytes:
    w = PdfWriter(clone_from=io.BytesIO(digital_pdf()))
    w.encrypt("geheim")
    b = io.BytesIO()
    w.write(b)
    return b.getvalue()


@functools.cache
def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of width x height, all black: tiny file, huge pixel count."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def multipage_tiff(n: int = 3) -> bytes:
    ims = [scan_image(f"tiff {i + 1}", size=(200 + 10 * i, 300)) for i in range(n)]
    b = io.BytesIO()
    ims[0].save(b, "TIFF", save_all=True, append_images=ims[1:], dpi=(300, 300))
    return b.getvalue()


def heic_bytes() -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    b = io.BytesIO()
    scan_image("iphone", size=(320, 240)).save(b, "HEIF", quality=90)
    return b.getvalue()


def exif_rotated_jpeg() -> bytes:
    """Stored landscape 200x100 with a red block top-left; EXIF orientation 6 (rotate 90 CW)."""
    im = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(im).rectangle((0, 0, 39, 39), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg_bytes(im, exif=exif.tobytes(), dpi=(150, 150))


def cmyk_jpeg() -> bytes:
    im = Image.new("CMYK", (64, 64), (255, 0, 0, 0))  # pure cyan ink
    return jpeg_bytes(im)


def docx_like() -> bytes:
    import zipfile

    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return b.getvalue()


def problems_for(sub: Submission, name: str) -> list[FileProblem]:
    return [p for p in sub.problems if p.file_name == name]


def pages_for(sub: Submission, name: str) -> list[Page]:
    return [p for p in sub.pages if p.file_name == name]


def assert_rgb(page: Page) -> None:
    assert page.image.dtype == np.uint8
    assert page.image.ndim == 3 and page.image.shape[2] == 3
    assert page.image.flags["C_CONTIGUOUS"]


# ---------------------------------------------------------------------------------------------
# PDFs
# ---------------------------------------------------------------------------------------------


def test_multipage_scan_pdf(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(scan_pdf(pages=3, resolution=100))
    sub = load_submission(path, pdf_dpi=100)
    assert sub.problems == []
    assert sub.files == ["scan.pdf"]
    assert sub.sender is None and sub.subject is None
    assert [(p.index, p.page_count) for p in sub.pages] == [(1, 3), (2, 3), (3, 3)]
    for page in sub.pages:
        assert_rgb(page)
        # 425x550 px at 100 dpi -> rendered at 100 dpi gives the same size back
        assert page.image.shape[:2] == (550, 425)
        assert page.dpi == 100
        assert page.digital is False
        assert page.pdf_fields is None
        assert page.image[12, 200].max() < 100  # the black frame of the scan is there
    # pages are different (not the same image three times)
    assert not np.array_equal(sub.pages[0].image, sub.pages[1].image)


def test_digital_pdf_with_acroform(tmp_path: Path) -> None:
    path = tmp_path / "formulier.pdf"
    path.write_bytes(digital_pdf("Jan Jansen", checked=True))
    sub = load_submission(path, pdf_dpi=100)
    assert sub.problems == []
    [page] = sub.pages
    assert page.digital is True
    assert page.pdf_fields == {"naam": "Jan Jansen", "akkoord": "Yes"}
    assert page.dpi == 100
    assert page.image.shape[:2] == (math.ceil(842 * 100 / 72), math.ceil(595 * 100 / 72))
    # The field value is drawn (init_forms): dark pixels inside the text field's rectangle.
    s = 100 / 72
    y0, y1 = int((842 - 720) * s), int((842 - 700) * s)
    x0, x1 = int(72 * s), int(300 * s)
    assert (page.image[y0:y1, x0:x1].min(axis=2) < 128).sum() > 50


def test_digital_pdf_unchecked_checkbox(tmp_path: Path) -> None:
    path = tmp_path / "formulier.pdf"
    path.write_bytes(digital_pdf("Émile Ødegård", checked=False))
    [page] = load_submission(path, pdf_dpi=50).pages
    assert page.pdf_fields == {"naam": "Émile Ødegård", "akkoord": "Off"}


def test_scan_pdf_with_text_layer_is_not_digital(tmp_path: Path) -> None:
    """An OCR'd scan has text, but a full-page image: it is a scan."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format=(425, 550))
    pdf.add_page()
    pdf.image(scan_image("ocr"), x=0, y=0, w=425, h=550)
    pdf.set_font("helvetica", size=10)
    pdf.text(40, 80, "Wijzigingsformulier klantenkaart (OCR-laag)")
    path = tmp_path / "ocr.pdf"
    path.write_bytes(bytes(pdf.output()))
    [page] = load_submission(path, pdf_dpi=50).pages
    assert page.digital is False


def test_encrypted_pdf_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "geheim.pdf").write_bytes(encrypted_pdf())
    (tmp_path / "goed.jpg").write_bytes(jpeg_bytes(scan_image("goed")))
    sub = load_submission(tmp_path)
    [problem] = sub.problems
    assert problem.file_name == "geheim.pdf"
    assert "wachtwoord" in problem.message
    assert [p.file_name for p in sub.pages] == ["goed.jpg"]


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    w = PdfWriter(clone_from=io.BytesIO(digital_pdf()))
    w.encrypt("", owner_password="eigenaar")
    b = io.BytesIO()
    w.write(b)
    path = tmp_path / "rechten.pdf"
    path.write_bytes(b.getvalue())
    sub = load_submission(path, pdf_dpi=50)
    assert sub.problems == []
    assert sub.pages[0].pdf_fields == {"naam": "Jan Jansen", "akkoord": "Yes"}


def test_max_pages_renders_first_pages_only(tmp_path: Path) -> None:
    path = tmp_path / "lang.pdf"
    path.write_bytes(blank_pdf(200, 300, pages=5))
    sub = load_submission(path, pdf_dpi=36, max_pages=2)
    assert [(p.index, p.page_count) for p in sub.pages] == [(1, 5), (2, 5)]
    [problem] = sub.problems
    assert problem.file_name == "lang.pdf"
    assert "5" in problem.message and "2" in problem.message
    assert "overgeslagen" in problem.message


def test_huge_pdf_page_is_rendered_at_lower_dpi(tmp_path: Path) -> None:
    # A4 scanned at 600 dpi but stored as "1 pixel = 1 point": a 1.75 m page.
    path = tmp_path / "groot.pdf"
    path.write_bytes(blank_pdf(4961, 7016))
    sub = load_submission(path, pdf_dpi=200, max_pixels=2_000_000)
    assert sub.problems == []
    [page] = sub.pages
    h, w, _ = page.image.shape
    assert h * w <= 2_000_000
    assert h * w > 1_500_000  # not needlessly small
    assert page.dpi is not None and page.dpi < 200
    assert abs(w - 4961 * page.dpi / 72) <= 1.5


def test_absurd_pdf_page_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "reus.pdf").write_bytes(blank_pdf(20000, 300))  # 7 m wide
    (tmp_path / "goed.pdf").write_bytes(blank_pdf(200, 300))
    sub = load_submission(tmp_path, pdf_dpi=36)
    [problem] = sub.problems
    assert problem.file_name == "reus.pdf"
    assert "groot" in problem.message
    assert [p.file_name for p in sub.pages] == ["goed.pdf"]


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def test_jpeg_named_pdf_is_decoded_without_problem(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(jpeg_bytes(scan_image("eigenlijk jpeg"), dpi=(300, 300)))
    sub = load_submission(path)
    assert sub.problems == []
    [page] = sub.pages
    assert page.image.shape == (550, 425, 3)
    assert page.dpi == 300
    assert page.digital is False and page.pdf_fields is None


def test_png_bomb_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "bom.png").write_bytes(png_bomb(20000, 20000))
    (tmp_path / "goed.png").write_bytes(png_bytes(scan_image("goed")))
    assert (tmp_path / "bom.png").stat().st_size < 200_000
    sub = load_submission(tmp_path, max_pixels=10_000_000)
    [problem] = problems_for(sub, "bom.png")
    assert "decompressiebom" in problem.message
    assert len(sub.problems) == 1
    assert [p.file_name for p in sub.pages] == ["goed.png"]


def test_lowered_max_pixels_applies_below_pillows_own_limit(tmp_path: Path) -> None:
    path = tmp_path / "groot.png"
    path.write_bytes(png_bomb(3000, 3000))  # 9 MP: fine for Pillow, too big for us here
    sub = load_submission(path, max_pixels=1_000_000)
    assert sub.pages == []
    [problem] = sub.problems
    assert "decompressiebom" in problem.message
    # ... and with the default limit it decodes (1-bit -> RGB, black)
    [page] = load_submission(path).pages
    assert page.image.shape == (3000, 3000, 3)
    assert page.image.max() == 0


def test_multipage_tiff_every_frame_is_a_page(tmp_path: Path) -> None:
    path = tmp_path / "scan.tiff"
    path.write_bytes(multipage_tiff(3))
    sub = load_submission(path)
    assert sub.problems == []
    assert [(p.index, p.page_count) for p in sub.pages] == [(1, 3), (2, 3), (3, 3)]
    assert [p.image.shape[1] for p in sub.pages] == [200, 210, 220]
    assert all(p.dpi == 300 for p in sub.pages)


def test_tiff_max_pages(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    path.write_bytes(multipage_tiff(3))
    sub = load_submission(path, max_pages=2)
    assert len(sub.pages) == 2
    [problem] = sub.problems
    assert "overgeslagen" in problem.message


def test_heic(tmp_path: Path) -> None:
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(heic_bytes())
    sub = load_submission(path)
    assert sub.problems == []
    [page] = sub.pages
    assert page.image.shape == (240, 320, 3)
    assert_rgb(page)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "foto.jpg"
    path.write_bytes(exif_rotated_jpeg())
    [page] = load_submission(path).pages
    # stored 200 wide x 100 high; orientation 6 -> upright is 100 wide x 200 high
    assert page.image.shape == (200, 100, 3)
    # the red block moved from top-left to top-right
    r, g, b = page.image[10, 90].astype(int)
    assert r > 200 and g < 60 and b < 60
    assert page.image[10, 10].min() > 200  # white
    assert page.dpi == 150


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    path = tmp_path / "cmyk.jpg"
    path.write_bytes(cmyk_jpeg())
    [page] = load_submission(path).pages
    assert_rgb(page)
    r, g, b = page.image[32, 32].astype(int)
    assert r < 60 and g > 200 and b > 200  # cyan


def _palette_image() -> Image.Image:
    im = Image.new("P", (8, 8), 3)
    im.putpalette([0, 0, 0] * 3 + [200, 30, 40] + [255, 255, 255] * 252)
    return im


@pytest.mark.parametrize(
    ("make", "expected_rgb"),
    [
        (lambda: Image.new("1", (8, 8), 1), (255, 255, 255)),
        (lambda: Image.new("L", (8, 8), 100), (100, 100, 100)),
        (lambda: Image.new("LA", (8, 8), (0, 0)), (255, 255, 255)),  # transparent -> paper
        (lambda: Image.new("LA", (8, 8), (0, 255)), (0, 0, 0)),
        (lambda: Image.new("RGBA", (8, 8), (10, 20, 30, 255)), (10, 20, 30)),
        (lambda: Image.new("RGBA", (8, 8), (0, 0, 0, 0)), (255, 255, 255)),
        (lambda: _palette_image(), (200, 30, 40)),
        (lambda: Image.new("I;16", (8, 8), 65535), (255, 255, 255)),
        (lambda: Image.new("I;16", (8, 8), 32896), (128, 128, 128)),
    ],
)
def test_png_modes_become_rgb(tmp_path: Path, make, expected_rgb) -> None:
    im = make()
    path = tmp_path / f"beeld-{im.mode.replace(';', '_')}.png"
    path.write_bytes(png_bytes(im))
    sub = load_submission(path)
    assert sub.problems == []
    [page] = sub.pages
    assert_rgb(page)
    assert page.image.shape == (8, 8, 3)
    assert tuple(int(v) for v in page.image[4, 4]) == expected_rgb


def test_webp(tmp_path: Path) -> None:
    path = tmp_path / "foto.webp"
    b = io.BytesIO()
    scan_image("webp").save(b, "WEBP", quality=90)
    path.write_bytes(b.getvalue())
    [page] = load_submission(path).pages
    assert page.image.shape == (550, 425, 3)


# ---------------------------------------------------------------------------------------------
# Bad files: one clear Dutch line naming the file; the good file in the same folder still works
# ---------------------------------------------------------------------------------------------


BAD_FILES = [
    ("kapot.pdf", lambda: scan_pdf(2)[:5000], "de pdf is beschadigd"),
    ("geheim.pdf", encrypted_pdf, "beveiligd met een wachtwoord"),
    ("nep.pdf", lambda: b"\x00\x01\x02 dit is niets" * 20, "dit is geen pdf"),
    ("foto.jpg", lambda: b"Beste klant,\nhierbij het formulier.\n", "geen scan of foto"),
    ("brief.txt", lambda: b"Hallo, in de bijlage het formulier.", "tekstbestand"),
    ("pagina.html", lambda: b"<!DOCTYPE html><html><body>x</body></html>", "webpagina"),
    ("brief.docx", docx_like, "geen scan of foto"),
    ("data.bin", lambda: bytes(range(256)) * 4, "bestandstype wordt niet ondersteund"),
    ("leeg.png", lambda: b"", "leeg"),
    ("half.jpg", lambda: jpeg_bytes(scan_image("half"))[:1500], "beschadigd"),
    ("bom.png", lambda: png_bomb(20000, 20000), "decompressiebom"),
]


@pytest.mark.parametrize(("name", "make", "fragment"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gives_one_problem_and_others_still_load(
    tmp_path: Path, name: str, make, fragment: str
) -> None:
    (tmp_path / name).write_bytes(make())
    (tmp_path / "zz-goed.jpg").write_bytes(jpeg_bytes(scan_image("goed")))
    sub = load_submission(tmp_path)
    assert sub.files == [name, "zz-goed.jpg"]
    [problem] = sub.problems
    assert problem.file_name == name
    assert fragment in problem.message
    assert "\n" not in problem.message and problem.message.strip() == problem.message
    assert [p.file_name for p in sub.pages] == ["zz-goed.jpg"]


def test_text_named_jpg_says_name_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "foto.jpg"
    path.write_text("geen foto")
    [problem] = load_submission(path).problems
    assert (
        problem.message
        == "dit is een tekstbestand, geen scan of foto, hoewel de naam op .jpg eindigt"
    )


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------


def make_eml(attachments: list[tuple[str | None, str, bytes]], **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.get("From", "Jan Jansen <jan.jansen@example.nl>")
    msg["To"] = "support@example.com"
    msg["Subject"] = headers.get("Subject", "Re: wijzigingsformulier")
    msg.set_content("Beste support,\n\nIn de bijlage het formulier.\n")
    msg.add_alternative(
        "<html><body><p>In de bijlage het formulier.</p></body></html>", subtype="html"
    )
    for filename, ctype, data in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def test_eml_with_two_attachments_and_traversal_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    msg = make_eml(
        [
            ("formulier.pdf", "application/pdf", digital_pdf()),
            ("../../etc/passwd.jpg", "image/jpeg", jpeg_bytes(scan_image("id"))),
        ],
        Subject="=?utf-8?q?Wijziging_klantenkaart_=E2=80=93_J._Jansen?=",
    )
    eml = tmp_path / "in" / "mail.eml"
    eml.parent.mkdir()
    eml.write_bytes(msg.as_bytes(policy=default_policy))
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    before = sorted(str(p) for p in tmp_path.rglob("*"))

    sub = load_submission(eml, pdf_dpi=50)

    assert sorted(str(p) for p in tmp_path.rglob("*")) == before  # nothing written anywhere
    assert not (tmp_path / "etc").exists()
    assert sub.source == str(eml)
    assert sub.sender == "jan.jansen@example.nl"
    assert sub.subject == "Wijziging klantenkaart – J. Jansen"
    assert sub.files == ["formulier.pdf", "passwd.jpg"]  # bodies are not files
    assert sub.problems == []
    assert [p.file_name for p in sub.pages] == ["formulier.pdf", "passwd.jpg"]
    assert sub.pages[0].digital is True
    assert sub.pages[0].pdf_fields == {"naam": "Jan Jansen", "akkoord": "Yes"}
    assert sub.pages[1].pdf_fields is None


def test_eml_nested_forward_octet_stream_and_inline_image(tmp_path: Path) -> None:
    inner = make_eml(
        [("scan.pdf", "application/pdf", scan_pdf(2))],
        From="Klant <klant@example.org>",
        Subject="formulier",
    )
    outer = EmailMessage()
    outer["From"] = "Piet <piet@example.nl>"
    outer["Subject"] = "Fwd: formulier"
    outer.set_content("Zie doorgestuurd bericht.")
    # a PDF declared as octet-stream with a meaningless name: found by content
    outer.add_attachment(scan_pdf(1), maintype="application", subtype="octet-stream",
                         filename="ATT00001.bin")  # fmt: skip
    outer.add_attachment(inner)  # message/rfc822
    # an inline image without a file name
    outer.add_attachment(png_bytes(scan_image("inline")), maintype="image", subtype="png",
                         disposition="inline")  # fmt: skip
    path = tmp_path / "fwd.eml"
    path.write_bytes(outer.as_bytes(policy=default_policy))

    sub = load_submission(path, pdf_dpi=50)
    assert sub.sender == "piet@example.nl"
    assert sub.subject == "Fwd: formulier"
    assert sub.problems == []
    assert sub.files == ["ATT00001.bin", "scan.pdf", "bijlage 3"]
    assert [(p.file_name, p.index, p.page_count) for p in sub.pages] == [
        ("ATT00001.bin", 1, 1),
        ("scan.pdf", 1, 2),
        ("scan.pdf", 2, 2),
        ("bijlage 3", 1, 1),
    ]


def test_eml_bad_attachment_does_not_stop_the_rest(tmp_path: Path) -> None:
    msg = make_eml(
        [
            ("kapot.pdf", "application/pdf", b"%PDF-1.7\n1 0 obj <<"),
            ("notitie.txt", "text/plain", b"mijn klantnummer is 12345"),
            ("id.heic", "image/heic", heic_bytes()),
        ]
    )
    path = tmp_path / "mail.eml"
    path.write_bytes(msg.as_bytes(policy=default_policy))
    sub = load_submission(path)
    assert {p.file_name: p.message for p in sub.problems} == {
        "kapot.pdf": "de pdf is beschadigd en kan niet worden gelezen",
        "notitie.txt": "dit is een tekstbestand, geen scan of foto",
    }
    assert [p.file_name for p in sub.pages] == ["id.heic"]


def test_eml_without_attachments(tmp_path: Path) -> None:
    path = tmp_path / "leeg.eml"
    path.write_bytes(make_eml([]).as_bytes(policy=default_policy))
    sub = load_submission(path)
    assert sub.files == [] and sub.pages == []
    [problem] = sub.problems
    assert problem.file_name == "leeg.eml"
    assert "geen bijlagen" in problem.message


def test_eml_duplicate_and_hostile_names_are_sanitised(tmp_path: Path) -> None:
    jpg = jpeg_bytes(scan_image("x"))
    msg = make_eml(
        [
            ("scan.jpg", "image/jpeg", jpg),
            ("scan.jpg", "image/jpeg", jpg),
            ("C:\\Users\\jan\\gpj.\u202eexe.jpg", "image/jpeg", jpg),
            ("..", "image/jpeg", jpg),
        ]
    )
    path = tmp_path / "mail.eml"
    path.write_bytes(msg.as_bytes(policy=default_policy))
    sub = load_submission(path)
    assert sub.files == ["scan.jpg", "scan (2).jpg", "gpj.exe.jpg", "bijlage 4"]
    assert len(sub.pages) == 4 and sub.problems == []


# ---------------------------------------------------------------------------------------------
# Folders, single files, PATH errors
# ---------------------------------------------------------------------------------------------


def test_folder(tmp_path: Path) -> None:
    root = tmp_path / "inzending"
    root.mkdir()
    (root / "b-id.jpg").write_bytes(jpeg_bytes(scan_image("id")))
    (root / "a-formulier.pdf").write_bytes(digital_pdf())
    (root / "scan10.png").write_bytes(png_bytes(scan_image("10")))
    (root / "scan2.png").write_bytes(png_bytes(scan_image("2")))
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    hidden = root / ".verborgen"
    hidden.mkdir()
    (hidden / "geheim.jpg").write_bytes(jpeg_bytes(scan_image("verborgen")))
    sub_dir = root / "achterkant"
    sub_dir.mkdir()
    (sub_dir / "id-achter.jpg").write_bytes(jpeg_bytes(scan_image("achter")))
    outside = tmp_path / "buiten.jpg"
    outside.write_bytes(jpeg_bytes(scan_image("buiten")))
    os.symlink(outside, root / "link-naar-buiten.jpg")
    os.symlink(root / "b-id.jpg", root / "link-binnen.jpg")

    sub = load_submission(root, pdf_dpi=50)
    assert sub.sender is None
    assert [(p.file_name, p.message) for p in sub.problems] == [
        ("link-naar-buiten.jpg",
         "is een snelkoppeling naar iets buiten de map; niet gelezen")]
    assert sub.files == [
        "a-formulier.pdf",
        "b-id.jpg",
        "link-binnen.jpg",
        "scan2.png",
        "scan10.png",
        "achterkant/id-achter.jpg",
    ]
    assert [p.file_name for p in sub.pages] == sub.files


def test_empty_folder(tmp_path: Path) -> None:
    sub = load_submission(tmp_path)
    assert sub.pages == [] and sub.files == []
    assert [p.message for p in sub.problems] == ["de map bevat geen bestanden"]


def test_eml_inside_folder_is_expanded(tmp_path: Path) -> None:
    msg = make_eml([("id.jpg", "image/jpeg", jpeg_bytes(scan_image("id")))])
    (tmp_path / "mail.eml").write_bytes(msg.as_bytes(policy=default_policy))
    (tmp_path / "scan.png").write_bytes(png_bytes(scan_image("scan")))
    sub = load_submission(tmp_path)
    assert sub.files == ["mail.eml: id.jpg", "scan.png"]
    assert len(sub.pages) == 2 and sub.problems == []


def test_missing_path_raises_input_file_error(tmp_path: Path) -> None:
    path = tmp_path / "bestaat-niet.eml"
    with pytest.raises(InputFileError) as info:
        load_submission(path)
    assert str(path) in str(info.value)
    assert "bestaat niet" in str(info.value)


def _special_files(folder: Path) -> list[str]:
    """A FIFO, a socket and (where allowed) a character device in folder; their names."""
    os.mkfifo(folder / "pijp")
    names = ["pijp"]
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "contact"))
    names.append("contact")
    try:
        os.mknod(folder / "apparaat", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        names.append("apparaat")
    except (PermissionError, OSError):
        pass  # not allowed here: FIFO and socket still stand for the kind
    return names


def test_folder_names_every_entry_it_does_not_read(tmp_path: Path) -> None:
    root = tmp_path / "inzending"
    deep = root / "a" / "b" / "c" / "d" / "e"
    deep.mkdir(parents=True)
    (root / "blad.png").write_bytes(png_bytes(scan_image("blad")))
    (root / "a" / "b" / "c" / "d" / "vier.png").write_bytes(png_bytes(scan_image("4")))
    (deep / "vijf.png").write_bytes(png_bytes(scan_image("5")))
    outside = tmp_path / "buiten.png"
    outside.write_bytes(png_bytes(scan_image("buiten")))
    os.symlink(outside, root / "naar-buiten.png")
    os.symlink(root / "a", root / "naar-map")
    os.symlink(root / "weg.png", root / "kapot.png")
    special = _special_files(root)
    os.symlink(root / "pijp", root / "naar-pijp")

    sub = load_submission(root)  # a FIFO opened for reading would block here
    assert sub.files == ["blad.png", "a/b/c/d/vier.png"]
    why = {p.file_name: p.message for p in sub.problems}
    assert why["naar-buiten.png"] == ("is een snelkoppeling naar iets buiten de map; "
                                      "niet gelezen")
    assert why["naar-map"] == "is een snelkoppeling naar een map; niet gevolgd"
    assert why["kapot.png"] == "is een snelkoppeling die nergens naar wijst; niet gelezen"
    link = "een verbinding tussen programma's"  # a FIFO or a socket
    assert why["naar-pijp"] == f"is een snelkoppeling naar {link}; niet gelezen"
    assert why["pijp"] == why["contact"] == f"is {link}, geen gewoon bestand; niet gelezen"
    if "apparaat" in special:
        assert why["apparaat"] == "is een apparaat, geen gewoon bestand; niet gelezen"
    assert why["a/b/c/d/e"] == ("deze map zit dieper dan 4 mappen in de inzending; wat erin "
                                "staat is niet gelezen")
    assert len(why) == len(sub.problems) == 7 + ("apparaat" in special)


def test_folder_with_many_entries_not_read_sums_them_up(tmp_path: Path) -> None:
    (tmp_path / "blad.png").write_bytes(png_bytes(scan_image("blad")))
    for i in range(25):
        os.mkfifo(tmp_path / f"pijp-{i:02d}")
    sub = load_submission(tmp_path)
    assert sub.files == ["blad.png"] and len(sub.pages) == 1
    assert [p.file_name for p in sub.problems[:10]] == [f"pijp-{i:02d}" for i in range(10)]
    assert sub.problems[10].message == (
        "nog 15 andere bestanden of mappen in de map zijn niet gelezen (snelkoppelingen, "
        "verbindingen tussen programma's, apparaten of te diep)")
    assert len(sub.problems) == 11


def test_path_that_is_a_fifo_socket_or_device_is_a_usage_error(tmp_path: Path) -> None:
    special = _special_files(tmp_path)
    paths = [tmp_path / name for name in special] + [Path("/dev/null")]
    os.symlink(tmp_path / "pijp", tmp_path / "naar-pijp")
    paths.append(tmp_path / "naar-pijp")
    for path in paths:
        # The command: one line naming the path, exit 2, and it never opens (blocks on) the FIFO.
        run = subprocess.run([sys.executable, "-m", "formgen", "check", str(path)],
                             capture_output=True, text=True, timeout=120,
                             env={**os.environ, "FORMGEN_SECRET": "intake-test-key-0123456789"})
        assert run.returncode == 2, run.stderr
        assert run.stdout == ""
        with pytest.raises(InputFileError) as info:
            load_submission(path)
        assert info.value.exit_code == ExitCode.USAGE
        assert str(path) in info.value.line() and "geen bestand of map" in info.value.line()
        assert run.stderr.strip().splitlines() == [f"formgen: fout: {info.value.line()}"]


def test_shown_path_neutralises_bidi_and_other_format_characters() -> None:
    for ch in BIDI_CONTROLS:
        shown = shown_path(f"/tmp/inzending-{ch}gpj.exe")
        assert shown == "/tmp/inzending-\ufffdgpj.exe"
    assert shown_path("/tmp/één map/scan.pdf") == "/tmp/één map/scan.pdf"  # text stays


def test_folder_with_bidi_names_shows_none(tmp_path: Path) -> None:
    root = tmp_path / "map-\u202egpj.exe"
    root.mkdir()
    (root / "scan-\u2067x\u2069.png").write_bytes(png_bytes(scan_image("x")))
    sub = load_submission(root)
    assert sub.files == ["scan-x.png"]
    assert "\u202e" not in sub.source and sub.source.endswith("map-\ufffdgpj.exe")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read everything")
def test_unreadable_file_raises_input_file_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(jpeg_bytes(scan_image("x")))
    path.chmod(0)
    with pytest.raises(InputFileError):
        load_submission(path)


def test_iter_pages_streams_the_same(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(scan_pdf(2))
    (tmp_path / "b.txt").write_text("tekst")
    items = list(iter_pages(tmp_path, pdf_dpi=50))
    assert [type(i).__name__ for i in items] == ["Page", "Page", "FileProblem"]
    with pytest.raises(InputFileError):
        next(iter_pages(tmp_path / "nee"))


def test_library_logs_never_quote_file_contents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """pypdf (strict=False) logs raw PDF bytes around a parse error: here the field value."""
    data = digital_pdf("Jan Jansen").replace(
        b"/Rect [ 72 700 300 720 ]", b"/Rect [ 7\x1d 700 300 720 ]"
    )
    path = tmp_path / "formulier.pdf"
    path.write_bytes(data)
    caplog.set_level("DEBUG")
    sub = load_submission(path, pdf_dpi=36)
    assert len(sub.pages) == 1
    assert not [r for r in caplog.records if "Jansen" in r.getMessage()]


def test_eml_base64_forwarded_message_rfc2231_name_and_signature(tmp_path: Path) -> None:
    """Hand-written MIME as some mailers produce it; the S/MIME signature is not a file."""
    import base64

    jpg = base64.encodebytes(jpeg_bytes(scan_image("pas"))).decode()
    inner = (
        "From: klant@example.org\r\nSubject: pas\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=II\r\n\r\n"
        "--II\r\nContent-Type: text/plain\r\n\r\nhoi\r\n"
        "--II\r\nContent-Type: image/jpeg\r\n"
        "Content-Disposition: attachment; filename*=utf-8''pasf%C3%B6to.jpg\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{jpg}\r\n--II--\r\n"
    )
    outer = (
        "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>\r\nSubject: Fwd: pas\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/signed; boundary=OO\r\n\r\n"
        "--OO\r\nContent-Type: text/html\r\n\r\n<p>zie bijlage</p>\r\n"
        "--OO\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(inner.encode()).decode()
        + "\r\n--OO\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nMIIB\r\n--OO--\r\n"
    )
    path = tmp_path / "doorgestuurd.eml"
    path.write_text(outer)
    sub = load_submission(path)
    assert sub.sender == "joerg@example.de"
    assert sub.files == ["pasföto.jpg"]
    assert sub.problems == []
    assert len(sub.pages) == 1


def test_single_file_without_eml_suffix_that_is_an_email(tmp_path: Path) -> None:
    msg = make_eml([("id.png", "image/png", png_bytes(scan_image("id")))])
    path = tmp_path / "bericht"
    path.write_bytes(msg.as_bytes(policy=default_policy))
    sub = load_submission(path)
    assert sub.sender == "jan.jansen@example.nl"
    assert sub.files == ["id.png"]
    assert len(sub.pages) == 1


@pytest.mark.parametrize(
    "make",
    [scan_pdf, digital_pdf, multipage_tiff, heic_bytes, cmyk_jpeg, exif_rotated_jpeg],
    ids=["scan.pdf", "form.pdf", "tiff", "heic", "cmyk", "exif"],
)
def test_damaged_files_never_raise(tmp_path: Path, make) -> None:
    """Seeded byte flips/truncations: always a page or a problem, never an exception."""
    import random

    rng = random.Random(7)
    good = make()
    for k in range(12):
        data = bytearray(good)
        if k % 3 == 0:
            data = data[: rng.randrange(1, len(data))]
        else:
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"kapot-{k}.bin"
        path.write_bytes(bytes(data))
        sub = load_submission(path, pdf_dpi=36)
        assert sub.pages or sub.problems
        assert all(p.file_name == path.name for p in [*sub.pages, *sub.problems])


def test_preflight_passes_ordinary_pdfs_quickly() -> None:
    """The bomb checks find nothing in what customers send: the form, a scan, a digital form."""
    import time

    from formgen.check.intake.pdf_preflight import preflight
    from formgen.form import blank_form

    for data in (blank_form(), scan_pdf(pages=5, resolution=300), digital_pdf()):
        start = time.perf_counter()
        result = preflight(data)
        assert time.perf_counter() - start < 1.0
        assert result.problem is None and result.page_problems == {}


def test_sixteen_bit_gray_png_is_shrunk_to_eight_bits(tmp_path: Path) -> None:
    """A 16-bit gray scan larger than the work size: shrunk in 16 bits, then 0..65535 -> 0..255."""
    arr = np.full((6000, 5000), 40000, np.uint16)
    arr[:, :2500] = 1000
    (tmp_path / "diep.png").write_bytes(png_bytes(Image.fromarray(arr)))
    sub = load_submission(tmp_path / "diep.png")
    assert not sub.problems
    page = sub.pages[0]
    assert_rgb(page)
    assert page.image.shape[0] * page.image.shape[1] <= 25_000_000
    assert page.image[10, 10, 0] == 1000 // 257 and page.image[10, -10, 0] == 40000 // 257
