"""Load the form definition and company details (see formgen.resources) into typed objects.

The YAML files there are the single source for labels, field ids and rules: the PDF, the
validator and the help center all read them through this module.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from formgen.errors import DefinitionError
from formgen.resources import config_dir

FIELD_KINDS = ("text", "email", "phone", "iban", "date", "place", "checkbox", "signature")
# A refinement of a kind, for the validation of a value read (check.validate_value).
FIELD_FORMATS = ("postcode_nl",)
CUSTOMER_KEYS = (
    "customer_id", "name", "company", "id_number", "email",
    "phone", "street", "postcode", "city", "country",
)
_ID = re.compile(r"\A[a-z][a-z0-9_]*\Z")  # \Z: "$" would let a final newline through
FORM_ID_PATTERN = re.compile(r"\A[A-Z0-9-]{1,24}\Z")


@dataclass(frozen=True)
class Field:
    id: str
    label: str
    kind: str
    section: str
    page: int
    required: bool = False
    group: str | None = None
    prefill: str | None = None
    locked: bool = False  # can never be changed with this form (customer number, ID number)
    send_back: bool = False
    format: str | None = None  # a refinement of kind (FIELD_FORMATS), for validation only
    # Fields whose value this one should match, first one with a value (an account holder
    # against the new name, else the name).
    same_as: tuple[str, ...] = ()

    @property
    def read_only_prefilled(self) -> bool:
        """Read-only in a prefilled form: the locked fields and every prefilled field (the
        current details; changes go in the new_* fields). The contract's "locked"."""
        return self.locked or self.prefill is not None


@dataclass(frozen=True)
class Section:
    id: str
    page: int
    title: str
    intro: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    rule: str
    field_ids: tuple[str, ...]


@dataclass(frozen=True)
class FormDefinition:
    id: str
    version: int
    title: str
    date: dt.date
    previous_versions: tuple[int, ...]
    sections: tuple[Section, ...]
    groups: dict[str, Group]
    page_count: int

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    def field(self, field_id: str) -> Field:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def sections_on(self, page: int) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.page == page)

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def send_back_items(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.send_back)


# Facts only the company can decide (company.yaml, 'facts'). Left empty, nobody has decided it,
# and no text (site, form, reply) names it: nothing is made up in its place.
COMPANY_FACTS: dict[str, type] = {
    "processing_time": str,
    "customer_number_location": str,
    "control_panel_url": str,
    "domain_contacts_instructions_url": str,
    "authorized_request_steps": list,
}


@dataclass(frozen=True)
class Company:
    name: str
    short_name: str
    support_email: str
    help_center_url: str
    articles: dict[str, str] = field(default_factory=dict)
    facts: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    mailbox: dict[str, Any] = field(default_factory=dict)  # read by formgen.check.inbox

    def fact(self, name: str) -> str | tuple[str, ...] | None:
        """A decided fact, or None when the company has not set it."""
        if name not in COMPANY_FACTS:
            raise DefinitionError(f"onbekend feit '{name}'", source="company.yaml")
        return self.facts.get(name)

    def article_url(self, key: str) -> str:
        try:
            return self.help_center_url.rstrip("/") + "/" + self.articles[key]
        except KeyError:
            raise DefinitionError(f"artikel '{key}' ontbreekt in company.yaml") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError("bestand niet gevonden", source=str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark else ""
        raise DefinitionError(f"geen geldige YAML{where}", source=str(path)) from None
    if not isinstance(data, dict):
        raise DefinitionError("verwacht een mapping bovenaan het bestand", source=str(path))
    return data


def _need(data: dict[str, Any], key: str, kind: type, where: str, src: str) -> Any:
    if key not in data:
        raise DefinitionError(f"{where}: '{key}' ontbreekt", source=src)
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DefinitionError(f"{where}: '{key}' moet {kind.__name__} zijn", source=src)
    return value


def parse_form(data: dict[str, Any], src: str = "form.yaml") -> FormDefinition:
    """Check the raw YAML mapping and build a FormDefinition; any flaw is one DefinitionError."""
    form_id = _need(data, "id", str, "formulier", src)
    if not FORM_ID_PATTERN.fullmatch(form_id):
        raise DefinitionError(f"formulier-id {form_id!r} mag alleen A-Z, 0-9 en - bevatten",
                              source=src)
    version = _need(data, "version", int, "formulier", src)
    date = data.get("date")
    if not isinstance(date, dt.date):
        raise DefinitionError("formulier: 'date' moet een datum zijn (JJJJ-MM-DD)", source=src)
    raw_groups = data.get("groups") or {}
    if not isinstance(raw_groups, dict):
        raise DefinitionError("'groups' moet een mapping zijn", source=src)
    seen: set[str] = set()
    sections: list[Section] = []
    members: dict[str, list[str]] = {g: [] for g in raw_groups}
    for i, raw in enumerate(_need(data, "sections", list, "formulier", src), start=1):
        if not isinstance(raw, dict):
            raise DefinitionError(f"sectie {i} moet een mapping zijn", source=src)
        sid = _need(raw, "id", str, f"sectie {i}", src)
        page = _need(raw, "page", int, f"sectie '{sid}'", src)
        fields: list[Field] = []
        for j, rf in enumerate(_need(raw, "fields", list, f"sectie '{sid}'", src), start=1):
            where = f"sectie '{sid}', veld {j}"
            if not isinstance(rf, dict):
                raise DefinitionError(f"{where} moet een mapping zijn", source=src)
            unknown = set(rf) - {"id", "label", "kind", "required", "group", "prefill",
                                 "locked", "send_back", "format", "same_as"}
            if unknown:
                raise DefinitionError(f"{where}: onbekende sleutel(s) {sorted(unknown)}",
                                      source=src)
            fid = _need(rf, "id", str, where, src)
            where = f"veld {fid!r}"
            if not _ID.fullmatch(fid):
                raise DefinitionError(f"{where}: id mag alleen a-z, 0-9 en _ bevatten", source=src)
            if fid in seen:
                raise DefinitionError(f"{where}: id komt twee keer voor", source=src)
            seen.add(fid)
            kind = _need(rf, "kind", str, where, src)
            if kind not in FIELD_KINDS:
                raise DefinitionError(
                    f"{where}: soort '{kind}' onbekend (kies uit {', '.join(FIELD_KINDS)})",
                    source=src)
            group = rf.get("group")
            if group is not None and group not in raw_groups:
                raise DefinitionError(f"{where}: groep '{group}' staat niet onder 'groups'",
                                      source=src)
            required = bool(rf.get("required", False))
            if required and group:
                raise DefinitionError(f"{where}: kies 'required' of 'group', niet allebei",
                                      source=src)
            prefill = rf.get("prefill")
            if prefill is not None and prefill not in CUSTOMER_KEYS:
                raise DefinitionError(f"{where}: prefill '{prefill}' is geen klantgegeven",
                                      source=src)
            fmt = rf.get("format")
            if fmt is not None and fmt not in FIELD_FORMATS:
                raise DefinitionError(f"{where}: format '{fmt}' onbekend (kies uit "
                                      f"{', '.join(FIELD_FORMATS)})", source=src)
            same_as = rf.get("same_as") or []
            if not isinstance(same_as, list) or not all(isinstance(v, str) for v in same_as):
                raise DefinitionError(f"{where}: 'same_as' moet een lijst met namen van "
                                      "velden zijn", source=src)
            fields.append(Field(
                id=fid, label=_need(rf, "label", str, where, src), kind=kind, section=sid,
                page=page, required=required, group=group, prefill=prefill,
                locked=bool(rf.get("locked", False)), send_back=bool(rf.get("send_back", False)),
                format=fmt, same_as=tuple(same_as),
            ))
            if group:
                members[group].append(fid)
        sections.append(Section(id=sid, page=page, title=_need(raw, "title", str, sid, src),
                                intro=str(raw.get("intro", "")), fields=tuple(fields)))
    for f in (f for s in sections for f in s.fields):
        unknown_ids = [v for v in f.same_as if v not in seen]
        if unknown_ids:
            raise DefinitionError(f"veld {f.id!r}: 'same_as' noemt onbekend veld "
                                  f"{unknown_ids[0]!r}", source=src)
    pages = sorted({s.page for s in sections})
    if not pages or pages != list(range(1, len(pages) + 1)):
        raise DefinitionError(f"pagina's moeten 1..n zijn, gevonden {pages}", source=src)
    if sum(f.kind == "signature" for s in sections for f in s.fields) != 1:
        raise DefinitionError("het formulier moet precies één handtekeningveld hebben", source=src)
    groups = {}
    for gid, g in raw_groups.items():
        if not isinstance(g, dict):
            raise DefinitionError(f"groep '{gid}' moet een mapping zijn", source=src)
        if not members[gid]:
            raise DefinitionError(f"groep '{gid}' heeft geen velden", source=src)
        groups[gid] = Group(id=gid, label=_need(g, "label", str, f"groep '{gid}'", src),
                            rule=_need(g, "rule", str, f"groep '{gid}'", src),
                            field_ids=tuple(members[gid]))
    prev = tuple(int(v) for v in data.get("previous_versions") or ())
    return FormDefinition(id=form_id, version=version, title=_need(data, "title", str, "formulier",
                          src), date=date, previous_versions=prev, sections=tuple(sections),
                          groups=groups, page_count=len(pages))


def parse_company(data: dict[str, Any], src: str = "company.yaml") -> Company:
    articles = data.get("articles") or {}
    if not isinstance(articles, dict):
        raise DefinitionError("'articles' moet een mapping zijn", source=src)
    return Company(facts=_parse_facts(data.get("facts") or {}, src),
        name=_need(data, "name", str, "bedrijf", src),
        short_name=str(data.get("short_name") or data["name"]),
        support_email=_need(data, "support_email", str, "bedrijf", src),
        help_center_url=_need(data, "help_center_url", str, "bedrijf", src),
        articles={str(k): str(v) for k, v in articles.items()},
        mailbox=data.get("mailbox") or {},
    )


def _parse_facts(data: Any, src: str) -> dict[str, str | tuple[str, ...]]:
    if not isinstance(data, dict):
        raise DefinitionError("'facts' moet een mapping zijn", source=src)
    facts: dict[str, str | tuple[str, ...]] = {}
    for key, value in data.items():
        kind = COMPANY_FACTS.get(str(key))
        if kind is None:
            raise DefinitionError(f"'facts': onbekend feit '{key}' (bekend: "
                                  f"{', '.join(COMPANY_FACTS)})", source=src)
        if value in (None, "", []):
            continue  # not decided
        if kind is list:
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise DefinitionError(f"'facts.{key}': verwacht een lijst met tekst", source=src)
            facts[str(key)] = tuple(value)
        elif not isinstance(value, str):
            raise DefinitionError(f"'facts.{key}': verwacht tekst", source=src)
        else:
            facts[str(key)] = value.strip()
    return facts


def load_form(directory: Path | None = None) -> FormDefinition:
    path = (directory or config_dir()) / "form.yaml"
    return _load_form_cached(path.resolve())


@cache
def _load_form_cached(path: Path) -> FormDefinition:
    return parse_form(_read_yaml(path), str(path))


def load_company(directory: Path | None = None) -> Company:
    path = (directory or config_dir()) / "company.yaml"
    return _load_company_cached(path.resolve())


@cache
def _load_company_cached(path: Path) -> Company:
    return parse_company(_read_yaml(path), str(path))
