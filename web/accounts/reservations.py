"""The buyer's reservations (/accounts/reservations/): each car reserved, its state and the deadline
that matters now (pay the deposit by, the dealer answers by), and what became of the deposit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sales.reservations import ReservationRefused, cancel_reservation
from sales.selectors import buyer_reservations


@login_required
def reservations(request):
    buyer = getattr(request.user, "buyer", None)
    rows = buyer_reservations(buyer.pk) if buyer is not None else []
    return render(request, "accounts/reservations.html", {"reservations": rows})


@login_required
@require_POST
def cancel(request, reservation_id: int):
    buyer = getattr(request.user, "buyer", None)
    try:
        if buyer is None:
            raise ReservationRefused("not_found", "")
        cancel_reservation(buyer=buyer, reservation_id=reservation_id)
    except ReservationRefused:
        messages.info(request, _("This reservation can no longer be cancelled here."))
    else:
        messages.success(request, _("Reservation cancelled: nothing was charged, and the vehicle is free for others."))
    return redirect("accounts:reservations")
