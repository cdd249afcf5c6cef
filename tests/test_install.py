"""The wheel works anywhere: built, installed in a fresh venv, and run from an empty folder.

The fresh venv gets the wheel itself (no dependencies); its dependencies come from the test's own
environment through a plain path entry, which does not load this checkout's editable install.
So what runs is only what the wheel carries: code, form definition, templates and fonts.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding only the freshly built wheel."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    # Built from a copy without the checkout's build/ folder: setuptools adds to what an
    # earlier build left there, so a wheel built in place can carry files deleted since.
    source = root / "source"
    top_level_only = {"build", ".git", "node_modules", "site", "out", ".venv", "generated"}
    shutil.copytree(REPO, source, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == REPO and (n in top_level_only
                                                       or n.startswith(".venv")))
        or n == "__pycache__" or n.endswith(".egg-info")])
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(wheels), str(source)],
        capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    # setuptools warns when a data folder is not in the packages configuration: installs stay quiet
    assert "is absent from the `packages` configuration" not in build.stdout + build.stderr
    wheel = next(wheels.glob("formgen-*.whl"))

    env_dir = root / "venv"
    venv.create(env_dir, with_pip=False)
    bin_dir = env_dir / "bin"
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
         "--no-deps", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    return bin_dir


def _run(bin_dir: Path, cwd: Path, *args: str,
         home: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command; with `home`, as a new user: that HOME, no cache settings."""
    leave_out = {"PYTHONPATH", "FORMGEN_CONFIG_DIR", "FORMGEN_TEMPLATES_DIR"}
    if home is not None:
        leave_out |= {"FORMGEN_CACHE", "FORMGEN_CACHE_DIR", "XDG_CACHE_HOME"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    if home is not None:
        env["HOME"] = str(home)
    env["FORMGEN_SECRET"] = "a-test-key-for-the-installed-wheel"
    return subprocess.run([str(bin_dir / "formgen"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_installed_wheel_runs_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "leeg"
    work.mkdir()
    where = subprocess.run([str(installed / "python"), "-c",
                            "import formgen; print(formgen.__file__)"],
                           cwd=work, capture_output=True, text=True, timeout=60)
    assert str(REPO) not in where.stdout, "the checkout was imported, not the wheel"

    form = _run(installed, work, "form", "--out", "leeg.pdf")
    assert form.returncode == 0, form.stderr
    assert (work / "leeg.pdf").read_bytes().startswith(b"%PDF-")

    fields = _run(installed, work, "fields", "--json")
    assert fields.returncode == 0, fields.stderr
    contract = json.loads(fields.stdout)
    assert contract["form"]["id"] and contract["fields"]

    check = _run(installed, work, "check", "--json", "leeg.pdf")
    assert check.returncode == 1, check.stderr  # a blank form is not complete
    result = json.loads(check.stdout)["submissions"][0]
    assert result["verdict"] == "incomplete"
    assert any(c["code"] == "signature" and c["status"] == "missing" for c in result["checks"])


def test_first_run_after_install_loads_the_shipped_template(installed: Path,
                                                             tmp_path: Path) -> None:
    """The wheel carries the prebuilt template (formgen/data/prebuilt/) and a new user's first
    batch loads it: nothing is built, so nothing is written to the empty ~/.cache/formgen."""
    package = subprocess.run([str(installed / "python"), "-c",
                              "import formgen; print(formgen.__file__)"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=60)
    prebuilt = Path(package.stdout.strip()).parent / "data" / "prebuilt"
    assert sorted(p.name.split("-")[0] for p in prebuilt.glob("*-*.json")) == ["field",
                                                                               "template"]
    assert sorted(p.suffix for p in prebuilt.glob("*-*.*")) == [".json", ".json", ".pdf",
                                                                 ".ttf"]
    home = tmp_path / "home"
    home.mkdir()
    table = tmp_path / "klanten.csv"
    table.write_text("customer_id,name,email,street,postcode,city,country\n"
                     "K1,Łukasz Nowak,l@voorbeeld.nl,Dorpsstraat 1,1234 AB,Utrecht,Nederland\n"
                     "K2,Nguyễn Thị Mai,n@voorbeeld.nl,Dorpsstraat 2,1234 AB,Utrecht,Nederland\n",
                     encoding="utf-8")
    batch = _run(installed, tmp_path, "form", "--customers", str(table), "--out-dir", "uit",
                 home=home)
    assert batch.returncode == 0, batch.stderr
    assert len(list((tmp_path / "uit").glob("K*.pdf"))) == 2
    assert not list(home.rglob("*.json")), "the template was built, not loaded"


def test_config_option_reads_another_definition(installed: Path, tmp_path: Path) -> None:
    """--config DIR: the company's own definition, for the generator as for the validator."""
    shipped = subprocess.run(
        [str(installed / "python"), "-c",
         "from formgen.resources import default_config_dir; print(default_config_dir())"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60).stdout.strip()
    config = tmp_path / "eigen"
    config.mkdir()
    (config / "company.yaml").write_bytes((Path(shipped) / "company.yaml").read_bytes())
    form_yaml = (Path(shipped) / "form.yaml").read_text(encoding="utf-8")
    assert "\nversion: 1\n" in form_yaml
    (config / "form.yaml").write_text(form_yaml.replace("\nversion: 1\n", "\nversion: 7\n"),
                                      encoding="utf-8")
    fields = _run(installed, tmp_path, "--config", str(config), "fields", "--json")
    assert fields.returncode == 0, fields.stderr
    assert json.loads(fields.stdout)["form"]["version"] == 7


def test_installs_print_no_setuptools_banner(tmp_path: Path) -> None:
    """`pip install -e .` (what `make run` does) and a wheel build print no warning banner."""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
         "--no-deps", "-e", str(REPO)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for banner in ("BuildBackendWarning", "SetuptoolsWarning", "!!", "absent from the"):
        assert banner not in output, f"install printed '{banner}':\n{output}"


# --- One OpenCV, the headless build (scripts/opencv_headless.py) -------------------------------

OPENCV_DISTRIBUTIONS = {"opencv-python", "opencv-contrib-python", "opencv-python-headless",
                        "opencv-contrib-python-headless"}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_only_the_headless_opencv_is_installed() -> None:
    """The GUI build writes the same cv2/ folder and needs libGL, which a server lacks."""
    installed = {_normalized(d.metadata["Name"]) for d in importlib.metadata.distributions()}
    assert installed & OPENCV_DISTRIBUTIONS == {"opencv-python-headless"}
    asking = sorted(f"{d.metadata['Name']} ({r})" for d in importlib.metadata.distributions()
                    for r in d.requires or ()
                    if "extra ==" not in r  # an extra of another package is not installed
                    and _normalized(re.split(r"[\s;<>=!~\[(]", r, maxsplit=1)[0])
                    in OPENCV_DISTRIBUTIONS - {"opencv-python-headless"})
    assert not asking, f"installed packages ask for another OpenCV: {asking}"


def test_cv2_links_no_libgl() -> None:
    """Imported in a fresh process, cv2 maps no libGL (nor any X11 or GTK library)."""
    probe = ("import cv2, json, pathlib\n"
             "maps = pathlib.Path('/proc/self/maps').read_text()\n"
             "print(cv2.__file__)\n"
             "libs = {l.split()[-1] for l in maps.splitlines() if '.so' in l}\n"
             "print(json.dumps(sorted(libs)))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    location, libraries = result.stdout.splitlines()[:2]
    gui = [lib for lib in json.loads(libraries)
           if re.search(r"/lib(GL|GLX|X11|gtk|gdk|Qt)[^/]*$", lib)]
    assert not gui, f"cv2 ({location}) loads GUI libraries: {gui}"
    ldd = subprocess.run(["ldd", *Path(location).parent.rglob("cv2*.so")], capture_output=True,
                         text=True, timeout=60)
    assert "libGL" not in ldd.stdout, ldd.stdout


FAILING_IMPORT = '''
import importlib.abc, sys
FAIL = {failing!r}
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == FAIL:
            raise ImportError("lib{failing}.so.1: cannot open shared object file: "
                              "No such file or directory")
        return None
sys.meta_path.insert(0, Refuse())
'''


@pytest.mark.parametrize("module", ["cv2", "pypdfium2"])
def test_a_part_that_cannot_load_is_one_dutch_line(module: str, tmp_path: Path) -> None:
    """A compiled part whose system library is missing: `formgen check` says which part and
    what to do, in one line with exit code 2, instead of a traceback."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FAILING_IMPORT.format(failing=module),
                                           encoding="utf-8")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(REPO)])}
    result = subprocess.run([sys.executable, "-m", "formgen", "check", str(scan)], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"({module}) kan niet worden geladen" in lines[0], lines[0]
    assert "installeer" in lines[0]


def test_a_form_built_without_opencv_is_one_dutch_line(tmp_path: Path) -> None:
    """Another definition (--config) builds its template, and the corner marks need OpenCV."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FAILING_IMPORT.format(failing="cv2"),
                                           encoding="utf-8")
    config = tmp_path / "eigen"
    config.mkdir()
    shipped = REPO / "formgen" / "data" / "config"
    for name in ("form.yaml", "company.yaml"):
        (config / name).write_bytes((shipped / name).read_bytes())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(REPO)]),
           "FORMGEN_CACHE": "0"}
    result = subprocess.run([sys.executable, "-m", "formgen", "--config", str(config), "form",
                             "--out", str(tmp_path / "leeg.pdf")], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "(cv2) kan niet worden geladen" in result.stderr


def test_the_ocr_engine_that_cannot_load_is_a_formgen_error(tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        FAILING_IMPORT.format(failing="rapidocr_onnxruntime"), encoding="utf-8")
    probe = ("from formgen.check.identity.ocr import RapidOcrEngine\n"
             "from formgen.errors import FormgenError\n"
             "try:\n    RapidOcrEngine()\nexcept FormgenError as exc:\n    print(exc.line())\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook), str(REPO)])}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "RapidOCR" in result.stdout and "kan niet worden geladen" in result.stdout


# --- make run installs what running needs, make test adds the development tools ------------------

def _make_dry_run(target: str, venv_dir: Path) -> str:
    result = subprocess.run(["make", "-n", target, f"VENV={venv_dir}"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _installs(commands: str) -> list[str]:
    return re.findall(r"pip install .*-e \"?\.\[([\w,]+)\]", commands)


def test_make_run_installs_no_development_tools(tmp_path: Path) -> None:
    """On a fresh machine `make run` installs the site tools only; `make test` adds `dev`, and
    after a `make run` it upgrades the same venv (two stamps)."""
    venv_dir = tmp_path / "venv"
    assert _installs(_make_dry_run("run", venv_dir)) == ["site"]
    assert _installs(_make_dry_run("test", venv_dir)) == ["site", "site,dev"]
    venv_dir.mkdir()
    (venv_dir / ".installed-run").touch()  # as a finished `make run` leaves it
    assert _installs(_make_dry_run("test", venv_dir)) == ["site,dev"]
    assert _installs(_make_dry_run("run", venv_dir)) == []
