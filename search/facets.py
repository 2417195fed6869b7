"""Disjunctive facets, in the manner of elasticsearch.dsl's FacetedSearch. Pure.

Selections go into `post_filter`, so the main query's aggregations see every candidate; each facet's
aggregation is wrapped in a filter made of all the OTHER selections. Selecting Toyota therefore
keeps the counts of Honda and Nissan in the make facet, while every other facet narrows to Toyotas.
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q
from elasticsearch.dsl.aggs import Agg
from elasticsearch.dsl.query import Query

from .fields import FIELDS, HistogramFacet, TermsFacet

# Facet name -> its declaration (search.fields): terms facets count values, histograms bucket numbers.
TERM_FACETS: dict[str, TermsFacet] = {f.name: f.facet for f in FIELDS if isinstance(f.facet, TermsFacet)}
HISTOGRAM_FACETS: dict[str, HistogramFacet] = {f.name: f.facet for f in FIELDS if isinstance(f.facet, HistogramFacet)}
FACET_NAMES: tuple[str, ...] = (*TERM_FACETS, *HISTOGRAM_FACETS)


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
    return A("histogram", field=facet.field, interval=bucket_width_usd(facet, units_per_usd), min_doc_count=1)


def bucket_width_usd(facet: HistogramFacet, units_per_usd: float) -> float:
    """A bucket's width in the index's units: prices are bucketed `interval` wide in the caller's currency."""
    return facet.interval / units_per_usd if facet.in_currency else facet.interval


def _ignored(name: str) -> tuple[str, ...]:
    """The selections a facet's counts leave out: its own (disjunctive), and those it declares."""
    facet = TERM_FACETS.get(name)
    return (name, *(facet.ignores if facet else ()))


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
