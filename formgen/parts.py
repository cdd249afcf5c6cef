"""Load the compiled parts the validator needs, or say in one line which one fails and the fix.

OpenCV, PDFium, zxing-cpp and the OCR engine are binary packages: a missing system library
(libGL for the GUI build of OpenCV) makes their import fail deep in the code, as a traceback.
:func:`require` imports them and turns such a failure into a :class:`MissingPartError`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from formgen.errors import FormgenError

REINSTALL = ("installeer formgen opnieuw zoals de README zegt (make setup, of "
             "scripts/opencv_headless.py en dan pip install)")

# module -> (the part as support knows it, the package that brings it)
PARTS: dict[str, tuple[str, str]] = {
    "cv2": ("OpenCV", "opencv-python-headless"),
    "pypdfium2": ("PDFium (pdf lezen)", "pypdfium2"),
    "zxingcpp": ("zxing-cpp (QR-codes lezen)", "zxing-cpp"),
    "onnxruntime": ("ONNX Runtime (tekstherkenning)", "onnxruntime"),
    "rapidocr_onnxruntime": ("RapidOCR (tekstherkenning)", "rapidocr-onnxruntime"),
    "rapidocr": ("RapidOCR (getypte namen lezen)", "rapidocr"),
}


class MissingPartError(FormgenError):
    """A compiled part of formgen cannot be imported on this computer."""


def fix_for(module: str, reason: str) -> str:
    """What to do, in Dutch: the GUI build of OpenCV needs libGL, which a server lacks."""
    if module == "cv2" or "libGL" in reason:
        return ("gebruik alleen opencv-python-headless: verwijder opencv-python "
                "(pip uninstall opencv-python) en " + REINSTALL)
    package = PARTS.get(module, (module, module))[1]
    return f"controleer of {package} goed is geïnstalleerd, of {REINSTALL}"


def require(*modules: str) -> list[ModuleType]:
    """Import each module; a failure becomes one Dutch line naming the part and the fix."""
    loaded = []
    for module in modules:
        try:
            loaded.append(importlib.import_module(module))
        except (ImportError, OSError) as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            part = PARTS.get(module, (module, module))[0]
            raise MissingPartError(
                f"onderdeel {part} ({module}) kan niet worden geladen: {reason}; "
                f"{fix_for(module, reason)}") from None
    return loaded
