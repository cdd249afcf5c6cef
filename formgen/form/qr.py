"""The QR code of a page as a small PDF Form XObject (vector modules plus a caption)."""

from __future__ import annotations

import re
from functools import cache

import zxingcpp

SIZE_PT = 72.0  # the code itself: 1 inch, ~4.5 px per module at 150 dpi
QUIET_MODULES = 2
CAPTION_PT = 5.5
_DARK_RUN = re.compile(rb"\x00+")


def qr_rows(text: str) -> list[bytes]:
    """One bytes row per module row (0 = dark), no quiet zone; error correction M.

    zxing-cpp's encoder (C++) takes ~0.5 ms where segno took ~9 ms: choosing the QR mask in
    Python was the largest per-form cost of a batch. Plain bytes keep NumPy out of it."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]
    width = image.shape[1]  # type: ignore[index]
    data = image.tobytes()
    return [data[i:i + width] for i in range(0, len(data), width)]


@cache
def _coordinates(n: int) -> list[str]:
    """'12.345' for 0..n modules: each run is drawn from these, not formatted anew."""
    unit = SIZE_PT / n
    return [f"{i * unit:.3f}" for i in range(n + 1)]


def qr_content(text: str, caption_hex: str | None, font: str) -> bytes:
    """Content stream drawing the code in a box of SIZE_PT (origin bottom-left of the code)."""
    rows = qr_rows(text)
    n = len(rows)
    at = _coordinates(n)
    unit = at[1]
    ops = ["q 0 g"]
    for r, row in enumerate(rows):
        y = at[n - r - 1]
        ops.extend(f"{at[m.start()]} {y} {at[m.end() - m.start()]} {unit} re"
                   for m in _DARK_RUN.finditer(row))
    ops.append("f Q")
    if caption_hex:
        ops.append(f"BT /{font} {CAPTION_PT} Tf 0 g 0 {-CAPTION_PT - 2} Td <{caption_hex}> Tj ET")
    return "\n".join(ops).encode("ascii")
