"""Reading leads and deals for the pages that show them (the dealers' console, the brokers' page)."""

from __future__ import annotations

from sales.models import Deal, Lead

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
