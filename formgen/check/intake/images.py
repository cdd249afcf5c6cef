"""Decode an image (JPEG, PNG, TIFF, HEIC, WebP, ...) with Pillow into RGB pages."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator

import cv2
import numpy as np
from PIL import Image, ImageOps

from formgen.check.intake.limits import (
    DECODE_BYTES_PER_PIXEL,
    MAX_IMAGE_DECODE_BYTES,
    WORK_MAX_PIXELS,
)
from formgen.check.intake.model import FileProblem, Page
from formgen.check.intake.quiet import quiet

try:  # HEIC/HEIF (iPhone photos); registering twice is harmless.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - dependency is declared; without it HEIC is a problem
    pass

# Pillow format names allowed per sniffed kind: never let Pillow guess among all its plugins.
_PIL_FORMATS = {
    "jpeg": ["JPEG"],
    "png": ["PNG"],
    "tiff": ["TIFF"],
    "heif": ["HEIF", "AVIF"],
    "webp": ["WEBP"],
    "gif": ["GIF"],
    "bmp": ["BMP", "DIB"],
}


_KIND_LABEL = {
    "jpeg": "JPEG",
    "png": "PNG",
    "tiff": "TIFF",
    "heif": "HEIC/HEIF",
    "webp": "WebP",
    "gif": "GIF",
    "bmp": "BMP",
}


# Only TIFF frames are pages.  Other multi-frame formats (MPO previews in camera JPEGs, HEIF
# auxiliary images, animated GIF/WebP) contribute their first/primary image only.
_MULTI_PAGE_KINDS = {"tiff"}


def decode_image(
    name: str, data: bytes, kind: str, max_pixels: int, max_pages: int
) -> Iterator[Page | FileProblem]:
    label = _KIND_LABEL.get(kind, kind)
    formats = [f for f in _PIL_FORMATS[kind] if f in _registered_formats()]
    if not formats:
        yield FileProblem(name, f"{label}-bestanden worden hier niet ondersteund")
        return
    try:
        with quiet():
            im = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError:
        yield FileProblem(name, _BOMB)
        return
    except MemoryError:
        raise  # past the worker's memory limit: not the file's fault
    except Exception:
        yield FileProblem(name, f"de afbeelding ({label}) is beschadigd en kan niet worden gelezen")
        return

    with im:
        try:
            with quiet():
                frames = int(getattr(im, "n_frames", 1) or 1) if kind in _MULTI_PAGE_KINDS else 1
        except Exception:
            frames = 1
        for i in range(min(frames, max_pages)):
            with quiet():
                item = _decode_frame(im, i, frames, name, max_pixels)
            yield item
            del item
        if frames > max_pages:
            yield FileProblem(
                name,
                f"de afbeelding heeft {frames} pagina's; alleen de eerste {max_pages} zijn "
                "gelezen, de rest is overgeslagen",
            )


_BOMB = "de afbeelding is te groot (mogelijke decompressiebom)"


def _decode_frame(
    im: Image.Image, i: int, frames: int, name: str, max_pixels: int
) -> Page | FileProblem:
    what = f"pagina {i + 1} van de afbeelding" if frames > 1 else "de afbeelding"
    try:
        if i:
            im.seek(i)
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ValueError("empty image")
        if width * height > max_pixels:
            return FileProblem(name, f"{what} is te groot (mogelijke decompressiebom)")
        if decode_bytes(im) > MAX_IMAGE_DECODE_BYTES:
            return FileProblem(name, f"{what} is te groot om te lezen ({width * height / 1e6:.0f} "
                                     "megapixel in dit bestandstype); stuur een kleinere foto")
        if im.format == "JPEG" and width * height > WORK_MAX_PIXELS:
            # decode a large JPEG at a reduced scale straight away (DCT scaling): less memory
            f = math.sqrt(WORK_MAX_PIXELS / (width * height))
            im.draft("RGB", (math.ceil(width * f), math.ceil(height * f)))
        im.load()  # (called under quiet(): DecompressionBombWarning is silenced)
        rgb = _at_most_work_size(_to_rgb(_exif_upright(_reduced(im))))
        dpi = _image_dpi(im)
        if dpi is not None:
            dpi = round(dpi * max(rgb.shape[:2]) / max(width, height), 2)
    except Image.DecompressionBombError:
        return FileProblem(name, f"{what} is te groot (mogelijke decompressiebom)")
    except _ColourError:
        return FileProblem(name, f"{what}: kleurmodel {im.mode} wordt niet ondersteund")
    except MemoryError:
        raise  # past the worker's memory limit: not the file's fault (see check.run)
    except Exception:
        return FileProblem(name, f"{what} is beschadigd of onvolledig")
    return Page(
        file_name=name,
        index=i + 1,
        page_count=frames,
        image=rgb,
        dpi=dpi,
        digital=False,
        pdf_fields=None,
    )


def decode_bytes(im: Image.Image) -> int:
    """Memory Pillow needs to decode the image at full size (the checks' own work comes after
    it is reduced): its pixels times the bytes per pixel its decoder uses for this mode."""
    width, height = im.size
    if im.format == "JPEG":
        width, height = _draft_size(width, height)
    mode = "RGBA" if im.mode in ("LA", "PA", "RGBa", "La") or "transparency" in im.info else (
        "I;16" if im.mode.startswith("I;16") else im.mode)
    per_pixel = DECODE_BYTES_PER_PIXEL.get(mode, 4)
    return width * height * max(per_pixel, DECODE_BYTES_PER_PIXEL.get(str(im.format), 0))


def _draft_size(width: int, height: int) -> tuple[int, int]:
    """The size a large JPEG is decoded at: DCT scaling by 1/2, 1/4 or 1/8 (see draft)."""
    scale = 1
    while scale < 8 and (width // (scale * 2)) * (height // (scale * 2)) >= WORK_MAX_PIXELS:
        scale *= 2
    return math.ceil(width / scale), math.ceil(height / scale)


def _reduced(im: Image.Image) -> Image.Image:
    """A large image shrunk by a whole factor in Pillow, before any full-size copy is made."""
    width, height = im.size
    factor = math.ceil(math.sqrt(width * height / WORK_MAX_PIXELS))
    if factor <= 1:
        return im
    try:
        return im.reduce(factor)
    except (ValueError, NotImplementedError):  # modes reduce() does not know (16 bits, ...)
        pass
    try:
        size = (max(1, width // factor), max(1, height // factor))
        return im.resize(size, Image.Resampling.BOX)
    except (ValueError, NotImplementedError):  # resized after conversion instead
        return im


def _at_most_work_size(rgb: np.ndarray) -> np.ndarray:
    height, width = rgb.shape[:2]
    if width * height <= WORK_MAX_PIXELS:
        return rgb
    f = math.sqrt(WORK_MAX_PIXELS / (width * height))
    size = (max(1, int(width * f)), max(1, int(height * f)))
    return np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


_registered: set[str] | None = None


def _registered_formats() -> set[str]:
    global _registered
    if _registered is None:
        Image.init()
        _registered = set(Image.OPEN)
    return _registered


class _ColourError(Exception):
    pass


def _exif_upright(im: Image.Image) -> Image.Image:
    try:
        upright = ImageOps.exif_transpose(im)
    except Exception:  # broken EXIF: keep the pixels as stored
        return im
    return upright if upright is not None else im


def _to_rgb(im: Image.Image) -> np.ndarray:
    mode = im.mode
    if mode == "RGB":
        out = im
    elif mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        arr = np.asarray(im)
        if arr.dtype != np.uint16 and arr.dtype != np.float32:
            arr = arr.astype(np.float32)  # 32-bit integers (mode I), big-endian 16 bits
        arr = _at_most_work_size(arr)  # (reduce() does not know these modes)
        if mode == "F":
            arr = np.nan_to_num(arr.astype(np.float64))
            top = float(arr.max()) if arr.size else 0.0
            scale = 255.0 if top <= 1.0 else (255.0 / 65535.0 if top > 255 else 1.0)
            gray = np.clip(arr * scale, 0, 255).astype(np.uint8)
        else:
            top = int(arr.max()) if arr.size else 0
            if mode == "I" and (top > 65535 or (arr.size and arr.min() < 0)):
                arr = np.clip(arr, 0, 65535)
            gray = (arr // 257 if top > 255 else arr).astype(np.uint8)
        return np.ascontiguousarray(np.repeat(gray[:, :, None], 3, axis=2))
    elif (
        mode in ("RGBA", "LA", "PA", "RGBa", "La")
        or (mode == "P" and "transparency" in im.info)
        or (mode in ("L", "RGB", "1") and "transparency" in im.info)
    ):
        # Transparent areas become white paper (black ink on transparent stays visible).
        rgba = im.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        out = Image.alpha_composite(background, rgba).convert("RGB")
    else:
        try:
            out = im.convert("RGB")  # 1, L, P, CMYK (incl. Adobe-inverted), YCbCr, ...
        except Exception as exc:
            raise _ColourError(mode) from exc
    arr = np.asarray(out, dtype=np.uint8)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise _ColourError(mode)
    return np.ascontiguousarray(arr)


def _image_dpi(im: Image.Image) -> float | None:
    dpi: object = im.info.get("dpi")
    if isinstance(dpi, tuple | list) and dpi:
        dpi = dpi[0]
    try:
        x = float(dpi)  # type: ignore[arg-type]  # int, float, TIFF IFDRational, ...
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(x) or x < 10 or x > 10_000:
        return None  # 0/1 "dpi" means "no unit" or nonsense
    return round(x, 2)
