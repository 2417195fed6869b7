"""Sort orders for vehicle results. Every order ends on vehicle_id, so `search_after` is exact. Pure."""

from __future__ import annotations

from typing import Any

from .request import GeoCircle

TIEBREAKER = {"vehicle_id": "asc"}

SORTS: dict[str, list[dict[str, Any]]] = {
    "relevance": [{"_score": "desc"}],
    # Listing quality (completeness, photos, deal rating, dealer standing), then recency.
    "recommended": [{"listing_quality": {"order": "desc", "missing": "_last"}}, {"listed_at": {"order": "desc"}}],
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
}
SORT_NAMES = tuple(SORTS)


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
