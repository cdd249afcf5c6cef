"""Public API for building forms: blank, prefilled for one customer, and the layout contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from formgen import token as tokens
from formgen.atomic import write_atomic
from formgen.errors import SYSTEM_REASONS, InputFileError, system_reason
from formgen.form.customers import Customer
from formgen.form.prefill import build_prefilled
from formgen.form.template import get_template


def blank_form(config: Path | None = None) -> bytes:
    """The blank fillable form; the same bytes for the same definition (reproducible)."""
    return get_template(config).pdf


def prefilled_form(customer: Customer, key: bytes, *, request_id: str | None = None,
                   issued: dt.date | None = None, config: Path | None = None) -> tuple[bytes, str]:
    """A form prefilled for one customer, and its request id (generated when not given)."""
    request_id = request_id or tokens.new_request_id()
    if not tokens.ID_PATTERN.fullmatch(request_id):
        raise InputFileError(f"aanvraagnummer '{request_id}' mag alleen letters, cijfers, '.', "
                             "'_' en '-' bevatten (max. 32 tekens)")
    pdf = build_prefilled(get_template(config), customer, key, request_id,
                          issued or dt.date.today())
    return pdf, request_id


def layout_contract(config: Path | None = None) -> dict[str, Any]:
    """What `formgen fields --json` prints: every field's id, kind, rule, page and rectangle."""
    template = get_template(config)
    return template.layout.to_json(template.form)


def write_bytes(path: Path, data: bytes) -> None:
    """Write atomically, so an interrupted run never leaves half a PDF behind, and never
    through a link planted where the temporary file goes (see formgen.atomic)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    except OSError as exc:
        # mkdir answers 'exists' when a file stands where a folder of the path must come
        reason = (SYSTEM_REASONS["ENOTDIR"] if isinstance(exc, FileExistsError)
                  else system_reason(exc))
        raise InputFileError(f"kan niet schrijven ({reason})", source=str(path)) from None
