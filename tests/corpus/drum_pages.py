"""One page of the blank form under a worn copier's drum, its boxes written in or left empty:
the family of the scan check's drum bands (tests/site/test_scan_check.py,
benchmarks/bench_scan_check.py --drum).

- ``drum``: augraphy's DirtyDrum and the other generator's black-and-white scan
  (tests/corpus/external.py);
- ``bands``: the own model, bands of toner clumps down the page, one through the page's
  required boxes (the signature box on page 2, the customer's boxes on page 1), two elsewhere;
- ``grain``: a copy's grain, specks of 3 x 3 px lighter than ink all over;
- ``bent``: the sheet not flat on the glass (the lower half sheared), scanned;
- ``shadow``: the own model of a hand's or a lid's shadow, a soft dark half-plane whose edge
  crosses the signature box (page 2) or the customer's boxes (page 1), scanned;
- ``castshadow``: augraphy's ShadowCast and the other generator's scan.
"""

from __future__ import annotations

import random

import numpy as np

from corpus import external as E
from corpus import forms

DPI = 150


def dirty_page(page_no: int, how: str, seed: int, *, signed: bool = False,
               written: bool = False) -> np.ndarray:
    """Page page_no (1 or 2) of the blank form (pdftoppm, DPI), signed in a pen or not, its
    required boxes written by hand or not (the other generator's hands), then dirtied (how)."""
    import cv2

    from formgen.form import blank_form

    rng = random.Random(f"dirty-{how}-{signed}-{seed}" if page_no == 2 and not written
                        else f"dirty-{page_no}-{how}-{signed}-{written}-{seed}")
    page = E.poppler_pages(blank_form(), DPI)[page_no - 1].copy()
    if written:
        person = E.make_person(rng)
        values = E.handwritten_values(person, rng, prefilled=False, group=page_no == 1)
        font = rng.choice(list(E.HANDWRITING.values()))
        colour = E.PENS[rng.choice(["black", "blue"])]
        for fid, text in values.items():
            if E._field(fid)["page"] == page_no and E._field(fid)["kind"] != "checkbox":
                E.write_text(page, fid, text, DPI, font, colour, rng)
    if signed and page_no == 2:
        E.signature(page, DPI, E.PENS["black"], rng, pen_mm=0.5)
    if how == "drum":
        page = E.scan(E.augraphy_pass(page, ["DirtyDrum"], rng.randint(0, 2 ** 31)), rng,
                      bw=True)
    elif how == "bands":
        nrng = np.random.default_rng(seed)
        x0, _, x1, _ = forms.field_box_px(E.contract(), "signature" if page_no == 2
                                          else "customer_id", DPI)
        h, w = page.shape[:2]
        for x in [rng.randint(x0, x1)] + [rng.randint(0, w - 1) for _ in range(2)]:
            lo, hi = max(0, x - rng.randint(8, 25)), min(w, x + rng.randint(8, 25))
            dots = (nrng.random((h, hi - lo)) < rng.uniform(0.04, 0.12)).astype(np.float32)
            dots *= (nrng.random((h // 40 + 1, 1)) < rng.uniform(0.4, 0.9)).repeat(40, 0)[:h]
            clumps = cv2.GaussianBlur(dots, (0, 0), rng.uniform(1.2, 2.5)) > 0.1
            band = page[:, lo:hi]
            band[clumps] = nrng.integers(15, 100, (int(clumps.sum()), 1))
    elif how == "grain":
        nrng = np.random.default_rng(seed)
        h, w = page.shape[:2]
        for y, x in zip(nrng.integers(0, h - 3, 600), nrng.integers(0, w - 3, 600), strict=True):
            page[y:y + 3, x:x + 3] = np.minimum(page[y:y + 3, x:x + 3], nrng.integers(215, 235))
    elif how == "bent":
        h, w = page.shape[:2]
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        lower = np.clip((ys - 0.45 * h) / (0.1 * h), 0, 1)
        shift = rng.choice((-1, 1)) * rng.uniform(0.010, 0.015) * (xs - w / 2) * lower
        page = cv2.remap(page, xs, ys - shift, cv2.INTER_LINEAR, borderValue=(255, 255, 255))
        page = E.scan(page, rng, bw=rng.random() < 0.5, tilt=0.3)
    elif how == "shadow":
        x0, y0, x1, y1 = forms.field_box_px(E.contract(), "signature" if page_no == 2
                                            else "customer_id", DPI)
        h, w = page.shape[:2]
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)  # the edge runs through the box
        angle = rng.uniform(0, 2 * np.pi)
        side = ((xs - cx) * np.cos(angle) + (ys - cy) * np.sin(angle) > 0).astype(np.float32)
        soft = cv2.GaussianBlur(side, (0, 0), rng.uniform(6, 30))
        shade = 1 - rng.uniform(0.2, 0.45) * soft
        page = (page.astype(np.float32) * shade[..., None]).clip(0, 255).astype(np.uint8)
        page = E.scan(page, rng, bw=False, tilt=0.3)
    elif how == "castshadow":
        page = E.scan(E.augraphy_pass(page, ["ShadowCast"], rng.randint(0, 2 ** 31)), rng)
    else:
        raise ValueError(how)
    return page


def required_text_boxes(page_no: int) -> list[str]:
    """The page's required boxes but the signature: the ones the family counts."""
    return [f["id"] for f in E.contract()["fields"]
            if f["page"] == page_no and f["required"] and f["kind"] != "signature"]
