"""Pages are asked for afresh on every visit: they hold prices, availability, the signed-in account
and a CSRF token. The static files they name are the ones cached (a year, under hashed names:
nzila/static_files.py), so a repeat visit downloads only the page itself.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

PAGES = ("text/html",)


def pages_not_cached(get_response):
    def middleware(request):
        response = get_response(request)
        # A view that chose its own caching (e.g. never_cache) keeps it.
        if response.get("Content-Type", "").startswith(PAGES) and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return middleware
