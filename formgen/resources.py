"""Where the form definition, templates and fonts are read from.

The defaults ship inside the package (``formgen/data/``, read with :mod:`importlib.resources`),
so an installed wheel works from any folder. A company's own definition is a folder with
``form.yaml`` and ``company.yaml``, given with ``--config DIR`` or ``FORMGEN_CONFIG_DIR``; the
help center, the form generator and the validator all read the same one.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

CONFIG_ENV = "FORMGEN_CONFIG_DIR"
TEMPLATES_ENV = "FORMGEN_TEMPLATES_DIR"


def data_dir() -> Path:
    """The package's own resource folder (a real folder: the wheel is installed unzipped)."""
    return Path(str(files("formgen") / "data"))


def default_config_dir() -> Path:
    return data_dir() / "config"


def config_dir() -> Path:
    """The folder named by FORMGEN_CONFIG_DIR, else the definition shipped with the package."""
    return Path(os.environ.get(CONFIG_ENV) or default_config_dir())


def templates_dir() -> Path:
    return Path(os.environ.get(TEMPLATES_ENV) or data_dir() / "templates")


def fonts_dir() -> Path:
    return data_dir() / "fonts"
