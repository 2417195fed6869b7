"""Small helpers for pages that take the API's query parameters."""

from __future__ import annotations

from django.http import QueryDict

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


def _range_label(name: str, bucket: dict) -> str:
    if name == "year":
        return f"{bucket['from']:.0f}"
    return f"{bucket['from']:,.0f}–{bucket['to']:,.0f}"


def facet_links(facets: dict, query: QueryDict) -> list[dict]:
    """Each term facet's values with the link that selects (or clears) it, named as the buyers' pages
    name them ("SUV", "Disponible"); histograms are shown as is."""
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
                items.append({"label": _range_label(name, bucket), "count": bucket["count"]})
        if items:
            out.append({"name": name, "items": items})
    return out
