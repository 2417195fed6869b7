"""When a search finds nothing: a spelling suggestion and a relaxed query, shown as such. Pure builders.

The relaxed query drops one constraint at a time, least telling first (a price bound before the
make), and the first one that finds cars is shown. Every candidate goes out in one `_msearch`
together with the spelling suggestion, so a zero result costs one more round trip, never more.
"""

from __future__ import annotations

import re
from dataclasses import replace

from elasticsearch.dsl import Search

from .fields import FIELDS, RANGES, range_params
from .request import Page, Range, Scope, VehicleQuery
from .vehicles import vehicle_hits_search

# The free text is given up after where the car stands, before the model (search.fields ranks the rest).
TEXT_RELAX_RANK = 110
# Constraints in the order they are given up: "q" is the free text; ranges drop both bounds.
DROP_ORDER: tuple[str, ...] = tuple(
    name
    for _rank, name in sorted(
        [(field.relax_rank, field.name) for field in FIELDS if field.relax_rank is not None] + [(TEXT_RELAX_RANK, "q")]
    )
)
# What the buyer asked for above all: kept until nothing else can be given up.
CORE = ("model", "make")


def present(query: VehicleQuery) -> list[str]:
    names = [name for name, values in query.terms.items() if values]
    names += [name for name, bounds in query.ranges.items() if bounds.low is not None or bounds.high is not None]
    if query.text:
        names.append("q")
    return sorted(names, key=DROP_ORDER.index)


def without(query: VehicleQuery, names: set[str]) -> VehicleQuery:
    return replace(
        query,
        text="" if "q" in names else query.text,
        terms={k: v for k, v in query.terms.items() if k not in names},
        ranges={k: v for k, v in query.ranges.items() if k not in names},
        text_ranks_only=query.text_ranks_only and "q" not in names,
    )


def param_names(query: VehicleQuery, names: list[str]) -> list[str]:
    """Constraint names as the request's parameters ("price" -> the price_min/price_max sent)."""
    out = []
    for name in names:
        if name in RANGES:
            bounds: Range = query.ranges[name]
            low, high = range_params(name)
            out += [p for p, v in ((low, bounds.low), (high, bounds.high)) if v is not None]
        else:
            out.append(name)
    return out


def relaxations(query: VehicleQuery) -> list[tuple[list[str], VehicleQuery]]:
    """(constraints dropped, relaxed query), in the order they are tried: one detail at a time, then
    every detail but the make and model, and only then the model or the make itself."""
    names = present(query)
    if len(names) < 2:
        return []
    core = [name for name in names if name in CORE]
    details = [name for name in names if name not in CORE]
    candidates = [([name], without(query, {name})) for name in details]
    if core and len(details) > 1:
        candidates.append((details, without(query, set(details))))
    candidates += [([name], without(query, {name})) for name in core]
    return candidates


def relaxed_searches(query: VehicleQuery, *, scope: Scope, sort: str, page: Page) -> list[tuple[list[str], Search]]:
    first_page = Page(size=page.size)
    return [
        (dropped, vehicle_hits_search(relaxed, scope=scope, sort=sort, page=first_page, count_total=True))
        for dropped, relaxed in relaxations(query)
    ]


def did_you_mean_search(text: str) -> Search:
    """Corrections for the words no listing has, from the words listings' titles do have."""
    return (
        Search()
        .extra(size=0, track_total_hits=False)
        .suggest(
            "words", text, term={"field": "title", "suggest_mode": "missing", "min_word_length": 3, "sort": "score"}
        )
    )


def did_you_mean(text: str, response: dict) -> str | None:
    corrected = text.lower()
    changed = False
    for entry in response.get("suggest", {}).get("words", []):
        if entry.get("options"):
            best = entry["options"][0]["text"]
            corrected = re.sub(rf"\b{re.escape(entry['text'])}\b", best, corrected, count=1)
            changed = True
    return corrected if changed and corrected != text.lower() else None
