"""Reading leads, deals and reservations for the pages that show them (the dealers' console, the
brokers' page, the buyer's reservations)."""

from __future__ import annotations

from django.db.models import Prefetch

from sales.models import Deal, Lead, Reservation

LIST_LIMIT = 200


def dealer_leads(dealer_id: int, *, limit: int = LIST_LIMIT) -> list[Lead]:
    return list(
        Lead.objects.filter(dealer_id=dealer_id)
        .select_related("buyer", "vehicle")
        .order_by("-created_at", "-pk")[:limit]
    )


def dealer_deals(dealer_id: int, *, limit: int = LIST_LIMIT) -> list[Deal]:
    return list(
        Deal.objects.filter(vehicle__dealer_id=dealer_id)
        .select_related("buyer", "vehicle", "currency")
        .order_by("-updated_at", "-pk")[:limit]
    )


def broker_leads(broker_id: int, *, limit: int = LIST_LIMIT) -> list[Lead]:
    return list(
        Lead.objects.filter(broker_id=broker_id)
        .select_related("buyer", "vehicle", "dealer")
        .order_by("-created_at", "-pk")[:limit]
    )


def broker_deals(broker_id: int, *, limit: int = LIST_LIMIT) -> list[Deal]:
    return list(
        Deal.objects.filter(lead__broker_id=broker_id)
        .select_related("buyer", "vehicle", "currency")
        .order_by("-updated_at", "-pk")[:limit]
    )


def _with_deposits(query):
    from payments import states
    from payments.models import Payment

    captured = Payment.objects.filter(state__in=sorted(states.CAPTURED)).prefetch_related("refunds")
    return query.select_related("vehicle", "dealer", "buyer", "currency").prefetch_related(
        Prefetch("payments", queryset=captured, to_attr="captured_payments")
    )


def buyer_reservations(buyer_id: int, *, limit: int = LIST_LIMIT) -> list[Reservation]:
    """The buyer's reservations, newest first, each with its captured deposits and their refunds."""
    return list(_with_deposits(Reservation.objects.filter(buyer_id=buyer_id)).order_by("-created_at")[:limit])


def dealer_reservations(dealer_id: int, *, limit: int = LIST_LIMIT) -> list[Reservation]:
    """Paid reservations of the dealer's cars: those waiting for an answer first (soonest deadline)."""
    query = Reservation.objects.filter(dealer_id=dealer_id).exclude(
        state__in=[Reservation.State.AWAITING_PAYMENT, Reservation.State.LAPSED, Reservation.State.CANCELLED]
    )
    waiting = list(_with_deposits(query.filter(state=Reservation.State.HELD)).order_by("respond_by"))
    done = list(_with_deposits(query.exclude(state=Reservation.State.HELD)).order_by("-updated_at")[:limit])
    return waiting + done
