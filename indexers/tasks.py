"""Celery tasks of the sync pipeline. Thin: each one asserts the state of the world from Postgres."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from elastic_transport import ConnectionError as EngineConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError

from reliability.backoff import backoff_seconds

from . import kicks
from .drain import IndexMissing, drain_all
from .rebuild import ensure_index
from .reconcile import reconcile

log = logging.getLogger(__name__)

# Errors that mean "the engine is away", not "this change is bad": nothing is acknowledged, and
# the task retries with exponential backoff (about 1 s, 2 s, 4 s ... capped at 30 s, with jitter) while
# changes wait in Postgres.
ENGINE_UNAVAILABLE = (EngineConnectionError, ConnectionTimeout)


def _engine_backoff(retries: int) -> float:
    return backoff_seconds(retries, base=1, maximum=30)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=120,
    time_limit=180,
    ignore_result=True,
)
def drain_changes(self) -> dict:
    """Apply every ready change. Safe to run many at once: batches are claimed with SKIP LOCKED."""
    kicks.clear()
    try:
        result = drain_all(max_batches=settings.INDEXER_MAX_BATCHES_PER_TASK)
    except IndexMissing:
        # Nothing was acknowledged; the rebuild loads everything and kicks a drain when done.
        log.error("search alias missing: rebuilding from Postgres")
        rebuild_if_missing.apply_async()
        return {"claimed": 0, "applied": 0, "failed": 0, "dead": 0}
    except ENGINE_UNAVAILABLE as exc:
        raise self.retry(exc=exc, countdown=_engine_backoff(self.request.retries)) from exc
    except ApiError as exc:
        if exc.meta.status in (429, 502, 503, 504):
            raise self.retry(exc=exc, countdown=_engine_backoff(self.request.retries)) from exc
        raise
    if result.claimed and result.applied:
        # More may be waiting (a full last batch, or changes that arrived meanwhile).
        kicks.kick()
    return {"claimed": result.claimed, "applied": result.applied, "failed": result.failed, "dead": result.dead}


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=25 * 60, time_limit=30 * 60, ignore_result=True
)
def rebuild_if_missing() -> bool:
    """Rebuild the index if the alias is gone (the engine came back without its data)."""
    report = ensure_index()
    if report:
        log.warning("index was missing; rebuilt %s with %d documents", report.index_name, report.documents_loaded)
        kicks.kick()
    return report is not None


@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=25 * 60, time_limit=30 * 60, ignore_result=True
)
def sweep() -> None:
    """Periodic safety net: make sure the index exists and that nothing waits without a kick."""
    try:
        if ensure_index() is None:
            drain_changes.apply_async()
    except ENGINE_UNAVAILABLE:
        log.warning("search engine unreachable; changes wait in Postgres")


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=25 * 60, time_limit=30 * 60)
def reconcile_index() -> dict:
    report = reconcile(repair=True)
    return {
        "rows_expected": report.rows_expected,
        "documents_found": report.documents_found,
        "missing": len(report.missing),
        "stale": len(report.stale),
        "extra": len(report.extra),
        "repaired": report.repaired,
        "remaining": report.remaining_differences,
    }
