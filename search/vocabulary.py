"""The makes, models and places query understanding knows: read from the index, kept in memory.

The suggestions index already holds one document per (make, model) with its listing count, rebuilt
every few minutes; reading it on every search would add a round trip, so the vocabulary is cached
for as long as the index itself stays unchanged at most. The places (search.fields PLACE_FIELDS: cities,
countries) are the values the vehicles index holds, read in the same round trip. Without an index
(not built yet, engine down) the vocabulary is empty: attribute words, years and prices are still understood.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from elasticsearch.dsl import Q, Search

from search.fields import PLACE_FIELDS
from search.indexes import suggestions_alias, vehicles_alias

from .executor import EngineUnavailable, SearchFailed, run_searches
from .understanding import Vocabulary

log = logging.getLogger(__name__)

# More pairs than any market has (the real listings: ~1,500); the index is small.
MAX_MODELS = 10_000
# More cities than a market has (the generated and real listings: a few hundred).
MAX_PLACES = 5_000
# An empty vocabulary (index missing) is retried soon; a full one lives as long as the index does.
_RETRY_SECONDS = 10.0
_lock = threading.Lock()
_cache: tuple[float, Vocabulary] | None = None


def vocabulary_search() -> Search:
    """Every (make, model) suggestion with its listing count."""
    return (
        Search()
        .query(Q("bool", filter=[Q("term", kind="model")]))
        .source(["make", "model", "count"])
        .extra(size=MAX_MODELS, track_total_hits=False)
    )


def places_search() -> Search:
    """Every value of each place field the listed vehicles hold."""
    search = Search().extra(size=0, track_total_hits=False)
    for place in PLACE_FIELDS:
        search.aggs.bucket(place.name, "terms", field=place.facet.field, size=MAX_PLACES)
    return search


def vehicle_vocabulary() -> Vocabulary:
    global _cache
    now = time.monotonic()
    cached = _cache
    if cached is not None and now < cached[0]:
        return cached[1]
    with _lock:
        try:
            alias, vehicles = suggestions_alias(), vehicles_alias()
            outcome = run_searches(
                [(alias, vocabulary_search()), (vehicles, places_search())], optional=frozenset({alias, vehicles})
            )
            rows = [
                (hit["_source"]["make"], hit["_source"]["model"], hit["_source"]["count"])
                for hit in outcome.responses[0].get("hits", {}).get("hits", [])
            ]
            aggregations = outcome.responses[1].get("aggregations", {})
            places = {
                name: [bucket["key"] for bucket in aggregations.get(name, {}).get("buckets", [])]
                for name in (place.name for place in PLACE_FIELDS)
            }
        except (EngineUnavailable, SearchFailed) as exc:
            log.warning("query understanding without makes, models and places: %s", exc)
            rows, places = [], {}
        vocabulary = Vocabulary.from_rows(rows, places)
        ttl = settings.SEARCH_SUGGESTIONS_REFRESH_SECONDS if rows else _RETRY_SECONDS
        _cache = (now + ttl, vocabulary)
        return vocabulary


def forget_vocabulary() -> None:
    """Drop the cached vocabulary (tests, and after a suggestions rebuild in this process)."""
    global _cache
    _cache = None
