"""The query a saved search registers in the percolator: exactly what the same search shows. Pure.

A search keeps facet selections in `post_filter` (so facets can leave their own out); an alert has no
facets, so the same selections become plain filters over the same base query.
"""

from __future__ import annotations

from elasticsearch.dsl import Q
from elasticsearch.dsl.query import Query

from .filters import selection_filters
from .request import Scope, VehicleQuery
from .vehicles import base_query


def alert_query(query: VehicleQuery, scope: Scope) -> Query:
    return Q("bool", must=[base_query(query, scope, ranked=False)], filter=list(selection_filters(query).values()))
