"""The personal number's place (formgen.check.identity.layout, which the help center's scan
check gets at build time) is where the project's ID documents print it: measured on drawings of
the ID generator (tests/corpus/id_documents.py), from the MRZ's first character as drawn."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from corpus import id_documents

from formgen.check.identity.layout import LAYOUTS, MRZ_PITCH_MM, in_pitches

DPI = 300
TOLERANCE = 0.15  # pitches


def _first_character(image: np.ndarray, mrz_box: tuple[int, int, int, int]
                     ) -> tuple[float, float]:
    """Centre of the MRZ's first character (x) and its first row's middle (y), in pixels."""
    x0, y0, x1, y1 = mrz_box
    grey = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    n, _, stats, centres = cv2.connectedComponentsWithStats((grey < 100).astype(np.uint8))
    pitch = MRZ_PITCH_MM / 25.4 * DPI
    tall = [i for i in range(1, n) if stats[i, cv2.CC_STAT_HEIGHT] > 0.4 * pitch]
    top = min(centres[i][1] for i in tall)
    row = [i for i in tall if centres[i][1] - top < 0.4 * pitch]
    first = min(row, key=lambda i: centres[i][0])
    return x0 + float(centres[first][0]), y0 + float(np.median([centres[i][1] for i in row]))


@pytest.mark.parametrize("kind", ["TD1", "TD3"])
def test_the_place_is_where_the_documents_print_the_number(kind: str) -> None:
    make = id_documents.id_card_page if kind == "TD1" else id_documents.passport_page
    pitch = MRZ_PITCH_MM / 25.4 * DPI
    place = in_pitches(LAYOUTS[kind])["personal_number"]
    for seed in (3,):
        shown = make(dpi=DPI, masked_bsn=True, print_masked=False, seed=seed)
        barred = make(dpi=DPI, masked_bsn=True, print_masked=True, seed=seed)
        cx, cy = _first_character(shown.image, shown.extra["mrz_box"])  # type: ignore[arg-type]
        # the printed number and the bar over it: where the two drawings differ
        differ = np.abs(shown.image.astype(int) - barred.image.astype(int)).sum(axis=2) > 0
        ys, xs = np.nonzero(differ)
        seen = [(xs.min() - cx) / pitch, (ys.min() - cy) / pitch,
                (xs.max() + 1 - cx) / pitch, (ys.max() + 1 - cy) / pitch]
        assert np.allclose(seen, place, atol=TOLERANCE), (seed, seen, place)
        # the number itself lies inside it
        digits = differ & (cv2.cvtColor(shown.image, cv2.COLOR_RGB2GRAY) < 100)
        dy, dx = np.nonzero(digits)
        assert place[0] < (dx.min() - cx) / pitch and (dx.max() - cx) / pitch < place[2]
        assert place[1] < (dy.min() - cy) / pitch and (dy.max() - cy) / pitch < place[3]
