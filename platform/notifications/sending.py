"""Sending one logged message through its channel and recording what the provider said."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import mail, whatsapp
from .models import Channel, Message
from .providers import SendDeferred, SendFailed
from .statuses import apply_parked

log = logging.getLogger(__name__)
PROVIDERS = {Channel.WHATSAPP: whatsapp.send, Channel.EMAIL: mail.send}
# A message in these states may be (re)sent: never accepted by the provider yet.
SENDABLE = (Message.Status.QUEUED, Message.Status.FAILED)


def stale_queued_message_ids(limit: int = 500) -> list[int]:
    """Messages never tried, long after they were written: their send task never reached the broker.
    (A send in flight or waiting on our own rate limit is far younger than NOTIFICATIONS_QUEUED_STALE_SECONDS.)"""
    now = timezone.now()
    return list(
        Message.objects.filter(
            # The (channel, queued_at) index reads one day of messages, not the whole log.
            channel__in=list(PROVIDERS),
            queued_at__lt=now - timedelta(seconds=settings.NOTIFICATIONS_QUEUED_STALE_SECONDS),
            queued_at__gte=now - timedelta(days=1),  # older news is no longer worth a message
            status=Message.Status.QUEUED,
            attempts=0,
            provider_message_id__isnull=True,
        )
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )


def send_logged_message(message_id: int, *, last_try: bool) -> str:
    """Send if not sent yet (a redelivered task finds it sent and stops). Returns what happened.

    The row is locked while its provider is asked: a second task for the same message (a redelivery,
    the sweep's) skips it instead of sending it twice, and then finds it sent. SendDeferred propagates
    (the task retries it) once the attempt is recorded; on the last try the message is marked failed.
    """
    with transaction.atomic():
        message = Message.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status not in SENDABLE or message.provider_message_id:
            return "skipped"  # gone, sent, or being sent by another task right now
        try:
            provider_id = PROVIDERS[message.channel](message)
        except SendFailed as exc:
            _fail(message_id, exc.code, exc.message)
            return "failed"
        except SendDeferred as exc:
            if last_try:
                _fail(message_id, exc.code, exc.message)
            else:
                Message.objects.filter(pk=message_id).update(
                    attempts=F("attempts") + 1, error_code=exc.code[:40], error_message=exc.message
                )
            deferred = exc
        else:
            deferred = None
            # One write per try (each commit waits for the WAL): the attempt is counted with its outcome.
            Message.objects.filter(pk=message_id, status__in=SENDABLE).update(
                status=Message.Status.SENT,
                sent_at=timezone.now(),
                provider_message_id=provider_id,
                error_code="",
                error_message="",
                failed_at=None,
                attempts=F("attempts") + 1,
            )
            apply_parked(channel=message.channel, provider_message_id=provider_id)
    if deferred is not None:
        raise deferred
    return "sent"


def _fail(message_id: int, code: str, text: str) -> None:
    log.warning("message %s failed: %s %s", message_id, code, text)
    Message.objects.filter(pk=message_id, status__in=SENDABLE).update(
        status=Message.Status.FAILED,
        error_code=code[:40],
        error_message=text,
        failed_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
