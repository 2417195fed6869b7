"""Celery tasks of the payments app (queue "high"). Each is safe to run twice at once: row locks and
the state machine decide, not the task."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from reliability.errors import TransientError

from . import fx, invoices, later, metrics, states, stripe_gateway
from .models import LedgerEntry, Method, Payment, Refund
from .services import apply_stripe_refund, refresh_payment

log = logging.getLogger(__name__)


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def process_pending_payments() -> dict:
    """Ask the providers for the true state of payments stuck open, in batches, and apply it."""
    now = timezone.now()
    quiet_since = now - timedelta(seconds=settings.PAYMENTS_PENDING_AFTER_SECONDS)
    batch_size = settings.PAYMENTS_RECONCILE_BATCH_SIZE
    candidates = Payment.objects.filter(state__in=sorted(states.OPEN), state_changed_at__lt=quiet_since).exclude(
        last_checked_at__gte=quiet_since
    )
    summary = {"checked": 0, "changed": 0, "errors": 0, "batches": 0}
    last_id = None
    while True:
        query = candidates.order_by("id")
        if last_id is not None:
            query = query.filter(id__gt=last_id)
        batch = list(query.values_list("id", "state")[:batch_size])
        if not batch:
            break
        summary["batches"] += 1
        for payment_id, before in batch:
            summary["checked"] += 1
            try:
                after = refresh_payment(payment_id, cause=LedgerEntry.Cause.RECONCILER, reference="reconcile").state
            except Exception as exc:  # one provider's outage must not stop the others' reconciliation
                summary["errors"] += 1
                log.warning("reconcile payment %s: %s", payment_id, exc)
                continue
            if after != before:
                summary["changed"] += 1
                log.info("reconcile payment %s: %s -> %s", payment_id, before, after)
        last_id = batch[-1][0]
    summary["refunds_resent"] = _resend_refunds(quiet_since)
    log.info("payment reconciliation: %s", summary)
    return summary


def _resend_refunds(quiet_since) -> int:
    """Refunds whose request to Stripe got no answer: resend with the same key (at most one refund)."""
    resent = 0
    for refund in Refund.objects.filter(
        status=Refund.Status.PENDING,
        provider_refund_id__isnull=True,
        payment__method=Method.CARD,
        created_at__lt=quiet_since,
    )[:100]:
        try:
            result = stripe_gateway.create_refund(refund)
        except Exception as exc:
            log.warning("refund %s still unsent: %s", refund.id, exc)
            continue
        apply_stripe_refund(
            result | {"metadata": {"nzila_refund_id": str(refund.id)}},
            cause=LedgerEntry.Cause.RECONCILER,
            reference=f"refund:{refund.id}",
        )
        resent += 1
    return resent


@shared_task(name=later.CONFIRM_PAYMENT, acks_late=True, max_retries=3)
def confirm_payment(payment_id: str) -> str:
    """Confirm one payment with its provider (after a callback we could not confirm at once)."""
    return refresh_payment(payment_id, cause=LedgerEntry.Cause.RECONCILER, reference="confirm").state


@shared_task(acks_late=True)
def refresh_exchange_rates() -> dict:
    """Fetch rates (3 tries, capped exponential backoff), store them, alert if any are still stale."""
    try:
        rates = fx.fetch_rates()
    except (TransientError, ValueError) as exc:
        log.error("exchange rates not refreshed: %s", exc)
        return {"updated": 0, "stale": fx.alert_on_stale_rates(), "error": str(exc)}
    updated = fx.store_rates(rates)
    return {"updated": updated, "stale": fx.alert_on_stale_rates()}


@shared_task(acks_late=True)
def send_payment_reminders() -> int:
    return invoices.send_reminders()


@shared_task(acks_late=True)
def check_payment_health() -> dict:
    """Stale exchange rates and a failure rate above the limit become staff alerts."""
    return {"stale_rates": fx.alert_on_stale_rates(), "failure_alerts": metrics.alert_on_failure_rate()}
