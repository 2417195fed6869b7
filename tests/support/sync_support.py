"""Helpers for sync tests: a fresh vehicle index per test, and the exact Postgres-vs-index comparison."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection

from es_mappings.vehicles import vehicles_alias
from indexers import index_admin
from reliability.polling import PollTimeout, poll_until
from search.client import get_client


def drop_vehicle_indexes() -> None:
    es = get_client()
    index_admin.drop_indexes(es, index_admin.physical_indexes(es))


def expected_documents() -> dict[int, int]:
    """What the index must hold: every listable vehicle id with its row version."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, search_version FROM catalog_vehicle WHERE status = ANY(%s)",
            [list(settings.SEARCHABLE_STATUSES)],
        )
        return dict(cursor.fetchall())


def indexed_documents(index: str | None = None) -> dict[int, int]:
    """What the index holds: document id → external version (the engine's own _version)."""
    es = get_client()
    index = index or vehicles_alias()
    es.indices.refresh(index=index)
    found: dict[int, int] = {}
    search_after = None
    while True:
        body = {
            "size": 5000,
            "version": True,
            "_source": False,
            "sort": [{"vehicle_id": "asc"}],
            "query": {"match_all": {}},
        }
        if search_after:
            body["search_after"] = search_after
        hits = es.search(index=index, **body)["hits"]["hits"]
        if not hits:
            return found
        for hit in hits:
            found[int(hit["_id"])] = hit["_version"]
        search_after = hits[-1]["sort"]


def pending_changes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM indexers_searchchange WHERE NOT dead")
        return cursor.fetchone()[0]


def wait_for_sync(timeout: float = 60.0) -> dict[int, int]:
    """Wait until the change log is empty and the index equals Postgres exactly; return the index state."""
    seen: dict[str, dict[int, int] | None] = {"index": None}

    def in_sync() -> bool:
        if pending_changes():
            return False
        try:
            seen["index"] = indexed_documents()
        except Exception:  # noqa: BLE001 - the engine may still be coming back
            seen["index"] = None
        return seen["index"] is not None and seen["index"] == expected_documents()

    try:
        poll_until(in_sync, timeout=timeout, what="the index to equal Postgres", interval=0.5)
        return seen["index"]
    except PollTimeout as exc:
        last = seen["index"]
        raise PollTimeout(
            f"{exc}: pending={pending_changes()}, expected {len(expected_documents())} docs, "
            f"index has {None if last is None else len(last)}"
        ) from None
