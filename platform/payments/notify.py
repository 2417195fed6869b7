"""The one place payments tell people things. For now: log, record the intent, and mail staff if an
address is set. The notification service will take the recorded intents over from here."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import NotificationIntent

log = logging.getLogger(__name__)


def notify_staff(
    kind: str, subject: str, body: str = "", *, payment=None, invoice=None, dedupe_key: str | None = None
) -> NotificationIntent | None:
    """Alert staff (dispute opened, stale rates, failure rate). Returns None if already alerted."""
    intent = _record(
        NotificationIntent.Audience.STAFF, kind, subject, body, payment=payment, invoice=invoice, dedupe_key=dedupe_key
    )
    if intent is None:
        return None
    log.warning("staff alert [%s] %s %s", kind, subject, body)
    if settings.PAYMENTS_STAFF_EMAIL:
        transaction.on_commit(lambda: _mail(intent.id, settings.PAYMENTS_STAFF_EMAIL, subject, body))
    return intent


def notify_buyer(
    buyer, kind: str, subject: str, body: str = "", *, payment=None, invoice=None, dedupe_key: str | None = None
) -> NotificationIntent | None:
    """Tell a buyer something (invoice overdue, payment received). Returns None if already told."""
    intent = _record(
        NotificationIntent.Audience.BUYER,
        kind,
        subject,
        body,
        buyer=buyer,
        payment=payment,
        invoice=invoice,
        dedupe_key=dedupe_key,
    )
    if intent is None:
        return None
    log.info("buyer %s notified [%s] %s", buyer.pk, kind, subject)
    email = getattr(buyer.user, "email", "")
    if email:
        transaction.on_commit(lambda: _mail(intent.id, email, subject, body))
    return intent


def _record(audience, kind, subject, body, *, buyer=None, payment=None, invoice=None, dedupe_key=None):
    try:
        with transaction.atomic():
            return NotificationIntent.objects.create(
                audience=audience,
                kind=kind,
                subject=subject[:200],
                body=body,
                buyer=buyer,
                payment=payment,
                invoice=invoice,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None


def _mail(intent_id: int, to: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [to])
    except Exception:  # a mail outage must not fail the payment work that raised the alert
        log.exception("could not mail notification %s", intent_id)
        return
    NotificationIntent.objects.filter(id=intent_id).update(sent_at=timezone.now())
