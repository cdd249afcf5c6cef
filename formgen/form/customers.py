"""Customer data for prefilled forms: one JSON object, or a CSV / JSON Lines file of many."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from formgen.definition import CUSTOMER_KEYS
from formgen.errors import InputFileError
from formgen.token import ID_PATTERN

MAX_VALUE_LENGTH = 200


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str = ""
    company: str = ""
    id_number: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""

    def value(self, key: str) -> str:
        return str(getattr(self, key))


assert tuple(f.name for f in fields(Customer)) == CUSTOMER_KEYS


def customer_from_mapping(data: Any) -> Customer:
    """Validate one record; the message names the problem, the caller adds file and line."""
    if not isinstance(data, dict):
        raise ValueError("verwacht een object met klantgegevens")
    unknown = sorted(set(data) - set(CUSTOMER_KEYS))
    if unknown:
        raise ValueError(f"onbekende sleutel(s): {', '.join(map(str, unknown))} "
                         f"(toegestaan: {', '.join(CUSTOMER_KEYS)})")
    values: dict[str, str] = {}
    for key in CUSTOMER_KEYS:
        value = data.get(key)
        if value is None:
            value = ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"'{key}' moet tekst zijn")
        text = " ".join(str(value).split())
        if len(text) > MAX_VALUE_LENGTH:
            raise ValueError(f"'{key}' is langer dan {MAX_VALUE_LENGTH} tekens")
        values[key] = text
    if not values["customer_id"]:
        raise ValueError("'customer_id' ontbreekt")
    if not ID_PATTERN.match(values["customer_id"]):
        raise ValueError("'customer_id' mag alleen letters, cijfers, '.', '_' en '-' bevatten")
    return Customer(**values)


def load_customer(path: Path) -> Customer:
    """One customer from a JSON file; any problem is one InputFileError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputFileError("bestand niet gevonden", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("geen UTF-8-tekst", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputFileError(f"geen geldige JSON (regel {exc.lineno}, kolom {exc.colno})",
                             source=str(path)) from None
    except OSError as exc:
        raise InputFileError(f"niet leesbaar ({exc.strerror})", source=str(path)) from None
    try:
        return customer_from_mapping(data)
    except ValueError as exc:
        raise InputFileError(str(exc), source=str(path)) from None


@dataclass(frozen=True)
class Row:
    line: int
    customer: Customer | None
    error: str | None = None


def iter_customers(path: Path) -> Iterator[Row]:
    """Each record of a .csv or .jsonl file with its line number; bad rows carry an error."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise InputFileError("verwacht een .csv- of .jsonl-bestand", source=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError("bestand niet gevonden", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputFileError("geen UTF-8-tekst", source=str(path)) from None
    except OSError as exc:
        raise InputFileError(f"niet leesbaar ({exc.strerror})", source=str(path)) from None
    if suffix == ".csv":
        yield from _csv_rows(text, path)
    else:
        yield from _jsonl_rows(text)


def _csv_rows(text: str, path: Path) -> Iterator[Row]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = reader.fieldnames or []
    unknown = sorted(set(header) - set(CUSTOMER_KEYS))
    if unknown:
        raise InputFileError(f"onbekende kolom(men): {', '.join(unknown)}", source=str(path))
    if "customer_id" not in header:
        raise InputFileError("kolom 'customer_id' ontbreekt", source=str(path))
    for record in reader:
        line = reader.line_num
        if None in record:
            yield Row(line, None, "meer waarden dan kolommen")
            continue
        try:
            yield Row(line, customer_from_mapping({k: v for k, v in record.items() if v}))
        except ValueError as exc:
            yield Row(line, None, str(exc))


def _jsonl_rows(text: str) -> Iterator[Row]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield Row(number, customer_from_mapping(json.loads(raw)))
        except json.JSONDecodeError:
            yield Row(number, None, "geen geldige JSON")
        except ValueError as exc:
            yield Row(number, None, str(exc))
