"""The typeahead index: one small document per make, model, make+model and popular past query.

It is derived data (counts aggregated from the vehicle index, queries from the search log), rebuilt
whole by `insights.tasks.refresh_suggestions` behind its alias, so typeahead cost does not grow with
the number of vehicles. Pure: nothing here talks to the cluster.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from elasticsearch.dsl import Document, Float, Index, Keyword, Long, Text

from .analysis import (
    vehicle_compact,
    vehicle_compact_prefix,
    vehicle_prefix,
    vehicle_prefix_search,
    vehicle_text,
    vehicle_text_search,
)

SUGGESTION_KINDS = ("make", "model", "make_model", "query")


class SuggestionDocument(Document):
    kind = Keyword()
    # Whole words (with make and body synonyms at query time), every word prefix (typed so far), and
    # the name written together, whole and as every prefix ("chr", "xtr", "toyotarav4": see
    # analysis.compact_chars).
    text = Text(
        analyzer=vehicle_text,
        search_analyzer=vehicle_text_search,
        fields={
            "raw": Keyword(),
            "prefix": Text(analyzer=vehicle_prefix, search_analyzer=vehicle_prefix_search),
            "compact": Text(analyzer=vehicle_compact),
            "compact_prefix": Text(analyzer=vehicle_compact_prefix, search_analyzer=vehicle_compact),
        },
    )
    make = Keyword()
    model = Keyword()
    # Vehicles that match (makes and models), or results the query last returned (queries).
    count = Long()
    # Times the query was searched recently (queries only).
    searches = Long()
    # Ranking prior: grows with popularity, logarithmically so that big makes do not drown the rest.
    weight = Float()


SUGGESTION_INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "refresh_interval": "1s"}


def suggestion_index_body() -> dict[str, Any]:
    """Settings (with analyzers) and mappings for a new physical suggestions index."""
    index = Index("unused")
    index.settings(number_of_replicas=settings.SEARCH_INDEX_REPLICAS, **SUGGESTION_INDEX_SETTINGS)
    index.document(SuggestionDocument)
    body = index.to_dict()
    body["mappings"]["dynamic"] = "strict"
    return body


def suggestion_document(
    *, kind: str, text: str, count: int, make: str = "", model: str = "", searches: int = 0
) -> dict[str, Any]:
    """One suggestion. Pure."""
    if kind not in SUGGESTION_KINDS:
        raise ValueError(f"unknown suggestion kind {kind!r}")
    popularity = searches if kind == "query" else count
    return {
        "kind": kind,
        "text": text,
        "make": make or None,
        "model": model or None,
        "count": count,
        "searches": searches,
        "weight": round(1.0 + math.log1p(popularity), 4),
    }
