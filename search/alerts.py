"""The query a saved search registers in the percolator: exactly what the same search shows. Pure.

The page of hits and an alert match through the same `selected_query`; an alert needs no ranking.
"""

from __future__ import annotations

from elasticsearch.dsl.query import Query

from .request import Scope, VehicleQuery
from .vehicles import selected_query


def alert_query(query: VehicleQuery, scope: Scope) -> Query:
    return selected_query(query, scope, ranked=False)
