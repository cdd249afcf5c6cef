"""The help center's side of formgen: the form and its snippets put into the site before a build,
and the search index (with Dutch search terms) made after it."""

from formgen.site.prepare import PublishedForm, prepare_site, theme_settings
from formgen.site.search import IndexedSite, index_site

__all__ = ["IndexedSite", "PublishedForm", "index_site", "prepare_site", "theme_settings"]
