"""Wijzigingsloket: the change-request form for the klantenkaart, built, published and checked.

The public functions, one per part; the heavy validator is imported only when used::

    from formgen import blank_form, prefilled_form, layout_contract   # form generator
    from formgen import check_submission, run_checks                  # validator
    from formgen import prepare_site                                  # help center
"""

from __future__ import annotations

from typing import Any

from formgen.errors import ExitCode, FormgenError

_LAZY = {
    "blank_form": "formgen.form",
    "prefilled_form": "formgen.form",
    "layout_contract": "formgen.form",
    "build_batch": "formgen.form",
    "Customer": "formgen.form",
    "check_submission": "formgen.check",
    "run_checks": "formgen.check",
    "SubmissionResult": "formgen.check",
    "prepare_site": "formgen.site",
}

__all__ = ["ExitCode", "FormgenError", *_LAZY]


def __getattr__(name: str) -> Any:
    """Import a part only when it is asked for: `formgen fields` needs no OCR engine."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'formgen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
