"""An ID on a black-and-white copy at 150 dpi: its MRZ read the right way up (issue 27).

A copier's threshold turned a light passport's face black; only the MRZ was left, two lines
for the angle classifier to vote on. One line voted "upside down", the page was read turned
over (">>>>11O>>"), and no ID was found: the holder's complete submission was judged
incomplete. Where the votes split and the zone read holds no MRZ, the other way up is read
too. The cases are draws of the external generator's family of such copies (fresh seeds, not
the corpus's halves; the recipe below); in both the submission's ID was not found (the second
only as rendered from the customer's PDF).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import numpy as np
import pytest
from corpus import external as E

from formgen.check.identity.document import analyse_id_page

KEY = b"external-corpus-key-0123456789abcdef"


def _id_page(seed: int, index: int) -> tuple[np.ndarray, E.Person]:
    """The ID page of draw ``index`` of the family: a form and an ID at 150 dpi, scanned in
    black and white (as tests/corpus/external.py draws a case)."""
    case_seed = int.from_bytes(hashlib.sha256(f"{seed}:{index}".encode()).digest()[:6], "big")
    d = E.Draw(random.Random(case_seed), case_seed, KEY)
    pp = E.paper(d, dpi=150)
    return E._scanned(d, pp, noise=d.rng.random() < 0.6, bw=True)[-1], pp.person


@pytest.mark.parametrize(("seed", "index"), [(2801, 21), (2801, 28)])
def test_an_mrz_left_alone_by_a_black_and_white_copy_is_read_the_right_way_up(
        seed: int, index: int) -> None:
    page, person = _id_page(seed, index)
    result = analyse_id_page(page, today=dt.date(2026, 12, 1))
    assert result.mrz_valid, result
    assert result.surname == person.surname.upper()
