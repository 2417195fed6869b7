"""Monthly clean-up of audit and bookkeeping rows past their retention, deleted in batches so no
single statement holds long locks or a huge transaction."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone


def _delete_in_batches(queryset, batch_size: int = 5000) -> int:
    deleted = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += queryset.model.objects.filter(pk__in=ids).delete()[0]


def clean_up(*, now=None) -> dict[str, int]:
    from django.contrib.admin.models import LogEntry

    from notifications.models import OutboxEvent, UnmatchedStatus

    from .models import DeadLetter, TrackedTask

    now = now or timezone.now()
    audit_cutoff = now - timedelta(days=settings.JOBS_AUDIT_LOG_RETENTION_DAYS)
    outbox_cutoff = now - timedelta(days=settings.JOBS_OUTBOX_RETENTION_DAYS)
    return {
        "admin_log_entries": _delete_in_batches(LogEntry.objects.filter(action_time__lt=audit_cutoff)),
        "outbox_events": _delete_in_batches(OutboxEvent.objects.filter(processed_at__lt=outbox_cutoff)),
        "unmatched_statuses": _delete_in_batches(UnmatchedStatus.objects.filter(received_at__lt=outbox_cutoff)),
        "tracked_tasks": _delete_in_batches(TrackedTask.objects.filter(created_at__lt=outbox_cutoff)),
        "replayed_dead_letters": _delete_in_batches(DeadLetter.objects.filter(replayed_at__lt=audit_cutoff)),
    }
