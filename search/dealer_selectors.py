"""A dealer's inventory: their vehicles searched and faceted like the public search, plus status counts,
days on market, views and leads; the listings held from buyers' search, with why."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count

from catalog.models import Vehicle
from search.indexes import vehicles_alias

from .executor import run_search
from .facets import FACET_NAMES
from .inventory import IDS_PAGE, inventory_ids_search, inventory_summary_search
from .request import Page, Scope, VehicleQuery
from .results import days_between, parse_time
from .selectors import SearchLogSink, Viewer, log_search, run_vehicle_search

ALL_STATUSES = tuple(Vehicle.Status.values)
STATUS_SOURCE_NOTE = (
    "available and reserved counts come from the search index (the listings shown here); sold and "
    "withdrawn vehicles leave the index, so their counts come from the database."
)


def _database_status_counts(dealer_id: int) -> dict[str, int]:
    rows = Vehicle.objects.filter(dealer_id=dealer_id).values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(ALL_STATUSES, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


NO_ACTIVITY = {"views": 0, "leads": 0}


def vehicle_activity(vehicle_ids: list[int]) -> dict[int, dict[str, int]]:
    """Views and leads per vehicle, from Postgres (the index holds neither)."""
    from buyers.models import VehicleView
    from sales.models import Lead

    if not vehicle_ids:
        return {}
    out = {vid: dict(NO_ACTIVITY) for vid in vehicle_ids}
    for name, model in (("views", VehicleView), ("leads", Lead)):
        rows = model.objects.filter(vehicle_id__in=vehicle_ids).values("vehicle_id").annotate(n=Count("id"))
        for row in rows:
            out[row["vehicle_id"]][name] = row["n"]
    return out


OFF_MARKET_STATUSES = tuple(s for s in ALL_STATUSES if s not in settings.SEARCHABLE_STATUSES)


def _off_market_rows(dealer_id: int, statuses: tuple[str, ...], text: str):
    """Text matches make, model, trim or VIN (a plain contains: these lists are short and exact)."""
    from django.db.models import Q

    chosen = tuple(s for s in statuses if s in OFF_MARKET_STATUSES) or OFF_MARKET_STATUSES
    rows = Vehicle.objects.filter(dealer_id=dealer_id, status__in=chosen)
    for word in text.split():
        rows = rows.filter(
            Q(make__icontains=word) | Q(model__icontains=word) | Q(trim__icontains=word) | Q(vin__icontains=word)
        )
    return chosen, rows


def off_market_inventory(
    *, dealer_id: int, statuses: tuple[str, ...], text: str = "", page: int = 1, size: int = 20
) -> dict[str, Any]:
    """The dealer's sold and withdrawn vehicles, from Postgres: they are not in the index."""
    chosen, rows = _off_market_rows(dealer_id, statuses, text)
    total = rows.count()
    now = datetime.now(UTC)
    vehicles = list(rows.order_by("-updated_at", "-pk")[(page - 1) * size : page * size])
    activity = vehicle_activity([v.pk for v in vehicles])
    results = [
        {
            "id": v.pk,
            "title": str(v),
            "make": v.make,
            "model": v.model,
            "year": v.year,
            "vin": v.vin,
            "status": v.status,
            "price": {"amount": float(v.price), "currency": v.currency_id},
            "listed_at": v.listed_at,
            # Until it left the market (the last write is when it was marked sold or withdrawn).
            "days_on_market": days_between(v.listed_at, v.updated_at or now),
            **activity.get(v.pk, NO_ACTIVITY),
        }
        for v in vehicles
    ]
    return {
        "dealer_id": dealer_id,
        "statuses": list(chosen),
        "total": total,
        "page": page,
        "size": size,
        "results": results,
    }


def held_inventory(dealer_id: int) -> list[dict[str, Any]]:
    """The dealer's listings held from buyers' search (pricing.ratings), from Postgres (the index does not
    hold them): why, the price, and the market value and its interval in the listing's currency."""
    rows = (
        Vehicle.objects.filter(dealer_id=dealer_id, status__in=settings.SEARCHABLE_STATUSES)
        .exclude(held_reason="")
        .select_related("currency")
        .order_by("-updated_at", "-pk")
    )
    out = []
    for v in rows:
        units = float(v.currency.units_per_usd)

        def local(amount, units=units, currency=v.currency_id) -> dict[str, Any]:
            return {"amount": None if amount is None else round(float(amount) * units, -1), "currency": currency}

        out.append(
            {
                "id": v.pk,
                "title": str(v),
                "reason": v.held_reason,
                "price": {"amount": float(v.price), "currency": v.currency_id},
                "price_exact": str(v.price),
                "mileage_km": v.mileage_km,
                "body_type": v.body_type,
                "value": local(v.market_value_usd),
                "low": local(v.market_low_usd),
                "high": local(v.market_high_usd),
                # Confirmed and waiting for the next valuation (seconds) to lift the hold.
                "confirmed": v.price_confirmed is not None and v.price_confirmed == v.price,
            }
        )
    return out


def dealer_inventory(
    *,
    dealer_id: int,
    query: VehicleQuery,
    sort: str,
    page: Page,
    currency: str = "USD",
    facets: tuple[str, ...] = FACET_NAMES,
    viewer: Viewer | None = None,
    log_to: SearchLogSink | None = None,
) -> dict[str, Any]:
    """The dealer's vehicles with facets, status counts, days on market, views and leads (each card
    carries its deal rating, as buyers see it); with `log_to`, the search is logged."""
    started = time.perf_counter()
    scope = Scope(statuses=ALL_STATUSES, dealer_id=dealer_id)
    result, (summary,) = run_vehicle_search(
        query=query,
        scope=scope,
        sort=sort,
        page=page,
        currency=currency,
        facets=facets,
        extra=[(vehicles_alias(), inventory_summary_search(scope))],
    )
    cards = result["results"]
    activity = vehicle_activity([card["id"] for card in cards])
    for card in cards:
        card.update(activity.get(card["id"], NO_ACTIVITY))
    indexed = {b["key"]: b["doc_count"] for b in summary["aggregations"]["statuses"]["buckets"]}
    counts = _database_status_counts(dealer_id)
    for status in settings.SEARCHABLE_STATUSES:
        counts[status] = indexed.get(status, 0)
    mean_listed = summary["aggregations"]["listed"].get("value_as_string") or None
    mean_days = days_between(parse_time(mean_listed), datetime.now(UTC)) if mean_listed else None
    search_id = log_search("inventory", query, sort, page, result, started=started, viewer=viewer, log_to=log_to)
    return {
        "search_id": search_id,
        "dealer_id": dealer_id,
        **result,
        "status_counts": counts,
        "status_counts_source": {
            status: "index" if status in settings.SEARCHABLE_STATUSES else "database" for status in ALL_STATUSES
        },
        "status_counts_note": STATUS_SOURCE_NOTE,
        "average_days_on_market": mean_days,
    }


def is_off_market(query: VehicleQuery) -> bool:
    """Only sold or withdrawn vehicles asked for: the inventory lists them from Postgres."""
    statuses = query.terms.get("status", ())
    return bool(statuses) and all(s in OFF_MARKET_STATUSES for s in statuses)


def inventory_ids(*, dealer_id: int, query: VehicleQuery) -> list[int]:
    """Every vehicle id the inventory page lists for this query (all its pages): from the index, or
    from Postgres for sold and withdrawn vehicles, as the page does."""
    if is_off_market(query):
        _chosen, rows = _off_market_rows(dealer_id, query.terms["status"], query.text)
        return list(rows.order_by("pk").values_list("pk", flat=True))
    scope = Scope(statuses=ALL_STATUSES, dealer_id=dealer_id)
    ids: list[int] = []
    after = None
    while True:
        hits = run_search(vehicles_alias(), inventory_ids_search(query, scope, after=after))["hits"]["hits"]
        ids += [hit["_source"]["vehicle_id"] for hit in hits]
        if len(hits) < IDS_PAGE:
            return ids
        after = hits[-1]["sort"][0]
