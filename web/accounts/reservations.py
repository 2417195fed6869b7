"""The buyer's reservations (/accounts/reservations/): each car reserved, its state and the deadline
that matters now (pay the deposit by, the dealer answers by), and what became of the deposit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from sales.selectors import buyer_reservations


@login_required
def reservations(request):
    buyer = getattr(request.user, "buyer", None)
    rows = buyer_reservations(buyer.pk) if buyer is not None else []
    return render(request, "accounts/reservations.html", {"reservations": rows})
