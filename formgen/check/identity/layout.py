"""Where an identity document prints what, for the layouts the project knows: the document's
size (ICAO 9303), the MRZ's character pitch, and the place of the personal number (the BSN,
"Persoonsnummer / Personal No.") on the back of a Dutch ID card (TD1) and on the data page of a
Dutch passport (TD3), as the project's ID documents print it (tests/corpus/id_documents.py).

Places are in millimetres from the document's top-left corner; ``in_pitches`` gives them
relative to the centre of the MRZ's first character (first row), in MRZ pitches, which is how a
reader that has found the MRZ finds them on a copy of any size and turn. The help center's scan
check gets them at build time (formgen.site.scan_check, ``mrz.json``): it says "in orde" about
the BSN only where it sees the personal number's place covered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MRZ_PITCH_MM = 2.54  # ICAO 9303: ten characters per inch


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the document's top-left corner."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class DocumentLayout:
    kind: str  # the MRZ's format: TD1 (ID card, three rows of 30) or TD3 (passport, two of 44)
    size: tuple[float, float]  # width, height (ICAO 9303)
    mrz_first: tuple[float, float]  # centre of the MRZ's first character, first row
    personal_number: Box  # the line of the printed number (a bar over it covers this)
    personal_label: Box  # the line of its label, right above it


LAYOUTS = {
    "TD1": DocumentLayout("TD1", (85.6, 54.0), (5.7, 40.7),
                          personal_number=Box(3.5, 16.3, 34.0, 19.8),
                          personal_label=Box(4.0, 14.4, 30.0, 16.0)),
    "TD3": DocumentLayout("TD3", (125.0, 88.0), (7.6, 77.9),
                          personal_number=Box(39.5, 32.0, 70.0, 35.5),
                          personal_label=Box(40.0, 30.1, 66.0, 31.7)),
}


def in_pitches(layout: DocumentLayout) -> dict[str, Any]:
    """The layout relative to the MRZ's first character: x along the rows, y down, both in MRZ
    pitches; ``height``: the document's height in pitches."""
    cx, cy = layout.mrz_first

    def box(b: Box) -> list[float]:
        return [round((b.x0 - cx) / MRZ_PITCH_MM, 3), round((b.y0 - cy) / MRZ_PITCH_MM, 3),
                round((b.x1 - cx) / MRZ_PITCH_MM, 3), round((b.y1 - cy) / MRZ_PITCH_MM, 3)]

    width, height = layout.size
    return {"height": round(height / MRZ_PITCH_MM, 3),
            # the document's edges: its top is where a reader checks its vertical scale
            "edges": box(Box(0.0, 0.0, width, height)),
            "personal_number": box(layout.personal_number),
            "personal_label": box(layout.personal_label)}
