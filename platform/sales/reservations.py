"""Reserving a car with a deposit: the hold, what a paid deposit opens, the dealer's answer, deadlines.

The rules that keep money safe (the states are drawn on `sales.models.Reservation`):
- One live reservation per car, held by a partial unique index and taken under the vehicle's row lock:
  of two buyers reserving at once, the second is refused *before* any payment exists, so it is never
  charged.
- A reservation is paid through the ordinary payments path (purpose `reservation`); the payment's
  success calls `deposit_paid` in the same transaction as the payment's own state change, so the
  car is reserved, the deal opened and both parties told (outbox) exactly when the money is captured.
- A deposit captured for a reservation that no longer holds the car (paid after the hold lapsed and
  someone else took the car, declined, expired, a second capture) is owed back; what is owed is
  derived from the rows, never from a flag, and `reservation_refunds` pays it back through the
  existing refund path until it succeeds.
- Every deadline is checked where it matters (a dealer accepting after `respond_by` is refused and
  the reservation expires then and there), and the minute sweep applies the ones nobody acted on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import Vehicle
from notifications.events import emit

from .models import Deal, Reservation

log = logging.getLogger(__name__)
State = Reservation.State


class ReservationRefused(Exception):
    """Why a reservation cannot be started or decided. `code` is for programs, the text for people."""

    def __init__(self, code: str, message: str, *, reservation: Reservation | None = None, until=None):
        super().__init__(message)
        self.code = code
        self.reservation = reservation
        self.until = until


def deposit_for(price: Decimal, currency: str) -> Decimal:
    """The deposit asked for a car at `price`: a share of it, in the currency's own decimals."""
    from payments.money import exponent

    step = Decimal(1).scaleb(-exponent(currency))
    share = Decimal(str(settings.SALES_RESERVATION_DEPOSIT_PERCENT)) / 100
    return min(price, max(step, (price * share).quantize(step, rounding=ROUND_HALF_UP)))


def live_reservation(vehicle_id: int) -> Reservation | None:
    return Reservation.objects.filter(vehicle_id=vehicle_id, state__in=Reservation.LIVE).first()


def start_reservation(*, buyer, vehicle_id: int, client_key: str = "", now: datetime | None = None):
    """Hold a car for `buyer` while they pay its deposit. Returns (reservation, created); the same
    client key, or a live reservation of the same buyer for the car, gives back the first one.
    Raises ReservationRefused when the car is not to be had."""
    now = now or timezone.now()
    if client_key:
        earlier = Reservation.objects.filter(buyer=buyer, client_key=client_key).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()
            if vehicle is None:
                raise ReservationRefused("not_found", "no such vehicle")
            live = Reservation.objects.select_for_update().filter(vehicle=vehicle, state__in=Reservation.LIVE).first()
            if live is not None and live.state == State.AWAITING_PAYMENT and live.pay_by <= now:
                _lapse(live)
                live = None
            if live is not None:
                if live.buyer_id == buyer.pk:
                    return live, False
                if live.state == State.AWAITING_PAYMENT:
                    raise ReservationRefused(
                        "being_reserved", "another buyer is paying a deposit for this car", until=live.pay_by
                    )
                raise ReservationRefused("reserved", "this car is already reserved")
            if vehicle.status != Vehicle.Status.AVAILABLE:
                raise ReservationRefused("not_available", f"this car is {vehicle.status}")
            reservation = Reservation.objects.create(
                buyer=buyer,
                vehicle=vehicle,
                dealer_id=vehicle.dealer_id,
                price=vehicle.price,
                deposit_amount=deposit_for(vehicle.price, vehicle.currency_id),
                currency_id=vehicle.currency_id,
                pay_by=now + timedelta(minutes=settings.SALES_RESERVATION_PAY_MINUTES),
                client_key=client_key,
            )
    except IntegrityError:
        # The unique indexes are the backstop of the row lock (a writer that did not take it).
        if client_key:
            earlier = Reservation.objects.filter(buyer=buyer, client_key=client_key).first()
            if earlier is not None:
                return earlier, False
        raise ReservationRefused("being_reserved", "another buyer is paying a deposit for this car") from None
    return reservation, True


def payable(reservation: Reservation, now: datetime | None = None) -> bool:
    """Whether the buyer may start paying this reservation's deposit now."""
    return reservation.state == State.AWAITING_PAYMENT and reservation.pay_by > (now or timezone.now())


def deposit_paid(payment, *, now: datetime | None = None) -> Reservation:
    """A reservation payment succeeded (called inside the payment's transaction, its row locked).

    The car is reserved and a deal opened if the reservation still may take it (awaiting payment, or
    lapsed with the car still free: a late mobile-money approval); otherwise the reservation is lost
    and the payment is owed back. A replay of the same success changes nothing."""
    now = now or timezone.now()
    reservation = Reservation.objects.select_for_update().get(pk=payment.reservation_id)
    if reservation.payment_id == payment.pk or reservation.state in (State.HELD, State.ACCEPTED):
        # Replayed news, or a second capture for a reservation another payment holds: owed back.
        return reservation
    if reservation.state in (State.AWAITING_PAYMENT, State.LAPSED):
        vehicle = Vehicle.objects.select_for_update().get(pk=reservation.vehicle_id)
        taken = (
            Reservation.objects.filter(vehicle=vehicle, state__in=Reservation.LIVE).exclude(pk=reservation.pk).exists()
        )
        if vehicle.status == Vehicle.Status.AVAILABLE and not taken:
            return _hold(reservation, payment, vehicle, now)
    if reservation.state in (State.AWAITING_PAYMENT, State.LAPSED, State.CANCELLED):
        reservation.state = State.LOST
        reservation.save(update_fields=["state", "updated_at"])
        _tell_buyer(reservation, "reservation_lost")
    _kick_refunds()
    return reservation


def _hold(reservation: Reservation, payment, vehicle: Vehicle, now: datetime) -> Reservation:
    from payments.models import Payment

    # The deal's insert trigger tells buyer and dealer (`deal_created`, worded for a reservation).
    deal = Deal.objects.create(
        buyer_id=reservation.buyer_id,
        vehicle=vehicle,
        stage=Deal.Stage.DEPOSIT_PAID,
        agreed_price=reservation.price,
        deposit_amount=reservation.deposit_amount,
        currency_id=reservation.currency_id,
    )
    Payment.objects.filter(pk=payment.pk).update(deal=deal)
    payment.deal = deal
    reservation.state = State.HELD
    reservation.deal = deal
    reservation.payment = payment
    reservation.respond_by = now + timedelta(hours=settings.SALES_RESERVATION_DEALER_HOURS)
    reservation.save(update_fields=["state", "deal", "payment", "respond_by", "updated_at"])
    # A plain UPDATE: the capture trigger re-stamps the row and search shows it reserved.
    Vehicle.objects.filter(pk=vehicle.pk).update(status=Vehicle.Status.RESERVED)
    return reservation


def decide(
    reservation_id: int, *, dealer_id: int, user, accept: bool, reason: str = "", now: datetime | None = None
) -> Reservation:
    """The dealer accepts or declines a paid reservation. After `respond_by` it is too late: the
    reservation expires (and is refunded) and ReservationRefused("too_late") is raised."""
    now = now or timezone.now()
    with transaction.atomic():
        reservation = _locked_in(State.HELD, pk=reservation_id, dealer_id=dealer_id)
        too_late = reservation.respond_by <= now
        if too_late:
            _end(reservation, State.EXPIRED, now)
        elif accept:
            reservation.state = State.ACCEPTED
            reservation.decided_at, reservation.decided_by = now, user
            reservation.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
            _tell_buyer(reservation, "reservation_accepted")
        else:
            reservation.decline_reason = reason[:255]
            _end(reservation, State.DECLINED, now, user=user)
    if too_late:
        raise ReservationRefused("too_late", "the time to answer has passed; the deposit is being refunded")
    return reservation


def _locked_in(state: str, **lookup) -> Reservation:
    """The reservation (row locked) if it is in `state`; ReservationRefused otherwise."""
    reservation = Reservation.objects.select_for_update().filter(**lookup).first()
    if reservation is None:
        raise ReservationRefused("not_found", "no such reservation")
    if reservation.state != state:
        raise ReservationRefused("decided", f"this reservation is {reservation.state}", reservation=reservation)
    return reservation


def _end(reservation: Reservation, state: str, now: datetime, *, user=None) -> None:
    """Declined or expired: the deal is cancelled, the car freed, the buyer told, the deposit owed back."""
    reservation.state = state
    reservation.decided_at, reservation.decided_by = now, user
    reservation.save(update_fields=["state", "decided_at", "decided_by", "decline_reason", "updated_at"])
    Deal.objects.filter(pk=reservation.deal_id).exclude(stage=Deal.Stage.CANCELLED).update(
        stage=Deal.Stage.CANCELLED, stage_changed_at=now, updated_at=now
    )
    Vehicle.objects.filter(pk=reservation.vehicle_id, status=Vehicle.Status.RESERVED).update(
        status=Vehicle.Status.AVAILABLE
    )
    _tell_buyer(reservation, f"reservation_{state}")
    _kick_refunds()


def cancel_reservation(*, buyer, reservation_id: int) -> Reservation:
    """The buyer lets go of a hold before paying (the car is free again at once). A payment of theirs
    that still lands later finds the reservation cancelled: it is lost and refunded in full."""
    with transaction.atomic():
        reservation = _locked_in(State.AWAITING_PAYMENT, pk=reservation_id, buyer=buyer)
        reservation.state = State.CANCELLED
        reservation.save(update_fields=["state", "updated_at"])
    return reservation


def _lapse(reservation: Reservation) -> None:
    reservation.state = State.LAPSED
    reservation.save(update_fields=["state", "updated_at"])


def apply_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Unpaid holds past `pay_by` lapse; paid reservations past `respond_by` expire (and are refunded).
    Rows being decided right now are skipped (SKIP LOCKED) and seen again on the next run."""
    now = now or timezone.now()
    counts = {"lapsed": 0, "expired": 0}
    with transaction.atomic():
        for reservation in Reservation.objects.select_for_update(skip_locked=True).filter(
            state=State.AWAITING_PAYMENT, pay_by__lte=now
        )[:500]:
            _lapse(reservation)
            counts["lapsed"] += 1
    with transaction.atomic():
        for reservation in Reservation.objects.select_for_update(skip_locked=True).filter(
            state=State.HELD, respond_by__lte=now
        )[:500]:
            _end(reservation, State.EXPIRED, now)
            counts["expired"] += 1
    return counts


def _tell_buyer(reservation: Reservation, event_type: str) -> None:
    emit(event_type, {"reservation_id": reservation.pk}, dedupe_key=f"{event_type}-{reservation.pk}")


def _kick_refunds() -> None:
    from celery import current_app

    def kick():
        try:
            current_app.send_task("sales.tasks.sweep_reservations")
        except Exception as exc:  # the minute sweep refunds all the same
            log.info("reservation sweep not kicked: %s", exc)

    transaction.on_commit(kick)
