"""Saved searches: percolator queries in the engine, matched against new and changed vehicles.

The queries live in their own index, `<prefix>-saved-searches`, whose mapping is the vehicle
document's plus a `percolator` field; a batch of vehicle documents is percolated in one request and
each hit says which documents its query matched. The engine is reached through search.client only.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from elasticsearch import NotFoundError

from es_mappings.vehicles import vehicle_index_body, vehicle_to_document
from indexers.rows import iter_vehicle_rows_written_after
from jobs.cursors import advancing_cursor
from search.alerts import alert_query
from search.client import get_client
from search.request import VehicleQuery
from search.selectors import public_scope

from .events import emit_many
from .models import SavedSearch

log = logging.getLogger(__name__)

PERCOLATE_BATCH = 200


def saved_search_query(query: VehicleQuery) -> dict[str, Any]:
    """The engine query a saved search stands for: the search's own builders, over the public scope."""
    return alert_query(query, public_scope()).to_dict()


def percolator_index() -> str:
    return f"{settings.SEARCH_INDEX_PREFIX}-saved-searches"


def percolator_index_body() -> dict[str, Any]:
    body = vehicle_index_body()
    body["mappings"]["properties"].update(
        {
            "query": {"type": "percolator"},
            "saved_search_id": {"type": "long"},
            "user_id": {"type": "long"},
        }
    )
    return body


def ensure_percolator_index() -> None:
    client = get_client()
    if not client.indices.exists(index=percolator_index()):
        body = percolator_index_body()
        try:
            client.indices.create(index=percolator_index(), settings=body["settings"], mappings=body["mappings"])
        except Exception as exc:  # created meanwhile by another worker
            if "resource_already_exists" not in str(exc):
                raise


def sync_saved_search(saved_search_id: int) -> str:
    """Make the engine agree with the row: registered while active, gone when paused or deleted."""
    ensure_percolator_index()
    client = get_client()
    search = SavedSearch.objects.filter(pk=saved_search_id).first()
    if search is None or not search.active:
        with contextlib.suppress(NotFoundError):
            client.delete(index=percolator_index(), id=str(saved_search_id), refresh=True)
        return "removed"
    client.index(
        index=percolator_index(),
        id=str(search.id),
        refresh=True,
        document={
            "query": saved_search_query(VehicleQuery.from_dict(search.query)),
            "saved_search_id": search.id,
            "user_id": search.user_id,
        },
    )
    return "registered"


def current_vehicle_version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(search_version), 0) FROM catalog_vehicle")
        return cursor.fetchone()[0]


def percolate(rows: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """(saved search id, vehicle id) for every registered query that matches one of these vehicles."""
    documents = [vehicle_to_document(row) for row in rows]
    client = get_client()
    pairs: list[tuple[int, int]] = []
    search_after = None
    while True:
        extra = {"search_after": search_after} if search_after else {}
        response = client.search(
            index=percolator_index(),
            size=500,
            sort=[{"saved_search_id": "asc"}],
            source=["saved_search_id"],
            query={"percolate": {"field": "query", "documents": documents}},
            **extra,
        )
        hits = response["hits"]["hits"]
        for hit in hits:
            slots = hit.get("fields", {}).get("_percolator_document_slot", [])
            pairs += [(hit["_source"]["saved_search_id"], rows[slot]["id"]) for slot in slots]
        if len(hits) < 500:
            return pairs
        search_after = hits[-1]["sort"]


def match_saved_searches(*, page_size: int | None = None) -> dict[str, int]:
    """Percolate the vehicles written since the last run; tell each buyer once per new match."""
    ensure_percolator_index()
    page_size = page_size or PERCOLATE_BATCH
    high_water = current_vehicle_version()
    counts = {"vehicles": 0, "matches": 0}
    with advancing_cursor("saved-search-alerts", high_water=high_water) as start:
        for rows in iter_vehicle_rows_written_after(start, page_size=page_size, statuses=settings.SEARCHABLE_STATUSES):
            counts["vehicles"] += len(rows)
            pairs = percolate(rows)
            if pairs:
                counts["matches"] += record_matches(pairs, {row["id"]: row["search_version"] for row in rows})
    return counts


def record_matches(pairs: list[tuple[int, int]], versions: dict[int, int]) -> int:
    """Keep the new (search, vehicle) pairs, and emit one event for each, in one transaction."""
    with transaction.atomic():
        searches = dict(
            SavedSearch.objects.filter(pk__in={s for s, _ in pairs}, active=True).values_list("pk", "since_version")
        )
        # A vehicle the buyer could already see when saving the search is not news.
        fresh = [(s, v) for s, v in pairs if s in searches and versions[v] > searches[s]]
        if not fresh:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO notifications_savedsearchmatch (saved_search_id, vehicle_id, matched_at)
                   SELECT s, v, now() FROM unnest(%s::bigint[], %s::bigint[]) AS t(s, v)
                   ON CONFLICT (saved_search_id, vehicle_id) DO NOTHING RETURNING saved_search_id, vehicle_id""",
                [[s for s, _ in fresh], [v for _, v in fresh]],
            )
            new = cursor.fetchall()
        emit_many(("saved_search_match", {"saved_search_id": s, "vehicle_id": v}) for s, v in new)
        return len(new)
