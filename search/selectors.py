"""Buyer-facing search: build the requests, run them in one round trip, shape the answer.

One function per endpoint, keyword-only arguments; the API views call nothing else.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from catalog.models import Vehicle
from delivery.reference import port_by_code, ports
from recommendations.arms import blend_arm, blend_weights
from recommendations.services import log_impressions
from search.fields import SYNC_BUCKETS
from search.indexes import suggestions_alias, vehicles_alias

from .blend import blend_ranking
from .coviews import coviewed_vehicles
from .currency import currency_rates, to_usd
from .cursors import encode_cursor
from .executor import TextTemplate, indexed_documents, run_searches, run_template
from .facets import FACET_NAMES, sample_slots, split_sampled_groups
from .request import Page, Scope, VehicleQuery
from .results import Destination, facet_lists, matching_count, spread_lookalikes, vehicle_card, vehicle_cards
from .sharing import run_searches_shared, shared
from .similar import Target, similar_vehicles_search, similarity_reasons, vehicles_by_id_search
from .suggest import TYPEAHEAD_CARD, suggestions_search, typeahead_vehicles_search
from .understanding import Interpretation, fold, interpreted_query
from .understanding import interpret as interpret_text
from .vehicles import (
    narrow_group_facets_searches,
    vehicle_count_search,
    vehicle_facets_search,
    vehicle_hits_search,
)
from .vocabulary import vehicle_vocabulary
from .zero_results import did_you_mean, did_you_mean_search, param_names, relaxed_searches

# Page numbers reach this deep (page x size); beyond it, clients follow `next_cursor`.
PAGE_WINDOW = 1000
# The blend of recommendations (similarity vs co-views) depends on the viewer's A/B arm: recommendations/arms.py.
# Where a search's log line goes: the caller passes it (the API and the pages pass insights'
# `record_search`), so this layer never imports the app that reads the log back through search.
SearchLogSink = Callable[[dict[str, Any]], None]


def port_words() -> dict[str, tuple[str, str]]:
    """Folded port name, alias and code -> (code, name): what query understanding reads as a port."""
    words: dict[str, tuple[str, str]] = {}
    for port in ports():
        for name in (port.name, *port.aliases, port.code):
            words[fold(name)] = (port.code, port.name)
    return words


def destination_of(query: VehicleQuery) -> Destination | None:
    """The chosen port and its country, for the cards (None: no port chosen, or one since retired)."""
    port = port_by_code(query.port) if query.port else None
    return Destination(port.code, port.country) if port else None


def public_scope() -> Scope:
    return Scope(statuses=tuple(settings.SEARCHABLE_STATUSES))


@dataclass(frozen=True)
class Viewer:
    """Who searched (for the search log): a signed-in user, an anonymous session, or neither."""

    user_id: int | None = None
    session_key: str = ""
    # A keyed hash of the client's network (the log counts networks, not sessions, as people).
    network: str = ""
    # The language the answer is in ("en", "fr"): demand by language in the analysts' reports.
    language: str = ""


def cursor_fingerprint(query: VehicleQuery, sort: str) -> str:
    return query.fingerprint(sort)


def _page_links(*, hits: list[dict], page: Page, total: int, sort: str, query: VehicleQuery) -> dict[str, Any]:
    shown_to = page.offset + len(hits)
    more = len(hits) == page.size and (page.search_after is not None or shown_to < total)
    next_page = None
    if page.search_after is None and more and (page.number + 1) * page.size <= PAGE_WINDOW:
        next_page = page.number + 1
    cursor = encode_cursor(hits[-1]["sort"], fingerprint=cursor_fingerprint(query, sort)) if more else None
    return {
        "size": page.size,
        "number": None if page.search_after is not None else page.number,
        "next_page": next_page,
        "next_cursor": cursor,
    }


def log_search(
    endpoint: str,
    query: VehicleQuery,
    sort: str,
    page: Page,
    result: dict[str, Any],
    *,
    started: float,
    viewer: Viewer | None,
    log_to: SearchLogSink | None,
    applied: VehicleQuery | None = None,
) -> str:
    """A new search id, under which the search's log line goes to the sink if there is one (page 0 =
    reached by cursor). The id is answered either way: clicks and impressions refer to it.

    The line keeps the text as typed and the selections the search `applied` (the text's understood
    makes, models, years... included), so demand filtered by make and model counts "hilux" typed."""
    search_id = str(uuid.uuid4())
    if log_to is None:
        return search_id
    viewer = viewer or Viewer()
    selected = applied or query
    log_to(
        {
            "id": search_id,
            "searched_at": datetime.now(UTC).isoformat(),
            "endpoint": endpoint,
            "query_text": query.text,
            "filters": {
                "terms": {k: list(v) for k, v in selected.terms.items()},
                "ranges": {k: asdict(v) for k, v in selected.ranges.items()},
                "near": asdict(selected.near) if selected.near else None,
            },
            "sort": sort,
            "page": page.number if page.search_after is None else 0,
            "result_count": result["total"],
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
            "engine_ms": result["took_ms"],
            "user_id": viewer.user_id,
            "session_key": viewer.session_key,
            "network": viewer.network,
            "language": viewer.language,
            # A port's UN/LOCODE starts with its country's ISO code: where the buyer's prices are for.
            "buyer_country": query.port[:2],
        }
    )
    return search_id


def run_vehicle_search(
    *,
    query: VehicleQuery,
    scope: Scope,
    sort: str,
    page: Page,
    currency: str,
    facets: tuple[str, ...],
    extra: list | None = None,
    cursor_query: VehicleQuery | None = None,
    sample_broad: bool = False,
) -> tuple[dict[str, Any], list[dict]]:
    """Hits and facets (and any extra searches) in one round trip; shared by buyers' and dealers' search.

    `cursor_query` is the query as the caller sent it, when the one searched was derived from it
    (query understanding): cursors are bound to what the caller will send again. With
    `sample_broad`, a browse's facets are counted on a sample of the market in the same round trip as
    its hits and exact count; the facet groups that turn out to match no more than
    SEARCH_EXACT_FACETS_UP_TO documents are then counted exactly, in a second, cheap round trip.
    Estimated counts are flagged in `exhaustive`.
    Identical requests within SEARCH_ANSWER_SHARING_SECONDS share one round trip (search.sharing).
    """
    units_per_usd = float(currency_rates()[currency])
    alias = vehicles_alias()
    # Browsing (no text left to match) is what can match most of the market: its facets are counted
    # on a sample, in the same round trip as the page and its exact count (search.facets.sample_slots).
    sample = None
    if facets and sample_broad and not query.text and settings.SEARCH_EXACT_FACETS_UP_TO > 0:
        limit = settings.SEARCH_EXACT_FACETS_UP_TO
        sample = sample_slots(indexed_documents(alias), exact_up_to=limit, slots=SYNC_BUCKETS)
    # The page of hits never counts its total (counting would walk every match in sort order): the
    # total comes from the exact facets, or with a sample from a count of its own (filters only).
    hits_search = vehicle_hits_search(query, scope=scope, sort=sort, page=page, count_total=not facets)
    searches: list = [(alias, hits_search)]
    if facets:
        facets_search = vehicle_facets_search(
            query, scope=scope, facets=facets, units_per_usd=units_per_usd, sample=sample
        )
        searches.append((alias, facets_search))
        if sample is not None:
            searches.append((alias, vehicle_count_search(query, scope=scope)))
    searches.extend(extra or [])
    outcome = run_searches_shared(searches, seconds=settings.SEARCH_ANSWER_SHARING_SECONDS)
    responses, took_ms = outcome.responses, outcome.took_ms
    hits_response = responses[0]
    hits = hits_response["hits"]["hits"]
    estimated = False
    if not facets:
        facet_counts, total = {}, hits_response["hits"]["total"]["value"]
    elif sample is None:
        aggregations = responses[1]["aggregations"]
        facet_counts = facet_lists(aggregations, terms=query.terms, units_per_usd=units_per_usd)
        total = matching_count(aggregations)
    else:
        total = responses[2]["hits"]["total"]["value"]
        sampled, narrow = split_sampled_groups(
            responses[1]["aggregations"], scale=SYNC_BUCKETS / sample, exact_up_to=settings.SEARCH_EXACT_FACETS_UP_TO
        )
        facet_counts = facet_lists(sampled, terms=query.terms, units_per_usd=units_per_usd, scale=SYNC_BUCKETS / sample)
        estimated = bool(facet_counts)
        if narrow:
            # The narrow groups (a few thousand documents each) are cheap to count exactly, each over
            # its own documents: one more round trip.
            exact_searches = narrow_group_facets_searches(
                query, scope=scope, groups=narrow, facets=facets, units_per_usd=units_per_usd
            )
            exact = run_searches_shared(
                [(alias, s) for s in exact_searches], seconds=settings.SEARCH_ANSWER_SHARING_SECONDS
            )
            took_ms += exact.took_ms
            counted = {key: response["aggregations"] for key, response in zip(narrow, exact.responses, strict=True)}
            facet_counts |= facet_lists(counted, terms=query.terms, units_per_usd=units_per_usd)
        facet_counts = {name: facet_counts[name] for name in facets if name in facet_counts}
    now = datetime.now(UTC)
    cards = vehicle_cards(
        hits_response, currency=currency, units_per_usd=units_per_usd, now=now, destination=destination_of(query)
    )
    if sort == "distance":
        for card, hit in zip(cards, hits):
            card["distance_km"] = round(hit["sort"][0], 2)
    result = {
        "total": total,
        "page": _page_links(hits=hits, page=page, total=total, sort=sort, query=cursor_query or query),
        "sort": sort,
        "currency": currency,
        "results": cards,
        "facets": facet_counts,
        # Algolia's name for it: false when some facet counts are estimated from a sample.
        "exhaustive": {"facets_count": not estimated},
        "took_ms": took_ms,
    }
    return result, responses[len(searches) - len(extra or []) :]


def understood(query: VehicleQuery, *, currency: str) -> tuple[Interpretation, VehicleQuery]:
    """What the free text says (makes, models, years, prices, attributes) and the query it makes."""
    if not query.text:
        return Interpretation(applied=False, text=""), query
    rates = currency_rates()
    explicit = [*query.terms, *query.ranges]
    interpretation = interpret_text(
        query.text,
        vocabulary=vehicle_vocabulary(),
        units_per_usd=rates,
        currency=currency,
        taken=explicit,
        ports=port_words(),
    )
    return interpretation, interpreted_query(query, interpretation, units_per_usd=rates[currency])


def zero_result_help(
    *, query: VehicleQuery, text: str, sort: str, page: Page, currency: str
) -> tuple[str | None, dict | None, list[dict]]:
    """(did_you_mean, relaxed, relaxed cards) for a search that found nothing; one round trip.

    Only the words query understanding left over are spell-checked (`query.text`); the suggestion
    is the caller's whole `text` with those words corrected.
    """
    candidates = relaxed_searches(query, scope=public_scope(), sort=sort, page=page)
    searches = [(vehicles_alias(), search) for _, search in candidates]
    if query.text:
        searches.append((vehicles_alias(), did_you_mean_search(query.text)))
    if not searches:
        return None, None, []
    outcome = run_searches(searches)
    suggestion = did_you_mean(text, outcome.responses[-1]) if query.text else None
    for (dropped, _), response in zip(candidates, outcome.responses):
        total = response["hits"]["total"]["value"]
        if total:
            units = float(currency_rates()[currency])
            cards = vehicle_cards(
                response,
                currency=currency,
                units_per_usd=units,
                now=datetime.now(UTC),
                destination=destination_of(query),
            )
            return suggestion, {"dropped": param_names(query, dropped), "total": total}, cards
    return suggestion, None, []


def vehicle_search(
    *,
    query: VehicleQuery,
    sort: str,
    page: Page,
    currency: str = "USD",
    facets: tuple[str, ...] = FACET_NAMES,
    viewer: Viewer | None = None,
    interpret: bool = True,
    log_to: SearchLogSink | None = None,
) -> dict[str, Any]:
    """Public vehicle search: hits, disjunctive facets and page links; with `log_to`, the search is
    logged (off the request path: the sink buffers).

    With `interpret`, makes, models, years, prices and attribute words in the text become selections
    (echoed as `interpretation`). A search that finds nothing also answers `did_you_mean` and, when
    dropping a constraint finds cars, those cars with `relaxed` saying which constraints were dropped.
    """
    started = time.perf_counter()
    if interpret:
        interpretation, searched = understood(query, currency=currency)
    else:
        interpretation, searched = Interpretation(applied=False, text=query.text), query
    result, _ = run_vehicle_search(
        query=searched,
        scope=public_scope(),
        sort=sort,
        page=page,
        currency=currency,
        facets=facets,
        cursor_query=query,
        sample_broad=True,
    )
    if sort == "relevance":
        result["results"] = spread_lookalikes(result["results"])
    result["interpretation"] = interpretation.as_dict()
    result["did_you_mean"], result["relaxed"] = None, None
    if result["total"] == 0 and page.offset == 0 and page.search_after is None:
        result["did_you_mean"], result["relaxed"], relaxed_cards = zero_result_help(
            query=searched, text=query.text, sort=sort, page=page, currency=currency
        )
        if result["relaxed"]:
            result["results"] = relaxed_cards
    search_id = log_search(
        "vehicles", query, sort, page, result, started=started, viewer=viewer, log_to=log_to, applied=searched
    )
    return {"search_id": search_id, **result}


def vehicle_suggestions(*, text: str, size: int = 8, vehicles: int = 3) -> dict[str, Any]:
    """Typeahead: suggestions of every kind and the top vehicles, in one `_msearch`.

    The answer is shared by identical keystrokes within SEARCH_ANSWER_SHARING_SECONDS, keyed by the
    parameters themselves (no query to build or hash), and kept warm while it is asked for: the
    prefixes buyers type most are answered from memory, never older than those seconds. Callers must
    not change the answer (it is shared)."""
    return shared(
        f"typeahead\0{text}\0{size}\0{vehicles}",
        lambda: _vehicle_suggestions(text=text, size=size, vehicles=vehicles),
        seconds=settings.SEARCH_ANSWER_SHARING_SECONDS,
        keep_warm=True,
    )


@functools.lru_cache(maxsize=64)
def _typeahead_template(suggestions_index: str, vehicles_index: str, scope: Scope, size: int, vehicles: int):
    """A keystroke's two searches with the text left open, built once per shape (indexes, scope, sizes)."""
    return TextTemplate(
        [
            (suggestions_index, suggestions_search(TextTemplate.PLACEHOLDER, size=size * 2)),
            (vehicles_index, typeahead_vehicles_search(TextTemplate.PLACEHOLDER, scope=scope, size=vehicles)),
        ],
        optional=frozenset({suggestions_index}),
    )


def _vehicle_suggestions(*, text: str, size: int, vehicles: int) -> dict[str, Any]:
    template = _typeahead_template(suggestions_alias(), vehicles_alias(), public_scope(), size, vehicles)
    outcome = run_template(template, text)
    suggestions, seen = [], set()
    for hit in outcome.responses[0]["hits"]["hits"]:
        doc = hit["_source"]
        # A model and its "make model" say the same thing: keep whichever ranks higher.
        key = (
            ("query", doc["text"])
            if doc["kind"] == "query"
            else ("make", doc["make"])
            if doc["kind"] == "make"
            else ("model", doc["make"], doc["model"])
        )
        if key in seen:
            continue
        seen.add(key)
        suggestions.append(
            {
                "kind": doc["kind"],
                # A model is shown with its make: "Astra" is a Vauxhall, an Opel and a Holden.
                "text": f"{doc['make']} {doc['text']}" if doc["kind"] == "model" else doc["text"],
                "make": doc.get("make"),
                "model": doc.get("model"),
                "count": doc["count"],
            }
        )
        if len(suggestions) == size:
            break
    units = float(currency_rates()["USD"])
    now = datetime.now(UTC)
    top = []
    for hit in outcome.responses[1]["hits"]["hits"]:
        full = vehicle_card(hit["_source"], currency="USD", units_per_usd=units, now=now)
        card = {key: full[key] for key in TYPEAHEAD_CARD}
        # A keystroke's answer stays small on paid data: the thumbnail and its placeholder only.
        if card["cover"]:
            card["cover"] = {key: card["cover"][key] for key in ("thumb", "placeholder", "illustration")}
        top.append(card)
    return {"query": text, "suggestions": suggestions, "vehicles": top, "took_ms": outcome.took_ms}


def _target(vehicle_id: int) -> Target:
    vehicle = Vehicle.objects.select_related("currency").get(pk=vehicle_id)
    return Target(
        vehicle_id=vehicle.pk,
        make=vehicle.make,
        model=vehicle.model,
        body_type=vehicle.body_type,
        year=vehicle.year,
        price_usd=round(to_usd(vehicle.price, vehicle.currency.units_per_usd), 2),
        text=" ".join(
            filter(
                None,
                [
                    vehicle.make,
                    vehicle.model,
                    vehicle.trim,
                    vehicle.body_type,
                    " ".join(vehicle.features or []),
                    vehicle.description,
                ],
            )
        )[:4000],
    )


def similar_vehicles(
    *, vehicle_id: int, size: int = 10, currency: str = "USD", viewer: Viewer | None = None
) -> dict[str, Any]:
    """More like this vehicle, blended with what its viewers also viewed. Raises Vehicle.DoesNotExist.

    The blend's weights come from the viewer's arm; the list shown is logged (off the request path)
    with a list id the client sends back with a click."""
    viewer = viewer or Viewer()
    arm = blend_arm(user_id=viewer.user_id, session_key=viewer.session_key)
    similarity_weight, coview_weight = blend_weights(arm)
    target = _target(vehicle_id)
    coviews = coviewed_vehicles(vehicle_id, limit=size * 2)
    searches: list = [(vehicles_alias(), similar_vehicles_search(target, size=size * 2))]
    if coviews:
        searches.append((vehicles_alias(), vehicles_by_id_search([vid for vid, _, _ in coviews], exclude=vehicle_id)))
    outcome = run_searches(searches)
    sources: dict[int, dict] = {}
    matched: dict[int, list[str]] = {}
    similarity: dict[int, float] = {}
    for hit in outcome.responses[0]["hits"]["hits"]:
        vid = hit["_source"]["vehicle_id"]
        sources[vid], matched[vid], similarity[vid] = hit["_source"], hit.get("matched_queries", []), hit["_score"]
    available = set()
    if coviews:
        for hit in outcome.responses[1]["hits"]["hits"]:
            sources.setdefault(hit["_source"]["vehicle_id"], hit["_source"])
            available.add(hit["_source"]["vehicle_id"])
    coview_scores = {vid: score for vid, score, _ in coviews if vid in available}
    viewers = {vid: count for vid, _, count in coviews}
    ranked, blended = blend_ranking(
        similarity, coview_scores, weights=(similarity_weight, coview_weight), size=size, exclude=vehicle_id
    )
    units = float(currency_rates()[currency])
    now = datetime.now(UTC)
    results = []
    for vid in ranked:
        reasons = similarity_reasons(target, sources[vid], matched.get(vid, []))
        if vid in coview_scores:
            reasons.append(f"Buyers who viewed this also viewed ({viewers[vid]})")
        card = vehicle_card(sources[vid], currency=currency, units_per_usd=units, now=now)
        results.append({**card, "score": round(blended[vid], 4), "reasons": reasons})
    list_id = log_impressions(
        source_vehicle_id=vehicle_id,
        vehicle_ids=ranked,
        arm=arm,
        user_id=viewer.user_id,
        session_key=viewer.session_key,
    )
    return {"vehicle_id": vehicle_id, "results": results, "took_ms": outcome.took_ms, "list_id": list_id, "arm": arm}
