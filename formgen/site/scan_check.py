"""What the help center's scan check ("Controleer uw scan") needs, written into the site at build
time: the form's pages, boxes and rules from the layout contract, the validator's ink measures,
and the pinned browser parts (pdf.js, the ZXing QR reader, js-aruco2, heic-to) copied from
node_modules.

Nothing here is a second copy of a fact: the boxes come from `layout_contract` (what
`formgen fields --json` prints), the token prefix from `formgen.token`, the ink measures from
`formgen.check.ink`. The browser loads all of it only when the customer uses the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formgen.errors import SiteBuildError
from formgen.form.build import layout_contract, write_bytes

CHECK_DIR = "controle"  # docs/controle/ -> site/controle/
DATA_NAME = "formulier.json"
VENDOR_DIR = "vendor"


@dataclass(frozen=True)
class VendorFile:
    package: str
    path: str  # inside node_modules/<package>/
    name: str  # in docs/controle/vendor/


# The browser parts, pinned in package.json / package-lock.json (npm ci installs them).
VENDOR_FILES = (
    VendorFile("pdfjs-dist", "build/pdf.min.mjs", "pdf.min.mjs"),
    VendorFile("pdfjs-dist", "build/pdf.worker.min.mjs", "pdf.worker.min.mjs"),
    VendorFile("pdfjs-dist", "LICENSE", "LICENSE.pdfjs.txt"),
    VendorFile("zxing-wasm", "dist/iife/reader/index.js", "zxing-reader.js"),
    VendorFile("zxing-wasm", "dist/reader/zxing_reader.wasm", "zxing_reader.wasm"),
    VendorFile("zxing-wasm", "LICENSE", "LICENSE.zxing-wasm.txt"),
    VendorFile("js-aruco2", "src/cv.js", "aruco-cv.js"),
    VendorFile("js-aruco2", "src/aruco.js", "aruco.js"),
    VendorFile("js-aruco2", "src/dictionaries/aruco_4x4_1000.js", "aruco_4x4_1000.js"),
    VendorFile("js-aruco2", "LICENSE.txt", "LICENSE.js-aruco2.txt"),
    # libheif for HEIC photos (iPhone), the build that needs no 'unsafe-eval' in the CSP;
    # loaded only when a HEIC photo is picked that the browser cannot open itself
    VendorFile("heic-to", "dist/csp/heic-to.js", "heic-to.js"),
    VendorFile("heic-to", "LICENSE", "LICENSE.heic-to.txt"),
)


def check_data(config: Path | None = None) -> dict[str, Any]:
    """The pages, boxes and rules the browser checks, from the contract and the validator."""
    from formgen.check import ink
    from formgen.token import PART_COUNTS, PREFIX

    contract = layout_contract(config)
    return {
        "form": contract["form"],
        "units": contract["units"],
        "origin": contract["origin"],
        "pages": contract["pages"],
        "groups": contract["groups"],
        "fields": [{k: f[k] for k in ("id", "label", "kind", "required", "group", "page", "rect")}
                   for f in contract["fields"]],
        "token_prefix": PREFIX,
        "token_parts": list(PART_COUNTS),
        "ink": {"dpi": ink.CHECK_DPI, "ink_contrast": ink.INK_CONTRAST,
                "faint_contrast": ink.FAINT_CONTRAST, "min_component": ink.MIN_COMPONENT,
                "line_length": ink.LINE_LENGTH},
    }


def require_browser_parts(node_modules: Path) -> None:
    """Refuse a help center build without the scan check's parts, before anything is written."""
    missing = [f"{v.package}/{v.path}" for v in VENDOR_FILES
               if not (node_modules / v.package / v.path).is_file()]
    if missing:
        raise SiteBuildError(f"de onderdelen voor de scancontrole ontbreken ({missing[0]}): "
                             "draai eerst 'npm ci' in de map van het helpcentrum",
                             source=str(node_modules))


def write_check_files(docs_dir: Path, node_modules: Path | None,
                      config: Path | None = None) -> Path:
    """Write docs_dir/controle/: always the data; with node_modules, the browser parts too (a
    help center's build needs them; a copy of the form for elsewhere does not)."""
    target = docs_dir / CHECK_DIR
    if node_modules is not None:
        require_browser_parts(node_modules)
    data = json.dumps(check_data(config), ensure_ascii=False, indent=1, sort_keys=True)
    _write_if_changed(target / DATA_NAME, data.encode("utf-8") + b"\n")
    if node_modules is None:
        return target
    for v in VENDOR_FILES:
        _write_if_changed(target / VENDOR_DIR / v.name,
                          (node_modules / v.package / v.path).read_bytes())
    return target


def _write_if_changed(path: Path, data: bytes) -> None:
    # mkdocs serve watches docs/: rewriting identical bytes would rebuild forever.
    if not path.exists() or path.read_bytes() != data:
        write_bytes(path, data)
