"""The change group under noise: are written new values `ok` and empty change boxes `missing`?

    python benchmarks/bench_change_noise.py [--generator external|families] [--n 8] [--seed 1]
                                            [--jobs 1] [--out DIR] [--boxes]
                                            [--effects E ...] [--dpi D ...] [--kind K ...]

Builds form pages (no ID) with one to three new values written by hand, or none, on a noisy
copy, from one of two generators: ``external`` (`tests/corpus/external.py`: poppler, Debian
handwriting fonts, augraphy's DirtyDrum, BadPhotoCopy, LowInkLines, InkBleed, Folding,
Letterpress, black-and-white, 150-300 dpi, JPEG) or ``families`` (`tests/corpus/families.py`:
other hands, its own copier with toner specks and drum streaks, drum bands, albumentations
noise and JPEG). Half the cases write a change, half none. Prints, per kind, the change group's
status against what was written, and the status of every change box written and left empty
(a written box `missing` or an empty one `ok` is the error that must never happen).
--boxes lists every box that is not what it should be (written not ok, empty not missing).
A class of its own: --effects names the augraphy effects every external page gets (e.g.
``LowInkLines`` or ``BadPhotoCopy DirtyDrum``; default: one or two drawn), --dpi the scan
resolutions drawn from (both generators), --kind the families' noise models drawn from
(copier, drum, degrade).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from corpus import external as ext  # noqa: E402
from corpus import families as fam  # noqa: E402

from formgen.check.submission import check_submission  # noqa: E402

KEY = b"change-noise-key-0123456789abcdef0"
CHANGE = ("new_name", "new_email", "new_phone", "new_street", "new_postcode", "new_city",
          "new_country", "new_iban", "new_account_holder", "new_billing_email")


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:6], "big")


@dataclass(frozen=True)
class Options:
    effects: tuple[str, ...] = ()  # external: these augraphy effects on every page
    dpi: tuple[int, ...] = ()  # the scan resolutions drawn from
    kinds: tuple[str, ...] = ("copier", "drum", "degrade")  # families: its noise models


def _external(out: Path, seed: int, index: int, o: Options
              ) -> tuple[Path, str | None, list[str], str]:
    case_seed = _seed(f"change-noise:{seed}:{index}")
    d = ext.Draw(random.Random(case_seed), case_seed, KEY)
    group = index % 2 == 0
    pp = ext.paper(d, dpi=d.dpi(o.dpi or (150, 150, 200, 300)), group=group, with_id=False)
    if o.effects:
        d.tags += [f"aug:{n}" for n in o.effects]
        images = [ext.scan(ext.augraphy_pass(pg, list(o.effects), d.seed * 7 + i), d.rng)
                  for i, pg in enumerate(pp.form_pages)]
    else:
        images = ext._scanned(d, pp, noise=True, bw=d.rng.random() < 0.2)
    path, sender, _ = ext.deliver(d, out / f"ext-{index:03d}", images, pp.dpi, pp.person)
    return path, sender, d.written, " ".join(d.tags)


def _families(out: Path, seed: int, index: int, o: Options
              ) -> tuple[Path, str | None, list[str], str]:
    case_seed = _seed(f"change-noise-families:{seed}:{index}")
    rng = random.Random(case_seed)
    d = fam.Draft(rng, KEY, fam.make_person(rng), prefilled=rng.random() < 0.5)
    fam.make_paper(d, "complete" if index % 2 == 0 else "no_change")
    kind = rng.choice(list(o.kinds))
    d.tags.append(kind)
    pages = [fam.printed(p, rng) for p in d.pages]
    dpi = fam.scan_dpi(d, o.dpi or (150, 200, 300))
    if kind == "copier":
        pages = [fam.copier(fam.flatbed(p, rng, dpi), rng, heavy=True) for p in pages]
    elif kind == "drum":
        pages = [fam.flatbed(p, rng, dpi) for p in pages]
        pages = [fam.drum_band(p, rng, rng.randint(0, p.shape[0] // 2), p.shape[0] // 3)
                 for p in pages]
    else:
        names = rng.sample(["noise", "motion", "downscale", "jpeg"], rng.randint(1, 2))
        d.tags += names
        pages = [fam.albumented(fam.flatbed(p, rng, dpi), names, rng.randint(0, 2 ** 31))
                 for p in pages]
    path, sender = fam.deliver(d, out / f"fam-{index:03d}", pages, dpi, "folder")
    return path, sender, d.written, " ".join(d.tags)


def judge(args: tuple[str, Path, int, int, Options]
          ) -> tuple[str, str, dict[str, str], list[str], str]:
    generator, out, seed, index, options = args
    build = _external if generator == "external" else _families
    path, sender, written, tags = build(out, seed, index, options)
    (out / f"{path.name}.json").write_text(json.dumps(
        {"path": str(path), "sender": sender, "written": written, "tags": tags}))
    result = check_submission(path, key=KEY, from_address=sender)
    group = next(c for c in result.checks if c.code == "group:change")
    boxes = (group.explain or {}).get("measures", {}).get("boxes", {})
    return path.name, str(group.status), {k.split(":", 1)[1]: v for k, v in boxes.items()}, \
        [w for w in written if w in CHANGE], tags


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generator", choices=["external", "families"], default="external")
    ap.add_argument("--n", type=int, default=8, help="cases (half with a change, half without)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--boxes", action="store_true")
    ap.add_argument("--effects", nargs="+", default=[], help="external: augraphy effects")
    ap.add_argument("--dpi", type=int, nargs="+", default=[])
    ap.add_argument("--kind", nargs="+", choices=["copier", "drum", "degrade"],
                    default=["copier", "drum", "degrade"], help="families: noise models")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="change-noise-"))
    options = Options(tuple(args.effects), tuple(args.dpi), tuple(args.kind))
    jobs = [(args.generator, out, args.seed, i, options) for i in range(args.n)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(judge, jobs))
    groups: Counter[tuple[str, str]] = Counter()
    boxes: Counter[tuple[str, str]] = Counter()
    for name, status, statuses, written, tags in sorted(results):
        want = "ok" if written else "missing"
        groups[("with a change" if written else "no change", status)] += 1
        for fid, got in statuses.items():
            boxes[("written" if fid in written else "empty", got)] += 1
            if args.boxes and got != ("ok" if fid in written else "missing"):
                print(f"  {name} {fid}: {'written' if fid in written else 'empty'} -> {got}"
                      f"   [{tags}]")
        if status != want:
            print(f"{name}: group {status}, want {want}   [{tags}]")
    print(f"{args.generator}, seed {args.seed}, {args.n} cases ({out})")
    for kind in ("with a change", "no change"):
        print(f"  group, {kind}: " + ", ".join(f"{s} {groups[(kind, s)]}"
                                               for s in ("ok", "review", "missing")))
    for kind in ("written", "empty"):
        print(f"  {kind} boxes: " + ", ".join(f"{s} {boxes[(kind, s)]}"
                                             for s in ("ok", "review", "missing")))


if __name__ == "__main__":
    main()
