"""Deposits owed back, paid back through the existing refund path (`payments.services.refund_payment`)
until they succeed.

What is owed is derived from the rows on every run: a captured reservation payment that does not hold a
live reservation (declined, expired, lost to another buyer, a second capture). Nothing has to remember
to refund. A refund in flight at Stripe (pending) is left to the payments reconciler, which resends it
with its own key; a refused refund is retried with backoff under a new key (the refused one stays
on record) and staff are alerted at each failure. Mobile-money refunds are paid out by staff in the
operator's portal (the existing path records them at once), so each one alerts staff to pay it out.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import F, Max, Q
from django.utils import timezone

from payments import states
from payments.models import Method, Payment, Purpose, Refund
from payments.notify import notify_staff
from payments.services import PaymentInputError, refund_payment

from .models import Reservation

log = logging.getLogger(__name__)

# Waits between retries of a refused refund: 1, 2, 4 ... minutes, at most 6 hours.
RETRY_CAP = timedelta(hours=6)


def owed_payments():
    """Reservation payments with captured money that no live reservation holds."""
    holding = Q(reservation__state__in=[Reservation.State.HELD, Reservation.State.ACCEPTED]) & Q(
        reservation__payment_id=F("id")
    )
    return (
        Payment.objects.filter(purpose=Purpose.RESERVATION, state__in=[states.SUCCEEDED, states.PARTIALLY_REFUNDED])
        .exclude(holding)
        .exclude(reservation__state=Reservation.State.AWAITING_PAYMENT)
        .filter(amount_refunded__lt=F("amount_captured"))
    )


def retry_after(failures: int) -> timedelta:
    return min(RETRY_CAP, timedelta(minutes=2 ** max(failures - 1, 0)))


def refund_owed(now: datetime | None = None, *, limit: int = 100) -> dict[str, int]:
    """One pass over what is owed: request each refund that is due. Safe to run twice at once: the
    refund's client key and the payment's row lock make one refund per attempt number."""
    now = now or timezone.now()
    counts = {"requested": 0, "failed": 0, "waiting": 0}
    for payment in owed_payments().select_related("reservation").order_by("state_changed_at")[:limit]:
        refunds = payment.refunds.all()
        if refunds.filter(status=Refund.Status.PENDING).exists():
            counts["waiting"] += 1  # at Stripe already; the payments reconciler resends it if unanswered
            continue
        failed = refunds.filter(status=Refund.Status.FAILED)
        failures = failed.count()
        last_failure = failed.aggregate(last=Max("updated_at"))["last"]
        if failures and last_failure and now - last_failure < retry_after(failures):
            counts["waiting"] += 1
            continue
        reservation = payment.reservation
        try:
            refund, _ = refund_payment(
                payment.pk,
                reason=Refund.Reason.VEHICLE_UNAVAILABLE,
                note=f"reservation {reservation.pk} {reservation.state}",
                actor=None,
                client_key=f"reservation-{reservation.pk}-{failures}",
            )
        except PaymentInputError as exc:
            counts["failed"] += 1
            log.warning("reservation %s: refund of payment %s refused: %s", reservation.pk, payment.pk, exc)
            notify_staff(
                "reservation_refund_failed",
                f"Refund of reservation deposit {payment.pk} failed",
                f"reservation {reservation.pk} ({reservation.state}), try {failures + 1}: {exc}. "
                "Retried automatically; check the card processor.",
                payment=payment,
                dedupe_key=f"reservation-refund-failed-{payment.pk}-{failures}",
            )
            continue
        counts["requested"] += 1
        if payment.method == Method.MOBILE_MONEY:
            notify_staff(
                "reservation_refund_payout",
                f"Pay out a reservation deposit refund: {refund.amount} {payment.currency_id}",
                f"payment {payment.pk} to {payment.phone_e164} through {payment.provider}; reservation "
                f"{reservation.pk} ({reservation.state})",
                payment=payment,
                dedupe_key=f"reservation-refund-payout-{refund.pk}",
            )
    return counts
