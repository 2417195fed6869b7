"""Rebuilding the typeahead index: makes and models counted in the vehicle index, popular past queries
from the search log, written to a new physical index and swapped in behind the alias (indexers.index_admin)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from elasticsearch.helpers import bulk

from es_mappings.suggestions import suggestion_document
from indexers import index_admin
from search.client import get_client
from search.indexes import vehicles_alias

log = logging.getLogger(__name__)

# Queries count as popular over this window, if at least this many different people searched them
# (one person's query is never shown to others).
POPULAR_QUERY_DAYS = 30
POPULAR_QUERY_MIN_SEARCHERS = 2
POPULAR_QUERY_LIMIT = 5000

POPULAR_QUERIES_SQL = """
SELECT normalized_query,
       COUNT(*) AS searches,
       (ARRAY_AGG(result_count ORDER BY searched_at DESC))[1] AS last_count
  FROM insights_searchlog
 WHERE endpoint = 'vehicles' AND page = 1 AND normalized_query <> '' AND searched_at >= %s
 GROUP BY normalized_query
HAVING COUNT(DISTINCT COALESCE(user_id::text, 's:' || session_key)) >= %s
 ORDER BY searches DESC, normalized_query
 LIMIT %s
"""


def _make_model_counts() -> Iterator[tuple[str, str, int]]:
    """(make, model, listings) over the public part of the vehicle index, paged with a composite agg."""
    client = get_client()
    after = None
    while True:
        composite: dict[str, Any] = {
            "size": 2000,
            "sources": [{"make": {"terms": {"field": "make.raw"}}}, {"model": {"terms": {"field": "model.raw"}}}],
        }
        if after:
            composite["after"] = after
        body = {
            "size": 0,
            "query": {"terms": {"status": list(settings.SEARCHABLE_STATUSES)}},
            "aggs": {"pairs": {"composite": composite}},
        }
        response = client.options(request_timeout=60).search(index=vehicles_alias(), body=body)
        pairs = response["aggregations"]["pairs"]
        for bucket in pairs["buckets"]:
            yield bucket["key"]["make"], bucket["key"]["model"], bucket["doc_count"]
        after = pairs.get("after_key")
        if not after or not pairs["buckets"]:
            return


def _popular_queries() -> list[tuple[str, int, int]]:
    since = timezone.now() - timedelta(days=POPULAR_QUERY_DAYS)
    with connection.cursor() as cursor:
        cursor.execute(POPULAR_QUERIES_SQL, [since, POPULAR_QUERY_MIN_SEARCHERS, POPULAR_QUERY_LIMIT])
        return [(query, int(searches), int(last_count)) for query, searches, last_count in cursor.fetchall()]


def suggestion_documents(*, include_queries: bool = True) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    per_make: dict[str, int] = {}
    for make, model, count in _make_model_counts():
        per_make[make] = per_make.get(make, 0) + count
        docs.append(suggestion_document(kind="model", text=model, make=make, model=model, count=count))
        docs.append(suggestion_document(kind="make_model", text=f"{make} {model}", make=make, model=model, count=count))
    docs.extend(suggestion_document(kind="make", text=make, make=make, count=count) for make, count in per_make.items())
    if include_queries:
        docs.extend(
            suggestion_document(kind="query", text=query, count=last_count, searches=searches)
            for query, searches, last_count in _popular_queries()
        )
    return docs


def rebuild_suggestions(*, include_queries: bool = True) -> int:
    """Build a new suggestions index, swap the alias to it, drop the old ones. Returns documents written."""
    client = get_client()
    docs = suggestion_documents(include_queries=include_queries)

    def load(name: str) -> None:
        bulk(client.options(request_timeout=120), ({"_index": name, "_source": doc} for doc in docs), chunk_size=2000)

    name, _ = index_admin.build_and_swap(client, index_admin.SUGGESTIONS, load)
    log.info("suggestions index %s: %d documents", name, len(docs))
    return len(docs)
