"""MkDocs-hook: maakt vóór de build het formulier en de Markdown-stukjes voor de site.

Dun met opzet: al het werk zit in formgen.site.prepare_site, zodat `formgen site prepare`
hetzelfde doet voor Zensical (dat geen hooks uitvoert) of voor CI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def on_config(config: Any, **kwargs: Any) -> Any:
    """Company details come from the company file only (formgen.resources), never mkdocs.yml.

    mkdocs.yml inherits the same values from generated/site-config.yml (for Zensical, which runs
    no hook); reading them here again keeps a MkDocs build right even when that file is stale.
    """
    from formgen.site import theme_settings

    settings = theme_settings()
    config.extra["company"] = settings["extra"]["company"]
    config.copyright = settings["copyright"]
    return config


def on_pre_build(config: Any, **kwargs: Any) -> None:
    from formgen.site import prepare_site

    project = Path(config.config_file_path).parent
    prepare_site(Path(config.docs_dir), project / "generated",
                 node_modules=project / "node_modules")
