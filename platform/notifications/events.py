"""Domain events into the outbox: written in the caller's transaction, turned into notifications after
it commits. A rolled-back change leaves no event; a committed one always leaves one.

    from notifications.events import emit
    with transaction.atomic():
        payment.save()
        emit("payment_received", {"deal_id": deal.id, "amount": "1500.00", "currency": "USD"})

Database triggers write deal and shipment events the same way (migration 0002), so those are captured
on every write path, raw SQL included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from reliability.kicks import KickOnce

from . import task_names
from .models import OutboxEvent

# Wake the dispatcher once per burst: a kick already waiting will see every event committed meanwhile.
# The broker being down must not fail a committed write; the dispatcher's sweep catches up.
OUTBOX_KICK = KickOnce(flag="notifications:outbox-kick", task_name=task_names.DISPATCH_OUTBOX, ttl_ms=30_000)


def _kick() -> None:
    OUTBOX_KICK.kick(settings.JOBS_REDIS_URL)


def kick_taken() -> None:
    """The dispatcher starts: events committed from now on need a new kick."""
    OUTBOX_KICK.taken(settings.JOBS_REDIS_URL)


def emit(
    event_type: str, payload: Mapping[str, Any], *, recipients: Iterable[int] = (), dedupe_key: str | None = None
) -> OutboxEvent | None:
    """Record one event. `recipients` (user ids) overrides the event type's own recipient rule.

    With a `dedupe_key`, an event already recorded under that key wins and None is returned."""
    row = OutboxEvent(event_type=event_type, payload=dict(payload), recipients=list(recipients), dedupe_key=dedupe_key)
    if dedupe_key is None:
        row.save()
    else:
        try:
            with transaction.atomic():  # a savepoint: the duplicate must not sink the caller's transaction
                row.save()
        except IntegrityError:
            return None
    transaction.on_commit(_kick)
    return row


def emit_many(events: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Record many events with one INSERT (the scheduled jobs fan out this way)."""
    rows = [OutboxEvent(event_type=kind, payload=dict(payload), recipients=[]) for kind, payload in events]
    if rows:
        OutboxEvent.objects.bulk_create(rows)
        transaction.on_commit(_kick)
    return len(rows)
