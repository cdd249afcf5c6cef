"""Issue 27: a reply address written by hand on a bad copy is never `missing`.

A submission without a sender (a folder, a scan) whose only reply address is the one written
by hand in the form's box: the address must go to a person (`review`, support copies it from
the crop). Whether it was written was a count of dark pixels (45); on a bad photocopy with a
dirty drum (augraphy BadPhotoCopy + DirtyDrum) a pen address washed out below it, so the check
said `missing` and the reply would ask for an address the customer wrote (external generator,
seed 5, before the fix). Now the box is decided like any other (ink beyond the noise of the
paper around it, pen strokes, faint marks as long as a letter).
"""

from __future__ import annotations

import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
from corpus import external as E

from formgen.check.submission import check_submission
from formgen.check.verdict import Status

KEY = b"reply-by-hand-test-key-0123456789ab"
SEEDS = range(8)


def _email_status(args: tuple[int, Path]) -> tuple[int, Status]:
    seed, out = args
    d = E.Draw(random.Random(seed), seed, KEY)
    pp = E.paper(d, dpi=d.rng.choice([200, 300]), reply=True, with_id=False)
    page = E._noise(d, [pp.form_pages[1]], count=(2, 2), ops=("BadPhotoCopy", "DirtyDrum"))[0]
    folder = out / f"seed{seed}"
    folder.mkdir()
    cv2.imwrite(str(folder / "scan2.png"), E.scan(page, d.rng)[..., ::-1])
    result = check_submission(folder, key=KEY)
    return seed, next(c.status for c in result.checks if c.code == "email")


def test_a_reply_address_by_hand_on_a_bad_copy_is_never_missing(tmp_path: Path) -> None:
    with ProcessPoolExecutor(2) as pool:
        statuses = dict(pool.map(_email_status, [(seed, tmp_path) for seed in SEEDS]))
    assert {seed: s for seed, s in statuses.items() if s is Status.MISSING} == {}
    assert all(s is Status.REVIEW for s in statuses.values())
