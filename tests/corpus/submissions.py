"""Realistic customer submissions with a known expected verdict.

``build_corpus(out_dir, key, n, seed)`` writes ``n`` cases under ``out_dir`` (``case-000-<kind>``,
each ONE submission path: a folder, a single file or an ``.eml``) and returns their
:class:`CorpusCase` records. Also runnable::

    python -m tests.corpus.submissions OUT_DIR [-n 60] [--seed 1]

Verdicts and check codes (what ``formgen check`` is expected to report):

* ``complete`` - nothing missing.
* ``incomplete`` - ``missing`` lists the check codes whose status is *missing*
  (``form``, ``token``, ``pages``, ``field:<id>``, ``group:change``, ``signature``,
  ``id_document``, ``id_name``, ``id_expiry``, ``bsn``, ``email``). When the form itself is absent
  (wrong document, ID only) only ``form`` is listed: the form-derived checks are moot.
* ``review`` - a human has to look; ``review`` lists the doubtful check codes.
* ``unreadable`` - nothing could be read (``missing`` is empty).

``sender`` is the address to pass as ``--from`` for folder/file cases (``None``: pass none);
for ``.eml`` cases the sender is in the ``From:`` header and ``sender`` is ``None``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import segno
from PIL import Image

from formgen import token as tokens
from formgen.form.build import blank_form, layout_contract, prefilled_form
from formgen.form.customers import Customer

from . import clock, forms
from .forms import Rng

try:  # the other helper's module; the ID part is isolated in id_page()
    from . import id_documents
except ImportError:  # pragma: no cover
    id_documents = None  # type: ignore[assignment]

VERDICTS = ("complete", "incomplete", "review", "unreadable")
SIGN_FIELDS = ("signer_name", "sign_place", "sign_date")


@dataclass
class CorpusCase:
    path: Path
    expected: str  # complete | incomplete | review | unreadable
    missing: set[str]  # check codes expected with status "missing"
    description: str
    kind: str = ""
    review: set[str] = field(default_factory=set)  # check codes expected to need review
    sender: str | None = None  # pass as --from (folder/file cases); None: pass no --from
    customer_id: str | None = None
    warning: set[str] = field(default_factory=set)  # check codes expected as warning


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def contract() -> dict[str, Any]:
    return layout_contract()


@lru_cache(maxsize=1)
def _blank() -> bytes:
    return blank_form()


def today() -> dt.date:
    return clock.today()


@dataclass
class Person:
    info: dict[str, str]
    customer: Customer
    request_id: str | None = None
    issued: dt.date | None = None

    @property
    def name(self) -> str:
        return self.info["name"]

    @property
    def email(self) -> str:
        return self.info["email"]


def make_person(rng: Rng) -> Person:
    info = forms.person(rng)
    customer = Customer(
        customer_id=forms.fill_values("customer_id", rng), name=info["name"],
        company="" if rng.random() < 0.6 else f"{info['surname'].split()[-1]} Webdesign B.V.",
        id_number=forms.fill_values("id_number", rng), email=info["email"], phone=info["phone"],
        street=info["street"], postcode=info["postcode"], city=info["city"], country="Nederland")
    return Person(info, customer)


def form_values(p: Person, rng: Rng, *, prefilled: bool, omit: frozenset[str] = frozenset(),
                group: bool = True, email_on_form: bool = True) -> dict[str, str]:
    """What the customer writes by hand (prefilled values are already printed)."""
    c = contract()
    v: dict[str, str] = {}
    if not prefilled:
        v.update(customer_id=p.customer.customer_id, id_number=p.customer.id_number, name=p.name)
        if email_on_form:
            v["email"] = p.email
        if rng.random() < 0.5:
            v.update(street=p.info["street"], postcode=p.info["postcode"], city=p.info["city"])
    if group:
        names = list(c["groups"]["change"]["fields"])
        kinds = {f["id"]: f["kind"] for f in c["fields"]}
        chosen = rng.choice(names, size=int(rng.integers(1, 4)), replace=False)
        for fid in chosen:
            fid = str(fid)
            if fid in ("new_street", "new_postcode", "new_city"):
                v.update(new_street=forms.fill_values("street", rng),
                         new_postcode=forms.fill_values("postcode", rng),
                         new_city=forms.fill_values("place", rng))
            elif fid in ("new_name", "new_account_holder"):
                v[fid] = forms.fill_values("name", rng)
            elif fid == "new_country":
                v[fid] = "België"
            else:
                v[fid] = forms.fill_values(kinds[fid], rng)
    for box in ("check_form", "check_id", "check_email"):
        if rng.random() < 0.6:
            v[box] = forms.fill_values("checkbox", rng)
    if email_on_form and rng.random() < 0.4:
        v["reply_email"] = p.email
    v.update(signer_name=p.name, sign_place=forms.fill_values("place", rng),
             sign_date=forms.fill_values("date", rng, today=today()))
    return {k: val for k, val in v.items() if k not in omit}


def form_pdf(p: Person, key: bytes, prefilled: bool, rng: Rng) -> bytes:
    if not prefilled:
        return _blank()
    request_id = "R" + "".join("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[int(i)]
                               for i in rng.integers(0, 32, 12))
    p.request_id = request_id
    p.issued = today() - dt.timedelta(days=int(rng.integers(1, 20)))
    pdf, _ = prefilled_form(p.customer, key, request_id=request_id, issued=p.issued)
    return pdf


def filled_pages(pdf: bytes, values: dict[str, str], dpi: int, rng: Rng, *,
                 signature: str = "yes") -> list[Image.Image]:
    """Clean renders with handwriting; signature: 'yes', 'faint' or 'no'."""
    c = contract()
    font, ink = forms.pick_font(rng), forms.pick_ink(rng)
    pages = forms.render_form_pages(pdf, dpi)
    out = []
    sig_page = forms.field_by_id(c, "signature")["page"]
    for number, page in enumerate(pages, start=1):
        page = forms.handwrite(page, c, number, values, dpi, font=font, rng=rng, ink=ink)
        if number == sig_page and signature != "no":
            page = forms.sign(page, c, dpi, rng, faint=signature == "faint", ink=ink)
        out.append(page)
    return out


def mrz_name(text: str) -> str:
    """ICAO-style transliteration for the MRZ generator (Ø -> OE, ễ -> E, Ł -> L ...)."""
    table = str.maketrans({"Ø": "OE", "ø": "oe", "Æ": "AE", "æ": "ae", "ß": "ss"})
    return forms.ascii_fold(text.translate(table)).replace("'", "").replace("-", " ")


def id_page(p: Person, dpi: int, rng: Rng, *, expired: bool = False, masked: bool = True,
            surname: str | None = None, given: str | None = None,
            passport: bool | None = None, document_number: str | None = None,
            print_masked: bool | None = None) -> Image.Image:
    """A page with the person's (fictitious) ID card or passport, BSN masked by default, whose
    document number is the ID number on the person's form; surname, given and
    document_number: someone else's (or another document's) instead of the person's;
    print_masked: the printed BSN's mask, if not as the MRZ's."""
    if id_documents is None:  # pragma: no cover
        raise RuntimeError("tests/corpus/id_documents.py is missing")
    passport = bool(rng.random() < 0.35) if passport is None else passport
    make = id_documents.passport_page if passport else id_documents.id_card_page
    kwargs = dict(dpi=dpi, masked_bsn=masked, expired=expired, today=today(),
                  mask_style="bar" if rng.random() < 0.7 else "filler",
                  seed=int(rng.integers(1, 2 ** 31)),
                  document_number=document_number or p.customer.id_number,
                  print_masked=print_masked)
    sur, given = surname or p.info["surname"], given or p.info["given"]
    try:
        doc = make(surname=sur, given_names=given, **kwargs)
    except Exception:  # noqa: BLE001 - the MRZ generator rejects letters outside A-Z
        doc = make(surname=mrz_name(sur), given_names=mrz_name(given), **kwargs)
    return Image.fromarray(doc.image)


def tamper_qr(page: Image.Image, text: str, dpi: int, page_number: int = 1) -> Image.Image:
    """Paint a different QR code (``text``) over the page's QR rectangle."""
    c = contract()
    rect = next(pg for pg in c["pages"] if pg["number"] == page_number)["qr"]
    x0, y0, x1, y1 = forms.rect_px(rect, dpi)
    modules = np.array(segno.make_qr(text, error="m", boost_error=False).matrix, dtype=bool)
    size = x1 - x0
    img = np.where(modules, 0, 255).astype(np.uint8)
    img = np.array(Image.fromarray(img).resize((size, size), Image.Resampling.NEAREST))
    arr = np.array(page)
    arr[y0:y0 + size, x0:x0 + size] = img[..., None]
    return Image.fromarray(arr)


def changed_token(p: Person, key: bytes, page: int, rng: Rng) -> str:
    """The page's real token with one character changed (in the customer id or the tag)."""
    form = contract()["form"]
    assert p.request_id and p.issued, "only a prefilled form carries a signed token"
    real = tokens.encode(tokens.Token(form["id"], int(form["version"]), page,
                                      int(form["page_count"]), p.request_id,
                                      p.customer.customer_id, p.issued), key)
    parts = real.split(":")
    idx = 5 if rng.random() < 0.5 else 7  # customer id or tag
    s = parts[idx]
    pos = int(rng.integers(1 if idx == 5 else 0, len(s)))
    alphabet = "0123456789" if s[pos].isdigit() else "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    choices = [ch for ch in alphabet if ch != s[pos]]
    parts[idx] = s[:pos] + choices[int(rng.integers(len(choices)))] + s[pos + 1:]
    return ":".join(parts)


# --------------------------------------------------------------------------------------------
# writing submissions
# --------------------------------------------------------------------------------------------


def scan(pages: list[Image.Image], rng: Rng, *, dpi: int, src_dpi: int, bw: bool = False,
         rotate: float = 0.0, small_angle: bool = True) -> list[Image.Image]:
    out = []
    for page in pages:
        angle = rotate + (float(rng.uniform(-2.5, 2.5)) if small_angle else 0.0)
        out.append(forms.degrade(page, rng, src_dpi=src_dpi, dpi=dpi, rotate_deg=angle,
                                 skew=float(rng.uniform(-0.008, 0.008)), bw=bw,
                                 noise=float(rng.uniform(2, 6)), paper_tint=not bw,
                                 blur=float(rng.uniform(0, 0.6))))
    return out


def photograph(pages: list[Image.Image], rng: Rng, *, rotate: float | None = None,
               quality: tuple[int, int] = (55, 92)) -> list[Image.Image]:
    out = []
    for page in pages:
        angle = float(rng.uniform(-12, 12)) if rotate is None else rotate
        out.append(forms.degrade(page, rng, perspective=float(rng.uniform(0.02, 0.07)),
                                 rotate_deg=angle, blur=float(rng.uniform(0.3, 1.2)),
                                 noise=float(rng.uniform(3, 8)),
                                 jpeg_quality=int(rng.integers(*quality))))
    return out


def write_eml(path: Path, sender: str | None, attachments: list[tuple[str, bytes]],
              rng: Rng, subject: str = "Wijzigingsformulier klantenkaart") -> None:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "klantenservice@wijzigingsloket.nl"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)
                                  + dt.timedelta(minutes=int(rng.integers(0, 7000))))
    msg["Message-ID"] = make_msgid(domain="example.nl")
    msg.set_content("Beste klantenservice,\n\nIn de bijlage het ingevulde formulier en een kopie "
                    "van mijn ID.\n\nMet vriendelijke groet\n")
    for name, data in attachments:
        lower = name.lower()
        maintype, subtype = (("application", "pdf") if lower.endswith(".pdf") else
                             ("image", "jpeg") if lower.endswith((".jpg", ".jpeg")) else
                             ("application", "octet-stream"))
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(bytes(msg))


def _img_name(rng: Rng) -> str:
    return f"IMG_{int(rng.integers(1000, 9999))}.jpg"


def _id_name(rng: Rng) -> str:
    return ["ID kaart.jpg", "paspoort.jpg", "legitimatie.jpg", "IMG-ID.jpg"][int(rng.integers(4))]


# --------------------------------------------------------------------------------------------
# case recipes
# --------------------------------------------------------------------------------------------


@dataclass
class Ctx:
    root: Path  # the case's own path stem (without extension)
    key: bytes
    rng: Rng


def _deliver(ctx: Ctx, how: str, form_files: list[tuple[str, bytes]],
             id_files: list[tuple[str, bytes]], sender: str | None) -> tuple[Path, str | None]:
    """Write the submission as a folder, an .eml, or one single file; returns (path, --from)."""
    files = form_files + id_files
    if how == "eml":
        path = ctx.root.with_suffix(".eml")
        write_eml(path, sender, files, ctx.rng)
        return path, None
    if how == "file":
        assert len(files) == 1
        path = ctx.root.with_name(ctx.root.name + "-" + files[0][0])
        path.write_bytes(files[0][1])
        return path, sender
    ctx.root.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (ctx.root / name).write_bytes(data)
    return ctx.root, sender


def _paper(ctx: Ctx, *, prefilled: bool, dpi: int, omit: frozenset[str] = frozenset(),
           group: bool = True, signature: str = "yes", email_on_form: bool = True
           ) -> tuple[Person, bytes, list[Image.Image], int]:
    rng = ctx.rng
    p = make_person(rng)
    pdf = form_pdf(p, ctx.key, prefilled, rng)
    render_dpi = 300 if dpi > 200 else 200
    values = form_values(p, rng, prefilled=prefilled, omit=omit, group=group,
                         email_on_form=email_on_form)
    return p, pdf, filled_pages(pdf, values, render_dpi, rng, signature=signature), render_dpi


def scanned_case(ctx: Ctx, *, prefilled: bool, dpi: int, bw: bool = False, rotate: float = 0,
                 how: str = "folder", id_in_pdf: bool = False, with_id: bool = True,
                 omit: frozenset[str] = frozenset(), group: bool = True, signature: str = "yes",
                 drop_page2: bool = False, reverse: bool = False, jpeg_pages: bool = False,
                 id_kw: dict[str, Any] | None = None, tamper: bool = False,
                 email_on_form: bool = True, sender: bool = True
                 ) -> tuple[Path, str | None, Person]:
    rng = ctx.rng
    p, pdf, pages, rdpi = _paper(ctx, prefilled=prefilled, dpi=dpi, omit=omit, group=group,
                                 signature=signature, email_on_form=email_on_form)
    if tamper:
        pages = [tamper_qr(pg, changed_token(p, ctx.key, i, rng), rdpi, i)
                 for i, pg in enumerate(pages, start=1)]
    if drop_page2:
        pages = pages[:1]
    idimg = id_page(p, rdpi, rng, **(id_kw or {})) if with_id else None
    if id_in_pdf and idimg is not None:
        pages = pages + [idimg]
        idimg = None
    scanned = scan(pages, rng, dpi=dpi, src_dpi=rdpi, bw=bw, rotate=rotate)
    if reverse:
        scanned = scanned[::-1]
    if jpeg_pages:
        form_files = [(f"scan{i:04d}.jpg", forms.jpeg_bytes(im, int(rng.integers(60, 90)), dpi))
                      for i, im in enumerate(scanned, start=1)]
    else:
        form_files = [(f"scan{int(rng.integers(1, 40)):04d}.pdf",
                       forms.pages_to_pdf(scanned, dpi, int(rng.integers(50, 90))))]
    id_files = []
    if idimg is not None:
        photo = photograph([idimg], rng, rotate=float(rng.uniform(-8, 8)), quality=(70, 92))[0] \
            if rng.random() < 0.5 else scan([idimg], rng, dpi=dpi, src_dpi=rdpi)[0]
        id_files = [(_id_name(rng), forms.jpeg_bytes(photo, 85))]
    path, frm = _deliver(ctx, how, form_files, id_files, p.email if sender else None)
    return path, frm, p


def photo_case(ctx: Ctx, *, prefilled: bool, rotate: float | None = None, how: str = "eml",
               with_id: bool = True, omit: frozenset[str] = frozenset(), group: bool = True,
               signature: str = "yes", id_kw: dict[str, Any] | None = None,
               quality: tuple[int, int] = (55, 92), sender: str | None = "customer"
               ) -> tuple[Path, str | None, Person]:
    rng = ctx.rng
    p, pdf, pages, rdpi = _paper(ctx, prefilled=prefilled, dpi=200, omit=omit, group=group,
                                 signature=signature)
    photos = photograph(pages, rng, rotate=rotate, quality=quality)
    form_files = [(_img_name(rng), forms.jpeg_bytes(im, 90)) for im in photos]
    id_files = []
    if with_id:
        idimg = photograph([id_page(p, rdpi, rng, **(id_kw or {}))], rng, rotate=float(
            rng.uniform(-10, 10)), quality=(70, 92))[0]
        id_files = [(_id_name(rng), forms.jpeg_bytes(idimg, 88))]
    addr = p.email if sender == "customer" else sender
    path, frm = _deliver(ctx, how, form_files, id_files, addr)
    return path, frm, p


Recipe = Callable[[Ctx], CorpusCase]


def _case(path: Path, expected: str, missing: set[str], desc: str, frm: str | None,
          p: Person | None, review: set[str] | None = None) -> CorpusCase:
    return CorpusCase(path, expected, missing, desc, review=review or set(), sender=frm,
                      customer_id=p.customer.customer_id if p else None)


def r_complete_scan(ctx: Ctx) -> CorpusCase:
    dpi = int(ctx.rng.choice([150, 200, 300]))
    pre = bool(ctx.rng.random() < 0.6)
    path, frm, p = scanned_case(ctx, prefilled=pre, dpi=dpi)
    return _case(path, "complete", set(), f"{'prefilled' if pre else 'blank'} form, colour scan "
                 f"PDF at {dpi} dpi + ID photo, folder", frm, p)


def r_unsigned(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, signature="no")
    return _case(path, "incomplete", {"signature"}, "prefilled form scanned, not signed", frm, p)


def r_corrupt_pdf(ctx: Ctx) -> CorpusCase:
    rng = ctx.rng
    path = ctx.root.with_name(ctx.root.name + "-scan0001.pdf")
    if rng.random() < 0.5:
        data = b"%PDF-1.7\n" + rng.integers(0, 256, 20000, dtype=np.uint8).tobytes()
        how = "random bytes behind a PDF header"
    else:
        page = forms.render_form_pages(_blank(), 100)[0]
        full = forms.pages_to_pdf([page], 100)
        data = full[: len(full) // 3]
        how = "scan PDF truncated to a third"
    path.write_bytes(data)
    return _case(path, "unreadable", set(), f"corrupt PDF only ({how})", None, None)


def r_complete_photos_eml(ctx: Ctx) -> CorpusCase:
    pre = bool(ctx.rng.random() < 0.5)
    path, frm, p = photo_case(ctx, prefilled=pre)
    return _case(path, "complete", set(), f"{'prefilled' if pre else 'blank'} form, phone "
                 "photos one per page (perspective, small angle) + ID photo in an e-mail", frm, p)


def r_no_id(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, with_id=False, how="eml")
    return _case(path, "incomplete", {"id_document"}, "e-mail with scanned form, no ID copy",
                 frm, p)


def r_tampered(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, tamper=True)
    return _case(path, "review", set(), "prefilled form whose QR codes were replaced by "
                 "tokens with one character changed", frm, p, review={"token"})


def r_bw_rot180_single(ctx: Ctx) -> CorpusCase:
    dpi = int(ctx.rng.choice([200, 300]))
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=dpi, bw=True, rotate=180, how="file",
                                id_in_pdf=True)
    return _case(path, "complete", set(), f"one black-and-white {dpi}-dpi scan PDF upside down,"
                 " ID copy as page 3", frm, p)


def _missing_field(field_id: str, prefilled: bool) -> Recipe:
    def recipe(ctx: Ctx) -> CorpusCase:
        path, frm, p = scanned_case(ctx, prefilled=prefilled, dpi=200, omit=frozenset({field_id}))
        return _case(path, "incomplete", {f"field:{field_id}"},
                     f"{'prefilled' if prefilled else 'blank'} form, required field "
                     f"'{field_id}' left empty", frm, p)
    recipe.__name__ = f"r_missing_{field_id}"
    return recipe


def r_no_group(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, group=False)
    return _case(path, "incomplete", {"group:change"}, "signed, but no new value filled in", frm, p)


def r_page_missing(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, drop_page2=True)
    return _case(path, "incomplete", {"pages", "signature"} | {f"field:{f}" for f in SIGN_FIELDS},
                 "only page 1 scanned (page 2 with the signature block missing)", frm, p)


def r_no_email(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=False, dpi=200, email_on_form=False, sender=False)
    return _case(path, "incomplete", {"email"}, "blank form without e-mail or reply address, "
                 "folder, no --from", frm, p)


def r_digital_unsigned(ctx: Ctx) -> CorpusCase:
    rng = ctx.rng
    p = make_person(rng)
    values = form_values(p, rng, prefilled=False)
    values = {k: ("x" if k.startswith("check_") else v) for k, v in values.items()}
    pdf = forms.fill_digital(_blank(), values)
    idimg = photograph([id_page(p, 200, rng)], rng, rotate=float(rng.uniform(-6, 6)))[0]
    how = "eml" if rng.random() < 0.5 else "folder"
    path, frm = _deliver(ctx, how, [("wijzigingsformulier.pdf", pdf)],
                         [(_id_name(rng), forms.jpeg_bytes(idimg, 88))], p.email)
    return _case(path, "incomplete", {"signature"}, f"digital PDF typed in a viewer, never "
                 f"printed or signed, + ID ({how})", frm, p)


def r_wrong_form(ctx: Ctx) -> CorpusCase:
    rng = ctx.rng
    p = make_person(rng)
    letter, _ = id_documents.letter_page(dpi=150, seed=int(rng.integers(1, 2 ** 31)))
    pdf = forms.pages_to_pdf(scan([Image.fromarray(letter)], rng, dpi=150, src_dpi=150), 150)
    idimg = scan([id_page(p, 150, rng)], rng, dpi=150, src_dpi=150)[0]
    path, frm = _deliver(ctx, "folder", [("brief.pdf", pdf)],
                         [(_id_name(rng), forms.jpeg_bytes(idimg, 85))], p.email)
    return _case(path, "incomplete", {"form"}, "a letter instead of the form, + ID", frm, p)


def r_id_only(ctx: Ctx) -> CorpusCase:
    rng = ctx.rng
    p = make_person(rng)
    idimg = photograph([id_page(p, 200, rng)], rng)[0]
    path, frm = _deliver(ctx, "eml", [], [(_id_name(rng), forms.jpeg_bytes(idimg, 85))], p.email)
    return _case(path, "incomplete", {"form"}, "e-mail with only the ID photo, no form", frm, p)


def r_rot90_passport(ctx: Ctx) -> CorpusCase:
    rot = float(ctx.rng.choice([90, 270]))
    path, frm, p = scanned_case(ctx, prefilled=False, dpi=150, rotate=rot,
                                id_kw={"passport": True})
    return _case(path, "complete", set(), f"blank form scanned at 150 dpi turned {rot:.0f}°, "
                 "passport copy", frm, p)


def r_photos_rot_lowq(ctx: Ctx) -> CorpusCase:
    rot = float(ctx.rng.choice([90, 180, 270])) + float(ctx.rng.uniform(-6, 6))
    path, frm, p = photo_case(ctx, prefilled=True, rotate=rot, quality=(35, 60))
    return _case(path, "complete", set(), f"phone photos turned {rot:.0f}°, JPEG quality 35-60,"
                 " e-mail", frm, p)


def r_photos_any_angle(ctx: Ctx) -> CorpusCase:
    rot = float(ctx.rng.uniform(0, 360))
    path, frm, p = photo_case(ctx, prefilled=True, rotate=rot, how="folder")
    return _case(path, "complete", set(), f"phone photos at any angle ({rot:.0f}°), folder", frm, p)


def r_expired_id(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, id_kw={"expired": True})
    return _case(path, "incomplete", {"id_expiry"}, "ID document expired a year ago", frm, p)


def r_id_name_mismatch(ctx: Ctx) -> CorpusCase:
    other = "Hoogendoorn" if ctx.rng.random() < 0.5 else "Vermeulen"
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, id_kw={"surname": other})
    return _case(path, "review", set(), f"ID surname '{other}' differs from the form's name",
                 frm, p, review={"id_name"})


def r_bsn_visible(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, id_kw={"masked": False})
    case = _case(path, "complete", set(), "ID copy with the BSN not masked (a warning never "
                 "changes the verdict)", frm, p)
    case.warning = {"bsn"}
    return case


def r_jpeg_scans_reversed(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=False, dpi=200, jpeg_pages=True, reverse=True)
    return _case(path, "complete", set(), "blank form, one JPEG per scanned page, pages in "
                 "reverse order, folder", frm, p)


def r_other_sender(ctx: Ctx) -> CorpusCase:
    path, frm, p = photo_case(ctx, prefilled=False, sender="fam.bakker@example.org")
    return _case(path, "complete", set(), "e-mail sent from another address (family), the "
                 "customer's e-mail written on the form", frm, p)


def r_faint_signature(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=True, dpi=200, signature="faint")
    return _case(path, "review", set(), "very faint (pencil-like) signature", frm, p,
                 review={"signature"})


def r_bw_eml(ctx: Ctx) -> CorpusCase:
    path, frm, p = scanned_case(ctx, prefilled=False, dpi=200, bw=True, how="eml")
    return _case(path, "complete", set(), "blank form, black-and-white scan PDF in an e-mail",
                 frm, p)


# Ordered so that the first few already cover complete, incomplete and unreadable.
RECIPES: list[Recipe] = [
    r_complete_scan, r_unsigned, r_corrupt_pdf, r_complete_photos_eml, r_no_id, r_tampered,
    r_bw_rot180_single, _missing_field("sign_date", True), r_no_group, r_page_missing, r_no_email,
    r_digital_unsigned, r_wrong_form, r_id_only, r_rot90_passport, r_photos_rot_lowq,
    _missing_field("name", False), _missing_field("customer_id", False),
    _missing_field("signer_name", True), _missing_field("sign_place", True), r_expired_id,
    r_id_name_mismatch, r_bsn_visible, r_jpeg_scans_reversed, r_photos_any_angle,
    r_other_sender, r_faint_signature, r_bw_eml, r_complete_scan, r_complete_photos_eml,
]


def _build_one(args: tuple[Path, bytes, int, int]) -> CorpusCase:
    out_dir, key, seed, index = args
    recipe = RECIPES[index % len(RECIPES)]
    rng = np.random.default_rng([seed, index])
    kind = recipe.__name__.removeprefix("r_")
    root = out_dir / f"case-{index:03d}-{kind}"
    case = recipe(Ctx(root, key, rng))
    case.kind = kind
    return case


def build_corpus(out_dir: Path, key: bytes, n: int, seed: int, *,
                 workers: int | None = None) -> list[CorpusCase]:
    """Write ``n`` submissions under ``out_dir`` and return what each should be judged."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = [(out_dir, key, seed, i) for i in range(n)]
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if workers <= 1 or n < 4:
        return [_build_one(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_build_one, jobs, chunksize=1))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--key", default="corpus-test-key-0123456789abcdef")
    ap.add_argument("--workers", type=int, default=None)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    cases = build_corpus(args.out_dir, args.key.encode(), args.n, args.seed, workers=args.workers)
    for c in cases:
        codes = ",".join(sorted(c.missing | c.review)) or "-"
        print(f"{c.expected:10s} {codes:60s} {c.path.name}")
    print(f"{len(cases)} cases in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
