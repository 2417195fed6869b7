"""The names code addresses the engine's indexes by: one alias per index, never a physical name.

Physical indexes behind an alias are named `<alias>-<UTC timestamp>` and only indexers.index_admin
creates, swaps or drops them.
"""

from __future__ import annotations

from django.conf import settings


def vehicles_alias() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-vehicles"


def suggestions_alias() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-suggestions"


def saved_searches_alias() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-saved-searches"
