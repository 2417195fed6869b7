"""The saved-search percolator index: the vehicle mapping plus each saved search's query.

A vehicle document is percolated against the registered queries, so the index must parse it
exactly as the vehicle index does: its mapping is derived from the vehicle body, never copied, and
the index is rebuilt behind its alias when that body changes. Pure: nothing here talks to the cluster.
"""

from __future__ import annotations

from typing import Any

from .vehicles import vehicle_index_body

# The fields a registration adds to the vehicle mapping: the query itself, and whose it is.
PERCOLATOR_FIELDS: dict[str, Any] = {
    "query": {"type": "percolator"},
    "saved_search_id": {"type": "long"},
    "user_id": {"type": "long"},
}


def saved_search_index_body() -> dict[str, Any]:
    """Settings (with the vehicle analyzers) and mappings for a new physical percolator index."""
    body = vehicle_index_body()
    body["mappings"]["properties"] = {**body["mappings"]["properties"], **PERCOLATOR_FIELDS}
    return body
