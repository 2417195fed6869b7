"""Stripe webhooks: verify, refuse replays, process each event exactly once, idempotently.

Exactly once: the event id is inserted in the same transaction as its effects. A duplicate delivery
(Stripe retries, or two deliveries racing) finds the id taken and changes nothing; a failure rolls
back both, so Stripe's retry processes it again. Handlers go through the state machine, so events
arriving out of order cannot move a payment backwards.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from . import states, stripe_gateway
from .ledger import lock_payment, transition
from .models import Dispute, LedgerEntry, Payment, Provider, StripeEvent
from .notify import notify_staff
from .services import apply_outcome, apply_stripe_refund

log = logging.getLogger(__name__)
Cause = LedgerEntry.Cause


class WebhookRejected(Exception):
    """The request is not a genuine, fresh Stripe delivery; answered 400 and logged."""


def verify(payload: bytes, signature: str | None, *, remote_addr: str | None) -> dict:
    """The event, if the request is signed with our endpoint secret, recent, and not seen before."""
    if not signature:
        _reject("missing Stripe-Signature header", remote_addr)
    tolerance = settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
    # Stripe's library refuses old timestamps only; one from the future would stay replayable for
    # as long as it is ahead, so anything beyond a little clock skew is refused too.
    signed_at = _signature_timestamp(signature)
    if signed_at is None:
        _reject("malformed Stripe-Signature header (no t=<timestamp>)", remote_addr)
    if signed_at > time.time() + settings.STRIPE_WEBHOOK_FUTURE_SKEW_SECONDS:
        _reject(f"signature timestamp {signed_at} is in the future", remote_addr)
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=tolerance)
    except stripe.SignatureVerificationError as exc:
        _reject(f"signature refused: {exc.user_message or exc}", remote_addr)
    except ValueError as exc:
        _reject(f"malformed payload: {exc}", remote_addr)
    # A delivery's signature is unique to it (timestamp + body); seeing one twice is a replay. Stripe's
    # own retries are signed anew, so they pass here and are deduplicated by event id.
    seen_key = "payments:webhook-signature:" + hashlib.sha256(signature.encode()).hexdigest()
    if not cache.add(seen_key, 1, timeout=tolerance * 2):
        _reject("replayed delivery (signature already used)", remote_addr)
    return event.to_dict() if hasattr(event, "to_dict") else dict(event)


def _signature_timestamp(header: str) -> int | None:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _reject(reason: str, remote_addr: str | None):
    log.warning("stripe webhook rejected from %s: %s", remote_addr or "?", reason)
    raise WebhookRejected(reason)


def process_event(event: dict) -> str:
    """Apply one verified event once; returns what happened (stored with the event id)."""
    event_id, event_type = event["id"], event.get("type", "")
    created = datetime.fromtimestamp(int(event.get("created") or 0), tz=UTC)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO payments_stripeevent (event_id, type, created, received_at, outcome, payload) "
                "VALUES (%s, %s, %s, now(), '', %s::jsonb) ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
                [event_id, event_type[:64], created, _json(event)],
            )
            first_time = cursor.fetchone() is not None
        if not first_time:
            log.info("stripe event %s (%s) already processed", event_id, event_type)
            return "duplicate"
        handler = HANDLERS.get(event_type)
        outcome = handler(event) if handler else "ignored: not an event we act on"
        StripeEvent.objects.filter(pk=event_id).update(outcome=outcome[:255])
    log.info("stripe event %s (%s): %s", event_id, event_type, outcome)
    return outcome


def _json(value) -> str:
    import json

    return json.dumps(value, default=str)


def _payment_for_intent(intent: dict) -> Payment | None:
    payment = Payment.objects.filter(provider=Provider.STRIPE, provider_reference=intent.get("id", "")).first()
    if payment is None:
        # Our create call's answer may have been lost; the intent carries our own payment id.
        ours = (intent.get("metadata") or {}).get("nzila_payment_id")
        if ours:
            payment = Payment.objects.filter(pk=ours, provider=Provider.STRIPE).first()
    return payment


def on_payment_intent(event: dict) -> str:
    intent = event["data"]["object"]
    payment = _payment_for_intent(intent)
    if payment is None:
        return "ignored: no payment of ours"
    before = payment.state
    outcome = stripe_gateway.outcome_from_intent(intent, payment)
    # The event's type is the fact; an intent's status in it is as of the event.
    if event["type"] == "payment_intent.payment_failed" and outcome.state is None:
        outcome = stripe_gateway.ProviderOutcome(**{**outcome.__dict__, "state": states.FAILED})
    after = apply_outcome(payment.id, outcome, cause=Cause.WEBHOOK, reference=event["id"])
    return (
        f"payment {payment.id}: {before} -> {after.state}"
        if after.state != before
        else f"payment {payment.id}: stays {after.state}"
    )


def on_refund(event: dict) -> str:
    refund = event["data"]["object"]
    payment = apply_stripe_refund(refund, cause=Cause.WEBHOOK, reference=event["id"])
    return f"refund {refund.get('id')} {refund.get('status')}" + (
        f"; payment {payment.state}" if payment else "; not ours"
    )


def on_charge_refunded(event: dict) -> str:
    charge = event["data"]["object"]
    intent_id = charge.get("payment_intent")
    refunds = ((charge.get("refunds") or {}).get("data")) or []
    if not refunds and intent_id:
        refunds = stripe_gateway.list_refunds(intent_id)
    payment = None
    for refund in refunds:
        refund = {**refund, "payment_intent": refund.get("payment_intent") or intent_id}
        payment = apply_stripe_refund(refund, cause=Cause.WEBHOOK, reference=event["id"]) or payment
    return f"{len(refunds)} refund(s) applied" + (f"; payment {payment.state}" if payment else "")


FINAL_DISPUTE = {"won", "lost", "warning_closed", "charge_refunded", "prevented"}


def on_dispute(event: dict) -> str:
    data = event["data"]["object"]
    payment = None
    if data.get("payment_intent"):
        payment = Payment.objects.filter(provider=Provider.STRIPE, provider_reference=data["payment_intent"]).first()
    if payment is None and data.get("charge"):
        payment = Payment.objects.filter(provider=Provider.STRIPE, provider_transaction_id=data["charge"]).first()
    if payment is None:
        return "ignored: dispute on no payment of ours"
    due_ts = (data.get("evidence_details") or {}).get("due_by")
    due = datetime.fromtimestamp(int(due_ts), tz=UTC) if due_ts else None
    status = data.get("status", "")
    with transaction.atomic():
        payment = lock_payment(payment.pk)
        dispute, created = Dispute.objects.select_for_update().get_or_create(
            provider_dispute_id=data["id"],
            defaults={
                "payment": payment,
                "amount": stripe_gateway.minor_to_amount(payment, data.get("amount", 0)),
                "reason": data.get("reason", "")[:40],
                "status": status,
                "evidence_due_by": due,
                "state_before": payment.state,
            },
        )
        if not created:
            if dispute.status in FINAL_DISPUTE and status not in FINAL_DISPUTE:
                return f"dispute {dispute.provider_dispute_id}: already {dispute.status}, older news ignored"
            dispute.status = status or dispute.status
            dispute.evidence_due_by = due or dispute.evidence_due_by
            dispute.save(update_fields=["status", "evidence_due_by", "updated_at"])
        if status in FINAL_DISPUTE:
            if status == "won" and payment.state == states.DISPUTED:
                transition(
                    payment,
                    dispute.state_before if dispute.state_before != states.DISPUTED else states.SUCCEEDED,
                    cause=Cause.WEBHOOK,
                    reference=event["id"],
                    reason="dispute won",
                )
            notify_staff(
                "dispute_closed",
                f"Dispute {dispute.provider_dispute_id} closed: {status}",
                f"payment {payment.id}, {dispute.amount} {payment.currency_id}",
                payment=payment,
                dedupe_key=f"dispute-closed-{dispute.provider_dispute_id}",
            )
            return f"dispute {dispute.provider_dispute_id} {status}; payment {payment.state}"
        if payment.state != states.DISPUTED and states.can_transition(payment.state, states.DISPUTED):
            dispute.state_before = payment.state
            dispute.save(update_fields=["state_before"])
            transition(
                payment,
                states.DISPUTED,
                cause=Cause.WEBHOOK,
                reference=event["id"],
                reason=f"dispute {data.get('reason', '')}",
                data={"evidence_due_by": due_ts},
            )
        notify_staff(
            "dispute_opened",
            f"Dispute on payment {payment.id}: {data.get('reason', 'unknown reason')}",
            f"{dispute.amount} {payment.currency_id}; evidence due by {due:%Y-%m-%d %H:%M} UTC"
            if due
            else f"{dispute.amount} {payment.currency_id}",
            payment=payment,
            dedupe_key=f"dispute-opened-{dispute.provider_dispute_id}",
        )
    return f"dispute {dispute.provider_dispute_id} {status}; payment {payment.state}"


HANDLERS = {
    "payment_intent.succeeded": on_payment_intent,
    "payment_intent.payment_failed": on_payment_intent,
    "payment_intent.canceled": on_payment_intent,
    "payment_intent.requires_action": on_payment_intent,
    "payment_intent.processing": on_payment_intent,
    "charge.refunded": on_charge_refunded,
    "refund.created": on_refund,
    "refund.updated": on_refund,
    "refund.failed": on_refund,
    "charge.refund.updated": on_refund,
    "charge.dispute.created": on_dispute,
    "charge.dispute.updated": on_dispute,
    "charge.dispute.closed": on_dispute,
}
