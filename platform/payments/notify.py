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


def notify_outcome(payment) -> OutboxEvent | None:
    """Tell the buyer their payment went through or did not (and why), once per payment and outcome.
    Called in the transaction that records the outcome."""
    kind = "payment_received" if payment.state == "succeeded" else "payment_failed"
    payload = {
        "payment_id": str(payment.pk),
        "amount": str(payment.amount),
        "currency": payment.currency_id,
        "reference": _reference(payment),
        "failure_code": payment.failure_code,
    }
    return emit(kind, payload, recipients=[payment.buyer.user_id], dedupe_key=f"{kind}-{payment.pk}")


def _reference(payment) -> str:
    """What the payment was for, as the buyer knows it: the invoice number or the car."""
    if payment.invoice_id:
        return payment.invoice.number
    vehicle = payment.deal.vehicle if payment.deal_id else None
    return " ".join(str(p) for p in (vehicle.year, vehicle.make, vehicle.model) if p) if vehicle else ""
