"""Market analytics over the vehicle index: price statistics, listings over time, dealers, days on market,
deal ratings by make and market.

Pure builders. Every search filter applies (as plain filters: analytics have no facets to keep open).
Days on market are measured on what the index holds (listings still available or reserved), from
the mean and percentiles of `listed_at`.
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q, Search

from pricing.ratings import RATINGS

from .filters import all_filters
from .request import Scope, VehicleQuery
from .text import text_query

GROUP_FIELDS: dict[str, str] = {
    "make": "make.raw",
    "model": "make_model",
    "year": "year",
    "country": "country",
    "body": "body_type",
    "fuel": "fuel",
    "condition": "condition",
    "dealer": "dealer.id.key",
}
PERCENTS = [5, 25, 50, 75, 95]
INTERVALS = ("day", "week", "month", "quarter", "year")
# Best to worst, then "not enough data": the order a chart stacks them.
DEAL_RATINGS = RATINGS
# Markets a make is listed in here are few (the data's UK, US, Germany, Australia and the dealers' own).
MARKETS_PER_MAKE = 10


def _filtered(query: VehicleQuery, scope: Scope) -> Search:
    must = [text_query(query.text)] if query.text else []
    return Search().query(Q("bool", must=must, filter=all_filters(query, scope))).extra(size=0, track_total_hits=True)


def _price_aggs() -> dict:
    return {
        "price": A("stats", field="price_usd"),
        "price_percentiles": A("percentiles", field="price_usd", percents=PERCENTS),
    }


def _age_aggs() -> dict:
    # Dates aggregate as epoch milliseconds: the mean listing date gives the mean age.
    return {
        "listed": A("avg", field="listed_at"),
        "listed_percentiles": A("percentiles", field="listed_at", percents=PERCENTS),
    }


def _attach(s: Search, aggs: dict) -> Search:
    # s.aggs changes the Search in place: aggregations are attached here only, all at once.
    for name, agg in aggs.items():
        s.aggs.bucket(name, agg)
    return s


def _grouped(group_by: str | None, size: int, inner: dict) -> dict:
    if not group_by:
        return {}
    subs = dict(inner)
    if group_by == "dealer":
        subs["label"] = A("terms", field="dealer.name.raw", size=1)
    return {"groups": A("terms", field=GROUP_FIELDS[group_by], size=size, collect_mode="breadth_first", aggs=subs)}


def price_statistics_search(query: VehicleQuery, *, scope: Scope, group_by: str | None, size: int) -> Search:
    """Count, min, max, mean and percentiles of the USD price, overall and per group."""
    return _attach(_filtered(query, scope), {**_price_aggs(), **_grouped(group_by, size, _price_aggs())})


def days_on_market_search(query: VehicleQuery, *, scope: Scope, group_by: str | None, size: int) -> Search:
    return _attach(_filtered(query, scope), {**_age_aggs(), **_grouped(group_by, size, _age_aggs())})


def listings_over_time_search(query: VehicleQuery, *, scope: Scope, interval: str) -> Search:
    """New listings per calendar interval (by listing date), with their mean USD price."""
    histogram = A(
        "date_histogram",
        field="listed_at",
        calendar_interval=interval,
        min_doc_count=0,
        aggs={"price": A("avg", field="price_usd")},
    )
    return _attach(_filtered(query, scope), {"over_time": histogram})


def inventory_by_dealer_search(query: VehicleQuery, *, scope: Scope, size: int) -> Search:
    """Per dealer: listings, status split, mean price, mean listing date (for days on market)."""
    per_dealer = A(
        "terms",
        field="dealer.id.key",
        size=size,
        collect_mode="breadth_first",
        aggs={
            "label": A("terms", field="dealer.name.raw", size=1),
            "statuses": A("terms", field="status", size=5),
            "price": A("avg", field="price_usd"),
            "listed": A("avg", field="listed_at"),
        },
    )
    return _attach(_filtered(query, scope), {"dealers": per_dealer})


def deal_ratings_search(query: VehicleQuery, *, scope: Scope, size: int) -> Search:
    """Listings per deal rating, per market (country) within each make: the model's view of each market."""
    ratings = A("terms", field="deal_rating", size=len(DEAL_RATINGS))
    per_market = A("terms", field="country", size=MARKETS_PER_MAKE, aggs={"ratings": ratings})
    per_make = A("terms", field="make.raw", size=size, collect_mode="breadth_first", aggs={"markets": per_market})
    return _attach(_filtered(query, scope), {"makes": per_make, "ratings": ratings})
