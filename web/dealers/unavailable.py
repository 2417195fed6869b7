"""When the search engine cannot answer, a page says so (503) instead of failing with a 500.

Writes never need the engine (they go to Postgres and reach the index later), so only the pages that
read the index use this: the console's inventory, the dashboard and its CSVs.
"""

from __future__ import annotations

import logging
from functools import wraps

from django.shortcuts import render
from elastic_transport import ConnectionError as EngineConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, TransportError

from search.executor import EngineUnavailable

log = logging.getLogger(__name__)
OVERLOADED = (429, 502, 503, 504)


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, EngineUnavailable):
        return True
    if isinstance(exc, ApiError):
        return exc.meta.status in OVERLOADED
    return isinstance(exc, (EngineConnectionError, ConnectionTimeout, TransportError))


def search_unavailable_page(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Exception as exc:
            if not _unavailable(exc):
                raise
            log.warning("search engine cannot serve %s: %s", request.path, exc)
            response = render(request, "dealers/unavailable.html", status=503)
            response["Retry-After"] = "10"
            return response

    return wrapped
