"""Celery tasks of the notification pipeline (queue "high"; saved-search matching is bulk, "low")."""

from __future__ import annotations

from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.utils import timezone

from jobs.base import reliable_task

from . import delivery, dispatch, events, percolator, saved_searches, task_names
from .providers import RateLimited
from .sending import send_logged_message, stale_queued_message_ids


@reliable_task(name=task_names.DISPATCH_OUTBOX, soft_time_limit=120, time_limit=150)
def dispatch_outbox() -> dict[str, int]:
    """Outbox events → notifications, batch after batch until the outbox is drained."""
    events.kick_taken()
    totals = {"events": 0, "notifications": 0, "failed": 0}
    for _ in range(50):
        counts = dispatch.dispatch_outbox()
        for key, value in counts.items():
            totals[key] += value
        if counts["events"] + counts["failed"] < settings.NOTIFICATIONS_OUTBOX_BATCH_SIZE:
            break
    return totals


@reliable_task(name=task_names.DELIVER_DUE, soft_time_limit=120, time_limit=150)
def deliver_due(user_ids: list[int] | None = None) -> int:
    """Batches whose window (and the user's quiet hours) is over → one message per channel."""
    return len(delivery.deliver_due(user_ids=user_ids))


# Its outcome lives in the message log; a result in Redis would be one more write per message.
@reliable_task(
    name=task_names.SEND_MESSAGE,
    bind=True,
    soft_time_limit=60,
    time_limit=90,
    ignore_result=True,
    max_retries=settings.NOTIFICATIONS_SEND_MAX_ATTEMPTS - 1,
    backoff_base=settings.NOTIFICATIONS_SEND_BACKOFF_SECONDS,
)
def send_message(self, message_id: int) -> str:
    """Send one logged message. Retried with backoff on a provider's transient error; failed and
    dead-lettered after the last try; idempotent (a sent message is not sent again)."""
    try:
        return send_logged_message(message_id, last_try=self.request.retries >= self.max_retries)
    except RateLimited as limited:
        # Our own bucket is empty: come back when it has a token, without spending a try.
        send_message.apply_async((message_id,), countdown=limited.wait)
        return "deferred"


@reliable_task(name=task_names.SYNC_SAVED_SEARCH, soft_time_limit=60, time_limit=90)
def sync_saved_search(saved_search_id: int) -> str:
    """Register (or remove) a saved search's percolator query."""
    return percolator.sync_saved_search(saved_search_id)


@reliable_task(name=task_names.SWEEP_QUEUED_MESSAGES)
def sweep_queued_messages() -> int:
    """Messages whose send task never reached the broker (it was away at commit) are queued again."""
    ids = stale_queued_message_ids()
    for message_id in ids:
        current_app.send_task(task_names.SEND_MESSAGE, args=(message_id,))
    return len(ids)


@reliable_task(name=task_names.RESYNC_SAVED_SEARCHES)
def resync_saved_searches() -> int:
    """Saved searches changed lately registered again: catches a sync that never reached the broker."""
    since = timezone.now() - timedelta(minutes=settings.SAVED_SEARCH_RESYNC_MINUTES)
    return percolator.resync_changed_since(since)


@reliable_task(name="notifications.tasks.match_saved_searches")
def match_saved_searches() -> dict[str, int]:
    """New and changed vehicles percolated against every saved search."""
    return saved_searches.match_saved_searches()
