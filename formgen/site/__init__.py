"""The help center's side of formgen: the form and its snippets put into the site before a build."""

from formgen.site.prepare import PublishedForm, prepare_site, theme_settings

__all__ = ["PublishedForm", "prepare_site", "theme_settings"]
