"""Small helpers for pages that take the API's query parameters."""

from __future__ import annotations

from django.http import QueryDict
from django.template.defaultfilters import floatformat

from search.fields import range_params
from web.labels import value_label


def first_error(errors) -> str:
    """`field: message` of a serializer's first error, for a page to show."""
    for field, messages in errors.items():
        message = messages[0] if isinstance(messages, list) else messages
        return f"{field}: {message}"
    return ""


def query_without(query: QueryDict, *names: str, **replace) -> str:
    """The query string without `names` (and the page), with `replace` set: links that keep the rest."""
    copy = query.copy()
    for name in (*names, "page", "cursor"):
        copy.pop(name, None)
    for name, value in replace.items():
        copy[name] = str(value)
    return copy.urlencode()


def toggled(query: QueryDict, name: str, value) -> str:
    """The query string with `name=value` added, or removed if it was there (a facet link)."""
    copy = query.copy()
    for drop in ("page", "cursor"):
        copy.pop(drop, None)
    values = copy.getlist(name)
    text = str(value)
    if text in values:
        values.remove(text)
    else:
        values.append(text)
    copy.setlist(name, values)
    return copy.urlencode()


# Numeric facets listed newest (or highest) first: a dealer's stock is recent, and the list is cut at 12.
NEWEST_FIRST = ("year",)


def _range_label(name: str, low: float, high: float) -> str:
    if name == "year":
        return f"{low:.0f}"
    return f"{floatformat(low, '0g')}–{floatformat(high, '0g')}"


def _range_item(name: str, bucket: dict, query: QueryDict) -> dict:
    """A histogram bucket [from, to) as a link that filters on it (whole numbers: to - 1 inclusive), or
    clears it when it is the range chosen."""
    low_param, high_param = range_params(name)
    low, high = f"{bucket['from']:.0f}", f"{bucket['to'] - 1:.0f}"
    selected = query.get(low_param) == low and query.get(high_param) == high
    copy = query.copy()
    for drop in ("page", "cursor", low_param, high_param):
        copy.pop(drop, None)
    if not selected:
        copy[low_param], copy[high_param] = low, high
    return {
        "label": _range_label(name, bucket["from"], bucket["to"] - 1),
        "count": bucket["count"],
        "selected": selected,
        "href": "?" + copy.urlencode(),
        "value": low,
    }


def facet_links(facets: dict, query: QueryDict) -> list[dict]:
    """Each facet's values with the link that selects (or clears) it, named as the buyers' pages name
    them ("SUV", "Disponible"); a histogram's non-empty buckets in value order (the year newest first),
    each a link to its range."""
    out = []
    for name, buckets in facets.items():
        items = []
        for bucket in buckets:
            if "value" in bucket:
                items.append(
                    {
                        "label": bucket.get("label") or value_label(name, bucket["value"]),
                        "count": bucket["count"],
                        "selected": bucket["selected"],
                        "href": "?" + toggled(query, name, bucket["value"]),
                        "value": bucket["value"],
                    }
                )
            elif bucket["count"]:
                items.append(_range_item(name, bucket, query))
        if name in NEWEST_FIRST:
            items.reverse()
        if items:
            out.append({"name": name, "items": items})
    return out
