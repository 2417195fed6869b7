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

from django.db import transaction

from .models import OutboxEvent

KICK_KEY = "notifications:outbox-kick"


def _kick() -> None:
    """Wake the dispatcher once per burst: a kick already waiting will see this event too."""
    from jobs.redis_client import get_redis

    from .tasks import dispatch_outbox

    try:
        if get_redis().set(KICK_KEY, "1", nx=True, ex=30):
            dispatch_outbox.delay()
    except Exception:  # the broker being down must not fail a committed write; the sweep catches up
        import logging

        logging.getLogger(__name__).warning("could not kick the outbox dispatcher", exc_info=True)


def kick_taken() -> None:
    """The dispatcher starts: events committed from now on need a new kick."""
    from jobs.redis_client import get_redis

    get_redis().delete(KICK_KEY)


def emit(event_type: str, payload: Mapping[str, Any], *, recipients: Iterable[int] = ()) -> OutboxEvent:
    """Record one event. `recipients` (user ids) overrides the event type's own recipient rule."""
    event = OutboxEvent.objects.create(event_type=event_type, payload=dict(payload), recipients=list(recipients))
    transaction.on_commit(_kick)
    return event


def emit_many(events: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Record many events with one INSERT (the scheduled jobs fan out this way)."""
    rows = [OutboxEvent(event_type=kind, payload=dict(payload), recipients=[]) for kind, payload in events]
    if rows:
        OutboxEvent.objects.bulk_create(rows)
        transaction.on_commit(_kick)
    return len(rows)
