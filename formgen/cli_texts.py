"""Click's own texts (help, usage, errors) in Dutch, so `formgen` speaks one language.

Click looks every text up through `gettext` functions bound in its modules; without a Dutch
catalogue they stay English. :func:`install` points those bindings at the table below. Texts
not in the table stay as Click wrote them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

DUTCH = {
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Commands": "Opdrachten",
    "Positional arguments": "Argumenten",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon het versienummer en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Hulp: '{command} {option}'.",
    "Aborted!": "Afgebroken.",
    "Missing command.": "Geef een opdracht.",
    "Missing argument": "Argument ontbreekt",
    "Missing option": "Optie ontbreekt",
    "Missing parameter": "Waarde ontbreekt",
    "Missing parameter: {param_name}": "Waarde ontbreekt: {param_name}",
    "Missing {param_type}": "{param_type} ontbreekt",
    "No such command {name!r}.": "Onbekende opdracht {name!r}.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "Option {name!r} does not take a value.": "Optie {name!r} heeft geen waarde.",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "{value} is not in the range {range}.": "{value} valt buiten het bereik: {range}.",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen {number_type}.",
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} is niet uitvoerbaar.",
    "required": "verplicht",
    "deprecated": "verouderd",
    "Could not open file {filename!r}: {message}":
        "Kan bestand {filename!r} niet openen: {message}",
    "file": "bestand",
    "directory": "map",
    "path": "pad",
    # Plural pairs (ngettext): singular and plural looked up separately.
    "Got unexpected extra argument ({args})": "Onverwacht extra argument ({args})",
    "Got unexpected extra arguments ({args})": "Onverwachte extra argumenten ({args})",
    "Option {name!r} requires an argument.": "Optie {name!r} heeft een waarde nodig.",
    "Option {name!r} requires {nargs} arguments.": "Optie {name!r} heeft {nargs} waarden nodig.",
    "Did you mean {possibility}?": "Bedoelt u {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Bedoelt u een van: {possibilities}?)",
    "{value!r} is not {choice}.": "{value!r} is niet {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} is niet een van {choices}.",
    "{value!r} does not match the format {format}.":
        "{value!r} past niet bij het formaat {format}.",
    "{value!r} does not match the formats {formats}.":
        "{value!r} past niet bij de formaten {formats}.",
}

_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types",
                  "utils")


def translate(text: str) -> str:
    return DUTCH.get(text, text)


def translate_plural(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


# The number types' names fill "{value!r} is not a valid {number_type}." ('integer range').
NUMBER_NAMES: dict[type[click.ParamType], str] = {
    click.types.IntParamType: "geheel getal", click.types.IntRange: "geheel getal",
    click.types.FloatParamType: "getal", click.types.FloatRange: "getal"}
NUMBER_METAVAR = "GETAL"


def describe_range(number_range: Any) -> str:
    """A range as words ("1 tot en met 64", "minstens 1"), for errors and help, not '1<=x<=64'."""
    low, high = number_range.min, number_range.max
    lower = None if low is None else (f"meer dan {low}" if number_range.min_open
                                      else f"minstens {low}")
    upper = None if high is None else (f"minder dan {high}" if number_range.max_open
                                       else f"hoogstens {high}")
    if lower and upper:
        if not (number_range.min_open or number_range.max_open):
            return f"{low} tot en met {high}"
        return f"{lower} en {upper}"
    return lower or upper or ""


def _number_metavar(self: Any, param: Any, ctx: Any) -> str:
    return NUMBER_METAVAR


def install() -> None:
    """Make Click answer in Dutch; safe to call more than once."""
    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        bindings: dict[str, Callable[..., str]] = {"_": translate, "ngettext": translate_plural}
        for attr, func in bindings.items():
            if hasattr(module, attr):
                setattr(module, attr, func)
    for number_type, dutch in NUMBER_NAMES.items():
        number_type.name = dutch
        number_type.get_metavar = _number_metavar  # type: ignore[method-assign]
    click.types._NumberRangeBase._describe_range = describe_range  # type: ignore[method-assign,assignment]


class DutchCommand(click.Command):
    """A command whose usage line reads `[OPTIES]`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        super().__init__(*args, **kwargs)


class DutchGroup(click.Group):
    """A group whose usage line, sub-commands and sub-groups read Dutch."""

    command_class = DutchCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPTIES]")
        kwargs.setdefault("subcommand_metavar", "OPDRACHT [ARGUMENTEN]...")
        super().__init__(*args, **kwargs)


DutchGroup.group_class = DutchGroup
