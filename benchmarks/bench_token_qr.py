"""Does the longer token (holder's name and ID number, formgen/token.py) still read?

    python benchmarks/bench_token_qr.py [--n 20] [--seed 1]

For n prefilled forms per family, the same degraded pages are made twice: once with the token
as it is now (QR version 5, 37 modules) and once with the token printed before it carried the
name (version 4, 33 modules); the rest of the draw is the same. Per family it prints how many
form pages' codes were read and verified (formgen.check.form_pages.find_form_page with the
key). Families:

* own-scan: tests/corpus/submissions.py, scanned at 150-300 dpi, a third in black-and-white;
* own-photo: the same generator's phone photos (perspective, blur, JPEG);
* ext-scan: tests/corpus/external.py, scanned at 150-300 dpi with one or two augraphy effects;
* ext-photo: that generator's photos at 200 dpi, a third with shadow, fold or ink bleed.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external as E  # noqa: E402
from corpus import submissions as S  # noqa: E402

from formgen import token as tokens  # noqa: E402
from formgen.check.form_pages import find_form_page  # noqa: E402
from formgen.check.intake import Page  # noqa: E402
from formgen.form.template import get_template  # noqa: E402

KEY = b"bench-token-qr-key-0123456789abcdef"
Pages = list[np.ndarray]


def own_scan(seed: int) -> Pages:
    rng = np.random.default_rng(seed)
    ctx = S.Ctx(Path("/nonexistent"), KEY, rng)
    dpi = int(rng.choice([150, 200, 300]))
    _, _, pages, rdpi = S._paper(ctx, prefilled=True, dpi=dpi)
    scanned = S.scan(pages, rng, dpi=dpi, src_dpi=rdpi, bw=bool(rng.random() < 0.33))
    return [np.asarray(im.convert("RGB")) for im in scanned]


def own_photo(seed: int) -> Pages:
    rng = np.random.default_rng(seed)
    ctx = S.Ctx(Path("/nonexistent"), KEY, rng)
    _, _, pages, _ = S._paper(ctx, prefilled=True, dpi=200)
    return [np.asarray(im.convert("RGB")) for im in S.photograph(pages, rng)]


def ext_scan(seed: int) -> Pages:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=d.dpi(), prefilled=True, with_id=False)
    return E._scanned(d, pp, noise=True, bw=d.rng.random() < 0.2)


def ext_photo(seed: int) -> Pages:
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=200, prefilled=True, with_id=False)
    pages = pp.form_pages
    if d.rng.random() < 0.3:
        pages = E._noise(d, pages, count=(1, 1), ops=("ShadowCast", "Folding", "InkBleed"))
    return [E.photograph(pg, d.rng, turns=0) for pg in pages]


FAMILIES: dict[str, Callable[[int], Pages]] = {
    "own-scan": own_scan, "own-photo": own_photo, "ext-scan": ext_scan, "ext-photo": ext_photo}


def read(pages: Pages) -> int:
    template = get_template()
    good = 0
    for index, image in enumerate(pages, start=1):
        page = Page("scan", index, len(pages), np.ascontiguousarray(image[:, :, :3]), None,
                    False, None)
        found = find_form_page(page, template, KEY)
        good += bool(found and found.token and found.token.prefilled and not found.token_error
                     and not found.unverified)
    return good


def run(n: int, seed: int) -> None:
    holder_text, id_number_text = tokens.holder_text, tokens.id_number_text
    print(f"{'family':10} {'pages':>5} {'read, with name (v5)':>21} {'read, before (v4)':>18}")
    for name, make in FAMILIES.items():
        totals = [0, 0, 0]
        for i in range(n):
            case = seed * 1000 + i
            tokens.holder_text, tokens.id_number_text = holder_text, id_number_text
            new = make(case)
            tokens.holder_text = lambda _name: ""  # type: ignore[assignment]
            tokens.id_number_text = lambda _number: ""  # type: ignore[assignment]
            old = make(case)
            totals[0] += len(new)
            totals[1] += read(new)
            totals[2] += read(old)
        tokens.holder_text, tokens.id_number_text = holder_text, id_number_text
        print(f"{name:10} {totals[0]:5} {totals[1]:21} {totals[2]:18}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    Image.MAX_IMAGE_PIXELS = None
    run(args.n, args.seed)


if __name__ == "__main__":
    main()
