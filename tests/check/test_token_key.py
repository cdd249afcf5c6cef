"""A QR code that does not verify is support's question, never the customer's.

A genuine form checked with another key (the development key that `make run` makes, say) must
not tell the customer the form is forged: the token check goes to a person, with the likely
causes named for support, and no reply is written. And no text a customer can get in a reply
says "token", "vervalst" or accuses: every message of a check that can be `missing`, and every
file problem, is walked for those words."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
from corpus import forms
from corpus import submissions as S

from formgen.check.report import reply_message
from formgen.check.submission import check_submission
from formgen.check.verdict import Status, Verdict
from formgen.definition import load_form

TODAY = S.today()
DPI = 200
KEY_A = b"key-that-made-the-form-0123456789"
KEY_B = b"another-key-used-by-the-check-0123"

# Words a customer is never shown: our machinery, or an accusation.
FORBIDDEN = re.compile(r"token|vervals|\bvals\b|fraude|bedrog|nagemaakt|sleutel|gemanipuleerd|"
                       r"\bnep\b|\bgewijzigd\b", re.IGNORECASE)
PACKAGE = Path(__file__).resolve().parents[2] / "formgen"


def test_form_checked_with_another_key_goes_to_support(tmp_path: Path) -> None:
    rng = np.random.default_rng(21)
    person = S.make_person(rng)
    pdf = S.form_pdf(person, KEY_A, True, rng)
    values = S.form_values(person, rng, prefilled=True)
    pages = S.scan(S.filled_pages(pdf, values, DPI, rng), rng, dpi=DPI, src_dpi=DPI)
    (tmp_path / "scan.pdf").write_bytes(forms.pages_to_pdf(pages, DPI))
    card = S.id_page(person, DPI, rng)
    (tmp_path / "id.jpg").write_bytes(forms.jpeg_bytes(card, 90, dpi=DPI))

    same = check_submission(tmp_path, key=KEY_A, from_address=person.email, today=TODAY)
    assert same.verdict is Verdict.COMPLETE, [(c.code, c.status, c.message) for c in same.checks]

    other = check_submission(tmp_path, key=KEY_B, from_address=person.email, today=TODAY)
    token = next(c for c in other.checks if c.code == "token")
    assert token.status is Status.REVIEW
    assert "andere sleutel" in token.message and "veranderd" in token.message
    assert other.verdict is Verdict.REVIEW
    assert not other.missing
    assert reply_message(other) is None


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)]


def _customer_messages() -> dict[str, list[str]]:
    """Every literal that can be in the message of a check that can be `missing` (a Check made
    with Status.MISSING or with a status decided at run time) and of every file problem, per
    module; the names of the local helpers and variables the message is built from are
    followed one step (a message made in `_message(...)` or kept in `none = "..."`). An error
    text passed on into such a message (a TokenError's "token is ongeldig: ... vervalst") is
    support's wording, never reviewed for a customer: it counts as forbidden."""
    found: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        texts: list[str] = []
        for scope in ast.walk(tree):
            if not isinstance(scope, ast.FunctionDef | ast.Module):
                continue
            assigned = {t.id: a.value for a in ast.walk(scope) if isinstance(a, ast.Assign)
                        for t in a.targets if isinstance(t, ast.Name)}
            for call in ast.walk(scope):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
                    continue
                if call.func.id == "Check" and len(call.args) >= 3:
                    status = ast.unparse(call.args[1])
                    if status.startswith("Status.") and status != "Status.MISSING":
                        continue
                    message = call.args[2]
                elif call.func.id == "FileProblem" and len(call.args) >= 2:
                    message = call.args[1]
                else:
                    continue
                texts += _strings(message)
                passed_on = [ast.unparse(n) for n in ast.walk(message)
                             if isinstance(n, ast.Name | ast.Attribute)
                             and "error" in ast.unparse(n).lower()]
                texts += [f"error text passed on: {name} (token)" for name in passed_on]
                for name in ast.walk(message):
                    if isinstance(name, ast.Name) and name.id in assigned:
                        texts += _strings(assigned[name.id])
                    if isinstance(name, ast.Call) and isinstance(name.func, ast.Name) \
                            and name.func.id in functions:
                        texts += _strings(functions[name.func.id])
        if texts:
            found[str(path.relative_to(PACKAGE))] = texts
    return found


def test_no_customer_message_speaks_of_tokens_or_forgery() -> None:
    messages = _customer_messages()
    assert {"check/fields.py", "check/email.py", "check/identity/checks.py",
            "check/intake/email.py"} <= set(messages)
    form = load_form()
    messages["form.yaml"] = [g.rule for g in form.groups.values()] + [f.label for f in form.fields]
    for module, names in (("check/report.py", ("reply_items", "_problem_line")),
                          ("check/summary.py", ("open_lines", "sentence"))):
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        made = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in names]
        assert len(made) == len(names), module
        messages[module] = [text for function in made for text in _strings(function)]
    templates = PACKAGE / "data" / "templates" / "reply"
    for template in templates.glob("*.j2"):
        messages[template.name] = [template.read_text(encoding="utf-8")]
    bad = [(where, text) for where, texts in messages.items() for text in texts
           if FORBIDDEN.search(text)]
    assert not bad
