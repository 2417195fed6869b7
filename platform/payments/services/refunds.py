"""Refunds: request one (idempotent by client key) and reflect Stripe's refunds in our records."""

from __future__ import annotations

import hashlib
import json
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from .. import states, stripe_gateway
from ..ledger import lock_payment, transition
from ..models import LedgerEntry, Method, Payment, Provider, Refund
from .amounts import check_amount
from .errors import IdempotencyKeyReused, PaymentInputError

log = logging.getLogger(__name__)
Cause = LedgerEntry.Cause


def _refund_digest(amount, reason: str, note: str) -> str:
    """What makes two refund requests the same request (the payment is part of the key's scope)."""
    canonical = json.dumps({"amount": None if amount is None else str(Decimal(amount)), "reason": reason, "note": note})
    return hashlib.sha256(canonical.encode()).hexdigest()


def refund_payment(
    payment_id, *, amount=None, reason: str, note: str = "", actor, client_key: str = ""
) -> tuple[Refund, bool]:
    """Refund all or part of a captured payment, never more than is left of what was captured.

    Returns (refund, created). With a client_key, a repeat of the same request returns the first
    refund (created False) and a different request raises IdempotencyKeyReused. Concurrent repeats
    queue on the payment's row lock, so exactly one of them creates the refund.
    """
    if reason not in Refund.Reason.values:
        raise PaymentInputError("reason", f"must be one of {', '.join(Refund.Reason.values)}")
    digest = _refund_digest(amount, reason, note) if client_key else ""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if client_key:
            earlier = payment.refunds.filter(client_key=client_key).first()
            if earlier is not None:
                if earlier.request_digest != digest:
                    raise IdempotencyKeyReused(
                        f"Idempotency-Key {client_key!r} was used for a different refund of this payment"
                    )
                return earlier, False
        if payment.state not in (states.SUCCEEDED, states.PARTIALLY_REFUNDED):
            raise PaymentInputError("payment", f"a {payment.state} payment cannot be refunded")
        reserved = payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        available = payment.amount_captured - reserved
        value = available if amount is None else check_amount(amount, payment.currency_id)
        if value <= 0 or value > available:
            raise PaymentInputError(
                "amount",
                f"at most {available} {payment.currency_id} can be refunded (captured "
                f"{payment.amount_captured}, already refunded or in progress {reserved})",
            )
        refund = Refund.objects.create(
            payment=payment,
            amount=value,
            reason=reason,
            note=note[:255],
            requested_by=actor,
            client_key=client_key,
            request_digest=digest,
        )
    if payment.method != Method.CARD:
        # Operators pay mobile-money refunds out through their own portals; staff record them here.
        # (Settled on the locked row, in a transaction: the ledger's transition requires both.)
        with transaction.atomic():
            payment = lock_payment(payment.pk)
            refund.status = Refund.Status.SUCCEEDED
            refund.save(update_fields=["status", "updated_at"])
            _settle_refunds(payment, cause=Cause.STAFF, actor=actor, reference=f"refund:{refund.id}")
        return refund, True
    try:
        result = stripe_gateway.create_refund(refund)
    except stripe_gateway.StripeUnavailable as exc:
        log.warning("refund %s: Stripe unreachable; the reconciler will resend it: %s", refund.id, exc)
        return refund, True
    except Exception as exc:
        Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, updated_at=timezone.now())
        raise PaymentInputError(
            "amount", f"the card processor refused the refund: {getattr(exc, 'user_message', '') or exc}"
        ) from None
    apply_stripe_refund(
        result | {"metadata": {"nzila_refund_id": str(refund.id)}},
        cause=Cause.STAFF,
        actor=actor,
        reference=f"refund:{refund.id}",
    )
    refund.refresh_from_db()
    return refund, True


REFUND_STATUS = {
    "succeeded": Refund.Status.SUCCEEDED,
    "pending": Refund.Status.PENDING,
    "requires_action": Refund.Status.PENDING,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.CANCELED,
}


def apply_stripe_refund(data: dict, *, cause: str, actor=None, reference: str = "", payment_id=None) -> Payment | None:
    """Reflect one Stripe refund (from our own call or from Stripe's refund events) in our records."""
    refund_id = data.get("id")
    ours = (data.get("metadata") or {}).get("nzila_refund_id")
    with transaction.atomic():
        refund = Refund.objects.filter(
            Q(provider_refund_id=refund_id) | Q(pk=ours) if ours else Q(provider_refund_id=refund_id)
        ).first()
        if refund is not None:
            payment = lock_payment(refund.payment_id)
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
        else:
            payment = lock_payment(payment_id) if payment_id else _payment_of_intent(data.get("payment_intent"))
            if payment is None:
                log.info("stripe refund %s is for no payment of ours", refund_id)
                return None
            # Made in Stripe's dashboard, not through us: record it all the same.
            refund = Refund.objects.create(
                payment=payment,
                amount=stripe_gateway.minor_to_amount(payment, data["amount"]),
                reason=Refund.Reason.OTHER,
                note="made outside the platform",
                provider_refund_id=refund_id,
                status=Refund.Status.PENDING,
            )
        status = REFUND_STATUS.get(data.get("status") or "", Refund.Status.PENDING)
        final = (Refund.Status.FAILED, Refund.Status.CANCELED)
        if refund.status in final or (refund.status == Refund.Status.SUCCEEDED and status == Refund.Status.PENDING):
            status = refund.status  # never back from a later state
        refund.provider_refund_id = refund_id or refund.provider_refund_id
        refund.status = status
        refund.save(update_fields=["provider_refund_id", "status", "updated_at"])
        _settle_refunds(payment, cause=cause, actor=actor, reference=reference or f"refund:{refund_id}")
        return payment


def _payment_of_intent(intent_id) -> Payment | None:
    if not intent_id:
        return None
    found = (
        Payment.objects.filter(provider=Provider.STRIPE, provider_reference=intent_id)
        .values_list("pk", flat=True)
        .first()
    )
    return lock_payment(found) if found else None


def _settle_refunds(payment, *, cause, actor, reference) -> None:
    refunded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    if refunded == payment.amount_refunded:
        return
    if refunded > payment.amount_captured:
        from ..notify import notify_staff

        notify_staff(
            "refund_exceeds_capture",
            f"Refunds of payment {payment.id} exceed what was captured",
            f"refunded {refunded}, captured {payment.amount_captured}",
            payment=payment,
            dedupe_key=f"refund-exceeds-{payment.id}-{refunded}",
        )
        return
    delta = refunded - payment.amount_refunded
    payment.amount_refunded = refunded
    if payment.state == states.DISPUTED or delta < 0:
        payment.save(update_fields=["amount_refunded", "updated_at"])
        LedgerEntry.objects.create(
            payment=payment,
            from_state=payment.state,
            to_state=payment.state,
            amount=delta,
            cause=cause,
            actor=actor,
            reference=reference[:128],
            reason="refunded amount changed",
        )
        return
    target = states.state_after_refunds(payment.amount_captured, refunded)
    transition(
        payment,
        target,
        cause=cause,
        actor=actor,
        reference=reference,
        amount=delta,
        reason=f"refunded {refunded} of {payment.amount_captured} {payment.currency_id}",
    )
