"""Celery tasks of the search log (queue "low"): store batches of log lines, refresh typeahead data."""

from __future__ import annotations

import uuid
from datetime import datetime

from celery import shared_task

from .models import SearchLog


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def record_searches(entries: list[dict]) -> int:
    """Insert one batch of log lines. Idempotent: a redelivered batch skips the ids already stored."""
    rows = [
        SearchLog(
            id=uuid.UUID(entry["id"]),
            searched_at=datetime.fromisoformat(entry["searched_at"]),
            endpoint=entry["endpoint"],
            query_text=entry["query_text"][:200],
            normalized_query=entry["normalized_query"][:200],
            filters=entry.get("filters") or {},
            sort=entry["sort"],
            page=entry.get("page", 1),
            result_count=entry["result_count"],
            latency_ms=entry["latency_ms"],
            engine_ms=entry["engine_ms"],
            user_id=entry.get("user_id"),
            session_key=entry.get("session_key") or "",
            network=entry.get("network") or "",
            language=(entry.get("language") or "")[:8],
            buyer_country=(entry.get("buyer_country") or "")[:2],
        )
        for entry in entries
    ]
    return len(SearchLog.objects.bulk_create(rows, ignore_conflicts=True))


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def refresh_suggestions() -> int:
    """Rebuild the typeahead index from vehicle counts and recent popular queries."""
    from .suggestions_index import rebuild_suggestions

    return rebuild_suggestions()
