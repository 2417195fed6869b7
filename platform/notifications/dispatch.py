"""Outbox → notifications: after a change commits, its event becomes one notification per user.

Events are claimed with FOR UPDATE SKIP LOCKED, so several dispatchers never take the same one; the
notifications, the in-app messages and the "processed" mark commit together, so an event is turned
into notifications exactly once. An event that fails is retried later with backoff, then parked.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.db.models.functions import Now
from django.utils import timezone, translation

from reliability.backoff import backoff_seconds
from reliability.kicks import send_after_commit

from . import task_names
from .event_catalog import kind_of
from .models import Channel, Message, Notification, OutboxEvent
from .profiles import load_profiles

log = logging.getLogger(__name__)


def dispatch_outbox(*, now: datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Turn one batch of ready outbox events into notifications. Returns counts."""
    now = now or timezone.now()
    limit = limit or settings.NOTIFICATIONS_OUTBOX_BATCH_SIZE
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(processed_at__isnull=True, dead=False, next_attempt_at__lte=Now())
            .order_by("id")[:limit]
        )
        if not events:
            return {"events": 0, "notifications": 0, "failed": 0}
        items, failed = [], []
        for event in events:
            try:
                with transaction.atomic():  # a savepoint: one bad event does not sink the batch
                    recipients = kind_of(event.event_type).resolve(event)
            except Exception as exc:
                log.exception("outbox event %s (%s) failed", event.id, event.event_type)
                _mark_failed(event, exc, now)
                failed.append(event)
                continue
            items.extend((event, user_id, context) for user_id, context in recipients)
        notifications = fan_out(items, now=now)
        done = [e for e in events if e not in failed]
        for event in done:
            event.processed_at = now
        OutboxEvent.objects.bulk_update(done, ["processed_at"])
        if failed:
            OutboxEvent.objects.bulk_update(failed, ["attempts", "last_error", "next_attempt_at", "dead"])
        _schedule_deliveries(notifications, now)
    return {"events": len(done), "notifications": len(notifications), "failed": len(failed)}


def _mark_failed(event: OutboxEvent, exc: Exception, now: datetime) -> None:
    event.attempts += 1
    event.last_error = f"{type(exc).__name__}: {exc}"[:4000]
    event.next_attempt_at = now + timedelta(seconds=backoff_seconds(event.attempts, base=5, maximum=3600))
    event.dead = event.attempts >= settings.NOTIFICATIONS_OUTBOX_MAX_ATTEMPTS


def fan_out(items, *, now: datetime) -> list[Notification]:
    """(event, user id, context) triples → notifications (+ in-app messages, written at once).

    WhatsApp and e-mail wait: a user's first pending notification opens a batching window (pushed past
    their quiet hours); later ones join it, and all go out as one message when it closes.
    """
    if not items:
        return []
    profiles = load_profiles({user_id for _, user_id, _ in items})
    batch_due: dict[int, datetime] = dict(
        Notification.objects.filter(user_id__in=profiles, status=Notification.Status.PENDING)
        .values("user_id")
        .annotate(due=Min("deliver_after"))
        .values_list("user_id", "due")
    )
    window = timedelta(seconds=settings.NOTIFICATIONS_BATCH_WINDOW_SECONDS)
    notifications: list[Notification] = []
    in_app: list[tuple[Notification, Message]] = []
    for event, user_id, context in items:
        profile = profiles.get(user_id)
        if profile is None or not profile.wants(event.event_type):
            continue
        with translation.override(profile.message_language()):
            rendered = kind_of(event.event_type).render(context)
        pushed = bool(profile.push_channels())
        if pushed and user_id not in batch_due:
            batch_due[user_id] = profile.next_allowed(now + window)
        notification = Notification(
            user_id=user_id,
            event=event,
            event_type=event.event_type,
            summary=rendered.summary,
            context=context,
            status=Notification.Status.PENDING if pushed else Notification.Status.DISPATCHED,
            deliver_after=batch_due[user_id] if pushed else now,
            dispatched_at=None if pushed else now,
        )
        notifications.append(notification)
        if profile.in_app_enabled:
            in_app.append(
                (
                    notification,
                    Message(
                        user_id=user_id,
                        channel=Channel.IN_APP,
                        recipient=str(user_id),
                        subject=rendered.subject,
                        body=rendered.summary,
                        status=Message.Status.DELIVERED,
                        sent_at=now,
                        delivered_at=now,
                        attempts=1,
                    ),
                )
            )
    Notification.objects.bulk_create(notifications)
    if in_app:
        messages = Message.objects.bulk_create([m for _, m in in_app])
        Message.notifications.through.objects.bulk_create(
            [
                Message.notifications.through(message_id=m.id, notification_id=n.id)
                for (n, _), m in zip(in_app, messages)
            ]
        )
    return notifications


def _schedule_deliveries(notifications: list[Notification], now: datetime) -> None:
    """Short windows get a delivery task at their end; long waits (quiet hours) are left to the sweep,
    because Redis re-delivers far-future ETA tasks after its visibility timeout."""
    due: dict[int, datetime] = {}
    for n in notifications:
        if n.status == Notification.Status.PENDING:
            due[n.user_id] = min(due.get(n.user_id, n.deliver_after), n.deliver_after)
    horizon = now + timedelta(minutes=10)
    soon = {user_id: at for user_id, at in due.items() if at <= horizon}
    if not soon:
        return

    by_time: dict[datetime, list[int]] = {}
    for user_id, at in soon.items():
        by_time.setdefault(at, []).append(user_id)
    for at, user_ids in by_time.items():
        # The delivery sweep (every NZILA_DELIVERY_SWEEP_SECONDS) finds them all the same.
        send_after_commit(
            task_names.DELIVER_DUE, kwargs={"user_ids": user_ids}, eta=at, caught_up_by=task_names.DELIVER_DUE
        )
