"""A dealer's inventory: their vehicles searched and faceted like the public search, plus status counts,
days on market and each price against the market for the same make, model and year."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db.models import Count

from catalog.models import Vehicle
from search.indexes import vehicles_alias

from .currency import currency_rates
from .executor import run_searches
from .facets import FACET_NAMES
from .inventory import inventory_summary_search, market_key, market_prices_search, price_position
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


def _market(response: dict[str, Any] | None) -> dict[str, dict]:
    if response is None:
        return {}
    out = {}
    for key, bucket in response["aggregations"]["market"]["buckets"].items():
        values = bucket["price"]["values"]
        out[key] = {
            "count": bucket["doc_count"],
            "p25_usd": values.get("25.0"),
            "median_usd": values.get("50.0"),
            "p75_usd": values.get("75.0"),
        }
    return out


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


def off_market_inventory(
    *, dealer_id: int, statuses: tuple[str, ...], text: str = "", page: int = 1, size: int = 20
) -> dict[str, Any]:
    """The dealer's sold and withdrawn vehicles, from Postgres: they are not in the index.

    Text matches make, model, trim or VIN (a plain contains: these lists are short and exact)."""
    from django.db.models import Q

    chosen = tuple(s for s in statuses if s in OFF_MARKET_STATUSES) or OFF_MARKET_STATUSES
    rows = Vehicle.objects.filter(dealer_id=dealer_id, status__in=chosen)
    for word in text.split():
        rows = rows.filter(
            Q(make__icontains=word) | Q(model__icontains=word) | Q(trim__icontains=word) | Q(vin__icontains=word)
        )
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
    """The dealer's vehicles with facets, status counts, days on market and market price positioning;
    with `log_to`, the search is logged."""
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
    keys = {(card["make"], card["model"], card["year"]) for card in cards}
    market_response = None
    if keys:
        market_response = run_searches(
            [(vehicles_alias(), market_prices_search(sorted(keys), statuses=tuple(settings.SEARCHABLE_STATUSES)))]
        ).responses[0]
    market = _market(market_response)
    units_per_usd = float(currency_rates()[currency])
    for card in cards:
        comparable = market.get(market_key(card["make"], card["model"], card["year"]))
        shown = (
            None
            if comparable is None
            else {
                **comparable,
                **{
                    name.replace("_usd", ""): round(value * units_per_usd, 2) if value is not None else None
                    for name, value in comparable.items()
                    if name.endswith("_usd")
                },
                "currency": currency,
            }
        )
        card["market"] = price_position(card["price_usd"], shown)
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
