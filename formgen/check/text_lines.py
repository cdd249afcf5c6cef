"""Does a text detector see writing in a box? A second opinion for the ink rules on copies
whose noise looks like the writing to them.

The ink rules (:mod:`formgen.check.ink`) judge a box by its dark pixels against the noise of
the paper around it. On a copy full of texture (dirty drum, bad photocopy) the writing sinks
in that noise, or a patch of it looks like writing. A text detector (PP-OCR's, through
:mod:`formgen.check.identity.ocr`) was trained on the shape of text lines and tells the two
apart far better: it is asked where the ink rules are least sure, with the printed form wiped
off the box and its surroundings so that only what was added to the paper is left.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from formgen.check.identity import ocr
from formgen.check.ink import paper, pixel_box
from formgen.form.layout import Rect

SURROUNDINGS = 40  # px at CHECK_DPI around the box given to the detector with it
TEXT_LEVEL = 0.3  # the detector's own threshold on its text map
INSET = 3  # px: the box's interior starts this far inside its printed border
# Chosen on the tuning half of the external corpus (seed 7, 4,255 boxes on 261 submissions):
# - with the print wiped off, nothing of ANYTHING_MIN_AREA px or more in 11 of the 15 empty
#   change boxes that the ink rules took for written, and in 1 of the 322 written ones (a long
#   IBAN the detector splits finely: a change box needs only "anything" to stay written);
# - a line of LINE_MIN_AREA px or more, mostly in the box, less than LINE_MAX_ASPECT times as
#   long as high, with the print wiped off or as the box is (wiping the print of a page a few
#   pixels off wipes writing that touches it), in 34 of the 56 written required boxes that the
#   ink rules left to a person with enough ink in them (22 with the print wiped off only), and
#   in 11 of the 15 such pen signatures (as wide as a signature must be), in none of the 2
#   empty ones. Empty boxes in that state are rare among the required ones; among the change
#   boxes, 7 of 118 would have passed (6 %), which is why change boxes are not promoted.
# Long thin strips are the toner of a dirty drum along a row of the form.
ANYTHING_MIN_AREA = 100
LINE_MIN_AREA = 400
LINE_MAX_ASPECT = 25
LINE_INSIDE_SHARE = 0.5


@dataclass(frozen=True)
class TextSeen:
    anything: bool  # some region the detector takes for text, in the box
    line_width: int  # px: the widest compact line of text that lies mostly in the box (0: none)
    box_width: int  # px: the width of the box's interior

    @property
    def line(self) -> bool:
        return self.line_width > 0


def text_in_box(page: np.ndarray, printed: np.ndarray, rect: Rect, *,
                wipe_print: bool = True) -> TextSeen:
    """What the text detector sees in rect (form points) on a page warped to CHECK_DPI (grey,
    uint8); printed: the blank form's (widened) ink on that page, wiped off first when
    wipe_print."""
    x0, y0, x1, y1 = pixel_box(rect)
    cx0, cy0 = max(0, x0 - SURROUNDINGS), max(0, y0 - SURROUNDINGS)
    region = page[cy0:y1 + SURROUNDINGS, cx0:x1 + SURROUNDINGS].copy()
    on_form = printed[cy0:y1 + SURROUNDINGS, cx0:x1 + SURROUNDINGS]
    box_width = max(0, x1 - x0 - 2 * INSET)
    if region.size == 0 or min(region.shape) < 8 or on_form.shape != region.shape:
        return TextSeen(False, 0, box_width)
    if wipe_print:
        region[on_form] = paper(region)[on_form]
    text = (ocr.text_map(region) > TEXT_LEVEL).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(text, connectivity=8)
    interior = labels[y0 - cy0 + INSET:y1 - cy0 - INSET, x0 - cx0 + INSET:x1 - cx0 - INSET]
    inside = np.bincount(interior.ravel(), minlength=count)
    anything, line_width = False, 0
    for k in range(1, count):
        area_in = int(inside[k])
        anything |= area_in >= ANYTHING_MIN_AREA
        width, height, area = (int(v) for v in stats[k, [cv2.CC_STAT_WIDTH, cv2.CC_STAT_HEIGHT,
                                                         cv2.CC_STAT_AREA]])
        if area_in >= LINE_MIN_AREA and area_in >= LINE_INSIDE_SHARE * area \
                and width < LINE_MAX_ASPECT * height:
            line_width = max(line_width, width)
    return TextSeen(anything, line_width, box_width)
