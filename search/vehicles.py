"""The vehicle search: one request for the page of hits, one for the facets. Pure builders.

They are sent together in one `_msearch` (see search.executor), so the engine works on both at once.
The facets request has `size: 0`, which lets the engine's request cache answer repeated ones.
"""

from __future__ import annotations

from elasticsearch.dsl import Q, Search
from elasticsearch.dsl.query import Query

from .facets import FACET_NAMES, facet_aggregations, facet_groups, group_aggregations
from .fields import CARD_FIELDS
from .filters import geo_filter, scope_filters, selection_filters
from .request import Page, Scope, VehicleQuery
from .sorting import SCORED_SORTS, sort_clause
from .text import photos_first, text_query, with_business_signals

# What a result card needs (search.results.vehicle_card); the description and sync bookkeeping stay
# in the index.
HIT_SOURCE = ["vehicle_id", "title", "price", "currency", "dealer", "location", *(f.doc for f in CARD_FIELDS)]
HIGHLIGHT_FIELDS = ("title", "make", "model", "trim", "description", "features.text")


def base_query(query: VehicleQuery, scope: Scope, *, ranked: bool = True) -> Query:
    """Text and the filters no facet can lift (scope, distance). Facet selections are not in here."""
    filters = scope_filters(scope)
    if query.near:
        filters.append(geo_filter(query.near))
    text = [text_query(query.text)] if query.text else []
    if query.text_ranks_only:
        matched = Q("bool", should=text, filter=filters)
    else:
        matched = Q("bool", must=text, filter=filters)
    if not ranked:
        return matched
    return with_business_signals(matched) if query.text else photos_first(matched)


def selected_query(query: VehicleQuery, scope: Scope, *, ranked: bool) -> Query:
    """The base query with the facet selections as filter clauses (they narrow, they do not score)."""
    matched = base_query(query, scope, ranked=ranked)
    selected = selection_filters(query)
    return Q("bool", must=[matched], filter=list(selected.values())) if selected else matched


def vehicle_hits_search(
    query: VehicleQuery, *, scope: Scope, sort: str, page: Page, count_total: bool = False, highlight: bool = True
) -> Search:
    """The page of hits: main query, selections as filters, sort, page or cursor, highlights.

    The selections are filter clauses of the query, not a `post_filter`: no aggregation rides on this
    request (the facets are a search of their own), and a `post_filter` is checked on every document
    the main query matches, where a filter clause lets the engine skip to the selected ones (the page
    of hits took 0.46x the engine time at 1M documents, docs/search.md). Filters do not score, so the
    order is the same."""
    s = Search().query(selected_query(query, scope, ranked=sort in SCORED_SORTS))
    s = s.sort(*sort_clause(sort, near=query.near, port=query.port)).source(HIT_SOURCE)
    s = s.extra(size=page.size, track_total_hits=count_total)
    if page.search_after is not None:
        s = s.extra(search_after=list(page.search_after))
    elif page.offset:
        s = s.extra(from_=page.offset)
    if highlight and query.text:
        s = s.highlight(*HIGHLIGHT_FIELDS, fragment_size=160, number_of_fragments=1)
        s = s.highlight_options(pre_tags=["<em>"], post_tags=["</em>"], encoder="html")
    return s


def vehicle_count_search(query: VehicleQuery, *, scope: Scope) -> Search:
    """The exact number of vehicles matching the query and every selection; nothing sorted or counted
    by facet, so the engine only walks the matches (the page of hits skips that: no total)."""
    filters = [base_query(query, scope, ranked=False), *selection_filters(query).values()]
    return Search().query(Q("bool", filter=filters)).extra(size=0, track_total_hits=True)


def vehicle_facets_search(
    query: VehicleQuery,
    *,
    scope: Scope,
    facets: tuple[str, ...] = FACET_NAMES,
    units_per_usd: float = 1.0,
    sample: int | None = None,
) -> Search:
    """Counts for every facet (disjunctive) and the result total, in one size-0 request.

    With `sample` (see search.facets.sample_slots), only documents whose `sync_bucket` is below it
    are counted: the counts (and the total) are then the sample's, to be scaled by the caller.
    """
    matched = base_query(query, scope, ranked=False)
    if sample is not None:
        matched = Q("bool", filter=[matched, Q("range", sync_bucket={"lt": sample})])
    s = Search().query(matched).extra(size=0, track_total_hits=True)
    # s.aggs changes the Search in place: every aggregation is attached here, in one place.
    for name, agg in facet_aggregations(selection_filters(query), names=facets, units_per_usd=units_per_usd).items():
        s.aggs.bucket(name, agg)
    return s


def narrow_group_facets_searches(
    query: VehicleQuery, *, scope: Scope, groups: tuple[str, ...], facets: tuple[str, ...], units_per_usd: float
) -> list[Search]:
    """Exact counts for the facet groups `groups` (keys of search.facets.facet_groups), one size-0
    request each, with the group's selections in its query: the engine walks only the group's own
    documents (a few thousand), where a `filter` aggregation under a market-wide query checks its
    filter on every document of the market."""
    every = facet_groups(selection_filters(query), names=facets)
    base = base_query(query, scope, ranked=False)
    searches = []
    for key in groups:
        s = Search().query(Q("bool", filter=[base, *every[key].filters])).extra(size=0, track_total_hits=False)
        for name, agg in group_aggregations(every[key], units_per_usd=units_per_usd).items():
            s.aggs.bucket(name, agg)
        searches.append(s)
    return searches
