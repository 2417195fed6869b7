"""A dealer's own inventory: the summary beside the search. Pure builders.

The search itself is the ordinary vehicle search with a dealer scope (search.vehicles).
"""

from __future__ import annotations

from elasticsearch.dsl import A, Q, Search

from .filters import scope_filters
from .request import Scope


def inventory_summary_search(scope: Scope) -> Search:
    """The whole inventory of the dealer, whatever the filters: statuses and mean listing date."""
    s = Search().query(Q("bool", filter=scope_filters(scope))).extra(size=0, track_total_hits=True)
    # s.aggs changes the Search in place: both aggregations are attached here, together.
    s.aggs.bucket("statuses", A("terms", field="status", size=5))
    s.aggs.bucket("listed", A("avg", field="listed_at"))
    return s
