"""Read-only questions about notifications, for the API and the staff view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import Message


def delivery_rates(hours: int = 24) -> dict[str, Any]:
    """Per channel over the last `hours`: counts by status, and the share delivered (or read) and failed
    among messages that left the queue."""
    since = timezone.now() - timedelta(hours=hours)
    rows = (
        Message.objects.filter(queued_at__gte=since)
        .values("channel")
        .annotate(
            total=Count("id"), **{status: Count("id", filter=Q(status=status)) for status in Message.Status.values}
        )
    )
    report: dict[str, Any] = {"window_hours": hours, "channels": {}}
    for row in rows:
        left_queue = row["total"] - row["queued"]
        reached = row["delivered"] + row["read"]
        report["channels"][row["channel"]] = {
            **{k: row[k] for k in ("total", *Message.Status.values)},
            "delivery_rate": round(reached / left_queue, 4) if left_queue else None,
            "failure_rate": round(row["failed"] / left_queue, 4) if left_queue else None,
        }
    return report


def inbox(user, *, unread_only: bool = False, limit: int = 50):
    """A user's in-app notifications, newest first."""
    from .models import Notification

    qs = Notification.objects.filter(user=user).order_by("-created_at", "-id")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs[:limit]
