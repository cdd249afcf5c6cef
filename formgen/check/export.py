"""The new values of complete submissions, for the customer system: CSV or JSON Lines.

One row per new value (a field of a group of the form: the change, not the reply address) of
each complete submission: customer_id, request_id, field, value (as checked and normalised,
see check.changes), customer_id_source. The customer number comes from the signed token
(``token``) or, on a blank form, from its box as read (``read``: typed into the PDF or read
by OCR; not proven, so the customer system should match it against the sender); empty when
neither gives one. Only a complete submission is exported: anything else still waits for
the customer or for a person. The first four columns are a contract: new ones go after them.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one)
as a formula; in the CSV every such cell starts with an apostrophe instead, which shows the
text as it is (OWASP's advice on CSV injection). JSON Lines carries the values unchanged. The
file is written whole or not at all (formgen.atomic), readable by its owner only: it holds
bank account numbers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from formgen.atomic import write_atomic
from formgen.check.submission import SubmissionResult
from formgen.check.verdict import Verdict
from formgen.definition import load_form
from formgen.errors import SYSTEM_REASONS, FormgenError, InputFileError, system_reason

COLUMNS = ("customer_id", "request_id", "field", "value", "customer_id_source")
FORMATS = (".csv", ".jsonl")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(FormgenError):
    """The export file's name or place cannot be used."""


def export_format(path: Path) -> str:
    """The format named by the file's extension; one Dutch line when it names none."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(f"kies een bestand dat eindigt op {' of '.join(FORMATS)}",
                          source=str(path))
    return suffix


def export_rows(results: list[SubmissionResult]) -> list[dict[str, str]]:
    """The rows: every new value of every complete submission, in the order of the results."""
    form = load_form()
    grouped = {f.id for f in form.fields if f.group}
    rows = []
    for result in results:
        if result.verdict is not Verdict.COMPLETE:
            continue
        customer, source = _customer(result)
        for change in result.changes:
            if change.field in grouped and change.valid is not False:
                rows.append({"customer_id": customer,
                             "request_id": result.form.get("request_id") or "",
                             "field": change.field, "value": change.value,
                             "customer_id_source": source})
    return rows


def _customer(result: SubmissionResult) -> tuple[str, str]:
    """The customer number and its source (see the module docstring)."""
    if result.form.get("customer_id"):
        return result.form["customer_id"], "token"
    if result.form.get("customer_id_read"):
        return result.form["customer_id_read"], "read"
    return "", ""


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def export_bytes(rows: list[dict[str, str]], fmt: str) -> bytes:
    if fmt == ".jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: neutralised(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_export(results: list[SubmissionResult], path: Path) -> int:
    """Write the export (see the module docstring); the number of rows written."""
    rows = export_rows(results)
    data = export_bytes(rows, export_format(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, mode=0o600)
    except OSError as exc:
        reason = (SYSTEM_REASONS["ENOTDIR"] if isinstance(exc, FileExistsError)
                  else system_reason(exc))
        raise InputFileError(f"kan niet schrijven ({reason})", source=str(path)) from None
    return len(rows)
