"""Page 2 of the blank form as the box benchmarks draw on it, and a scan of it.

Shared by bench_signature.py and bench_struck.py: the page rendered at DPI, the layout
contract, the blank form's printed ink at CHECK_DPI, and a scan (blur, JPEG, grey, brought to
the validator's working size).
"""

from __future__ import annotations

import random

import cv2
import numpy as np
import pypdfium2 as pdfium

from formgen.check.ink import reference_pages
from formgen.form.build import layout_contract
from formgen.form.template import get_template

DPI = 300


class PageTwo:
    def __init__(self) -> None:
        self.template = get_template()
        document = pdfium.PdfDocument(self.template.pdf)
        self.page = np.asarray(document[1].render(scale=DPI / 72).to_pil().convert("RGB"))
        self.contract = layout_contract()
        self.printed = reference_pages(self.template.pdf)[1]

    def scanned(self, page: np.ndarray, rng: random.Random) -> np.ndarray:
        """Blurred, saved as JPEG, and brought to the validator's working size (grey)."""
        page = cv2.GaussianBlur(page, (3, 3), rng.uniform(0.3, 1.0))
        _, buffer = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(50, 90)])
        grey = cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE)
        height, width = self.printed.shape
        return cv2.resize(grey, (width, height), interpolation=cv2.INTER_AREA)
