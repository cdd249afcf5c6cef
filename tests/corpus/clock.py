"""The corpus's day: one fixed date, so that a seed draws the same pages on any day.

Dates are printed on the form (the signing date), carried in its QR token (the issue date) and
in an ID's MRZ (the expiry date); drawn from the real clock, the same seed gave other pixels
each day and a box at a threshold's edge changed its status from one day to the next.
``FORMGEN_CORPUS_TODAY=YYYY-MM-DD`` draws the corpus as of another day.
"""

from __future__ import annotations

import datetime as dt
import os

FIXED_TODAY = dt.date(2026, 12, 5)


def today() -> dt.date:
    """The corpus's today (pass it to the validator as its `today` too)."""
    chosen = os.environ.get("FORMGEN_CORPUS_TODAY", "").strip()
    return dt.date.fromisoformat(chosen) if chosen else FIXED_TODAY
