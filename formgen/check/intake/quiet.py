"""Keep libraries quiet while intake works: their logs can quote identity-document bytes."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sys
import warnings
from collections.abc import Iterator

_QUIET = contextvars.ContextVar("formgen_intake_quiet", default=False)


_QUIET_PREFIXES = ("pypdf", "PIL", "pypdfium2", "pillow_heif")


class _DropWhileQuiet(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _QUIET.get()


_DROP_FILTER = _DropWhileQuiet()


_filtered_loggers: set[str] = set()


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    # Libraries log via logging.getLogger(<module name>); make sure every loaded module of them
    # has its logger, with our filter, before they get a chance to log.
    for mod in list(sys.modules):
        if mod not in _filtered_loggers and mod.split(".")[0] in _QUIET_PREFIXES:
            logging.getLogger(mod).addFilter(_DROP_FILTER)
            _filtered_loggers.add(mod)
    token = _QUIET.set(True)
    try:
        with warnings.catch_warnings():
            # Bomb / corrupt-EXIF / PDF-syntax warnings: intake reports problems itself.
            warnings.simplefilter("ignore")
            yield
    finally:
        _QUIET.reset(token)
