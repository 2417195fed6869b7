"""Free-text matching for vehicle search: field boosts, typo tolerance, synonyms, business signals. Pure."""

from __future__ import annotations

from elasticsearch.dsl import Q, function
from elasticsearch.dsl.query import Query

# Where words are looked for, and how much a match there counts. Make and model are what buyers
# type most; the description is long and noisy, so it counts least.
TEXT_FIELDS = [
    "make^4",
    "model^4",
    "trim^2",
    "title^2",
    "body_type.text^1.5",
    "features.text",
    "engine",
    "description^0.5",
]
# The short fields that carry a car's identity, where a misspelling is corrected.
FUZZY_FIELDS = ["make^3", "model^3", "trim^1.5", "title^2", "body_type.text"]


def text_query(text: str) -> Query:
    """Exact words across fields first, then the same with typos forgiven, then the phrase in the title.

    cross_fields lets "toyota camry sunroof" match make, model and features together; it cannot be
    fuzzy, so a best_fields clause with `fuzziness: AUTO` catches "Toyoya Camri" (the title holds
    make, model and trim, so every word can match in one field). Synonyms come from the search analyzer.
    """
    return Q(
        "bool",
        should=[
            Q("multi_match", query=text, type="cross_fields", fields=TEXT_FIELDS, operator="and", boost=3),
            Q(
                "multi_match",
                query=text,
                type="best_fields",
                fields=FUZZY_FIELDS,
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=30,
                operator="and",
            ),
            Q(
                "multi_match",
                query=text,
                type="best_fields",
                fields=TEXT_FIELDS,
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=30,
                minimum_should_match="2<75%",
                boost=0.5,
            ),
            Q("match_phrase", title={"query": text, "slop": 1, "boost": 2}),
        ],
        minimum_should_match=1,
    )


def with_business_signals(query: Query) -> Query:
    """Blend relevance with freshness and availability: a new, available listing edges out a stale one.

    Multiplicative and bounded (between 0.85 and 1.2 of the text score), so a signal reorders
    near-ties but never lifts a poor text match over a good one. Freshness is measured from the start
    of the day, so scores (and cursors holding them) stay stable from one page to the next.
    """
    return Q(
        "function_score",
        query=query,
        functions=[
            function.SF(
                "gauss", listed_at={"origin": "now/d", "scale": "60d", "offset": "7d", "decay": 0.5}, weight=0.25
            ),
            function.SF({"filter": Q("term", status="available"), "weight": 0.1}),
            function.SF({"weight": 0.85}),
        ],
        score_mode="sum",
        boost_mode="multiply",
    )
