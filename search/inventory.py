"""A dealer's own inventory: the summary beside the search, and prices against the market. Pure builders.

The search itself is the ordinary vehicle search with a dealer scope (search.vehicles).
"""

from __future__ import annotations

from collections.abc import Iterable

from elasticsearch.dsl import A, Q, Search

from .filters import scope_filters
from .request import Scope

MARKET_PERCENTS = [25, 50, 75]
# Fewer comparable listings than this and a market price says little.
MIN_COMPARABLES = 3
# Within this fraction of the market median a price counts as "at market".
AT_MARKET = 0.05


def inventory_summary_search(scope: Scope) -> Search:
    """The whole inventory of the dealer, whatever the filters: statuses and mean listing date."""
    s = Search().query(Q("bool", filter=scope_filters(scope))).extra(size=0, track_total_hits=True)
    # s.aggs changes the Search in place: both aggregations are attached here, together.
    s.aggs.bucket("statuses", A("terms", field="status", size=5))
    s.aggs.bucket("listed", A("avg", field="listed_at"))
    return s


def market_key(make: str, model: str, year: int) -> str:
    return f"{make}|{model}|{year}"


def market_prices_search(keys: Iterable[tuple[str, str, int]], *, statuses: tuple[str, ...]) -> Search:
    """Quartiles of the USD price of all public listings (every dealer) for each make/model/year."""
    filters = {
        market_key(make, model, year): Q(
            "bool", filter=[Q("term", **{"make.raw": make}), Q("term", **{"model.raw": model}), Q("term", year=year)]
        )
        for make, model, year in keys
    }
    s = Search().query(Q("bool", filter=scope_filters(Scope(statuses=statuses)))).extra(size=0, track_total_hits=False)
    s.aggs.bucket(
        "market",
        A("filters", filters=filters, aggs={"price": A("percentiles", field="price_usd", percents=MARKET_PERCENTS)}),
    )
    return s


def price_position(price_usd: float | None, market: dict | None) -> dict:
    """Where a price sits against comparable listings: below, at or above the market median."""
    if price_usd is None or not market or market["count"] < MIN_COMPARABLES or not market["median_usd"]:
        return {"position": "unknown", "vs_median_pct": None, "market": market}
    gap = price_usd / market["median_usd"] - 1
    position = "at" if abs(gap) <= AT_MARKET else ("below" if gap < 0 else "above")
    return {"position": position, "vs_median_pct": round(gap * 100, 1), "market": market}
