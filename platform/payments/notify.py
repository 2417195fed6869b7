"""The one place payments tell people things: every message goes through the notifications outbox
(`notifications.events.emit`), in the caller's transaction, so a rolled-back payment change tells no
one and a committed one is told once per dedupe key. Who hears of each kind, and the words, live in
`notifications.event_catalog` (PAYMENT_STAFF_ALERTS, PAYMENT_BUYER_NOTICES)."""

from __future__ import annotations

import logging

from notifications.events import emit
from notifications.models import OutboxEvent

log = logging.getLogger(__name__)


def notify_staff(
    kind: str, subject: str, body: str = "", *, payment=None, invoice=None, dedupe_key: str | None = None
) -> OutboxEvent | None:
    """Alert staff (dispute opened, stale rates, failure rate). Returns None if already alerted."""
    event = emit(kind, _payload(subject, body, payment, invoice), dedupe_key=dedupe_key)
    if event is not None:
        log.warning("staff alert [%s] %s %s", kind, subject, body)
    return event


def notify_buyer(
    buyer, kind: str, subject: str, body: str = "", *, payment=None, invoice=None, dedupe_key: str | None = None
) -> OutboxEvent | None:
    """Tell a buyer something (invoice overdue). Returns None if already told."""
    event = emit(kind, _payload(subject, body, payment, invoice), recipients=[buyer.user_id], dedupe_key=dedupe_key)
    if event is not None:
        log.info("buyer %s notified [%s] %s", buyer.pk, kind, subject)
    return event


def _payload(subject: str, body: str, payment, invoice) -> dict:
    return {
        "subject": subject[:200],
        "body": body,
        # As text: a payment's key is a UUID, and the payload is JSON.
        "payment_id": str(payment.pk) if payment is not None else None,
        "invoice_id": invoice.pk if invoice is not None else None,
    }
