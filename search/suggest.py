"""Typeahead: suggestions (makes, models, make+model, past queries) and the top few vehicles. Pure.

Both requests go out in one `_msearch`. Suggestions come from the small suggestions index (a few
thousand documents), so a keystroke costs the same at a thousand vehicles as at a million.
"""

from __future__ import annotations

from elasticsearch.dsl import Q, Search

from .filters import scope_filters
from .request import Scope

SUGGESTION_SOURCE = ["kind", "text", "make", "model", "count", "searches"]
# What a typeahead vehicle answers: what those fields make of a card, nothing left empty (paid data).
TYPEAHEAD_CARD = (
    "id",
    "title",
    "make",
    "model",
    "year",
    "mileage_km",
    "price",
    "price_usd",
    "display_price",
    "cover",
    "country",
    "city",
    "status",
)
# The document fields those are made from: a card's id is the document's vehicle_id, its prices need
# the listing's currency.
VEHICLE_SOURCE = ["vehicle_id", "currency", *(key for key in TYPEAHEAD_CARD if key not in ("id", "display_price"))]


def suggestions_search(text: str, *, size: int) -> Search:
    """Word prefixes with typos forgiven ("toyp" -> "toyota"), whole words with synonyms ("chevy"),
    ranked by text match times popularity. Query suggestions that found nothing are never offered."""
    matched = Q(
        "bool",
        should=[
            Q(
                "match",
                **{
                    "text.prefix": {
                        "query": text,
                        "operator": "and",
                        "fuzziness": "AUTO",
                        "prefix_length": 1,
                        "max_expansions": 20,
                    }
                },
            ),
            Q("match", **{"text.prefix": {"query": text, "operator": "and", "boost": 2}}),
            Q("match", text={"query": text, "operator": "and", "boost": 3}),
            # The name typed together or split differently: "chr", "xtr", "rav 4", "toyota c h"; a
            # whole name ("chr": the C-HR) as much as the words it begins ("Chrysler").
            Q("match", **{"text.compact_prefix": {"query": text, "boost": 2}}),
            Q("match", **{"text.compact": {"query": text, "boost": 4}}),
        ],
        minimum_should_match=1,
        must_not=[Q("bool", filter=[Q("term", kind="query"), Q("term", count=0)])],
    )
    ranked = Q(
        "function_score", query=matched, field_value_factor={"field": "weight", "missing": 1}, boost_mode="multiply"
    )
    return Search().query(ranked).source(SUGGESTION_SOURCE).extra(size=size, track_total_hits=False)


# Typeahead vehicles are ranked among the first matches found, not all of them: a short prefix
# ("t", "merc") matches a large share of the index, and a preview need not be the global best.
TYPEAHEAD_CANDIDATES = 2000


def typeahead_vehicles_search(text: str, *, scope: Scope, size: int) -> Search:
    """The few vehicles that best match what is typed so far; no total, no aggregations: cheap."""
    matched = Q(
        "bool",
        should=[
            Q(
                "multi_match",
                query=text,
                type="bool_prefix",
                operator="and",
                fields=["make_model.sayt", "make_model.sayt._2gram", "make_model.sayt._3gram"],
            ),
            Q(
                "match",
                title={"query": text, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1, "max_expansions": 20},
            ),
            Q("match", **{"make_model.compact_prefix": {"query": text}}),
            Q("match", **{"model.compact_prefix": {"query": text}}),
        ],
        minimum_should_match=1,
        filter=scope_filters(scope),
    )
    return (
        Search()
        .query(matched)
        .source(VEHICLE_SOURCE)
        .extra(size=size, track_total_hits=False, terminate_after=TYPEAHEAD_CANDIDATES)
    )
