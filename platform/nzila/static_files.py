"""Static files under hashed names, cached by browsers for a year.

`collectstatic` writes each file under a name holding a hash of its content (`site.3f2a9c.css`) and a
manifest that `{% static %}` reads, so a page always names the exact version it was rendered with:
the file can be cached for a year and never revalidated, and a changed file gets a new name. Pages
themselves carry no cache lifetime (they hold prices, availability and a CSRF token).
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

ONE_YEAR = 365 * 24 * 60 * 60

# CSS url() and @import only: the vendored libraries are copied without their source maps, so the
# `sourceMappingURL` comments they end with name files that are not there (and browsers ask for a map
# only with developer tools open).
_CSS_REFERENCES = tuple(
    pattern for pattern in dict(ManifestStaticFilesStorage.patterns)["*.css"] if "sourceMappingURL" not in str(pattern)
)


class HashedStaticStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's manifest storage (hashed names, pre-gzipped copies beside them)."""

    patterns = (("*.css", _CSS_REFERENCES),)
    # search.js imports typeahead.js: the import is rewritten to the hashed name too, or the module a
    # year-cached page loads would import whatever typeahead.js is current.
    support_js_module_import_aggregation = True


def cache_hashed_files_for_a_year(headers, path: str, url: str) -> None:
    """whitenoise marks a hashed name immutable for ten years; a year is the figure caches honour (RFC 9111)."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
