"""Disjunctive facets, in the manner of elasticsearch.dsl's FacetedSearch. Pure.

Selections go into `post_filter`, so the main query's aggregations see every candidate; each facet's
aggregation is wrapped in a filter made of all the OTHER selections. Selecting Toyota therefore
keeps the counts of Honda and Nissan in the make facet, while every other facet narrows to Toyotas.
"""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch.dsl import A, Q
from elasticsearch.dsl.aggs import Agg
from elasticsearch.dsl.query import Query


@dataclass(frozen=True)
class TermsFacet:
    field: str
    size: int
    # Selections this facet's counts ignore (its own, and for a parent its children's).
    ignores: tuple[str, ...] = ()
    # A nested facet (make -> model): (name, field, size).
    child: tuple[str, str, int] | None = None
    # A label shown beside each value (dealer id -> dealer name).
    label_field: str | None = None


@dataclass(frozen=True)
class HistogramFacet:
    field: str
    interval: float
    ignores: tuple[str, ...] = ()


TERM_FACETS: dict[str, TermsFacet] = {
    # Hierarchical: a make's models are counted under it; choosing a model keeps all makes visible.
    "make": TermsFacet("make.raw", 60, ignores=("make", "model"), child=("models", "model.raw", 40)),
    "model": TermsFacet("model.raw", 60, ignores=("model",)),
    "body": TermsFacet("body_type", 25, ignores=("body",)),
    "fuel": TermsFacet("fuel", 15, ignores=("fuel",)),
    "transmission": TermsFacet("transmission", 10, ignores=("transmission",)),
    "drivetrain": TermsFacet("drivetrain", 10, ignores=("drivetrain",)),
    "condition": TermsFacet("condition", 10, ignores=("condition",)),
    "colour": TermsFacet("exterior_color", 30, ignores=("colour",)),
    "country": TermsFacet("country", 60, ignores=("country",)),
    "city": TermsFacet("city", 30, ignores=("city",)),
    "dealer": TermsFacet("dealer.id.key", 30, ignores=("dealer",), label_field="dealer.name.raw"),
    "status": TermsFacet("status", 5, ignores=("status",)),
}

# Price buckets are laid out in the caller's currency (see price_interval_usd).
PRICE_BUCKET = 5000
HISTOGRAM_FACETS: dict[str, HistogramFacet] = {
    "price": HistogramFacet("price_usd", PRICE_BUCKET, ignores=("price",)),
    "year": HistogramFacet("year", 1, ignores=("year",)),
    "mileage": HistogramFacet("mileage_km", 25000, ignores=("mileage",)),
}

FACET_NAMES: tuple[str, ...] = (*TERM_FACETS, *HISTOGRAM_FACETS)


def price_interval_usd(units_per_usd: float) -> float:
    """The USD width of a bucket that is PRICE_BUCKET wide in the caller's currency."""
    return PRICE_BUCKET / units_per_usd


def _facet_agg(name: str, *, units_per_usd: float) -> Agg:
    if name in TERM_FACETS:
        facet = TERM_FACETS[name]
        subs = {}
        if facet.child:
            child_name, child_field, child_size = facet.child
            subs[child_name] = A("terms", field=child_field, size=child_size)
        if facet.label_field:
            subs["label"] = A("terms", field=facet.label_field, size=1)
        if not subs:
            return A("terms", field=facet.field, size=facet.size)
        # A label is wanted for the few buckets shown (of thousands of dealers): collect it for those
        # only. Every make is shown with its models, so those are collected in the same pass.
        mode = "breadth_first" if facet.label_field else "depth_first"
        return A("terms", field=facet.field, size=facet.size, collect_mode=mode, aggs=subs)
    facet = HISTOGRAM_FACETS[name]
    interval = price_interval_usd(units_per_usd) if name == "price" else facet.interval
    return A("histogram", field=facet.field, interval=interval, min_doc_count=1)


def _ignored(name: str) -> tuple[str, ...]:
    facet = TERM_FACETS.get(name) or HISTOGRAM_FACETS[name]
    return facet.ignores


MATCHING = "all_selections"


def sample_slots(total: int, *, exact_up_to: int, slots: int) -> int | None:
    """How many of the documents' `slots` sample buckets to count facets over, or None for all.

    Up to `exact_up_to` matching documents every facet count is exact. Above, the facets are counted
    over the documents whose bucket (id % slots, uniform and unrelated to anything a buyer filters
    on) is below the returned number: a sample of about `exact_up_to` documents, whose counts are
    scaled up and flagged as estimates (the response's `exhaustive.facets_count` is false).
    """
    if total <= exact_up_to:
        return None
    return max(1, slots * exact_up_to // total)


def facet_aggregations(
    selected: dict[str, Query], *, names: tuple[str, ...] = FACET_NAMES, units_per_usd: float = 1.0
) -> dict[str, Agg]:
    """The facets' aggregations, grouped by the selections that apply to them.

    Each facet must be counted under every selection except those it ignores. Facets that share the
    same applicable selections share one `filter` aggregation, so a request with k selected facets
    evaluates k + 1 filters, not one per facet (each is a pass over the matching documents). The
    group with every selection (MATCHING) always exists: its doc_count is the result total.
    """
    groups: dict[frozenset[str], list[str]] = {frozenset(selected): []}
    for name in names:
        applied = frozenset(other for other in selected if other not in _ignored(name))
        groups.setdefault(applied, []).append(name)
    aggs: dict[str, Agg] = {}
    for applied, members in groups.items():
        key = MATCHING if applied == frozenset(selected) else "without_" + "_".join(sorted(set(selected) - applied))
        inner = {name: _facet_agg(name, units_per_usd=units_per_usd) for name in members}
        aggs[key] = A(
            "filter",
            filter=Q("bool", filter=[selected[n] for n in sorted(applied)]),
            **({"aggs": inner} if inner else {}),
        )
    return aggs
