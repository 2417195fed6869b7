"""Disjunctive facets, in the manner of elasticsearch.dsl's FacetedSearch. Pure.

The facets' request matches every candidate (no selection in its query); each facet's aggregation
is wrapped in a filter made of all the OTHER selections. Selecting Toyota therefore
keeps the counts of Honda and Nissan in the make facet, while every other facet narrows to Toyotas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class FacetGroup:
    """Facets counted under the same selections: `filters` (the selections' queries), `facets` (names)."""

    filters: tuple[Query, ...]
    facets: tuple[str, ...]


def sample_slots(indexed: int, *, exact_up_to: int, slots: int) -> int | None:
    """How many of the documents' `slots` sample buckets to count a browse's facets over, or None
    (count every document: the whole index is no larger than `exact_up_to`).

    Decided before the search, from the index's size, so the sample goes out in the same round trip
    as the page: the documents whose bucket (id % slots, uniform and unrelated to anything a buyer
    filters on) is below the returned number, about `exact_up_to` of the whole index. A facet group
    matching more than `exact_up_to` documents is then counted over at least
    exact_up_to² / indexed of them, scaled up and flagged as estimated; smaller groups are counted
    exactly (split_sampled_groups).
    """
    if indexed <= exact_up_to:
        return None
    return max(1, slots * exact_up_to // indexed)


def split_sampled_groups(
    aggregations: dict[str, Any], *, scale: float, exact_up_to: int
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """(the facet groups whose estimated size is above `exact_up_to`: their sampled counts stand,
    the keys of the other groups: to be counted exactly, see search.vehicles.narrow_group_facets_searches)."""
    sampled: dict[str, Any] = {}
    exact: list[str] = []
    for group, counted in aggregations.items():
        if counted["doc_count"] * scale > exact_up_to:
            sampled[group] = counted
        elif any(name in counted for name in FACET_NAMES):
            exact.append(group)
    return sampled, tuple(exact)


def facet_groups(selected: dict[str, Query], *, names: tuple[str, ...] = FACET_NAMES) -> dict[str, FacetGroup]:
    """The facets grouped by the selections that apply to them, by group key.

    Each facet must be counted under every selection except those it ignores. Facets that share the
    same applicable selections share one group, so a request with k selected facets evaluates k + 1
    filters, not one per facet (each is a pass over the matching documents). The group with every
    selection (MATCHING) always exists: its document count is the result total.
    """
    groups: dict[frozenset[str], list[str]] = {frozenset(selected): []}
    for name in names:
        applied = frozenset(other for other in selected if other not in _ignored(name))
        groups.setdefault(applied, []).append(name)
    return {
        MATCHING if applied == frozenset(selected) else "without_" + "_".join(sorted(set(selected) - applied)): (
            FacetGroup(filters=tuple(selected[n] for n in sorted(applied)), facets=tuple(members))
        )
        for applied, members in groups.items()
    }


def facet_aggregations(
    selected: dict[str, Query], *, names: tuple[str, ...] = FACET_NAMES, units_per_usd: float = 1.0
) -> dict[str, Agg]:
    """Every group's facets under one `filter` aggregation of the group's selections, for one request
    over all the candidates (see facet_groups)."""
    aggs: dict[str, Agg] = {}
    for key, group in facet_groups(selected, names=names).items():
        inner = group_aggregations(group, units_per_usd=units_per_usd)
        aggs[key] = A("filter", filter=Q("bool", filter=list(group.filters)), **({"aggs": inner} if inner else {}))
    return aggs


def group_aggregations(group: FacetGroup, *, units_per_usd: float) -> dict[str, Agg]:
    """The group's facets, counted over whatever documents the request they ride on matches."""
    return {name: _facet_agg(name, units_per_usd=units_per_usd) for name in group.facets}
