"""Apply what a provider says about a payment through the state machine, and what success settles."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from sales.models import Deal

from .. import abuse, states
from ..ledger import lock_payment, transition
from ..models import Invoice, Payment, Purpose
from ..notify import notify_outcome
from ..outcome import ProviderOutcome
from .amounts import paid_towards_deal, paid_towards_invoice

log = logging.getLogger(__name__)


def apply_outcome(payment_id, outcome: ProviderOutcome, *, cause: str, actor=None, reference: str = "") -> Payment:
    """Apply a provider's word through the state machine. Stale or repeated news (an event for a state
    the payment has already left) changes nothing but the provider fields."""
    failed_now = False
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if outcome.provider_reference and not payment.provider_reference:
            payment.provider_reference = outcome.provider_reference
        if outcome.provider_status:
            payment.provider_status = outcome.provider_status[:40]
        if outcome.transaction_id:
            payment.provider_transaction_id = outcome.transaction_id[:128]
        if outcome.raw.get("notif_token") or outcome.raw.get("payment_url"):
            payment.provider_data = {
                **payment.provider_data,
                "notif_token": outcome.raw.get("notif_token", ""),
                "payment_url": outcome.raw.get("payment_url", ""),
            }
        payment.last_checked_at = timezone.now()
        target = outcome.state
        if (
            target is None
            or target == payment.state
            or (target == states.SUCCEEDED and payment.state in states.CAPTURED)
        ):
            payment.save()
            return payment
        if not states.can_transition(payment.state, target):
            log.info(
                "payment %s: ignoring %s news '%s' while %s (stale or out of order)",
                payment.id,
                cause,
                target,
                payment.state,
            )
            payment.save()
            return payment
        if target == states.REQUIRES_ACTION:
            payment.next_action = outcome.next_action
        elif payment.next_action is not None and target != states.PENDING:
            payment.next_action = None
        if target == states.FAILED:
            payment.failure_code = outcome.failure_code[:64]
            payment.failure_message = outcome.failure_message[:255]
            failed_now = True
        if target == states.SUCCEEDED:
            payment.amount_captured = outcome.amount_captured or payment.amount
            payment.failure_code = payment.failure_message = ""
            payment.next_action = None
        transition(
            payment,
            target,
            cause=cause,
            actor=actor,
            reference=reference,
            reason=outcome.failure_message or outcome.provider_status,
            amount=payment.amount_captured if target == states.SUCCEEDED else None,
            data={"provider_status": outcome.provider_status},
        )
        if target == states.SUCCEEDED:
            _after_success(payment)
        if target in (states.SUCCEEDED, states.FAILED):
            notify_outcome(payment)
    if failed_now:
        abuse.record_failure(ip=payment.payer_ip, fingerprint=payment.card_fingerprint or None)
    return payment


def _after_success(payment) -> None:
    now = timezone.now()
    if payment.purpose == Purpose.RESERVATION:
        # The car is reserved and the deal opened in this transaction, or the deposit is owed back.
        from sales.reservations import deposit_paid

        deposit_paid(payment, now=now)
        return
    if payment.deal_id and payment.purpose in (Purpose.DEAL, Purpose.DEPOSIT):
        deal = Deal.objects.select_for_update().get(pk=payment.deal_id)
        stage = deal.stage
        if paid_towards_deal(deal) >= deal.agreed_price and stage in ("negotiation", "agreed", "deposit_paid"):
            stage = Deal.Stage.PAID
        elif payment.purpose == Purpose.DEPOSIT and stage in ("negotiation", "agreed"):
            stage = Deal.Stage.DEPOSIT_PAID
        if stage != deal.stage:
            Deal.objects.filter(pk=deal.pk).update(stage=stage, stage_changed_at=now, updated_at=now)
    if payment.invoice_id:
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        if invoice.status == Invoice.Status.OPEN and paid_towards_invoice(invoice) >= invoice.amount:
            invoice.status, invoice.paid_at = Invoice.Status.PAID, now
            invoice.save(update_fields=["status", "paid_at"])
