"""Market analytics for analysts: price statistics, listings over time, dealers, days on market."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from search.indexes import vehicles_alias

from .analytics import (
    DEAL_RATINGS,
    PERCENTS,
    days_on_market_search,
    deal_ratings_search,
    inventory_by_dealer_search,
    listings_over_time_search,
    price_statistics_search,
)
from .currency import currency_rates
from .executor import run_search
from .request import Scope, VehicleQuery
from .results import days_between

# Prices are computed in USD and shown in the caller's currency.


def analytics_scope() -> Scope:
    return Scope(statuses=tuple(settings.SEARCHABLE_STATUSES))


def _money(value: float | None, units_per_usd: float) -> float | None:
    return None if value is None else round(value * units_per_usd, 2)


def _price_block(aggs: dict, units: float) -> dict[str, Any]:
    stats, pct = aggs["price"], aggs["price_percentiles"]["values"]
    return {
        "count": stats["count"],
        "min": _money(stats["min"], units),
        "max": _money(stats["max"], units),
        "mean": _money(stats["avg"], units),
        "percentiles": {f"p{p}": _money(pct.get(f"{float(p)}"), units) for p in PERCENTS},
    }


def _group_key(bucket: dict) -> dict[str, Any]:
    key = {"key": bucket["key"]}
    if "label" in bucket:  # dealers: the id (kept as a keyword in the index) and the name
        key["key"] = int(bucket["key"])
        labels = bucket["label"]["buckets"]
        key["label"] = labels[0]["key"] if labels else str(bucket["key"])
    return key


def price_statistics(*, query: VehicleQuery, group_by: str | None, size: int, currency: str) -> dict[str, Any]:
    units = float(currency_rates()[currency])
    response = run_search(
        vehicles_alias(), price_statistics_search(query, scope=analytics_scope(), group_by=group_by, size=size)
    )
    aggs = response["aggregations"]
    groups = [{**_group_key(b), **_price_block(b, units)} for b in aggs.get("groups", {}).get("buckets", [])]
    return {"currency": currency, "group_by": group_by, "overall": _price_block(aggs, units), "groups": groups}


def _age_block(aggs: dict, now: datetime) -> dict[str, Any]:
    def days(epoch_ms: float | None) -> int | None:
        return None if epoch_ms is None else days_between(datetime.fromtimestamp(epoch_ms / 1000, UTC), now)

    pct = aggs["listed_percentiles"]["values"]
    # The p75 listing date is the p25 age: older listings have earlier dates.
    return {
        "listings": aggs.get("doc_count"),
        "mean_days": days(aggs["listed"]["value"]),
        "percentiles": {f"p{100 - p}": days(pct.get(f"{float(p)}")) for p in PERCENTS},
    }


def days_on_market(*, query: VehicleQuery, group_by: str | None, size: int) -> dict[str, Any]:
    response = run_search(
        vehicles_alias(), days_on_market_search(query, scope=analytics_scope(), group_by=group_by, size=size)
    )
    aggs, now = response["aggregations"], datetime.now(UTC)
    overall = {**_age_block(aggs, now), "listings": response["hits"]["total"]["value"]}
    groups = [{**_group_key(b), **_age_block(b, now)} for b in aggs.get("groups", {}).get("buckets", [])]
    return {
        "group_by": group_by,
        "overall": overall,
        "groups": groups,
        "note": "Days since listing of vehicles still available or reserved.",
    }


def listings_over_time(*, query: VehicleQuery, interval: str, currency: str) -> dict[str, Any]:
    units = float(currency_rates()[currency])
    response = run_search(
        vehicles_alias(), listings_over_time_search(query, scope=analytics_scope(), interval=interval)
    )
    buckets = response["aggregations"]["over_time"]["buckets"]
    return {
        "interval": interval,
        "currency": currency,
        "series": [
            {"period": b["key_as_string"], "listings": b["doc_count"], "mean_price": _money(b["price"]["value"], units)}
            for b in buckets
        ],
    }


def inventory_by_dealer(*, query: VehicleQuery, size: int, currency: str) -> dict[str, Any]:
    units = float(currency_rates()[currency])
    response = run_search(vehicles_alias(), inventory_by_dealer_search(query, scope=analytics_scope(), size=size))
    now = datetime.now(UTC)
    dealers = []
    for b in response["aggregations"]["dealers"]["buckets"]:
        listed = b["listed"]["value"]
        dealers.append(
            {
                **_group_key(b),
                "listings": b["doc_count"],
                "statuses": {s["key"]: s["doc_count"] for s in b["statuses"]["buckets"]},
                "mean_price": _money(b["price"]["value"], units),
                "mean_days_on_market": None
                if listed is None
                else days_between(datetime.fromtimestamp(listed / 1000, UTC), now),
            }
        )
    return {"currency": currency, "total": response["hits"]["total"]["value"], "dealers": dealers}


def deal_ratings(*, query: VehicleQuery, size: int) -> dict[str, Any]:
    """Listings per deal rating, overall and per make and market (the `size` makes with most listings)."""
    response = run_search(vehicles_alias(), deal_ratings_search(query, scope=analytics_scope(), size=size))
    aggs = response["aggregations"]

    def counts(bucket: dict) -> dict[str, int]:
        found = {b["key"]: b["doc_count"] for b in bucket["ratings"]["buckets"]}
        return {rating: found.get(rating, 0) for rating in DEAL_RATINGS}

    groups = [
        {"make": make["key"], "market": market["key"], "listings": market["doc_count"], "ratings": counts(market)}
        for make in aggs["makes"]["buckets"]
        for market in make["markets"]["buckets"]
    ]
    return {"total": response["hits"]["total"]["value"], "overall": counts(aggs), "groups": groups}
