"""Keep exactly one OpenCV in this Python environment: the headless build.

rapidocr-onnxruntime (the OCR engine, <1.5) and augraphy (the test corpus) declare the GUI build
`opencv-python`. Installed next to the project's `opencv-python-headless`, both write `cv2/` and
the GUI one, which needs libGL, wins: on a server without libGL `formgen check` cannot start.
Their code runs unchanged on the headless build; only their metadata names the other one.

So this script, run with the environment's own Python before `pip install`:

1. downloads the wheel of each such dependency that pyproject.toml names (in the core
   dependencies and in the extras given), rewrites its `Requires-Dist: opencv-python` to
   `opencv-python-headless` and marks its version `+headless` (1.4.4 -> 1.4.4+headless, which
   pip ranks above 1.4.4), writes it to WHEEL_DIR and installs it without dependencies;
2. removes a GUI build that an older install left, and puts back the headless files it shared.

Then `pip install --find-links WHEEL_DIR -e '.[site]'` keeps those wheels, and nothing asks for
the GUI build (`pip check` stays clean). Standard library only: it runs before anything else.

    python scripts/opencv_headless.py WHEEL_DIR [EXTRA ...]
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import re
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUI = "opencv-python"
HEADLESS = "opencv-python-headless"
LOCAL = "headless"


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def requirements(extras: list[str]) -> list[str]:
    """The project's requirements for the core and the given extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = list(project["dependencies"])
    for extra in extras:
        found += project["optional-dependencies"][extra]
    return [r.split("#", 1)[0].strip() for r in found]


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def _requires_gui(metadata: str) -> bool:
    return any(_name(line.split(":", 1)[1]) == GUI
               for line in metadata.splitlines() if line.startswith("Requires-Dist:"))


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def rewrite(wheel: Path, out_dir: Path) -> Path | None:
    """The wheel with GUI OpenCV replaced by headless in its metadata; None if it has none."""
    with zipfile.ZipFile(wheel) as source:
        names = source.namelist()
        info = next(n for n in names if re.fullmatch(r"[^/]+\.dist-info/METADATA", n))
        metadata = source.read(info).decode("utf-8")
        if not _requires_gui(metadata):
            return None
        old_info = info.split("/", 1)[0]
        dist, version = old_info.removesuffix(".dist-info").rsplit("-", 1)
        new_version = f"{version}+{LOCAL}"
        new_info = f"{dist}-{new_version}.dist-info"
        lines = []
        for line in metadata.split("\n"):
            if line.startswith("Requires-Dist:") and _name(line.split(":", 1)[1]) == GUI:
                line = re.sub(r"(Requires-Dist:\s*)opencv[-_.]python", rf"\g<1>{HEADLESS}", line,
                              flags=re.I)
            elif line.startswith("Version:"):
                line = f"Version: {new_version}"
            lines.append(line)
        new_metadata = "\n".join(lines).encode("utf-8")
        tags = wheel.name.removesuffix(".whl").split("-", 2)[2]
        target = out_dir / f"{dist}-{new_version}-{tags}.whl"
        record: list[str] = []
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for name in names:
                if name == f"{old_info}/RECORD":
                    continue
                data = new_metadata if name == info else source.read(name)
                new_name = name.replace(f"{old_info}/", f"{new_info}/", 1)
                out.writestr(new_name, data)
                record.append(_record_line(new_name, data))
            record.append(f"{new_info}/RECORD,,")
            out.writestr(f"{new_info}/RECORD", "\n".join(record) + "\n")
    return target


# The project's dependencies whose metadata names the GUI build; looking into every
# requirement would download them all. tests/test_install.py fails when an installed
# distribution still asks for the GUI build, so a new one is noticed.
GUI_USERS = {"rapidocr-onnxruntime", "augraphy"}


def headless_wheels(wheel_dir: Path, extras: list[str]) -> list[Path]:
    """Download the project's requirements that want GUI OpenCV and rewrite them; a wheel made
    before for the same requirement line (kept beside it as NAME.requirement) is reused."""
    wheel_dir.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        for requirement in requirements(extras):
            if _name(requirement) not in GUI_USERS:
                continue
            dist = _name(requirement).replace("-", "_")
            ready = [w for w in sorted(wheel_dir.glob(f"{dist}-*+{LOCAL}-*.whl"))
                     if _note(w).is_file() and _note(w).read_text("utf-8") == requirement]
            if ready:
                made.append(ready[-1])
                continue
            _pip("download", "-q", "--no-deps", "--only-binary=:all:", "-d", tmp, requirement)
            wheel = next(Path(tmp).glob(f"{dist}-*.whl"))
            target = rewrite(wheel, wheel_dir)
            if target is not None:
                _note(target).write_text(requirement, encoding="utf-8")
                made.append(target)
    return made


def _note(wheel: Path) -> Path:
    return wheel.with_name(wheel.name.removesuffix(".whl") + ".requirement")


def installed(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def remove_gui_build() -> None:
    """Uninstalling the GUI build deletes the cv2 files it shared: reinstall headless's."""
    if installed(GUI) is None:
        return
    _pip("uninstall", "-q", "-y", GUI)
    version = installed(HEADLESS)
    if version is not None:
        _pip("install", "-q", "--force-reinstall", "--no-deps", f"{HEADLESS}=={version}")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.rstrip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    wheels = headless_wheels(Path(argv[0]), argv[1:])
    if wheels:
        _pip("install", "-q", "--no-deps", *map(str, wheels))
    remove_gui_build()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
