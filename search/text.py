"""Free-text matching for vehicle search: field boosts, typo tolerance, synonyms, business signals. Pure."""

from __future__ import annotations

import re

from elasticsearch.dsl import Q, function
from elasticsearch.dsl.query import Query

from .understanding import compact

# Where words are looked for, and how much a match there counts. Make and model are what buyers
# type most. The description is long and noisy (option lists, other makes named in passing): it is
# supporting evidence only, in a clause of its own that can never outscore a make or model match.
IDENTITY_FIELDS = [
    "make^4",
    "model^4",
    "trim^2",
    "title^2",
    "body_type.text^1.5",
    "features.text",
    "engine",
]
# The short fields that carry a car's identity, where a misspelling is corrected.
FUZZY_FIELDS = ["make^3", "model^3", "trim^1.5", "title^2", "body_type.text"]
# The model name written together ("chr", "xtrail", "f150", "3series"), met by joined query words.
COMPACT_MODEL_FIELD = "model.compact"
# Longer texts are not searched for joined names: the clauses grow with the words (and each of
# them with the synonyms), and the engine caps a query at 1024 clauses.
MAX_JOINED_WORDS = 5
# Where the words around a joined model name must match: the names, not the long fields.
NAME_FIELDS = ["make", "model", "trim", "title"]


def joined_model_clauses(text: str) -> list[Query]:
    """The model however it is split: one, two or three neighbouring words joined ("c hr", "rav 4",
    "f-150") equal to a compact model name, with every other word matching the listing elsewhere.

    Requiring the other words keeps a one-word model from matching alone: "ford fiesta" must not
    find a listing whose model was recorded as "Ford" because the word "ford" equals it.
    """
    words = [w for w in re.split(r"[^0-9a-z]+", compact_words(text)) if w]
    if len(words) > MAX_JOINED_WORDS:
        return []
    clauses = []
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            joined = "".join(words[start : start + size])
            rest = " ".join(words[:start] + words[start + size :])
            must = [Q("term", **{COMPACT_MODEL_FIELD: joined})]
            if rest:
                must.append(Q("multi_match", query=rest, type="cross_fields", fields=NAME_FIELDS, operator="and"))
            # Above a fuzzy match of the same word ("f150" is one edit from "F250").
            clauses.append(Q("bool", must=must, boost=10 * size))
    return clauses


def compact_words(text: str) -> str:
    """Words folded like `compact`, spaces kept."""
    return " ".join(compact(word) for word in text.split())


def text_query(text: str) -> Query:
    """Exact words across the identity fields first, then the same with typos forgiven, the model
    name however it is split, the phrase in the title, and last the description.

    cross_fields lets "toyota camry sunroof" match make, model and features together; it cannot be
    fuzzy, so a best_fields clause with `fuzziness: AUTO` catches "Toyoya Camri" (the title holds
    make, model and trim, so every word can match in one field). Synonyms come from the search
    analyzer. A listing matched by its description alone (every word there) is found, but ranks
    below any listing whose make, model or trim matches.
    """
    return Q(
        "bool",
        should=[
            Q("multi_match", query=text, type="cross_fields", fields=IDENTITY_FIELDS, operator="and", boost=3),
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
            *joined_model_clauses(text),
            Q("match_phrase", title={"query": text, "slop": 1, "boost": 2}),
            # Most of the words, typos forgiven, in any one field (the description too): long
            # queries with a word no title has ("low mileage") still find the cars they describe,
            # weighted far below any make or model match.
            Q(
                "multi_match",
                query=text,
                type="best_fields",
                fields=[*IDENTITY_FIELDS, "description^0.5"],
                fuzziness="AUTO",
                prefix_length=1,
                max_expansions=30,
                minimum_should_match="2<75%",
                boost=0.3,
            ),
        ],
        minimum_should_match=1,
    )


# Buyers abroad do not buy a car they cannot see: a listing with photos outranks one without.
HAS_PHOTOS = Q("range", photo_count={"gte": 1})


def photos_first(query: Query) -> Query:
    """Without text, "Recommended": every listing with photos scores 2, every other 1 (then newest first)."""
    return Q(
        "function_score",
        query=query,
        functions=[function.SF({"filter": HAS_PHOTOS, "weight": 2}), function.SF({"weight": 1})],
        score_mode="max",
        boost_mode="replace",
    )


def with_business_signals(query: Query) -> Query:
    """Blend relevance with freshness, availability and photos: a new, available listing with photos
    edges out a stale one without.

    Multiplicative and bounded (between 0.85 and 1.45 of the text score), so a signal reorders
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
            function.SF({"filter": HAS_PHOTOS, "weight": 0.25}),
            function.SF({"weight": 0.85}),
        ],
        score_mode="sum",
        boost_mode="multiply",
    )
