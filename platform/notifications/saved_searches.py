"""Saved searches matched against new and changed vehicles.

The searches are registered as percolator queries behind their own alias (notifications.percolator);
a batch of vehicle documents is percolated in one request and each hit says which documents its
query matched. The engine is reached through search.client only.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from es_mappings.vehicles import vehicle_to_document
from indexers.rows import iter_vehicle_rows_written_after
from jobs.cursors import advancing_cursor
from search.client import get_client
from search.indexes import saved_searches_alias

from .events import emit_many
from .models import SavedSearch
from .percolator import ensure_percolator_index

log = logging.getLogger(__name__)

PERCOLATE_BATCH = 200


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
            index=saved_searches_alias(),
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
