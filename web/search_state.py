"""The search page's state, which lives in its URL: the API's own parameters, read and rewritten.

The page uses the search API's parameter names (q, make, price_min, sort, currency, cursor...), so a
page URL and an API URL say the same thing and one serializer checks both. This module only turns a
query string into the API's input and builds the links that change it (chips, clear all, relax).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils import formats
from django.utils.translation import gettext as _

from nzila.text_input import whole_number
from search.facets import FACET_NAMES
from search.fields import BY_NAME, LISTED_FACETS, PAGE_RANGES, RANGES, TERM_PARAMS, range_params
from search.params import VehicleSearchParams

# Parameters a buyer sets as a preference or a view, not as a filter: kept by "clear all".
KEPT_BY_CLEAR = ("currency", "sort", "port")
# The facets the page lists (make nests its models; search.fields says which); status and dealer
# stay API-only. Every range is a facet, but toggles (search.fields.TOGGLE_FIELDS: one checkbox).
LIST_FACETS = LISTED_FACETS
RANGE_FACETS = PAGE_RANGES
# The importable facet is counted for the chosen port's country (one checkbox, not a list).
PAGE_FACETS = tuple(name for name in (*LIST_FACETS, *RANGE_FACETS, "importable") if name in FACET_NAMES)
# How many pages "load more" has shown: the page's own parameter (the API has none), so a reload
# shows the same results in one search and a click on a loaded result knows its rank.
PAGES = "pages"


def clean(query: QueryDict) -> QueryDict:
    """The query without empty values (a form sends price_min= when left blank) and page-only noise."""
    known = {*VehicleSearchParams().fields, PAGES}
    out = QueryDict(mutable=True)
    for name, values in query.lists():
        kept = [value for value in values if value.strip()]
        # `interpret` exists only where the search API understands it; elsewhere it is dropped.
        if kept and name in known:
            out.setlist(name, kept)
    return out


def query_of(params: Mapping[str, Any]) -> QueryDict:
    """Stored search parameters (a value or a list each, as the API takes them) as the page's state."""
    query = QueryDict(mutable=True)
    for name, value in params.items():
        query.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
    return clean(query)


def api_input(query: QueryDict, *, currency: str, port: str = "") -> QueryDict:
    """What the page sends to the search selector: its URL state, the currency, the destination port
    (chosen or remembered; none: prices where the cars stand) and the facets it lists."""
    params = query.copy()
    params.pop(PAGES, None)
    params["currency"] = currency
    if port:
        params["port"] = port
    else:
        params.pop("port", None)
    params["facets"] = ",".join(PAGE_FACETS)
    return params


def url_of(query: QueryDict, **changes: list[str] | None) -> str:
    """'?'+query with some parameters replaced (a list) or removed (None or []), each in its place (the
    order says which filter came last); cursors never survive a change."""
    params = QueryDict(mutable=True)
    for name, values in query.lists():
        if name == "cursor":
            continue
        values = changes.pop(name, values)
        if values:
            params.setlist(name, values)
    for name, values in changes.items():
        if values:
            params.setlist(name, values)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str
    param: str


def chips(query: QueryDict, labels) -> list[Chip]:
    """One removable chip per chosen value, per range and for the text, in the URL's order."""
    out: list[Chip] = []
    if query.get("q"):
        out.append(Chip(f"“{query['q']}”", url_of(query, q=None), "q"))
    for name in TERM_PARAMS:
        values = query.getlist(name)
        for value in values:
            rest = [v for v in values if v != value]
            out.append(Chip(labels(name, value), url_of(query, **{name: rest}), name))
    for name in RANGES:
        low_param, high_param = range_params(name)
        low, high = query.get(low_param), query.get(high_param)
        if low or high:
            out.append(
                Chip(
                    range_label(name, low, high, query.get("currency", "")),
                    url_of(query, **{low_param: None, high_param: None}),
                    name,
                )
            )
    return out


def range_label(name: str, low: str | None, high: str | None, currency: str) -> str:
    field = BY_NAME[name]
    if field.toggle and low == str(field.toggle_min) and not high:
        return str(field.toggle)
    unit = currency if field.range_param.in_currency else field.unit
    if unit:  # amounts are grouped the locale's way (12,000 / 12 000); years never are
        low, high = (_grouped(value) for value in (low, high))
    if low and high and low == high:
        span = low
    elif low and high:
        span = f"{low}–{high}"
    elif low:
        span = f"≥ {low}"
    else:
        span = f"≤ {high}"
    suffix = f"\u00a0{unit}" if unit else ""
    return f"{field.label}: {span}{suffix}"


def _grouped(value: str | None) -> str | None:
    try:
        return formats.number_format(Decimal(value), decimal_pos=0, force_grouping=True) if value else value
    except InvalidOperation:
        return value


def clear_all_url(query: QueryDict) -> str:
    kept = {name: query.getlist(name) for name in KEPT_BY_CLEAR if query.get(name)}
    return "?" + urlencode(kept, doseq=True) if kept else "?"


def relax_last_url(query: QueryDict) -> str | None:
    """The URL without the filter chosen last (the last filter parameter in the query string), if any."""
    filters = [name for name, _values in query.lists() if name not in (*KEPT_BY_CLEAR, "cursor", "q", "interpret")]
    if not filters:
        return None
    last = filters[-1]
    values = query.getlist(last)
    return url_of(query, **{last: values[:-1]})


def loaded_pages(query: QueryDict, *, size: int, window: int) -> tuple[int, dict[str, list[str]] | None]:
    """(pages, None) from the URL's `pages`, 1 when absent; (1, errors naming it) when it is not a
    whole number of pages within the results a search can reach (`window`)."""
    raw = query.get(PAGES, "1")
    most = max(window // size, 1)
    pages = whole_number(raw)
    if pages is None or not 1 <= pages <= most:
        return 1, {PAGES: [_("A whole number of pages from 1 to %(most)s.") % {"most": most}]}
    return pages, None
