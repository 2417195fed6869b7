"""Payment health: success and failure rates and time to success, by method and provider."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.db.models.fields.json import KT
from django.utils import timezone

from notifications.event_catalog import PAYMENT_STAFF_ALERTS
from notifications.models import OutboxEvent

from . import states
from .models import Payment
from .notify import notify_staff

FINISHED_OK = sorted(states.CAPTURED)
FINISHED_BAD = [states.FAILED]


def payment_metrics(*, window_minutes: int, now=None) -> dict:
    """Over the payments created in the window: counts, rates, and average seconds to success."""
    now = now or timezone.now()
    since = now - timedelta(minutes=window_minutes)
    rows = (
        Payment.objects.filter(created_at__gte=since)
        .values("method", "provider")
        .annotate(
            attempts=Count("id"),
            succeeded=Count("id", filter=Q(state__in=FINISHED_OK)),
            failed=Count("id", filter=Q(state__in=FINISHED_BAD)),
            canceled=Count("id", filter=Q(state=states.CANCELED)),
            open=Count("id", filter=Q(state__in=sorted(states.OPEN))),
            avg_to_success=Avg(F("succeeded_at") - F("created_at"), filter=Q(succeeded_at__isnull=False)),
        )
        .order_by("method", "provider")
    )
    groups = [_shape(row) for row in rows]
    total = _shape(
        {
            "method": "all",
            "provider": "all",
            "attempts": sum(g["attempts"] for g in groups),
            "succeeded": sum(g["succeeded"] for g in groups),
            "failed": sum(g["failed"] for g in groups),
            "canceled": sum(g["canceled"] for g in groups),
            "open": sum(g["open"] for g in groups),
            "avg_to_success": None,
        }
    )
    timed = [(g["avg_seconds_to_success"], g["succeeded"]) for g in groups if g["avg_seconds_to_success"] is not None]
    if timed:
        total["avg_seconds_to_success"] = round(sum(s * n for s, n in timed) / sum(n for _, n in timed), 3)
    threshold = settings.PAYMENTS_FAILURE_ALERT_RATE
    minimum = settings.PAYMENTS_FAILURE_ALERT_MIN_PAYMENTS
    for group in [*groups, total]:
        group["failure_alert"] = group["finished"] >= minimum and group["failure_rate"] > threshold
    return {
        "window_minutes": window_minutes,
        "since": since.isoformat(),
        "failure_alert_rate": threshold,
        "failure_alert_min_payments": minimum,
        "total": total,
        "by_method_provider": groups,
        "open_staff_alerts": open_staff_alerts(),
    }


def open_staff_alerts(limit: int = 50) -> list[dict]:
    """Staff alerts in the outbox that no staff member has read yet, newest first."""
    return list(
        OutboxEvent.objects.filter(event_type__in=PAYMENT_STAFF_ALERTS)
        .exclude(notification__read_at__isnull=False)
        .order_by("-occurred_at", "-id")
        .annotate(kind=F("event_type"), subject=KT("payload__subject"), created_at=F("occurred_at"))
        .values("id", "kind", "subject", "created_at")[:limit]
    )


def _shape(row: dict) -> dict:
    finished = row["succeeded"] + row["failed"]
    avg = row.get("avg_to_success")
    return {
        "method": row["method"],
        "provider": row["provider"],
        "attempts": row["attempts"],
        "succeeded": row["succeeded"],
        "failed": row["failed"],
        "canceled": row["canceled"],
        "open": row["open"],
        "finished": finished,
        "success_rate": round(row["succeeded"] / finished, 4) if finished else None,
        "failure_rate": round(row["failed"] / finished, 4) if finished else 0.0,
        "avg_seconds_to_success": round(avg.total_seconds(), 3) if avg is not None else None,
    }


def alert_on_failure_rate(now=None) -> list[str]:
    """Alert staff for each method/provider whose failure rate is above the limit in the window."""
    now = now or timezone.now()
    report = payment_metrics(window_minutes=settings.PAYMENTS_FAILURE_ALERT_WINDOW_MINUTES, now=now)
    alerted = []
    for group in [*report["by_method_provider"], report["total"]]:
        if group["failure_alert"]:
            name = f"{group['method']}/{group['provider']}"
            notify_staff(
                "failure_rate",
                f"Payment failure rate {group['failure_rate']:.1%} for {name}",
                f"{group['failed']} of {group['finished']} payments failed in the last "
                f"{report['window_minutes']} minutes (limit {report['failure_alert_rate']:.0%})",
                dedupe_key=f"failure-rate-{name}-{now:%Y-%m-%dT%H}",
            )
            alerted.append(name)
    return alerted
