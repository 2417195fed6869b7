"""Sort orders for vehicle results. Every order ends on vehicle_id, so `search_after` is exact. Pure."""

from __future__ import annotations

from typing import Any

from .request import GeoCircle

TIEBREAKER = {"vehicle_id": "asc"}

SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}],
    # Without text: listings with photos first (the score, see search.text.photos_first), newest first
    # within each. With text, the default is relevance, where photos are one of the business signals.
    "recommended": [{"_score": "desc"}, {"listed_at": {"order": "desc", "missing": "_last"}}],
    "newest": [{"listed_at": {"order": "desc", "missing": "_last"}}],
    "price_asc": [{"price_usd": {"order": "asc", "missing": "_last"}}],
    "price_desc": [{"price_usd": {"order": "desc", "missing": "_last"}}],
    "year_desc": [{"year": "desc"}],
    "year_asc": [{"year": "asc"}],
    "mileage_asc": [{"mileage_km": {"order": "asc", "missing": "_last"}}],
    "mileage_desc": [{"mileage_km": {"order": "desc", "missing": "_last"}}],
    # Needs a point: see sort_clause.
    "distance": [],
}
SORT_NAMES = tuple(SORTS)
# Orders that rank by a score the query computes (search.vehicles.base_query).
SCORED_SORTS = ("relevance", "recommended")


def default_sort(*, has_text: bool) -> str:
    return "relevance" if has_text else "recommended"


def sort_clause(name: str, *, near: GeoCircle | None = None) -> list[dict[str, Any]]:
    if name == "distance":
        if near is None:
            raise ValueError("sorting by distance needs a point")
        return [
            {"_geo_distance": {"location": {"lat": near.lat, "lon": near.lon}, "order": "asc", "unit": "km"}},
            TIEBREAKER,
        ]
    return [*SORTS[name], TIEBREAKER]
