"""Recommendations: vehicles like a given one, by text and by structured closeness. Pure builders.

Candidates must share something (similar words, the make, or the body type); they are then ranked by
how close they are: same make and model, same body, price within about 10%, year within about 2.
Only available vehicles are recommended, never the vehicle itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from elasticsearch.dsl import Q, Search, function

from .suggest import VEHICLE_SOURCE

AVAILABLE = "available"
SIMILAR_SOURCE = [*VEHICLE_SOURCE, "trim", "body_type", "mileage_km", "dealer", "listed_at"]


@dataclass(frozen=True)
class Target:
    """The vehicle recommendations are for, as read from Postgres (it may have left the index)."""

    vehicle_id: int
    make: str
    model: str
    body_type: str
    year: int
    price_usd: float | None
    text: str


def similar_vehicles_search(target: Target, *, size: int) -> Search:
    shares = [
        Q(
            "more_like_this",
            fields=["title", "description", "features.text"],
            like=target.text,
            min_term_freq=1,
            min_doc_freq=1,
            max_query_terms=25,
            minimum_should_match="30%",
            _name="text",
        ),
        Q("term", **{"make.raw": {"value": target.make, "_name": "make"}}),
    ]
    if target.body_type:
        shares.append(Q("term", body_type={"value": target.body_type, "_name": "body"}))
    candidates = Q(
        "bool",
        should=shares,
        minimum_should_match=1,
        filter=[Q("term", status=AVAILABLE)],
        must_not=[Q("term", vehicle_id=target.vehicle_id)],
    )
    functions = [
        function.SF({"filter": Q("term", **{"make.raw": target.make}), "weight": 3}),
        function.SF({"filter": Q("term", **{"model.raw": target.model}), "weight": 2}),
        function.SF("gauss", year={"origin": target.year, "scale": 2, "decay": 0.5}, weight=1),
    ]
    if target.body_type:
        functions.append(function.SF({"filter": Q("term", body_type=target.body_type), "weight": 1.5}))
    if target.price_usd:
        functions.append(
            function.SF(
                "gauss",
                price_usd={
                    "origin": target.price_usd,
                    "scale": round(target.price_usd * 0.1, 2),
                    "offset": round(target.price_usd * 0.02, 2),
                    "decay": 0.5,
                },
                weight=2,
            )
        )
    ranked = Q("function_score", query=candidates, functions=functions, score_mode="sum", boost_mode="sum")
    return Search().query(ranked).source(SIMILAR_SOURCE).extra(size=size, track_total_hits=False)


def vehicles_by_id_search(vehicle_ids: list[int], *, exclude: int) -> Search:
    """The co-viewed vehicles that are still available (the log remembers cars that have since sold)."""
    return (
        Search()
        .filter("terms", vehicle_id=vehicle_ids)
        .filter("term", status=AVAILABLE)
        .exclude("term", vehicle_id=exclude)
        .source(SIMILAR_SOURCE)
        .extra(size=len(vehicle_ids), track_total_hits=False)
    )


def similarity_reasons(target: Target, source: Mapping[str, Any], matched: list[str]) -> list[str]:
    """Why a recommendation was made, in words a buyer reads."""
    reasons = []
    if source.get("make") == target.make:
        reasons.append("Same model" if source.get("model") == target.model else "Same make")
    if target.body_type and source.get("body_type") == target.body_type:
        reasons.append("Same body type")
    price = source.get("price_usd")
    if target.price_usd and price is not None:
        gap = abs(price - target.price_usd) / target.price_usd
        if gap <= 0.10:
            reasons.append("Similar price (±10%)")
        elif gap <= 0.20:
            reasons.append("Similar price (±20%)")
    year = source.get("year")
    if year == target.year:
        reasons.append("Same year")
    elif year is not None and abs(year - target.year) <= 2:
        reasons.append(f"Within {abs(year - target.year)} year{'s' if abs(year - target.year) > 1 else ''}")
    if "text" in matched:
        reasons.append("Similar description")
    return reasons
