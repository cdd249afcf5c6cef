import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from formgen.definition import FIELD_KINDS, load_form, parse_form
from formgen.errors import DefinitionError
from formgen.resources import config_dir


@pytest.fixture
def raw() -> dict[str, Any]:
    return yaml.safe_load((config_dir() / "form.yaml").read_text(encoding="utf-8"))


def test_real_definition_loads() -> None:
    form = load_form()
    ids = [f.id for f in form.fields]
    assert len(ids) == len(set(ids))
    assert {f.kind for f in form.fields} <= set(FIELD_KINDS)
    assert [f.id for f in form.fields if f.kind == "signature"] == ["signature"]
    assert form.field("customer_id").locked and form.field("id_number").locked
    assert form.groups["change"].field_ids and form.send_back_items


def _broken(raw: dict[str, Any], change) -> str:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(DefinitionError) as info:
        parse_form(data, "form.yaml")
    line = info.value.line()
    assert "\n" not in line and line.startswith("form.yaml: ")
    return line


def test_unknown_kind(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][0]["fields"][0]["kind"] = "colour"
    assert "soort 'colour' onbekend" in _broken(raw, change)


def test_duplicate_id(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][1]["fields"][0]["id"] = "customer_id"
    assert "komt twee keer voor" in _broken(raw, change)


def test_unknown_group(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][1]["fields"][0]["group"] = "nope"
    assert "groep 'nope'" in _broken(raw, change)


def test_missing_label(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        del d["sections"][0]["fields"][2]["label"]
    assert "'label' ontbreekt" in _broken(raw, change)


def test_bad_prefill_key(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][0]["fields"][2]["prefill"] = "shoe_size"
    assert "geen klantgegeven" in _broken(raw, change)


def test_required_and_group(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][1]["fields"][0]["required"] = True
    assert "niet allebei" in _broken(raw, change)


def test_no_signature(raw: dict[str, Any]) -> None:
    def change(d):  # type: ignore[no-untyped-def]
        d["sections"][-1]["fields"] = d["sections"][-1]["fields"][:-1]
    assert "handtekeningveld" in _broken(raw, change)


def test_broken_yaml_file(tmp_path: Path) -> None:
    (tmp_path / "form.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"geen geldige YAML \(regel \d+\)"):
        load_form(tmp_path)


@pytest.mark.parametrize("end", ["\n", "\r", " ", "\t", "\x85", "\u2028"])
def test_ids_with_a_line_end_or_space_after_them_are_refused(raw: dict[str, Any],
                                                              end: str) -> None:
    def form_id(d):  # type: ignore[no-untyped-def]
        d["id"] += end

    def field_id(d):  # type: ignore[no-untyped-def]
        d["sections"][0]["fields"][0]["id"] += end

    assert "formulier-id" in _broken(raw, form_id)
    assert "mag alleen a-z" in _broken(raw, field_id)
