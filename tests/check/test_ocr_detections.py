"""The text detector is asked once for the same pixels (a box checked, then its value read)."""

from __future__ import annotations

import numpy as np

from formgen.check.identity import ocr


class _Counting:
    """An engine that finds one line and counts how often it was asked."""

    def __init__(self) -> None:
        self.asked = 0

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        self.asked += 1
        return [np.array([[0, 0], [9, 0], [9, 4], [0, 4]], np.float32) + image.shape[0]]


def test_the_same_pixels_are_detected_once_and_other_pixels_again() -> None:
    engine = _Counting()
    ocr.set_engine(engine)  # type: ignore[arg-type]
    try:
        box = np.random.default_rng(1).integers(0, 256, (40, 120, 3), dtype=np.uint8)
        first = ocr.detect(box)
        first[0][:] = -1  # the caller's copy: what is kept is not changed
        again = ocr.detect(box.copy())
        assert engine.asked == 1
        assert again[0][0].tolist() == [40, 40]
        changed = box.copy()
        changed[5, 5] ^= 1
        ocr.detect(changed)  # one pixel other: asked again
        ocr.detect(box[:, :, 0])  # the same bytes in another shape: asked again
        assert engine.asked == 3
        other = _Counting()
        ocr.set_engine(other)  # type: ignore[arg-type]
        ocr.detect(box)
        assert other.asked == 1
        for i in range(ocr.DETECTIONS_KEPT + 1):
            ocr.detect(np.full((8, 8), i, np.uint8))
        ocr.detect(box)  # the oldest went
        assert other.asked == ocr.DETECTIONS_KEPT + 3
    finally:
        ocr.set_engine(None)
