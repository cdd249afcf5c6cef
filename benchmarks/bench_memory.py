"""Peak memory of one validator worker on hostile submissions (target: under 1 GB each).

Each submission is checked in a fresh process (as a `--jobs` worker would), and the process's
peak resident memory (ru_maxrss) and wall time are printed:

    python benchmarks/bench_memory.py            # all cases
    python benchmarks/bench_memory.py --quick    # the three largest only
    python benchmarks/bench_memory.py --email    # e-mails that blow up the parser only

Cases: 50 pages of 14000 x 14000 pt in a 7 KB PDF; an .eml with 100 blank A4 PNGs (300 dpi);
an 80-megapixel PNG; a 48-megapixel JPEG photo; an ID card page scanned at 600 dpi (35 MP, read
with OCR); a plain blank form page for comparison. E-mail cases (--email, also in the full
run): a plain e-mail with the same blank PNG for comparison, a subject of many RFC 2047 encoded
words, a long file name of them, a 1 MB From of words, a From of 0.5 MB commas, 1,000,000 empty
MIME parts, 200,000 named attachments. With --bombs: PDFs whose drawings multiply, that
inflate to gigabytes or hold 20000 fields, and 79-megapixel WebP and 16-bit PNG images.

Each child runs under a time limit (--timeout, default 1800 s); an e-mail case also under an
address-space cap (--cap-mb, default 3072), a bomb under a 4 GB cap, so a parser that blows up
shows as "cap" or ">Ns" instead of taking the machine down.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfWriter

TARGET_MB = 1024

CHILD = """
import json, resource, sys, time
from pathlib import Path
from formgen.check.run import run_checks
start = time.perf_counter()
result = run_checks([Path(sys.argv[1])], key=None)[0]
peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # the check runs in a worker
              resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"verdict": str(result.verdict), "peak_mb": peak_kb / 1024,
                  "seconds": time.perf_counter() - start,
                  "problems": [p.message for p in result.problems][:3]}))
"""


def _huge_pages_pdf(path: Path) -> Path:
    writer = PdfWriter()
    for _ in range(50):
        writer.add_blank_page(width=14000, height=14000)
    writer.write(path)
    return path


def _png(width: int, height: int, value: int = 255) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((height, width), value, np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _eml_many_pngs(path: Path, count: int = 100) -> Path:
    message = EmailMessage()
    message["From"] = "klant@voorbeeld.nl"
    message["To"] = "klantenservice@voorbeeld.nl"
    message["Subject"] = "Formulier"
    message.set_content("Zie bijlagen.")
    page = _png(2480, 3508)
    for i in range(count):
        message.add_attachment(page, maintype="image", subtype="png", filename=f"p{i}.png")
    path.write_bytes(bytes(message))
    return path


def _big_png(path: Path) -> Path:
    rng = np.random.default_rng(1)
    image = np.full((7700, 10300, 3), 245, np.uint8)  # 79 MP
    image[::97, :, :] = rng.integers(0, 80, (image[::97].shape[0], 10300, 3), dtype=np.uint8)
    Image.fromarray(image).save(path, "PNG", compress_level=1)
    return path


def _big_jpeg(path: Path) -> Path:
    rng = np.random.default_rng(2)
    image = rng.integers(180, 255, (6000, 8000, 3), dtype=np.uint8)  # 48 MP phone photo
    Image.fromarray(image).save(path, "JPEG", quality=85)
    return path


def _id_page_600dpi(path: Path) -> Path:
    import datetime as dt

    sys.path[:0] = [str(Path(__file__).resolve().parents[1] / d) for d in (".", "tests")]
    from corpus.id_documents import id_card_page

    page = id_card_page(dpi=600, surname="JANSEN", given_names="ANNA", masked_bsn=True,
                        today=dt.date(2026, 11, 25))
    Image.fromarray(page.image).save(path, "JPEG", quality=90)
    return path


def _blank_form_page(path: Path) -> Path:
    import pypdfium2 as pdfium

    from formgen.form import blank_form

    pdfium.PdfDocument(blank_form())[0].render(scale=200 / 72).to_pil().save(path)
    return path


def _raw_eml(path: Path, headers: bytes, parts: list[bytes] | None = None,
             name_params: bytes = b'filename="blad.png"') -> Path:
    """A multipart e-mail written byte by byte: headers as given, a blank PNG, then parts."""
    attachment = (b"Content-Type: image/png\r\nContent-Disposition: attachment; " + name_params
                  + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                  + base64.encodebytes(_png(200, 300)).replace(b"\n", b"\r\n"))
    if b"From:" not in headers:
        headers = b"From: klant@voorbeeld.nl\r\n" + headers
    body = b"".join(b"--B\r\n" + part for part in [attachment, *(parts or [])])
    path.write_bytes(headers + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; "
                     b"boundary=B\r\n\r\n" + body + b"--B--\r\n")
    return path


_WORD = b"=?utf-8?q?ab=C3=A9?="


def _email_cases(root: Path) -> list[tuple[str, Callable[[], Path]]]:
    def subject(words: int) -> Callable[[], Path]:
        return lambda: _raw_eml(root / "onderwerp.eml", b"Subject: "
                                + b"\r\n ".join([_WORD] * words) + b"\r\n")

    def named() -> list[bytes]:
        return [b"Content-Type: text/plain\r\nContent-Disposition: attachment; "
                b"filename=f%d.txt\r\n\r\nx\r\n" % i for i in range(200_000)]

    return [
        ("plain e-mail, one PNG (baseline)", lambda: _raw_eml(root / "gewoon.eml",
                                                               b"Subject: Formulier\r\n")),
        ("Subject: 5,000 encoded words", subject(5_000)),
        ("Subject: 20,000 encoded words", subject(20_000)),
        ("Subject: 200,000 encoded words", subject(200_000)),
        ("file name: 8,000 encoded words", lambda: _raw_eml(
            root / "naam.eml", b"Subject: x\r\n",
            name_params=b'filename="' + b" ".join([_WORD] * 8_000) + b'.png"')),
        ("From: 1 MB of words", lambda: _raw_eml(
            root / "van.eml", b"From: " + b"woord " * 170_000 + b"<klant@voorbeeld.nl>\r\n")),
        ("From: 0.5 MB of commas", lambda: _raw_eml(
            root / "komma.eml", b"From: " + b"," * 500_000 + b"klant@voorbeeld.nl\r\n")),
        ("1,000,000 empty MIME parts", lambda: _raw_eml(
            root / "delen.eml", b"Subject: x\r\n", [b"\r\n"] * 1_000_000)),
        ("200,000 named attachments", lambda: _raw_eml(
            root / "bijlagen.eml", b"Subject: x\r\n", named())),
    ]


def _measure(path: Path, cap_mb: int | None, timeout: float) -> dict[str, object]:
    def cap() -> None:
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb << 20, cap_mb << 20))

    failed = {"peak_mb": float("nan"), "seconds": float("nan"), "problems": [""]}
    try:
        result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                                text=True, timeout=timeout, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        return {**failed, "verdict": f">{timeout:.0f}s"}
    if result.returncode != 0:
        memory = "MemoryError" in result.stderr or result.returncode < 0
        return {**failed, "verdict": "cap" if memory else "crash",
                "problems": result.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the three largest cases")
    parser.add_argument("--email", action="store_true", help="only the e-mail cases")
    parser.add_argument("--bombs", action="store_true",
                        help="only the PDF and image bombs (each under a 4 GB cap)")
    parser.add_argument("--cap-mb", type=int, default=3072, help="address space per child")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per child")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases: list[tuple[str, Callable[[], Path]]] = [
            ("50 pages of 14000 pt (PDF)", lambda: _huge_pages_pdf(root / "huge.pdf")),
            ("100 blank A4 PNGs (.eml)", lambda: _eml_many_pngs(root / "many.eml")),
            ("80-megapixel PNG", lambda: _big_png(root / "big.png")),
        ]
        if args.email:
            cases = _email_cases(root)
        elif args.bombs:
            cases = bomb_cases(root)
        elif not args.quick:
            cases += [("48-megapixel JPEG photo", lambda: _big_jpeg(root / "photo.jpg")),
                      ("ID card page at 600 dpi (OCR)", lambda: _id_page_600dpi(root / "id.jpg")),
                      ("blank form page, 200 dpi", lambda: _blank_form_page(root / "p.png"))]
            cases += _email_cases(root)
        capped = {label for label, _ in _email_cases(root)}
        print(f"{'case':32} {'verdict':11} {'peak MB':>8} {'seconds':>8}  first problem")
        worst = 0.0
        for label, make in cases:
            path = make()
            cap = BOMB_CAP_MB if args.bombs else args.cap_mb if label in capped else None
            row = _measure(path, cap, args.timeout)
            worst = max(worst, float(str(row["peak_mb"])))
            problems = row.get("problems") or [""]
            print(f"{label:32} {row['verdict']!s:11} {float(str(row['peak_mb'])):8.0f} "
                  f"{float(str(row['seconds'])):8.1f}  {str(problems[0])[:70]}")
            path.unlink()
        print(f"worst peak: {worst:.0f} MB (target < {TARGET_MB} MB per worker process)")


# -- Bombs: small PDFs and images that cost a decoder gigabytes (tests/corpus/bombs.py) ------

BOMB_CAP_MB = 4096  # a bomb that gets through dies here instead of taking the machine


def bomb_cases(root: Path) -> list[tuple[str, Callable[[], Path]]]:
    sys.path[:0] = [str(Path(__file__).resolve().parents[1] / d) for d in (".", "tests")]
    from corpus import bombs

    def write(name: str, make: Callable[[], bytes]) -> Callable[[], Path]:
        def build() -> Path:
            path = root / name
            path.write_bytes(make())
            return path
        return build

    gb = 1024 ** 3
    return [
        ("PDF form drawn 2^20 times", write("fanout.pdf", lambda: bombs.xobject_fanout(20))),
        ("PDF form that draws itself", write("cycle.pdf", lambda: bombs.xobject_cycle(1))),
        ("PDF content inflating to 1 GB", write("flate.pdf", lambda: bombs.flate_content(gb))),
        ("PDF deflated twice, 4 GB", write("twice.pdf",
                                           lambda: bombs.double_flate_content(4 * gb))),
        ("PDF object stream of 1 GB", write("objstm.pdf",
                                            lambda: bombs.flate_object_stream(gb))),
        ("PDF with 20000 form fields", write("fields.pdf", lambda: bombs.many_fields(20000))),
        ("79-megapixel WebP", write("big.webp", lambda: bombs.webp_rgba(10300, 7700))),
        ("79 MP 16-bit gray PNG", write("gray16.png",
                                        lambda: bombs.png_raw(10300, 7700, 16, 0))),
        ("79 MP 16-bit RGB PNG", write("rgb16.png", lambda: bombs.png_raw(10300, 7700, 16, 2))),
        ("79 MP RGBA PNG", write("rgba.png", lambda: bombs.png_raw(10300, 7700, 8, 6))),
    ]


if __name__ == "__main__":
    main()
