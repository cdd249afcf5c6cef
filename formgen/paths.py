"""Where the project's configuration and templates live (overridable for installs elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent


def config_dir() -> Path:
    """site_config/ of this checkout, or the folder named by FORMGEN_CONFIG_DIR."""
    return Path(os.environ.get("FORMGEN_CONFIG_DIR") or PROJECT_ROOT / "site_config")


def templates_dir() -> Path:
    return Path(os.environ.get("FORMGEN_TEMPLATES_DIR") or PROJECT_ROOT / "templates")


def fonts_dir() -> Path:
    return PACKAGE_DIR / "fonts"
