"""The wheel works anywhere: built, installed in a fresh venv, and run from an empty folder.

The fresh venv gets the wheel itself (no dependencies); its dependencies come from the test's own
environment through a plain path entry, which does not load this checkout's editable install.
So what runs is only what the wheel carries: code, form definition, templates and fonts.
"""

from __future__ import annotations

import json
import os
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
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(wheels), str(REPO)],
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
