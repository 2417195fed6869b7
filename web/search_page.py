"""What the search page shows for one URL: the search selector's answer (the API's own), arranged for
the template, with the chips, the links that change the state and, for no results, the ways out."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.reference import port_by_code
from insights.buffer import record_search
from insights.selectors import popular_searches
from search.fields import BY_NAME, PER_PORT_RANGES, RANGES, TERM_PARAMS, TOGGLE_FIELDS, range_params
from search.request import Page, VehicleQuery
from search.selectors import (
    Viewer,
    public_scope,
    run_vehicle_search,
    understood,
    vehicle_search,
    vehicle_suggestions,
)

from .labels import FACET_TITLES, value_label
from .search_state import (
    LIST_FACETS,
    PAGES,
    RANGE_FACETS,
    chips,
    clear_all_url,
    range_label,
    relax_last_url,
    url_of,
)

# Values shown before "show more" in a facet list.
SHOWN_VALUES = 6
POPULAR_MAKES = 8
POPULAR_SEARCHES = 8
POPULAR_SEARCH_DAYS = 30


def search_page_content(params: dict[str, Any], *, query: QueryDict, viewer: Viewer, pages: int = 1) -> dict[str, Any]:
    """`pages`: how many pages "load more" has shown. Without a cursor they are fetched as one page
    (a reload shows the same results); with one, it is the page the cursor opens (its ranks)."""
    page: Page = params["page"]
    if page.search_after is None and page.number == 1 and pages > 1:
        page = replace(page, size=page.size * pages)
    result = vehicle_search(
        query=params["query"],
        sort=params["sort"],
        page=page,
        currency=params["currency"],
        facets=params["facets"],
        viewer=viewer,
        interpret=params["interpret"],
        log_to=record_search,
    )
    facets = result["facets"]
    # Ranks for the click log: a page reached by cursor is page `pages` of the base size.
    number = result["page"]["number"]
    before = (number - 1) * page.size if number else (pages - 1) * params["page"].size
    for rank, card in enumerate(result["results"], start=1):
        card["position"] = before + rank
    next_cursor = result["page"]["next_cursor"]
    shown_pages = pages if number is None else -(-(before + len(result["results"])) // params["page"].size)
    content = {
        "result": result,
        "lists": [_facet_list(name, facets.get(name, []), query) for name in LIST_FACETS],
        # Delivered and CIF bounds need a port: offered once one is chosen.
        "ranges": [
            _range(name, facets.get(name, []), query)
            for name in RANGE_FACETS
            if params["query"].port or name not in PER_PORT_RANGES
        ],
        "toggles": [
            {
                "param": range_params(f.name)[0],
                "value": str(f.toggle_min),
                "label": f.toggle,
                "on": query.get(range_params(f.name)[0]) == str(f.toggle_min),
            }
            for f in TOGGLE_FIELDS
        ],
        "importable": _importable(params["query"].port, facets.get("importable", []), query),
        "chips": chips(query, value_label),
        "hidden": _unlisted_choices(query, facets),
        "clear_all_url": clear_all_url(query),
        "more_url": None
        if not next_cursor
        else url_of(query, **{PAGES: [str(shown_pages + 1)]}) + "&cursor=" + next_cursor,
        "sort": params["sort"],
        "interpretation": _interpretation_shown(result.get("interpretation"), params["currency"]),
        "exact_url": url_of(query, interpret=["0"]),
    }
    if result["total"] == 0:
        content["help"] = _zero_result_help(params["query"], query, result, params["currency"])
    return content


def _interpretation_shown(interpretation: dict | None, currency: str) -> dict | None:
    """The engine's reading of the text with the page's words for it, in the page's language: a
    value as its facet names it ("Blanc", "SUV"), a range once as a chip names it ("Année : ≥ 2015");
    makes, models and ports keep their names."""
    if not interpretation:
        return interpretation
    chips, ranges = [], {}
    for chip in interpretation["chips"]:
        root = chip["param"].removesuffix("_min").removesuffix("_max")
        if root in RANGES and root != chip["param"]:
            if root not in ranges:
                ranges[root] = {"min": None, "max": None, "at": len(chips)}
                chips.append(None)
            ranges[root][chip["param"].rsplit("_", 1)[1]] = chip["value"]
        elif chip["param"] in TERM_PARAMS and chip["param"] not in ("make", "model"):
            chips.append({**chip, "label": value_label(chip["param"], chip["value"])})
        else:
            chips.append(chip)
    for root, bounds in ranges.items():
        low, high = bounds["min"], bounds["max"]
        label = range_label(root, low, high, currency)
        chips[bounds["at"]] = {"param": root, "value": f"{low or ''}-{high or ''}", "label": label}
    return {**interpretation, "chips": chips}


def _only_view(query: QueryDict) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in ("currency", "sort"):
        if name in query:
            kept.setlist(name, query.getlist(name))
    return kept


def _facet_list(name: str, buckets: list[dict], query: QueryDict) -> dict[str, Any]:
    chosen = set(query.getlist(name))
    values = [{**bucket, "selected": bucket["selected"] or str(bucket["value"]) in chosen} for bucket in buckets]
    # Chosen values stay in the visible part even when their counts are small.
    values.sort(key=lambda b: not b["selected"])
    models_chosen = set(query.getlist("model"))
    if name == "make":
        for bucket in values:
            bucket["children"] = (
                [{**m, "selected": m["value"] in models_chosen} for m in bucket.get("models", [])]
                if bucket["selected"]
                else []
            )
    return {"name": name, "shown": values[:SHOWN_VALUES], "more": values[SHOWN_VALUES:]}


def _unlisted_choices(query: QueryDict, facets: dict[str, list[dict]]) -> list[tuple[str, str]]:
    """Chosen values that no checkbox carries (a model without its make, a city, a dealer): kept as
    hidden inputs, so changing another filter does not drop them."""
    listed = {(name, str(b["value"])) for name in LIST_FACETS for b in facets.get(name, [])}
    listed |= {
        ("model", str(m["value"]))
        for b in facets.get("make", [])
        if str(b["value"]) in query.getlist("make")
        for m in b.get("models", [])
    }
    # The importable checkbox stands for the chosen port's country: unchecking it must drop it.
    return [
        (name, value)
        for name in TERM_PARAMS
        for value in query.getlist(name)
        if (name, value) not in listed and name != "importable"
    ]


def _importable(port: str, buckets: list[dict], query: QueryDict) -> dict[str, Any] | None:
    """The chosen port's country as one checkbox with its count ("Importable to Kenya (72)")."""
    destination = port_by_code(port) if port else None
    if destination is None:
        return None
    counts = {bucket["value"]: bucket["count"] for bucket in buckets}
    return {
        "country": destination.country,
        "name": destination.country_name,
        "name_fr": destination.country_name_fr,
        "count": counts.get(destination.country, 0),
        "selected": destination.country in query.getlist("importable"),
    }


def _range(name: str, buckets: list[dict], query: QueryDict) -> dict[str, Any]:
    return {
        "in_currency": BY_NAME[name].range_param.in_currency,
        "name": name,
        "low": query.get(f"{name}_min", ""),
        "high": query.get(f"{name}_max", ""),
        "buckets": buckets,
        "bounds": (buckets[0]["from"], buckets[-1]["to"]) if buckets else None,
    }


def _zero_result_help(vehicle_query: VehicleQuery, query: QueryDict, result: dict, currency: str) -> dict[str, Any]:
    """Did you mean (the engine's, else the typeahead's best guess), the relaxed search the selector ran
    (its cars are in result["results"]), drop the last filter, popular searches and popular makes."""
    did_you_mean = result.get("did_you_mean")
    if not did_you_mean and vehicle_query.text:
        guesses = vehicle_suggestions(text=vehicle_query.text, size=3, vehicles=0)["suggestions"]
        did_you_mean = next((s["text"] for s in guesses if s["text"].casefold() != vehicle_query.text.casefold()), None)
    market, _ = run_vehicle_search(
        query=VehicleQuery(),
        scope=public_scope(),
        sort="newest",
        page=Page(size=1, number=1),
        currency=currency,
        facets=("make",),
    )
    relaxed = result.get("relaxed")
    # More than are shown: those that are not a vehicle as the market lists it are dropped.
    searches = popular_searches(since=timezone.now() - timedelta(days=POPULAR_SEARCH_DAYS), limit=POPULAR_SEARCHES * 3)
    return {
        "did_you_mean": did_you_mean,
        "did_you_mean_url": url_of(query, q=[did_you_mean]) if did_you_mean else None,
        "relaxed": relaxed,
        "relaxed_without": _dropped_titles(relaxed["dropped"]) if relaxed else [],
        "relaxed_url": url_of(query, **dict.fromkeys(relaxed["dropped"])) if relaxed else None,
        "relax_url": relax_last_url(query),
        "searches": [
            {"text": text, "url": url_of(_only_view(query), q=[text])}
            for text in shown_searches(searches, currency=currency)
            if text.casefold() != vehicle_query.text.casefold()
        ],
        "popular": [
            {"value": b["value"], "count": b["count"], "url": url_of(_only_view(query), make=[b["value"]])}
            for b in market["facets"].get("make", [])[:POPULAR_MAKES]
        ],
    }


# What a popular search may name to be offered: vehicles and their years, not prices or ports.
OFFERED_PARAMS = ("make", "model", "year_min", "year_max", "body", "fuel", "transmission", "drive")


def shown_searches(searches: list[dict], *, currency: str) -> list[str]:
    """The logged texts buyers may see, normalised: each as the page understands it ("toyota camri" ->
    "Toyota Camry"), only those it reads whole as vehicles the market lists (makes and models
    come from the listings), once each. Anything else ("@sum(1+1)*cmd|x", "my cousins car", a
    phone number) is someone's typing and never shown."""
    shown: list[str] = []
    for search in searches:
        interpretation, _query = understood(VehicleQuery(text=search["query"]), currency=currency)
        chips = interpretation.chips
        if interpretation.text or not chips or any(chip.param not in OFFERED_PARAMS for chip in chips):
            continue
        models = [chip.label for chip in chips if chip.param == "model"]
        words: list[str] = []
        for chip in chips:
            named = chip.param == "make" and any(model.startswith(f"{chip.label} ") for model in models)
            if not named and chip.label not in words:
                words.append(chip.label)
        text = " ".join(words)
        if text.casefold() not in {s.casefold() for s in shown}:
            shown.append(text)
    return shown[:POPULAR_SEARCHES]


def _dropped_titles(params: list[str]) -> list[str]:
    """The constraints a relaxed search gave up, as the page names them ("price_min" -> "Price")."""
    names = dict.fromkeys(param.removesuffix("_min").removesuffix("_max") for param in params)
    return [_("your words") if name == "q" else str(FACET_TITLES.get(name, name)) for name in names]
