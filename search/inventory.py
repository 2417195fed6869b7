"""A dealer's own inventory: the summary beside the search. Pure builders.

The search itself is the ordinary vehicle search with a dealer scope (search.vehicles).
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q, Search

from .filters import scope_filters
from .request import Scope, VehicleQuery
from .vehicles import vehicle_count_search

# Vehicle ids read per request when listing every match (a dealer's export).
IDS_PAGE = 1000


def inventory_summary_search(scope: Scope) -> Search:
    """The whole inventory of the dealer, whatever the filters: statuses and mean listing date."""
    s = Search().query(Q("bool", filter=scope_filters(scope))).extra(size=0, track_total_hits=True)
    # s.aggs changes the Search in place: both aggregations are attached here, together.
    s.aggs.bucket("statuses", A("terms", field="status", size=5))
    s.aggs.bucket("listed", A("avg", field="listed_at"))
    return s


def inventory_ids_search(query: VehicleQuery, scope: Scope, *, after: int | None = None) -> Search:
    """The ids of the vehicles matching the query and every selection, in id order, a page at a time
    after `after`: the matches the inventory page lists, for its export."""
    s = vehicle_count_search(query, scope=scope).extra(size=IDS_PAGE, track_total_hits=False)
    s = s.sort("vehicle_id").source(["vehicle_id"])
    return s.extra(search_after=[after]) if after is not None else s
