"""Sort orders for vehicle results. Every order ends on vehicle_id, so `search_after` is exact. Pure."""

from __future__ import annotations

from typing import Any

from .request import GeoCircle

TIEBREAKER = {"vehicle_id": "asc"}

SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}],
    # Without text: listings with photos first (the score, see search.text.photos_first), then listing
    # quality (completeness, photos, deal rating, dealer standing), then recency. With text, the default
    # is relevance, where photos are one of the business signals.
    "recommended": [
        {"_score": "desc"},
        {"listing_quality": {"order": "desc", "missing": "_last"}},
        {"listed_at": {"order": "desc", "missing": "_last"}},
    ],
    # Furthest below market value first; listings without a value last.
    "best_deals": [{"deal_gap": {"order": "asc", "missing": "_last"}}],
    "newest": [{"listed_at": {"order": "desc", "missing": "_last"}}],
    "price_asc": [{"price_usd": {"order": "asc", "missing": "_last"}}],
    "price_desc": [{"price_usd": {"order": "desc", "missing": "_last"}}],
    "year_desc": [{"year": "desc"}],
    "year_asc": [{"year": "asc"}],
    "mileage_asc": [{"mileage_km": {"order": "asc", "missing": "_last"}}],
    "mileage_desc": [{"mileage_km": {"order": "desc", "missing": "_last"}}],
    # Needs a point: see sort_clause.
    "distance": [],
    # Need a port: the chosen port's estimate; cars without one come last in both directions.
    "delivered_asc": [],
    "delivered_desc": [],
}
PORT_SORTS = ("delivered_asc", "delivered_desc")
SORT_NAMES = tuple(SORTS)
# Orders that rank by a score the query computes (search.vehicles.base_query).
SCORED_SORTS = ("relevance", "recommended")


def default_sort(*, has_text: bool) -> str:
    return "relevance" if has_text else "recommended"


def sort_clause(name: str, *, near: GeoCircle | None = None, port: str = "") -> list[dict[str, Any]]:
    if name == "distance":
        if near is None:
            raise ValueError("sorting by distance needs a point")
        return [
            {"_geo_distance": {"location": {"lat": near.lat, "lon": near.lon}, "order": "asc", "unit": "km"}},
            TIEBREAKER,
        ]
    if name in PORT_SORTS:
        if not port:
            raise ValueError("sorting by delivered price needs a port")
        order = "asc" if name == "delivered_asc" else "desc"
        # unmapped_type: a port no document has priced yet sorts as missing, not as an error.
        spec = {"order": order, "missing": "_last", "unmapped_type": "double"}
        return [{f"delivered_usd.{port}": spec}, TIEBREAKER]
    return [*SORTS[name], TIEBREAKER]
