"""Customer data for prefilled forms: one JSON object, or a CSV / JSON Lines file of many.

Names and addresses in these files were typed by people outside the company, so every value
is checked here: a bad value is a Dutch reason naming the field, never a crash, and nothing
invisible or undecodable reaches the PDF.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from formgen.definition import CUSTOMER_KEYS
from formgen.errors import InputFileError, system_reason
from formgen.token import ID_PATTERN

MAX_VALUE_LENGTH = 200
MAX_CUSTOMER_FILE_BYTES = 64 * 1024  # one customer in JSON is well under 2 KB
MAX_BATCH_FILE_BYTES = 100 * 1024 * 1024  # some 300,000 customers
MAX_RECORD_CHARS = 16 * 1024  # one JSON Lines row; a longer row is refused unread
_SHOWN_KEYS = 5  # unknown keys named in a message; the rest are counted
_SHOWN_KEY_CHARS = 40
_PLAIN_WHITESPACE = frozenset("\t\n\r")  # collapsed to one space like any other whitespace


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


class JsonNumber(str):
    """A JSON integer kept as its digits: never converted, so no size limit can be hit."""


def customer_from_mapping(data: Any) -> Customer:
    """Validate one record; the message names the problem, the caller adds file and line."""
    if not isinstance(data, dict):
        raise ValueError(f"verwacht een object met klantgegevens, geen {_kind(data)}")
    unknown = sorted(map(str, set(data) - set(CUSTOMER_KEYS)))
    if unknown:
        shown = ", ".join(_shown(key) for key in unknown[:_SHOWN_KEYS])
        if len(unknown) > _SHOWN_KEYS:
            shown += f" en nog {len(unknown) - _SHOWN_KEYS}"
        raise ValueError(f"onbekende sleutel(s): {shown} (toegestaan: {', '.join(CUSTOMER_KEYS)})")
    values = {key: _text(key, data.get(key)) for key in CUSTOMER_KEYS}
    if not values["customer_id"]:
        raise ValueError("'customer_id' ontbreekt")
    if not ID_PATTERN.fullmatch(values["customer_id"]):
        raise ValueError("'customer_id' mag alleen letters, cijfers, '.', '_' en '-' bevatten "
                         "(max. 32 tekens)")
    return Customer(**values)


def _text(key: str, value: object) -> str:
    """One value as the text that goes on the form, or a ValueError naming the field."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 4 * MAX_VALUE_LENGTH:  # str() of a huge int raises
            raise ValueError(f"'{key}' is langer dan {MAX_VALUE_LENGTH} tekens")
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' moet tekst zijn, geen {_kind(value)}")
    if not value.isprintable():  # the fast path: no control, format or undecodable characters
        for char in value:
            category = unicodedata.category(char)
            if category == "Cs":
                raise ValueError(f"'{key}' bevat tekens die geen geldige UTF-8 zijn")
            if category in ("Cc", "Cf") and char not in _PLAIN_WHITESPACE:
                raise ValueError(f"'{key}' bevat een onzichtbaar besturingsteken "
                                 f"(U+{ord(char):04X}); haal het weg")
    text = " ".join(value.split())
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueError(f"'{key}' is langer dan {MAX_VALUE_LENGTH} tekens")
    return text


def _kind(value: object) -> str:
    """What a JSON value is, in the words of a message: '... moet tekst zijn, geen lijst'."""
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "ja/nee-waarde (true/false)"), (list, "lijst"), (dict, "object"),
        ((JsonNumber, int), "getal"), (float, "getal met decimalen"), (str, "tekst"),
        (type(None), "lege waarde (null)")]
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def _shown(key: str) -> str:
    """A key from the file as it may be printed: short, invisible characters written as codes."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF
                   else f"\\U{ord(c):08x}" for c in key[:_SHOWN_KEY_CHARS])
    return text + ("…" if len(key) > _SHOWN_KEY_CHARS else "")


def parse_json(text: str, *, with_line: bool = True) -> Any:
    """Parse JSON text; every problem is a ValueError with a Dutch reason.

    Integers stay text (JsonNumber), duplicate keys and NaN/Infinity are refused, and nesting
    deeper than Python can follow is a reason, not a RecursionError.
    """
    try:
        return json.loads(text, parse_int=JsonNumber, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        where = f"regel {exc.lineno}, kolom {exc.colno}" if with_line else f"kolom {exc.colno}"
        raise ValueError(f"geen geldige JSON ({where})") from None
    except RecursionError:
        raise ValueError("geen geldige JSON: te diep genest") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"geen geldige JSON: {name} is geen getal in JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"sleutel '{_shown(key)}' staat er twee keer in")
        data[key] = value
    return data


def _read(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of a file; a larger file, or none, is an InputFileError."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if len(data) > limit:
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} KB"
        raise InputFileError(f"groter dan {size}; dat is te groot voor een bestand met "
                             "klantgegevens", source=str(path))
    return data.removeprefix(codecs.BOM_UTF8)


def _unreadable(path: Path, exc: OSError) -> InputFileError:
    if isinstance(exc, FileNotFoundError):
        return InputFileError("bestand niet gevonden", source=str(path))
    if isinstance(exc, IsADirectoryError):
        return InputFileError("is een map, geen bestand", source=str(path))
    return InputFileError(f"niet leesbaar ({system_reason(exc)})", source=str(path))


def check_readable(path: Path, *, batch: bool = False) -> None:
    """Refuse a customer file that cannot be read before anything else is asked (the key)."""
    if batch:
        _batch_suffix(path)
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise _unreadable(path, exc) from None


def load_customer(path: Path) -> Customer:
    """One customer from a JSON file; any problem is one InputFileError naming the file."""
    data = _read(path, MAX_CUSTOMER_FILE_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputFileError("geen UTF-8-tekst", source=str(path)) from None
    try:
        return customer_from_mapping(parse_json(text))
    except ValueError as exc:
        raise InputFileError(str(exc), source=str(path)) from None


@dataclass(frozen=True)
class Row:
    line: int
    customer: Customer | None
    error: str | None = None


def iter_customers(path: Path) -> Iterator[Row]:
    """Each record of a .csv or .jsonl file with its line number; bad rows carry an error.

    Bytes that are not UTF-8 spoil only their own row: they are kept as surrogates
    (surrogateescape) and refused by the value check of that row.
    """
    suffix = _batch_suffix(path)
    text = _read(path, MAX_BATCH_FILE_BYTES).decode("utf-8", errors="surrogateescape")
    if suffix == ".csv":
        yield from _csv_rows(text, path)
    else:
        yield from _jsonl_rows(text)


def _batch_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise InputFileError("verwacht een .csv- of .jsonl-bestand", source=str(path))
    return suffix


def _csv_rows(text: str, path: Path) -> Iterator[Row]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect=dialect)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        raise InputFileError(f"kopregel is geen geldige CSV ({exc})", source=str(path)) from None
    unknown = sorted(set(header) - set(CUSTOMER_KEYS))
    if unknown:
        raise InputFileError(f"onbekende kolom(men): {', '.join(map(_shown, unknown))}",
                             source=str(path))
    doubles = sorted({key for key in header if header.count(key) > 1})
    if doubles:
        raise InputFileError(f"kolom(men) {', '.join(doubles)} staan er twee keer in",
                             source=str(path))
    if "customer_id" not in header:
        raise InputFileError("kolom 'customer_id' ontbreekt", source=str(path))
    # A record may span lines (a quoted line break): it is named by the line it starts on.
    # csv.DictReader is not used: its line_num is stale after a blank line or an error.
    end = reader.line_num
    while True:
        start = end + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            yield Row(start, None, "een waarde is te lang" if "field limit" in str(exc)
                      else "de regel is geen geldige CSV")
            continue
        end = reader.line_num
        if not values:
            continue  # a blank line
        if len(values) > len(header):
            yield Row(start, None, "meer waarden dan kolommen")
            continue
        try:
            yield Row(start, customer_from_mapping(
                {key: value for key, value in zip(header, values, strict=False)
                 if value}))
        except ValueError as exc:
            yield Row(start, None, str(exc))


def _jsonl_rows(text: str) -> Iterator[Row]:
    # Lines end at "\n" only, as editors count them: U+2028 or a form feed inside a JSON
    # string must neither split a record nor shift the line numbers of the rows after it.
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.removesuffix("\r")
        if not raw.strip():
            continue
        if len(raw) > MAX_RECORD_CHARS:
            yield Row(number, None, f"regel is langer dan {MAX_RECORD_CHARS} tekens")
            continue
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            yield Row(number, None, "geen geldige UTF-8-tekst")
            continue
        try:
            yield Row(number, customer_from_mapping(parse_json(raw, with_line=False)))
        except ValueError as exc:
            yield Row(number, None, str(exc))
