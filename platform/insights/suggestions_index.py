"""Rebuilding the typeahead index: makes and models counted in the vehicle index, popular past queries
from the search log, written to a new physical index and swapped in behind the alias (indexers.index_admin)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from elasticsearch.helpers import bulk

from es_mappings.suggestions import suggestion_document
from indexers import index_admin
from search.client import get_client
from search.indexes import vehicles_alias

from .models import BlockedQuery
from .popularity import blocked_by, popular_queries

log = logging.getLogger(__name__)

# Queries count as popular over this window, under insights.popularity's rule (one actor cannot make
# a query popular; no addresses or phone numbers; staff's block list).
POPULAR_QUERY_DAYS = 30
POPULAR_QUERY_LIMIT = 5000


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
    return popular_queries(since=timezone.now() - timedelta(days=POPULAR_QUERY_DAYS), limit=POPULAR_QUERY_LIMIT)


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
    started = timezone.now()
    docs = suggestion_documents(include_queries=include_queries)

    def load(name: str) -> None:
        bulk(client.options(request_timeout=120), ({"_index": name, "_source": doc} for doc in docs), chunk_size=2000)

    name, _ = index_admin.build_and_swap(client, index_admin.SUGGESTIONS, load)
    # A phrase blocked while this index was being built was purged from the old one: purge it here too.
    late = list(BlockedQuery.objects.filter(blocked_at__gte=started - BLOCK_SLACK).values_list("phrase", flat=True))
    if late:
        remove_blocked_suggestions(late)
    log.info("suggestions index %s: %d documents", name, len(docs))
    return len(docs)


# Clocks of the web process that saved a block and of the one rebuilding may differ a little.
BLOCK_SLACK = timedelta(minutes=1)


def remove_blocked_suggestions(phrases: list[str]) -> int:
    """Delete from the live suggestions index every query suggestion holding one of `phrases` (staff's
    block list takes effect now, not at the next rebuild). Returns suggestions deleted."""
    client = get_client()
    alias = index_admin.SUGGESTIONS.alias()
    if not index_admin.alias_exists(client, index_admin.SUGGESTIONS):
        return 0
    response = client.search(
        index=alias,
        body={"size": POPULAR_QUERY_LIMIT, "query": {"term": {"kind": "query"}}, "_source": ["text"]},
    )
    texts = [hit["_source"]["text"] for hit in response["hits"]["hits"]]
    doomed = [text for text in texts if blocked_by(text, phrases)]
    if not doomed:
        return 0
    done = client.delete_by_query(
        index=alias, body={"query": {"terms": {"text.raw": doomed}}}, refresh=True, conflicts="proceed"
    )
    return int(done.get("deleted", 0))
