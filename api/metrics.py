"""/metrics in Prometheus' text format: request latency (api/request_metrics.py) plus the state of the
platform, read when scraped: sync lag, backlog and dead letters, rebuilds and the last reconciliation,
Celery queue depths and task outcomes, dead-lettered jobs, payment and message failure rates, and the
last good backup of Postgres.

A small exporter on prometheus-client rather than django-prometheus: what an operator pages on here is
the pipeline's state, which no generic middleware knows; the one generic figure (latency per route)
is a histogram and a middleware. With several gunicorn workers, PROMETHEUS_MULTIPROC_DIR (set by the
stack) merges their histograms.

Access: a staff session, or `Authorization: Bearer <NZILA_METRICS_TOKEN>` for the scraper.
"""

from __future__ import annotations

import hmac
import logging
import os
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)


def _gauge(name: str, documentation: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def _sync_metrics():
    from indexers.models import IndexBuild, ReconciliationRun
    from indexers.status import change_log_status

    changes = change_log_status()
    for key, help_text in (
        ("lag_seconds", "Age of the oldest change not yet in the index, in seconds."),
        ("backlog", "Changes waiting to be applied to the index."),
        ("dead_letters", "Changes parked after too many failed tries."),
        ("retrying", "Changes that failed at least once and are waiting for a retry."),
        ("listable_rows", "Vehicles that should be in the index."),
    ):
        gauge = _gauge(f"nzila_sync_{key}", help_text)
        gauge.add_metric([], changes[key])
        yield gauge
    building = _gauge("nzila_search_rebuilds_in_progress", "Index rebuilds under way.")
    building.add_metric([], IndexBuild.objects.count())
    yield building
    run = ReconciliationRun.objects.order_by("-finished_at").first()
    if run is not None:
        finished = _gauge("nzila_reconciliation_last_finished_timestamp_seconds", "End of the last reconciliation.")
        finished.add_metric([], run.finished_at.timestamp())
        yield finished
        found = _gauge("nzila_reconciliation_last_differences", "What the last reconciliation found.", ["kind"])
        for kind in ("missing", "stale", "extra", "repaired"):
            found.add_metric([kind], getattr(run, kind))
        yield found


def _engine_metrics():
    from indexers.status import engine_status

    engine = engine_status()
    reachable = _gauge("nzila_search_engine_reachable", "1 when the search engine answers.")
    reachable.add_metric([], 1 if engine["reachable"] else 0)
    yield reachable
    if engine.get("documents") is not None:
        documents = _gauge(
            "nzila_search_documents", "Documents in the vehicle index (compare nzila_sync_listable_rows)."
        )
        documents.add_metric([], engine["documents"])
        yield documents
    # The physical index behind the alias is named <alias>-<UTC time it was built>: the last rebuild.
    built = _gauge("nzila_search_index_built_timestamp_seconds", "When the live vehicle index was built.")
    for name in engine.get("indexes") or []:
        stamp = name.rsplit("-", 1)[-1]
        try:
            built.add_metric([], datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    yield built


def _job_metrics():
    from jobs.deadletters import open_dead_letters
    from jobs.monitoring import outcome_counts
    from jobs.overview import queue_depths

    depths = _gauge(
        "nzila_celery_queue_depth", "Messages waiting in a Celery queue (unacked: taken, not done).", ["queue"]
    )
    for queue, depth in queue_depths().items():
        depths.add_metric([queue], depth)
    yield depths
    outcomes = _gauge(
        "nzila_celery_task_outcomes_24h", "Task runs over the last 24 hours by outcome.", ["task", "outcome"]
    )
    for task, counts in outcome_counts(24).items():
        for outcome, count in counts.items():
            outcomes.add_metric([task, outcome], count)
    yield outcomes
    dead = _gauge("nzila_jobs_dead_letters", "Background jobs dead-lettered and not replayed.")
    dead.add_metric([], open_dead_letters().count())
    yield dead


def _payment_and_message_metrics():
    from notifications.selectors import delivery_rates
    from payments.metrics import payment_metrics

    report = payment_metrics(window_minutes=60)
    attempts = _gauge(
        "nzila_payments_finished_1h", "Payments created in the last hour that finished.", ["method", "provider"]
    )
    failure = _gauge("nzila_payments_failure_rate_1h", "Share of those that failed.", ["method", "provider"])
    for group in [*report["by_method_provider"], report["total"]]:
        labels = [group["method"], group["provider"] or "none"]
        attempts.add_metric(labels, group["finished"])
        failure.add_metric(labels, group["failure_rate"])
    yield attempts
    yield failure
    failed = _gauge("nzila_messages_failure_rate_24h", "Share of messages that left the queue and failed.", ["channel"])
    for channel, counts in delivery_rates(24)["channels"].items():
        if counts["failure_rate"] is not None:
            failed.add_metric([channel], counts["failure_rate"])
    yield failed


def _backup_metrics():
    from backups.status import backup_status

    status = backup_status()
    configured = _gauge("nzila_backup_configured", "1 when a pgBackRest repository backs up Postgres.")
    configured.add_metric([], 1 if status["configured"] else 0)
    yield configured
    if not status["configured"]:
        return
    # 0 when the repository holds no good backup yet: its age is then "forever", and the alert fires.
    last = _gauge("nzila_backup_last_good_timestamp_seconds", "End of the newest good base backup (Unix time).")
    last.add_metric([], status["last_good_at"] or 0)
    yield last
    max_age = _gauge("nzila_backup_max_age_seconds", "Age past which the last good backup is too old.")
    max_age.add_metric([], status["max_age_seconds"])
    yield max_age
    kept = _gauge("nzila_backups_kept", "Good base backups in the repository.")
    kept.add_metric([], status["count"])
    yield kept
    failing = _gauge("nzila_backup_wal_archive_failing", "1 when the server's last try to archive WAL failed.")
    failing.add_metric([], 1 if status["wal_archive"]["failing"] else 0)
    yield failing


class PlatformCollector:
    """Reads the platform's state on each scrape; a part that cannot be read is reported as down."""

    PARTS = {
        "sync": _sync_metrics,
        "engine": _engine_metrics,
        "jobs": _job_metrics,
        "payments_messages": _payment_and_message_metrics,
        "backups": _backup_metrics,
    }

    def collect(self):
        up = _gauge("nzila_metrics_part_up", "1 when this part of the metrics could be read.", ["part"])
        for name, part in self.PARTS.items():
            try:
                yield from list(part())
                up.add_metric([name], 1)
            except Exception:  # noqa: BLE001 - one broken source must not hide the others
                log.warning("metrics part %s could not be read", name, exc_info=True)
                up.add_metric([name], 0)
        yield up


def _request_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def may_read_operations(request) -> bool:
    """A staff session or the metrics bearer token: who may read /metrics and health's details."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, offered = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode())


def metrics_view(request):
    if not may_read_operations(request):
        response = HttpResponse("metrics need a staff session or the metrics bearer token\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    platform = CollectorRegistry()
    platform.register(PlatformCollector())
    return HttpResponse(_request_metrics() + generate_latest(platform), content_type=CONTENT_TYPE_LATEST)
