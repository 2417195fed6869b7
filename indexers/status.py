"""How far behind Postgres the index is: lag, backlog, dead letters, last reconciliation, counts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection

from search.client import get_client
from search.indexes import vehicles_alias

from . import index_admin
from .models import IndexBuild, ReconciliationRun
from .rows import listable_sql

# Lag above which the pipeline reports itself unhealthy.
MAX_HEALTHY_LAG_SECONDS = 60


def change_log_status() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE NOT dead),
                   count(*) FILTER (WHERE dead),
                   count(*) FILTER (WHERE NOT dead AND attempts > 0),
                   extract(epoch FROM now() - min(captured_at) FILTER (WHERE NOT dead))
              FROM indexers_searchchange
            """
        )
        backlog, dead, retrying, lag = cursor.fetchone()
        cursor.execute(
            f"SELECT count(*) FROM catalog_vehicle WHERE {listable_sql()}",
            [list(settings.SEARCHABLE_STATUSES)],
        )
        (listable,) = cursor.fetchone()
    return {
        "backlog": backlog,
        "dead_letters": dead,
        "retrying": retrying,
        "lag_seconds": round(float(lag or 0.0), 3),
        "listable_rows": listable,
    }


def engine_status() -> dict[str, Any]:
    try:
        es = get_client()
        targets = index_admin.alias_targets(es, index_admin.VEHICLES)
        count = es.count(index=vehicles_alias())["count"] if targets else None
        return {"reachable": True, "alias": vehicles_alias(), "indexes": targets, "documents": count}
    except Exception as exc:  # noqa: BLE001 - status reports any failure instead of raising
        return {"reachable": False, "alias": vehicles_alias(), "error": type(exc).__name__}


def last_reconciliation() -> dict[str, Any] | None:
    run = ReconciliationRun.objects.order_by("-finished_at").first()
    if run is None:
        return None
    return {
        "finished_at": run.finished_at.isoformat(),
        "index": run.index_name,
        "rows_expected": run.rows_expected,
        "documents_found": run.documents_found,
        "missing": run.missing,
        "stale": run.stale,
        "extra": run.extra,
        "repaired": run.repaired,
    }


def sync_status() -> dict[str, Any]:
    try:
        changes = change_log_status()
        database = {"reachable": True}
    except Exception as exc:  # noqa: BLE001
        changes, database = {}, {"reachable": False, "error": type(exc).__name__}
    engine = engine_status()
    healthy = (
        database["reachable"]
        and engine["reachable"]
        and bool(engine.get("indexes"))
        and changes.get("lag_seconds", 0) <= MAX_HEALTHY_LAG_SECONDS
    )
    return {
        "healthy": bool(healthy),
        "database": database,
        "engine": engine,
        "sync": changes,
        "rebuilds_in_progress": list(IndexBuild.objects.values_list("index_name", flat=True))
        if database["reachable"]
        else [],
        "last_reconciliation": last_reconciliation() if database["reachable"] else None,
    }
