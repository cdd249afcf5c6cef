"""The help center's scan check in headless Chromium: bytes, time, and agreement with the validator.

    python benchmarks/bench_scan_check.py [-n 12] [--seed 5] [--site DIR] [--bsn-cases N]
    python benchmarks/bench_scan_check.py --corpus DIR [--limit 40] [--skip 0] [--site DIR]
        [--validator-cache FILE]

Builds the site (formgen site prepare + mkdocs build --strict; or uses --site), serves it on
127.0.0.1 and drives the form page itself, as a customer would, with Debian's Chromium:

1. Bytes: what the form page loads before the check is used, and what the first use adds
   (budget: at most 15 MB on first use), from a fresh browser context (no cache).
2. Time: a two-page scanned form plus an ID photo, first use (the parts load) and again
   (budget: at most 5 s on a 2-core machine).
3. Agreement: a slice of the project's corpus (tests/corpus/submissions.py: scans, phone
   photos, missing page, unsigned, no change, no ID, ...), each checked by the page and by
   `check_submission` (what `formgen check` runs). Per aspect: the items where both say the
   same, where the page says "niet zeker", and where the page says "in orde" but the
   validator says missing (must be 0); and the seal of a prefilled form's token, which only
   the validator can check (with the key): where it finds a seal broken, the page must say
   "niet zeker". ID found and BSN visible come from the MRZ the page
   reads in the browser (controle-mrz.js, in a Web Worker); "mrz" in the ms per step.
   --bsn-cases N adds N cases about the BSN (scans and phone photos; the BSN covered in the
   MRZ but printed readable, covered in both, or shown in both), which the corpus's recipes
   do not make: the page must read the printed number too.
5. Generators (--generators N): N copies (scans and phone photos in turn) per ID drawing of the
   corpus (tests/corpus/id_copies.py: the project's ID generator, the other tools' passport
   and card, the families card), the BSN covered as each draws it, and printed readable where
   the drawing has it: the page's "in orde" on each (covered found; readable: must be 0).
4. Faces (--faces FONT,FONT,... --face-copies N): ID copies as the corpus makes them (a scan or
   a phone photo, one at a time), their bold print (values, the BSN, headings) in each face
   instead of DejaVu Sans Bold, the BSN printed readable (covered in the MRZ) and covered in
   both: the page's BSN finding per face. The page knows the digits of OCR-B, DejaVu Sans and
   Liberation Sans (formgen.site.scan_check.DIGIT_FONTS); in other faces it reads no number,
   and must still never say "in orde" for a readable one (it says so only where it sees the
   personal number's place covered), while covered copies stay "in orde".
6. The other generator's corpus (--corpus DIR --limit N): the agreement table of part 3 on N
   items of a corpus made by benchmarks/bench_external.py (tests/corpus/external.py: other
   tools, augraphy's noise, their own ID drawings), read from its cases-*.json, the recipes
   taken in turn (scan, photo, page 2 missing, unsigned, no change, ID only, ...). The page
   gets the files a customer would pick (a folder's files, the PDF, an e-mail's attachments),
   the validator the item itself with that corpus's key and sender, as bench_external.py
   checks it. Only this part runs (no budget, no corpus of our own); the per-case lines add
   what the corpus's manifest says is missing. --skip N leaves out the first N items of that
   order (tune on the first slice, report on the next); --validator-cache FILE keeps formgen
   check's findings per item, so that the page's side can be measured again (another site:
   --site) without the validator's minutes.
7. The drum family (--drum SEED ...): pages 1 and 2 of the blank form under a worn copier's drum
   (tests/corpus/drum_pages.py: the other generator's augraphy DirtyDrum and black-and-white
   scan; the own model's bands of toner clumps through the required boxes), their required
   boxes left empty or written by hand, one page a check: per generator, page and kind, the
   page's findings on the required text boxes (empty pages: also the change group on page 1,
   the signature on page 2). Every "in orde" on an empty page is false. Only this part runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import functools
import http.server
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import id_copies, submissions  # noqa: E402

from formgen.check.submission import check_submission  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FORM_PAGE = "klantenkaart/wijzigingsformulier/"
DONE = "() => ['klaar', 'fout'].includes(document.querySelector('[data-controle]').dataset.state)"
BUDGET_BYTES = 15_000_000
BUDGET_SECONDS = 5.0
ASPECTS = ("pages", "signature", "required", "id_document", "bsn")
# The seal of a prefilled form's token needs the company's key, which stays with the company:
# the page says "niet zeker" on every sealed form, so agreement is counted where the validator
# finds the seal broken (review: a changed form) and the page must never say "in orde" there.
SEAL = "seal"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def build_site(out: Path) -> Path:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    for cmd in ([sys.executable, "-m", "formgen", "site", "prepare"],
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)]):
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=600)
    return out


def customer_files(case_path: Path, into: Path) -> list[Path]:
    """The files the customer has: an e-mail's attachments, a folder's files, one file."""
    if case_path.is_dir():
        return sorted(p for p in case_path.iterdir() if p.is_file())
    if case_path.suffix != ".eml":
        return [case_path]
    msg = email.message_from_bytes(case_path.read_bytes(), policy=email.policy.default)
    into.mkdir(parents=True, exist_ok=True)
    out = []
    for i, part in enumerate(msg.iter_attachments()):  # type: ignore[attr-defined]
        name = part.get_filename() or f"bijlage{i}"
        path = into / f"{i:02d}-{name}"
        path.write_bytes(part.get_payload(decode=True) or b"")
        out.append(path)
    return out


def run_page(browser: object, url: str, files: list[Path], site: Path
             ) -> tuple[dict[str, str], dict]:
    """Check files through the page in a fresh context; returns the items and the measures."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list = []
    ctx.on("request", lambda r: requests.append(r))
    pg = ctx.new_page()
    pg.set_default_timeout(120_000)
    pg.goto(url + FORM_PAGE, wait_until="networkidle")
    before = list(requests)
    start = time.perf_counter()
    pg.locator("#controle-bestanden").set_input_files([str(f) for f in files])
    pg.wait_for_function(DONE, timeout=120_000)
    first = time.perf_counter() - start
    first_steps = pg.locator(".controle__uitslag").get_attribute("data-timings")
    items = dict(pg.eval_on_selector_all(
        "[data-item]", "els => els.map(e => [e.dataset.item, e.dataset.status])"))
    used = requests[len(before):]
    # again, parts loaded: what a second check costs
    pg.evaluate("() => { document.querySelector('[data-controle]').dataset.state = 'bezig'; }")
    start = time.perf_counter()
    pg.locator("#controle-bestanden").set_input_files([])
    pg.locator("#controle-bestanden").set_input_files([str(f) for f in files])
    pg.wait_for_function(DONE, timeout=120_000)
    again = time.perf_counter() - start
    again_steps = pg.locator(".controle__uitslag").get_attribute("data-timings")
    host = urlsplit(url).netloc
    outside = [r.url for r in requests if urlsplit(r.url).scheme == "http"
               and urlsplit(r.url).netloc != host or urlsplit(r.url).scheme not in
               ("http", "blob", "data")]
    measures = {
        "bytes_before": sum(_size(r, site) for r in before), "files_before": len(before),
        "bytes_first_use": sum(_size(r, site) for r in used), "files_first_use": len(used),
        "first_s": first, "again_s": again, "outside": outside,
        "first_steps": first_steps, "again_steps": again_steps,
        "first_use_files": [(r.url.rsplit("/", 1)[-1], _size(r, site)) for r in used],
        "state": pg.locator("[data-controle]").get_attribute("data-state"),
    }
    ctx.close()
    return items, measures


class Checker:
    """One page for many submissions, as a customer checking again: the parts load once."""

    def __init__(self, browser: object, url: str) -> None:
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        self.page = self.ctx.new_page()
        if os.environ.get("BENCH_CONSOLE"):
            self.page.on("console", lambda m: print("   console:", m.text[:400], flush=True))
        self.page.set_default_timeout(120_000)
        self.page.goto(url + FORM_PAGE, wait_until="networkidle")

    def check(self, files: list[Path]) -> dict[str, str]:
        pg = self.page
        pg.evaluate("() => { document.querySelector('[data-controle]').dataset.state = 'bezig'; }")
        pg.locator("#controle-bestanden").set_input_files([])
        pg.locator("#controle-bestanden").set_input_files([str(f) for f in files])
        pg.wait_for_function(DONE, timeout=120_000)
        return dict(pg.eval_on_selector_all(
            "[data-item]", "els => els.map(e => [e.dataset.item, e.dataset.status])"))

    def close(self) -> None:
        self.ctx.close()


def _size(request: object, site: Path) -> int:
    """The bytes of a request to the site: the file served (the test server sends it whole,
    uncompressed; Chromium reports no sizes for a worker's requests)."""
    path = urlsplit(request.url).path.lstrip("/")  # type: ignore[attr-defined]
    file = site / path
    if file.is_dir():
        file = file / "index.html"
    return file.stat().st_size if file.is_file() else 0


def validator_view(case: submissions.CorpusCase | BsnCase | ExternalItem, key: bytes,
                   today: dt.date | None = None) -> dict[str, str]:
    result = check_submission(case.path, key=key, from_address=case.sender, today=today)
    by_code = {c.code: str(c.status) for c in result.checks}
    required = [s for code, s in by_code.items() if code.startswith("field:")]
    return {
        "pages": by_code.get("pages", "missing"),
        "signature": by_code.get("signature", "missing"),
        "required": ("missing" if "missing" in required else
                     "ok" if required and all(s == "ok" for s in required) else "review"),
        "id_document": by_code.get("id_document", "missing"),
        "bsn": {"warning": "missing", "ok": "ok"}.get(by_code.get("bsn", ""), "review"),
        # the token's seal (HMAC): no check for a blank form's code, which has none
        "seal": by_code.get("token", "ok"),
    }


def page_view(items: dict[str, str]) -> dict[str, str]:
    required = [s for k, s in items.items() if k.startswith("field:")]
    pages = items.get("pages", "unsure")
    # no page of the form at all: the page says nothing about the boxes, and formgen check
    # reviews them (it cannot read them either); a missing page among others: its boxes are
    # missing in both
    no_form = pages == "missing" and not required and "signature" not in items
    return {
        "pages": pages,
        # a missing page: the page names the page, not the boxes on it (no finding)
        "signature": items.get("signature", "missing" if pages == "missing" else "unsure"),
        "required": ("unsure" if no_form else
                     "missing" if "missing" in required or pages == "missing" else
                     "ok" if required and all(s == "ok" for s in required) else "unsure"),
        "id_document": items.get("id_document", "unsure"),
        "bsn": items.get("bsn", "unsure"),
        # without the key the page never checks a seal: "niet zeker" wherever it reads one;
        # no such item is counted as "in orde" (the page did not say it could not tell)
        "seal": items.get("seal", "ok"),
    }


@dataclass
class BsnCase:
    kind: str
    path: Path
    sender: str | None


@dataclass
class ExternalItem:
    """One item of the other generator's corpus: its name as kind, and the codes its manifest
    says are missing."""

    kind: str
    path: Path
    sender: str | None
    missing: frozenset[str]


def external_items(corpus: Path, limit: int, skip: int = 0) -> list[ExternalItem]:
    """Up to limit items of a bench_external.py corpus, its recipes taken in turn, after the
    first skip items in that order."""
    from corpus.external import ExternalCase

    saved = sorted(corpus.glob("cases-*.json"))
    if len(saved) != 1:
        raise SystemExit(f"{corpus}: expected one cases-*.json (bench_external.py --corpus), "
                         f"found {len(saved)}")
    by_recipe: dict[str, list[ExternalCase]] = {}
    for d in json.loads(saved[0].read_text()):
        case = ExternalCase.from_json(d)
        by_recipe.setdefault(case.recipe, []).append(case)
    picked: list[ExternalCase] = []
    while len(picked) < skip + limit and any(by_recipe.values()):
        for recipe in sorted(by_recipe):
            if by_recipe[recipe] and len(picked) < skip + limit:
                picked.append(by_recipe[recipe].pop(0))
    return [ExternalItem(c.name, c.path, c.sender, frozenset(c.missing)) for c in picked[skip:]]


# the manifest's codes per aspect (tests/corpus/external.py: missing)
MANIFEST_CODES = {"pages": ("pages",), "signature": ("signature",),
                  "id_document": ("id_document",)}


def manifest_missing(item: object, aspect: str) -> bool:
    missing = getattr(item, "missing", frozenset())
    if aspect == "required":
        return any(c.startswith("field:") for c in missing)
    return any(c in missing for c in MANIFEST_CODES.get(aspect, ()))


# (kind, phone photo, the ID's id_kw): the BSN covered in the MRZ only, in both, in neither
BSN_RECIPES = [
    ("bsn_printed_scan", False, {"masked": True, "print_masked": False}),
    ("bsn_printed_photo", True, {"masked": True, "print_masked": False}),
    ("bsn_covered_scan", False, {"masked": True}),
    ("bsn_printed_passport", False, {"masked": True, "print_masked": False, "passport": True}),
    ("bsn_covered_photo", True, {"masked": True}),
    ("bsn_shown_scan", False, {"masked": False}),
]


def bsn_cases(out: Path, key: bytes, n: int, seed: int) -> list[BsnCase]:
    cases = []
    for i in range(n):
        kind, photo, id_kw = BSN_RECIPES[i % len(BSN_RECIPES)]
        ctx = submissions.Ctx(out / f"bsn-{i:03d}-{kind}", key,
                              submissions.np.random.default_rng([seed, 1000 + i]))
        if photo:
            path, sender, _ = submissions.photo_case(ctx, prefilled=True, how="folder",
                                                     id_kw=id_kw)
        else:
            path, sender, _ = submissions.scanned_case(ctx, prefilled=True, dpi=200,
                                                       how="folder", id_kw=id_kw)
        cases.append(BsnCase(kind, path, sender))
    return cases


def faces_table(browser: object, url: str, out: Path, faces: list[str], copies: int,
                seed: int) -> None:
    """Part 4: per face, the page's BSN finding on ID copies whose printed values are set in
    that face (the ID generator's value font swapped for the run)."""
    from corpus import forms, id_documents

    out.mkdir(parents=True, exist_ok=True)
    checker = Checker(browser, url)
    value_font = id_documents.DEJAVU_BOLD_PATH
    print("\nthe BSN in other faces (page's finding: ok = 'in orde', missing = 'BSN leesbaar'):")
    try:
        for face in faces:
            id_documents.DEJAVU_BOLD_PATH = face
            seen: dict[str, list[str]] = {"printed": [], "covered": []}
            for kind, id_kw in (("printed", {"print_masked": False}), ("covered", {})):
                for i in range(copies):
                    rng = submissions.np.random.default_rng([seed, 2000 + i])
                    page = submissions.id_page(submissions.make_person(rng), 200, rng,
                                               **id_kw)  # type: ignore[arg-type]
                    copy = (submissions.photograph([page], rng, rotate=float(
                        rng.uniform(-10, 10)), quality=(70, 92)) if i % 2 else
                            submissions.scan([page], rng, dpi=200, src_dpi=200))[0]
                    path = out / f"{Path(face).stem}-{kind}-{i}.jpg"
                    path.write_bytes(forms.jpeg_bytes(copy, 85))
                    seen[kind].append(checker.check([path]).get("bsn", "-"))
            printed, covered = seen["printed"], seen["covered"]
            print(f"  {Path(face).stem:28s} printed: 'in orde' {printed.count('ok')}/{copies}, "
                  f"leesbaar {printed.count('missing')}/{copies}; covered: 'in orde' "
                  f"{covered.count('ok')}/{copies}, leesbaar {covered.count('missing')}/{copies}",
                  flush=True)
    finally:
        id_documents.DEJAVU_BOLD_PATH = value_font
        checker.close()


# Part 5 (--generators N): ID copies of the corpus's three ID drawings (tests/corpus/id_copies.py),
# scanned and photographed in turn: (name, covered: no number readable, maker(seed, photo)), the
# covered ones as the generator draws them, the readable ones with the number printed.
GENERATOR_COPIES = (
    ("project card/passport", True,
     lambda seed, photo: id_copies.project(seed, readable=False, photo=photo)),
    ("project card/passport", False,
     lambda seed, photo: id_copies.project(seed, readable=True, photo=photo)),
    ("external passport", True, lambda seed, photo: id_copies.external_copy(
        seed, passport=True, readable=False, photo=photo)),
    ("external passport", False, lambda seed, photo: id_copies.external_copy(
        seed, passport=True, readable=True, photo=photo)),
    ("external card", True, lambda seed, photo: id_copies.external_copy(
        seed, passport=False, readable=False, photo=photo)),
    ("families card", True, lambda seed, photo: id_copies.families_copy(seed, photo=photo)),
)


def generators_table(browser: object, url: str, out: Path, copies: int, seed: int) -> None:
    """Part 5: per ID drawing, how often the page says the BSN is "in orde" where no number is
    readable (covered found) and where one is (must be 0)."""
    from corpus import forms
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    checker = Checker(browser, url)
    print("\nthe BSN per ID generator (page: in orde / niet zeker / leesbaar):")
    try:
        for k, (name, covered, make) in enumerate(GENERATOR_COPIES):
            seen = []
            for i in range(copies):
                path = out / f"gen{k}-{i}.jpg"
                copy = make(seed * 1000 + 37 * k + i, i % 2 == 1)
                path.write_bytes(forms.jpeg_bytes(Image.fromarray(copy), 88))
                found = checker.check([path])
                seen.append(found.get("bsn", "-") if found.get("id_document") == "ok" else "no-id")
            what = "covered found" if covered else "readable called 'in orde'"
            print(f"  {name:22s} {'covered ' if covered else 'readable'} {what}: "
                  f"{seen.count('ok')}/{copies} (unsure {seen.count('unsure')}, "
                  f"leesbaar {seen.count('missing')}, MRZ unread {seen.count('no-id')})",
                  flush=True)
    finally:
        checker.close()


def drum_table(browser: object, url: str, out: Path, seeds: list[int]) -> None:
    """Part 7: the required text boxes of the drum family, empty and written, per generator
    and page: how many the page calls "in orde", "niet zeker", "ontbreekt"; on the empty
    pages also the change group (page 1) and the signature (page 2)."""
    from corpus import external as E
    from corpus.drum_pages import dirty_page, required_text_boxes

    out.mkdir(parents=True, exist_ok=True)
    checker = Checker(browser, url)
    table: dict[tuple[str, int, bool, str], dict[str, int]] = {}
    try:
        for how in ("drum", "bands"):
            for page_no in (1, 2):
                for written in (False, True):
                    for seed in seeds:
                        path = out / f"{how}-{page_no}-{written}-{seed}.png"
                        path.write_bytes(E.png(dirty_page(page_no, how, seed,
                                                          written=written)))
                        found = checker.check([path])
                        keys = [f"field:{b}" for b in required_text_boxes(page_no)]
                        if not written:
                            keys.append("group:change" if page_no == 1 else "signature")
                        seen = {k: found.get(k, "-") for k in keys}
                        for k, v in seen.items():
                            what = "text boxes" if k.startswith("field:") else k
                            counts = table.setdefault((how, page_no, written, what),
                                                      {"ok": 0, "unsure": 0, "missing": 0})
                            counts[v] = counts.get(v, 0) + 1
                        print(f"  {how:5s} page {page_no} {'written' if written else 'empty  '} "
                              f"seed {seed}: " + " ".join(f"{k.split(':')[-1]}={v}"
                                                          for k, v in seen.items()), flush=True)
    finally:
        checker.close()
    print(f"\nthe drum family, seeds {seeds}: in orde / niet zeker / ontbreekt "
          "(on an empty page every 'in orde' is false; '-': page not found)")
    for (how, page_no, written, what), c in table.items():
        kind = "written" if written else "empty"
        print(f"  {how:5s} page {page_no} {kind:7s} {what:12s} {c['ok']:3d} / {c['unsure']:3d} / "
              f"{c['missing']:3d}")


def _same(validator: str, page: str) -> bool:
    """The same finding: ok, missing, or the validator's review where the page is unsure."""
    return validator == page or (validator == "review" and page == "unsure")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=12, help="corpus cases for the agreement table")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--site", type=Path, help="an already built site (else built here)")
    ap.add_argument("--bsn-cases", type=int, default=0,
                    help="cases about the BSN added to the corpus slice (see BSN_RECIPES)")
    ap.add_argument("--faces", default="",
                    help="comma-separated font files for the faces table (part 4)")
    ap.add_argument("--face-copies", type=int, default=6,
                    help="ID copies per face and per kind (BSN printed / covered)")
    ap.add_argument("--generators", type=int, default=0,
                    help="ID copies per ID generator and kind (part 5: covered / readable)")
    ap.add_argument("--corpus", type=Path,
                    help="agreement on a corpus of bench_external.py instead (part 6, read only)")
    ap.add_argument("--limit", type=int, default=40, help="items of --corpus checked")
    ap.add_argument("--skip", type=int, default=0,
                    help="items of --corpus left out first (the same order: a held-out slice)")
    ap.add_argument("--drum", type=int, nargs="*", default=[],
                    help="seeds of the drum family (part 7)")
    ap.add_argument("--validator-cache", type=Path,
                    help="JSON file keeping formgen check's findings per --corpus item")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    key = secrets.token_hex(32).encode()
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as pw:
        tmp = Path(tmp_name)
        site = args.site or build_site(tmp / "site")
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        with serve(site) as url:
            if args.drum:
                drum_table(browser, url, tmp / "drum", args.drum)
                browser.close()
                return
            if args.corpus:
                rows = agreement(browser, url, tmp,
                                 *external_corpus(args.corpus, args.limit, args.skip),
                                 cache=args.validator_cache)
                browser.close()
                print_agreement(rows, f"items of {args.corpus}")
                return
            # 1 + 2: a two-page scanned form plus an ID photo
            rng = submissions.np.random.default_rng(args.seed)
            ctx = submissions.Ctx(tmp / "budget", key, rng)
            path, _, _ = submissions.scanned_case(ctx, prefilled=True, dpi=200, how="folder")
            files = customer_files(path, tmp / "budget-files")
            items, m = run_page(browser, url, files, site)
            print(f"two-page scan (200 dpi PDF) + ID photo: {len(files)} files, "
                  f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB; state {m['state']}")
            print(f"  before use: {m['files_before']} requests, {m['bytes_before'] / 1e3:.0f} kB")
            print(f"  first use:  {m['files_first_use']} requests, "
                  f"{m['bytes_first_use'] / 1e6:.2f} MB (budget {BUDGET_BYTES / 1e6:.0f} MB)")
            print(f"  time: first use {m['first_s']:.2f} s, again {m['again_s']:.2f} s "
                  f"(budget {BUDGET_SECONDS:.0f} s)")
            print(f"  ms per step, first use: {m['first_steps']}; again: {m['again_steps']}")
            print("  first-use files: " + ", ".join(f"{n} {s / 1e3:.0f} kB"
                                                   for n, s in m["first_use_files"]))
            print(f"  requests to elsewhere: {m['outside'] or 'none'}")

            if args.faces:
                faces_table(browser, url, tmp / "faces", args.faces.split(","),
                            args.face_copies, args.seed)
            if args.generators:
                generators_table(browser, url, tmp / "generators", args.generators, args.seed)
            if not args.n and not args.bsn_cases:
                browser.close()
                return
            # 3: agreement on a corpus slice
            t0 = time.perf_counter()
            cases: list = submissions.build_corpus(tmp / "corpus", key, args.n, args.seed,
                                                   workers=2)
            cases += bsn_cases(tmp / "bsn", key, args.bsn_cases, args.seed)
            print(f"\n{len(cases)} corpus cases built in {time.perf_counter() - t0:.0f} s",
                  flush=True)
            rows = agreement(browser, url, tmp, cases, key, None)
        browser.close()
    print_agreement(rows, f"corpus cases (seed {args.seed})")


Row = tuple[Any, dict[str, str], dict[str, str]]


def external_corpus(corpus: Path, limit: int, skip: int = 0) -> tuple[list, bytes, dt.date]:
    """The items, key and date bench_external.py checks that corpus with."""
    from bench_external import KEY
    from corpus.external import today

    items = external_items(corpus, limit, skip)
    print(f"\n{len(items)} items of {corpus}", flush=True)
    return items, KEY, today()


def agreement(browser: object, url: str, tmp: Path, cases: list, key: bytes,
              today: dt.date | None, cache: Path | None = None) -> list[Row]:
    """Each case through the page (one page, as a customer checking again) and the validator
    (its findings kept in cache, a JSON file by case path, where given: the page's side can then
    be measured again without the validator's minutes)."""
    rows: list[Row] = []
    known = json.loads(cache.read_text()) if cache and cache.is_file() else {}
    checker = Checker(browser, url)
    try:
        for case in cases:
            files = customer_files(case.path, tmp / "files" / case.path.name)
            page = page_view(checker.check(files)) if files else {}
            if str(case.path) not in known:
                known[str(case.path)] = validator_view(case, key, today)
                if cache:
                    cache.write_text(json.dumps(known, indent=1, sort_keys=True))
            rows.append((case, known[str(case.path)], page))
            print(f"  {len(rows):3d} {case.kind}", flush=True)
    finally:
        checker.close()
    return rows


def print_agreement(rows: list[Row], what: str) -> None:
    table = {a: {"items": 0, "agree": 0, "unsure": 0, "false_ok": 0, "false_missing": 0}
             for a in (*ASPECTS, SEAL)}
    for _case, check, page in rows:
        for a in (*ASPECTS, SEAL):
            t, v, b = table[a], check[a], page.get(a, "unsure")
            if a == SEAL and v == "ok":
                continue  # a seal the validator accepts: nothing the page could see
            t["items"] += 1
            t["agree"] += _same(v, b)
            t["unsure"] += b == "unsure"
            t["false_ok"] += b == "ok" and (v == "missing" or a == SEAL)
            t["false_missing"] += b == "missing" and v == "ok"
    print(f"\nagreement with formgen check, {len(rows)} {what}:")
    print(f"{'aspect':12s} {'items':>5s} {'agree':>6s} {'%':>5s} {'unsure':>6s} "
          f"{'ok/missing':>10s} {'missing/ok':>10s}")
    for a, t in table.items():
        pct = 100 * t["agree"] / t["items"] if t["items"] else 0
        print(f"{a:12s} {t['items']:5d} {t['agree']:6d} {pct:5.0f} {t['unsure']:6d} "
              f"{t['false_ok']:10d} {t['false_missing']:10d}")
    print("(ok/missing: the page says 'in orde' where formgen check says missing, or a seal it "
          "does not accept; must be 0)")
    print("(seal: only forms whose seal formgen check does not accept, e.g. a changed token; "
          "the page cannot check a seal and must say 'niet zeker')")
    manifest = [(case, a) for case, _, page in rows for a in ASPECTS
                if isinstance(case, ExternalItem) and manifest_missing(case, a)
                and page.get(a) == "ok"]
    if any(isinstance(case, ExternalItem) for case, _, _ in rows):
        print(f"page 'in orde' where the corpus's manifest says missing: {len(manifest)}"
              + "".join(f"\n  {case.kind} {a}" for case, a in manifest))
    print("\nper case (validator | page):")
    for case, check, page in rows:
        diff = [f"{a}={check[a]}|{page.get(a, '-')}" for a in (*ASPECTS, SEAL)
                if not _same(check[a], page.get(a, "unsure"))
                and not (a == SEAL and check[a] == "ok")]
        expected = (f"  [manifest missing: {' '.join(sorted(case.missing)) or '-'}]"
                    if isinstance(case, ExternalItem) else "")
        print(f"  {case.kind:22s} {' '.join(diff) or 'same'}{expected}")


if __name__ == "__main__":
    main()
