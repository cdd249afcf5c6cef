"""`formgen check --explain`: per box, the measures and the rule that decided (issue 27).

The rule table (formgen/check/decision.py) is whole: every rule names thresholds that exist,
every threshold points to a tuning note that exists. A real submission (prefilled, printed,
written, scanned, one required box left empty) is checked through the CLI: every box shows the
rule that decided and its measures, in the text output and in the JSON (a new key "explain",
the other keys as before), and the rule that decided sets the status the box has. The boxes of
the change group, judged together, show their own measures and rule too (under the group's: in
the JSON its key "members"), in the text, the JSON and the report's details.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from corpus import submissions as S

from formgen.check.decision import MEASURES, RULES, THRESHOLDS
from formgen.cli import main

ROOT = Path(__file__).resolve().parents[2]
KEY = b"explain-test-key-0123456789abcdef"
BOXES = re.compile(r"^(field:|group:|signature$)")


def test_every_rule_names_thresholds_that_exist() -> None:
    for rule_id, rule in RULES.items():
        assert set(rule.thresholds) <= set(THRESHOLDS), rule_id
        assert rule.text and not rule.text.endswith("."), rule_id


def test_every_threshold_points_to_a_tuning_note_that_holds_it() -> None:
    for name, threshold in THRESHOLDS.items():
        path, _, anchor = threshold.source.partition("#")
        note = ROOT / path
        assert note.is_file(), (name, path)
        text = note.read_text(encoding="utf-8")
        if anchor:
            headings = {re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
                        for h in re.findall(r"^#+ (.+)$", text, re.M)}
            assert anchor in headings, (name, anchor, headings)
        assert threshold.measure.split()[0] in MEASURES, (name, threshold.measure)


@pytest.fixture(scope="module")
def submission(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("explain")
    recipe = S._missing_field("sign_place", True)
    case = recipe(S.Ctx(tmp / "case", KEY, np.random.default_rng(2027)))
    key_file = tmp / "key"
    key_file.write_bytes(KEY)
    return case.path, key_file


@functools.cache  # each command once: the tests share the runs (a run is seconds)
def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_json_explain_names_the_deciding_rule_of_every_box(submission: tuple[Path, Path]
                                                            ) -> None:
    path, key_file = submission
    plain = json.loads(_run(str(path), "--key-file", str(key_file), "--json"))
    explained = json.loads(_run(str(path), "--key-file", str(key_file), "--json", "--explain"))
    before, after = plain["submissions"][0], explained["submissions"][0]
    assert {c["code"]: c["status"] for c in before["checks"]} == \
        {c["code"]: c["status"] for c in after["checks"]}
    assert all(set(c) == {"code", "status", "message", "page", "file"}
               for c in before["checks"])  # without --explain: the keys as they were
    boxes = [c for c in after["checks"] if BOXES.match(c["code"])]
    assert {"field:sign_place", "signature", "group:change"} <= {c["code"] for c in boxes}
    for check in after["checks"]:
        assert set(check) == {"code", "status", "message", "page", "file", "explain"}
        explain = check["explain"]
        if not BOXES.match(check["code"]):
            assert explain is None, check["code"]
            continue
        assert explain["rule"] == explain["rules"][-1] and explain["rule"] in RULES
        decided = RULES[explain["rule"]].status
        assert decided is None or decided == check["status"], check
        if not check["code"].startswith("group:"):
            measures = explain["measures"]
            assert {"fraction", "beyond_noise", "widest", "contrast", "border_found"} <= \
                set(measures), check["code"]
    empty = next(c for c in boxes if c["code"] == "field:sign_place")
    assert empty["status"] == "missing" and empty["explain"]["rule"] == "ink-none"


def test_cli_explain_shows_rules_and_measures_per_box(submission: tuple[Path, Path]) -> None:
    path, key_file = submission
    output = _run(str(path), "--key-file", str(key_file), "--explain", "--report",
                  str(path.parent / "report"))
    assert "field:sign_place (Plaats): ontbreekt" in output
    block = output.split("field:sign_place (Plaats)", 1)[1].split("\nfield:", 1)[0]
    assert "regel ink-none (besliste): geen inkt in het vak" in block
    assert re.search(r"beyond_noise = [0-9.e-]+ +\(deel van het vak met inkt voorbij de ruis",
                     block), block
    assert output.count("(besliste)") >= 6  # every required box, the signature, the group


def _own_lines(explain: dict[str, Any]) -> list[str]:
    """Lines of a box's explanation: its deciding rule and one of its measures."""
    return [f"regel {explain['rule']} (besliste)",
            f"beyond_noise = {explain['measures']['beyond_noise']:g}"]


def test_change_groups_boxes_show_their_own_measures_and_rule(submission: tuple[Path, Path]
                                                               ) -> None:
    """The group's members, not only their statuses: each its rule and measures, as a box
    outside the group has them (JSON key "members"; the group's keys as before)."""
    path, key_file = submission
    explained = json.loads(_run(str(path), "--key-file", str(key_file), "--json", "--explain"))
    group = next(c for c in explained["submissions"][0]["checks"]
                 if c["code"] == "group:change")
    explain = group["explain"]
    assert {"rule", "rules", "unmet", "measures"} <= set(explain)
    boxes = explain["measures"]["boxes"]
    members = explain.get("members", {})
    assert set(members) == set(boxes) and len(boxes) >= 5, explain
    for code, member in members.items():
        assert set(member) == {"status", "rule", "rules", "unmet", "measures"}, code
        assert member["status"] == boxes[code]
        assert member["rule"] == member["rules"][-1] and member["rule"] in RULES
        decided = RULES[member["rule"]].status
        assert decided is None or decided == member["status"], (code, member)
        assert {"fraction", "beyond_noise", "widest", "contrast", "border_found"} <= \
            set(member["measures"]), code
    written = [code for code, member in members.items() if member["status"] == "ok"]
    assert written and group["status"] == "ok", boxes
    # The same lines under the group in the text of --explain and in the report's details.
    output = _run(str(path), "--key-file", str(key_file), "--explain", "--report",
                  str(path.parent / "report"))
    block = output.split("\ngroup:change (", 1)[1]
    page = next((path.parent / "report").glob("0*.html")).read_text(encoding="utf-8")
    details = html.unescape(page.split(">group:change<", 1)[1].split("</details>", 1)[0])
    for code in written:
        lines = _own_lines(members[code])
        header = f"  {code} ("
        assert header in block, block
        own = block.split(header, 1)[1].split("\n  field:", 1)[0]
        assert all(line in own for line in lines), own
        shown = details.split(f"<li>{code} (", 1)[1].split("<li>field:", 1)[0]
        assert all(line in shown for line in lines), shown
