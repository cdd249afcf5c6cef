"""The HMAC key: from FORMGEN_SECRET, a key file, or FORMGEN_KEY_FILE. Never from the repo."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from formgen.errors import SigningKeyError, system_reason

MIN_KEY_BYTES = 16
# The demo's development key: in the folder the demo runs from (ignored by git), never shipped.
DEV_KEY_FILE = Path(".formgen") / "dev.key"


def load_key(key_file: Path | None = None) -> bytes | None:
    """The signing key, or None when none is configured.

    Order: an explicit key file, then FORMGEN_SECRET, then FORMGEN_KEY_FILE.
    """
    if key_file is None and os.environ.get("FORMGEN_SECRET"):
        key = os.environ["FORMGEN_SECRET"].strip().encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            raise SigningKeyError(f"FORMGEN_SECRET is te kort (minstens {MIN_KEY_BYTES} tekens)")
        return key
    if key_file is None and os.environ.get("FORMGEN_KEY_FILE"):
        key_file = Path(os.environ["FORMGEN_KEY_FILE"])
    if key_file is None:
        return None
    try:
        key = key_file.read_bytes().strip()
    except OSError as exc:
        raise SigningKeyError(f"sleutelbestand niet leesbaar ({system_reason(exc)})",
                        source=str(key_file)) from None
    if len(key) < MIN_KEY_BYTES:
        raise SigningKeyError(f"sleutel is te kort (minstens {MIN_KEY_BYTES} tekens)",
                        source=str(key_file))
    return key


def require_key(key_file: Path | None = None) -> bytes:
    key = load_key(key_file)
    if key is None:
        raise SigningKeyError(
            "geen sleutel: zet FORMGEN_SECRET of FORMGEN_KEY_FILE, of geef --key-file "
            "(maak een sleutel met 'formgen key --out PAD')")
    return key


def create_key_file(path: Path) -> bool:
    """Write a new random key (64 hex characters, mode 0600); False if the file already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return True
