"""A dealer's reservations (/dealer/<id>/reservations): buyers' paid deposits waiting for an answer,
soonest deadline first, each with accept and decline; then the answered and expired ones.

Members only (like the inbox): accepting commits the dealer to a buyer's money."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sales.reservations import ReservationRefused, decide
from sales.selectors import dealer_reservations
from web.dealers.inbox import members_only
from web.reserving import refusal_text


@members_only
@require_GET
def reservations(request, dealer):
    return render(
        request, "dealers/reservations.html", {"dealer": dealer, "reservations": dealer_reservations(dealer.pk)}
    )


@members_only
@require_POST
def answer(request, dealer, reservation_id: int):
    accept = request.POST.get("answer") == "accept"
    try:
        decide(
            reservation_id,
            dealer_id=dealer.pk,
            user=request.user,
            accept=accept,
            reason=(request.POST.get("reason") or "")[:255],
        )
    except ReservationRefused as refused:
        if refused.code == "not_found":
            messages.error(request, _("No such reservation."))
        elif refused.code == "decided":
            messages.info(request, _("This reservation was already answered."))
        else:
            messages.error(request, refusal_text(refused))
    else:
        messages.success(
            request,
            _("Reservation accepted: the buyer is told and the balance is due.")
            if accept
            else _("Reservation declined: the buyer is told, the deposit refunded and the vehicle on sale again."),
        )
    return redirect("dealers_console:reservations", dealer_id=dealer.pk)
