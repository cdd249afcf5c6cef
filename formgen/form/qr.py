"""The QR code of a page as a small PDF Form XObject (vector modules plus a caption)."""

from __future__ import annotations

import numpy as np
import segno

from formgen.form.marks import run_rects

SIZE_PT = 72.0  # the code itself: 1 inch, ~4.5 px per module at 150 dpi
QUIET_MODULES = 2
CAPTION_PT = 5.5


def qr_modules(text: str) -> np.ndarray:
    """Module matrix (True = dark) without quiet zone; error correction M for smudged scans."""
    code = segno.make_qr(text, error="m", boost_error=False)
    return np.array(code.matrix, dtype=bool)


def qr_content(text: str, caption_hex: str | None, font: str) -> bytes:
    """Content stream drawing the code in a box of SIZE_PT (origin bottom-left of the code)."""
    modules = qr_modules(text)
    n = modules.shape[0]
    unit = SIZE_PT / n
    ops = ["q 0 g"]
    for row, col, length in run_rects(modules):
        y = SIZE_PT - (row + 1) * unit
        ops.append(f"{col * unit:.3f} {y:.3f} {length * unit:.3f} {unit:.3f} re")
    ops.append("f Q")
    if caption_hex:
        ops.append(f"BT /{font} {CAPTION_PT} Tf 0 g 0 {-CAPTION_PT - 2} Td <{caption_hex}> Tj ET")
    return "\n".join(ops).encode("ascii")
