"""Applying delivery statuses to the message log: idempotent, and never backwards.

queued → sent → delivered → read; failed only from queued or sent (a message the phone has shown is
not failed by a late or replayed webhook). Each status is one conditional UPDATE, so concurrent and
repeated webhooks settle on the furthest status whatever their order.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Greatest

from .models import Message, UnmatchedStatus

S = Message.Status
ALLOWED_FROM = {
    S.SENT: [S.QUEUED, S.FAILED],
    S.DELIVERED: [S.QUEUED, S.SENT, S.FAILED],
    S.READ: [S.QUEUED, S.SENT, S.DELIVERED, S.FAILED],
    S.FAILED: [S.QUEUED, S.SENT],
}
TIMESTAMP_FIELD = {S.SENT: "sent_at", S.DELIVERED: "delivered_at", S.READ: "read_at", S.FAILED: "failed_at"}


def apply_status(
    *, channel: str, provider_message_id: str, status: str, at: datetime, error_code: str = "", error_message: str = ""
) -> bool:
    """Move the message forward to `status`. False if it was already there or further (or unknown)."""
    if status not in ALLOWED_FROM:
        return False
    stamp = Value(at)
    changes = {"status": status, TIMESTAMP_FIELD[status]: stamp}
    # Reaching a later status fills in the earlier stamps a skipped webhook would have set. Provider
    # timestamps have whole seconds: a stamp is never put before the previous one, so the log reads
    # queued <= sent <= delivered <= read.
    if status in (S.DELIVERED, S.READ):
        changes["sent_at"] = Coalesce("sent_at", stamp)
        changes["delivered_at"] = Greatest(stamp, Coalesce("sent_at", stamp))
    if status == S.READ:
        changes["delivered_at"] = Coalesce("delivered_at", Greatest(stamp, Coalesce("sent_at", stamp)))
        changes["read_at"] = Greatest(stamp, Coalesce("delivered_at", "sent_at", stamp))
    if status == S.FAILED:
        changes.update(error_code=error_code[:40], error_message=error_message)
    updated = (
        Message.objects.filter(channel=channel, provider_message_id=provider_message_id)
        .filter(Q(status__in=ALLOWED_FROM[status]))
        .update(**changes)
    )
    return updated > 0


def apply_parked(*, channel: str, provider_message_id: str) -> int:
    """Apply statuses that arrived before the provider id was stored; then forget them."""
    parked = list(UnmatchedStatus.objects.filter(provider_message_id=provider_message_id).order_by("occurred_at"))
    for p in parked:
        apply_status(
            channel=channel,
            provider_message_id=provider_message_id,
            status=p.status,
            at=p.occurred_at,
            error_code=p.error_code,
            error_message=p.error_message,
        )
    UnmatchedStatus.objects.filter(pk__in=[p.pk for p in parked]).delete()
    return len(parked)
