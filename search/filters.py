"""Filters over the vehicle index: what each filter parameter means as an engine query. Pure."""

from __future__ import annotations

from elasticsearch.dsl import Q
from elasticsearch.dsl.query import Query

from .fields import ALL_STATUSES, PER_PORT_RANGES, RANGE_FIELDS, TERM_FIELDS
from .request import GeoCircle, Range, Scope, VehicleQuery

# Filter name -> the document field it filters on (search.fields declares both). Names users type
# (make, model, colour, city) filter on a folded subfield, so "toyota" selects "Toyota".
TERM_FILTER_FIELDS: dict[str, str] = {field.name: field.terms_on for field in TERM_FIELDS}
# Range name -> numeric field. Price ranges arrive converted to US dollars.
RANGE_FILTER_FIELDS: dict[str, str] = {field.name: field.range_on for field in RANGE_FIELDS}


def term_filter(name: str, values: tuple[str, ...]) -> Query:
    return Q("terms", **{TERM_FILTER_FIELDS[name]: list(values)})


def range_field(name: str, port: str = "") -> str:
    """The document field a range filters: per-port ranges read the chosen port's member."""
    if name in PER_PORT_RANGES:
        if not port:
            raise ValueError(f"the {name} range needs a port")
        return f"{RANGE_FILTER_FIELDS[name]}.{port}"
    return RANGE_FILTER_FIELDS[name]


def range_filter(name: str, bounds: Range, port: str = "") -> Query:
    spec = {}
    if bounds.low is not None:
        spec["gte"] = bounds.low
    if bounds.high is not None:
        spec["lte"] = bounds.high
    # A car without an estimate for the port has no value there: no bound matches it (never "free").
    return Q("range", **{range_field(name, port): spec})


def geo_filter(near: GeoCircle) -> Query:
    return Q("geo_distance", distance=f"{near.radius_km}km", location={"lat": near.lat, "lon": near.lon})


def scope_filters(scope: Scope) -> list[Query]:
    """Always applied, whatever the caller selects: public search never shows a sold car even if one
    were still in the index; a dealer's inventory never shows another dealer's cars.

    Statuses are excluded rather than included: the index holds almost only visible statuses, and
    skipping the few postings of "sold" is far cheaper than intersecting with nearly every document.
    """
    hidden = [status for status in ALL_STATUSES if status not in scope.statuses]
    filters = [Q("bool", must_not=[Q("terms", status=hidden)])] if hidden else []
    if scope.dealer_id is not None:
        filters.append(Q("term", **{"dealer.id": scope.dealer_id}))
    return filters


def selection_filters(query: VehicleQuery) -> dict[str, Query]:
    """One filter per selected facet (terms and ranges), keyed by facet name.

    Kept apart from the main query so that each facet's counts can leave out its own selection.
    """
    selected: dict[str, Query] = {}
    for name, values in query.terms.items():
        if values:
            selected[name] = term_filter(name, values)
    for name, bounds in query.ranges.items():
        if bounds.low is not None or bounds.high is not None:
            selected[name] = range_filter(name, bounds, query.port)
    return selected


def all_filters(query: VehicleQuery, scope: Scope) -> list[Query]:
    """Every filter of the query as plain filters (for analytics, which have no facets to spare)."""
    filters = scope_filters(scope) + list(selection_filters(query).values())
    if query.near:
        filters.append(geo_filter(query.near))
    return filters
