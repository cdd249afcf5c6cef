"""Lines of text typed in the form's field font, as the recogniser gets them."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from formgen.form.fonts import REGULAR
from formgen.resources import fonts_dir


def typed_line(text: str, size: int, seed: int) -> np.ndarray:
    """One line as the recogniser gets it: the field font, letter after letter (unkerned, as
    a PDF viewer writes a field's value), a little blur and scanner noise."""
    font = ImageFont.truetype(str(fonts_dir() / REGULAR), size)
    image = Image.new("L", (int(font.getlength(text, features=["-kern"])) + 16, size * 2), 255)
    ImageDraw.Draw(image).text((8, size // 3), text, fill=25, font=font, features=["-kern"])
    blurred = cv2.GaussianBlur(np.asarray(image), (0, 0), 0.9)
    noise = np.random.default_rng(seed).normal(0, 6, blurred.shape)
    return np.clip(blurred + noise, 0, 255).astype(np.uint8)
