"""Reserving from the vehicle page: a signed-in buyer starts a reservation (the car is held for them
while they pay its deposit on the ordinary pay page); everyone else sees whether the car is held."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sales.models import Reservation
from sales.reservations import ReservationRefused, deposit_for, live_reservation, start_reservation


def reserve_context(request, detail: dict) -> dict:
    """What the vehicle page's reserve box shows: the deposit, this buyer's own reservation, or a hold
    by someone else (with the time it ends)."""
    if not detail["available"]:
        return {}
    price = detail["price"]
    deposit = deposit_for(Decimal(str(price["amount"])), price["currency"])
    live = live_reservation(detail["id"])
    buyer = getattr(request.user, "buyer", None) if request.user.is_authenticated else None
    held_by_other = live is not None and (buyer is None or live.buyer_id != buyer.pk)
    return {
        "reserve": {
            "deposit": {
                "amount": float(deposit),
                "currency": price["currency"],
            },
            "mine": live if live is not None and not held_by_other else None,
            "held_until": live.pay_by if held_by_other and live.state == Reservation.State.AWAITING_PAYMENT else None,
            "can_reserve": detail.get("status") == "available" and not held_by_other,
            "is_buyer": buyer is not None,
            "client_key": uuid.uuid4().hex,
        }
    }


@login_required
@require_POST
def reserve(request, vehicle_id: int):
    back = reverse("web:vehicle-short", args=[vehicle_id])
    buyer = getattr(request.user, "buyer", None)
    if buyer is None:
        messages.error(request, _("Only buyer accounts can reserve a vehicle."))
        return redirect(back)
    key = (request.POST.get("client_key") or "")[:64]
    try:
        reservation, _created = start_reservation(buyer=buyer, vehicle_id=vehicle_id, client_key=key)
    except ReservationRefused as refused:
        messages.error(request, refusal_text(refused))
        return redirect(back)
    if reservation.state != Reservation.State.AWAITING_PAYMENT:
        return redirect("accounts:reservations")
    return redirect("accounts:pay", purpose="reservation", target_id=reservation.pk)


def refusal_text(refused: ReservationRefused) -> str:
    if refused.code == "being_reserved":
        if refused.until:
            until = formats.time_format(timezone.localtime(refused.until), "TIME_FORMAT")
            return _(
                "Another buyer is paying a deposit for this vehicle. Nothing was charged to you. "
                "If they do not pay, it is free again after %(time)s."
            ) % {"time": until}
        return _("Another buyer is paying a deposit for this vehicle. Nothing was charged to you.")
    if refused.code == "reserved":
        return _("This vehicle is already reserved. Nothing was charged to you.")
    if refused.code == "too_late":
        return _("The time to answer has passed: the reservation expired and the deposit is being refunded.")
    return _("This vehicle cannot be reserved now.")
