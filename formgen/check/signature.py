"""Is the signature handwriting? A typed name or a stamp in the signature box is not.

A name typed in a script font (the "type your signature" tools of PDF viewers), printed text
and a company stamp read as clean lines of letters to PP-OCR's recogniser; a pen signature
reads as a few symbols at most, or as one glyph again and again where it loops. This module
measures (the lines read, with the recogniser's confidence); the rule is
:func:`formgen.check.decision.machine_text`, and the data its thresholds were chosen on, and
the family they are reported on, is in benchmarks/tuning-signature.md.
"""

from __future__ import annotations

import numpy as np

from formgen.check.text_lines import read_box_lines
from formgen.form.layout import Rect


def read_lines(page: np.ndarray, printed: np.ndarray, rect: Rect) -> list[tuple[str, float]]:
    """The lines PP-OCR reads in the signature box with its confidence (0..1); page warped to
    CHECK_DPI, printed the blank form's ink."""
    return read_box_lines(page, printed, rect)
