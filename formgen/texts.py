"""Render the printed texts of the form from templates/form/texts.j2."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from formgen.definition import Company, FormDefinition
from formgen.errors import DefinitionError
from formgen.resources import templates_dir


def _escapes_html(template_name: str | None) -> bool:
    """Escape every template that makes HTML, by its name's extensions (`report/x.html.j2`).

    jinja2.select_autoescape looks at the last extension only, so `.html.j2` went unescaped.
    """
    suffixes = Path(template_name or "").suffixes
    return any(s.lower() in (".html", ".htm", ".xhtml") for s in suffixes)


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=_escapes_html,
        keep_trailing_newline=False,
    )


def form_text(block: str, form: FormDefinition, company: Company, **extra: object) -> str:
    """One named block of templates/form/texts.j2, rendered for this form and company."""
    try:
        template = environment().get_template("form/texts.j2")
        render = template.blocks[block]
        context = template.new_context({"form": form, "company": company, **extra})
        return "".join(render(context)).strip()
    except KeyError:
        raise DefinitionError(f"tekstblok '{block}' ontbreekt", source="templates/form/texts.j2") \
            from None
    except jinja2.TemplateError as exc:
        raise DefinitionError(f"sjabloonfout: {exc}", source="templates/form/texts.j2") from None
