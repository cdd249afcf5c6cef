"""Is the signature handwriting? A typed name or a stamp in the signature box is not.

A name typed in a script font (the "type your signature" tools of PDF viewers), printed text
and a company stamp read as clean lines of letters to PP-OCR's recogniser; a pen signature
reads as a few symbols at most, or as one glyph again and again where it loops. The data the
thresholds were chosen on, and the family they are reported on: benchmarks/tuning-signature.md.
"""

from __future__ import annotations

import numpy as np

from formgen.check.text_lines import read_box_lines
from formgen.form.layout import Rect

# A line counts as machine text when read this surely ...
MACHINE_TEXT_CONFIDENCE = 0.75
# ... and the lines read so surely hold this many letters and digits together, this many of
# them different: loops of a signature read as one letter again and again ("DDDD"), words not.
MACHINE_TEXT_MIN_CHARACTERS = 4
MACHINE_TEXT_MIN_DISTINCT = 4


def machine_text(page: np.ndarray, printed: np.ndarray, rect: Rect) -> str | None:
    """The text read in the signature box when it reads as typed or stamped text (None for
    what reads as a pen signature); page warped to CHECK_DPI, printed the blank form's ink."""
    sure = [text for text, score in read_box_lines(page, printed, rect)
            if score >= MACHINE_TEXT_CONFIDENCE]
    letters = [ch for text in sure for ch in text if ch.isascii() and ch.isalnum()]
    if len(letters) < MACHINE_TEXT_MIN_CHARACTERS or \
            len(set(letters)) < MACHINE_TEXT_MIN_DISTINCT:
        return None
    return " ".join(sure)
