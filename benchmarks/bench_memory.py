"""Peak memory of one validator worker on hostile submissions (target: under 1 GB each).

Each submission is checked in a fresh process (as a `--jobs` worker would), and the process's
peak resident memory (ru_maxrss) and wall time are printed:

    python benchmarks/bench_memory.py            # all cases
    python benchmarks/bench_memory.py --quick    # the three largest only

Cases: 50 pages of 14000 x 14000 pt in a 7 KB PDF; an .eml with 100 blank A4 PNGs (300 dpi);
an 80-megapixel PNG; a 48-megapixel JPEG photo; an ID card page scanned at 600 dpi (35 MP, read
with OCR); a plain blank form page for comparison.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
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

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
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


def _measure(path: Path) -> dict[str, object]:
    result = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                            text=True, timeout=1800)
    if result.returncode != 0:
        return {"verdict": "crash", "peak_mb": float("nan"), "seconds": float("nan"),
                "problems": [result.stderr.strip().splitlines()[-1:]]}
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the three largest cases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cases = [
            ("50 pages of 14000 pt (PDF)", lambda: _huge_pages_pdf(root / "huge.pdf")),
            ("100 blank A4 PNGs (.eml)", lambda: _eml_many_pngs(root / "many.eml")),
            ("80-megapixel PNG", lambda: _big_png(root / "big.png")),
        ]
        if not args.quick:
            cases += [("48-megapixel JPEG photo", lambda: _big_jpeg(root / "photo.jpg")),
                      ("ID card page at 600 dpi (OCR)", lambda: _id_page_600dpi(root / "id.jpg")),
                      ("blank form page, 200 dpi", lambda: _blank_form_page(root / "p.png"))]
        print(f"{'case':30} {'verdict':11} {'peak MB':>8} {'seconds':>8}  first problem")
        worst = 0.0
        for label, make in cases:
            path = make()
            row = _measure(path)
            worst = max(worst, float(str(row["peak_mb"])))
            problems = row.get("problems") or [""]
            print(f"{label:30} {row['verdict']!s:11} {float(str(row['peak_mb'])):8.0f} "
                  f"{float(str(row['seconds'])):8.1f}  {str(problems[0])[:70]}")
            path.unlink()
        print(f"worst peak: {worst:.0f} MB (target < {TARGET_MB} MB per worker process)")


if __name__ == "__main__":
    main()
