"""Every Dutch text that support or a customer reads, outside the help center, is spelled right:
the printed form, the reply and report templates, and the messages in the code."""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from spelling import unknown_words

from formgen.definition import load_form
from formgen.form.build import blank_form

ROOT = Path(__file__).resolve().parents[1]
# Modules whose string literals reach people: checks, reports, intake, CLI, errors, site.
MESSAGE_MODULES = sorted(p for p in (ROOT / "formgen").rglob("*.py")
                         if p.stem not in {"__init__", "__main__", "mrz", "ocr"})
TEMPLATES = sorted((ROOT / "formgen" / "data" / "templates").rglob("*.j2"))
assert MESSAGE_MODULES and TEMPLATES, "the spell check must find the modules and templates"


def _dutch_literals(path: Path) -> str:
    """String literals that read as Dutch sentences, placeholders and names removed."""
    out = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
             for v in node.values}
    for node in ast.walk(tree):
        if id(node) in parts:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "\0"
                           for v in node.values)
        else:
            continue
        if isinstance(node, ast.Constant) and _is_docstring(node, path):
            continue
        if DUTCH.search(text) and not re.search(r"[=%{}\\/<>]", text):
            text = re.sub(r"\0-?|-\0", " ", IDENTIFIERS.sub(" ", text))
            out.append(re.sub(r"(\w)'(?=\s|$)", r"\1", text))
    return "\n".join(out)


# A literal is Dutch prose when it has a Dutch function word; English developer errors are not.
DUTCH = re.compile(r"\b(de|het|een|is|niet|geen|van|voor|naar|met|bij|op|dit|deze|er|u|uw|"
                   r"wij|moet|mag|kan|ontbreekt)\b")
# Names the user types or sees as code: 'quoted', --options, files.ext, ENV_VARS, snake_case.
IDENTIFIERS = re.compile(r"'[^']*'|mailto:\S+|(?<![\w-])--?[\w-]+|"
                         r"\b[\w-]+\.(yaml|json|csv|jsonl|j2|pdf)\b|\b\w+_\w+\b")


_DOCSTRINGS: dict[Path, set[int]] = {}


def _is_docstring(node: ast.Constant, path: Path) -> bool:
    if path not in _DOCSTRINGS:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        ids = set()
        for owner in ast.walk(tree):
            body = getattr(owner, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                    and isinstance(body[0].value, ast.Constant):
                ids.add((body[0].value.lineno, body[0].value.col_offset))
        _DOCSTRINGS[path] = ids  # type: ignore[assignment]
    return (node.lineno, node.col_offset) in _DOCSTRINGS[path]


def _strip_template(text: str) -> str:
    text = re.sub(r"\{#.*?#\}", " ", text, flags=re.S)
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return text


def test_printed_form() -> None:
    reader = PdfReader(io.BytesIO(blank_form()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\S+@\S+|https?://\S+|\S+\.nl/\S*", " ", text)
    form_id = re.escape(load_form().id)
    text = re.sub(rf"\b{form_id}\b|\bv\d+\b", " ", text)  # form id and version (QR caption)
    assert "klantenkaart" in text
    assert unknown_words(text) == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_templates(path: Path) -> None:
    assert unknown_words(_strip_template(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", MESSAGE_MODULES,
                         ids=lambda p: p.relative_to(ROOT / "formgen").as_posix())
def test_messages_in_code(path: Path) -> None:
    text = _dutch_literals(path)
    assert unknown_words(text) == [], f"{path.name}: spelling in messages"
