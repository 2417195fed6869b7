"""What analysts read from the search log: top queries, zero-result queries, zero-result rate over time,
demand by buyer country and language, and texts searched but not stocked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Trunc

from .buffer import normalize_query
from .models import SearchClick, SearchLog
from .popularity import popular_queries

# A text whose searches never found more than this many listings is "searched but not stocked".
FEW_LISTINGS = 3


def matching_searches(logs, *, text: str = "", terms: Mapping[str, Sequence[str]] | None = None):
    """The searches whose text contains `text` and that selected, for each facet in `terms`, any of its
    values: the search report narrowed the way the other analytics are filtered."""
    wanted = normalize_query(text)
    if wanted:
        logs = logs.filter(normalized_query__contains=wanted)
    for name, values in (terms or {}).items():
        any_of = Q()
        for value in values:
            any_of |= Q(filters__contains={"terms": {name: [value]}})
        logs = logs.filter(any_of)
    return logs


def search_log_report(
    *,
    since: datetime,
    interval: str,
    limit: int,
    text: str = "",
    terms: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    """Searches of the public vehicle search since a date; intervals are "day", "week" or "month".
    `text` and `terms` keep only the searches that asked for them (see matching_searches)."""
    logs = SearchLog.objects.filter(endpoint=SearchLog.Endpoint.VEHICLES, searched_at__gte=since)
    logs = matching_searches(logs, text=text, terms=terms)
    first_pages = logs.filter(page=1).exclude(normalized_query="")
    top = (
        first_pages.values("normalized_query")
        .annotate(searches=Count("id"), zero_results=Count("id", filter=Q(result_count=0)))
        .order_by("-searches", "normalized_query")[:limit]
    )
    zero = (
        first_pages.filter(result_count=0)
        .values("normalized_query")
        .annotate(searches=Count("id"))
        .order_by("-searches", "normalized_query")[:limit]
    )
    over_time = (
        logs.annotate(
            bucket=Trunc("searched_at", interval),
            opened=Exists(SearchClick.objects.filter(search_id=OuterRef("id"))),
        )
        .values("bucket")
        .annotate(
            searches=Count("id"),
            zero_results=Count("id", filter=Q(result_count=0)),
            clicked=Count("id", filter=Q(opened=True)),
        )
        .order_by("bucket")
    )
    totals = logs.aggregate(searches=Count("id"), zero_results=Count("id", filter=Q(result_count=0)))
    # Texts asked for often whose searches found next to nothing: what buyers want and the market lacks.
    not_stocked = (
        first_pages.values("normalized_query")
        .annotate(
            searches=Count("id"), zero_results=Count("id", filter=Q(result_count=0)), most_found=Max("result_count")
        )
        .filter(most_found__lte=FEW_LISTINGS)
        .order_by("-searches", "normalized_query")[:limit]
    )
    clicked = SearchClick.objects.filter(search_id__in=logs.values("id")).values("search_id").distinct().count()
    return {
        "since": since,
        "searches": totals["searches"],
        "zero_results": totals["zero_results"],
        "zero_result_rate": _rate(totals["zero_results"], totals["searches"]),
        "click_through_rate": _rate(clicked, totals["searches"]),
        "top_queries": [
            {"query": row["normalized_query"], "searches": row["searches"], "zero_results": row["zero_results"]}
            for row in top
        ],
        "zero_result_queries": [{"query": row["normalized_query"], "searches": row["searches"]} for row in zero],
        "not_stocked": [
            {
                "query": row["normalized_query"],
                "searches": row["searches"],
                "zero_results": row["zero_results"],
                "most_found": row["most_found"],
            }
            for row in not_stocked
        ],
        "by_buyer_country": _demand_by(logs, "buyer_country"),
        "by_language": _demand_by(logs, "language"),
        "over_time": [
            {
                "period": row["bucket"],
                "searches": row["searches"],
                "zero_results": row["zero_results"],
                "zero_result_rate": _rate(row["zero_results"], row["searches"]),
                "clicked": row["clicked"],
                "click_through_rate": _rate(row["clicked"], row["searches"]),
            }
            for row in over_time
        ],
    }


def popular_searches(*, since: datetime, limit: int) -> list[dict]:
    """The texts buyers searched most since a date, popular under typeahead's own rule
    (insights.popularity: no one actor, no addresses or phone numbers, nothing blocked), whose last
    search found vehicles: what the zero-result page offers instead, so every suggestion leads somewhere."""
    rows = popular_queries(since=since, limit=limit, found_only=True)
    return [{"query": query, "searches": searches} for query, searches, _ in rows]


def _demand_by(logs, column: str) -> list[dict]:
    """Searches and zero-result searches per value of a column of the log ("" = not known), most first."""
    rows = (
        logs.values(column)
        .annotate(searches=Count("id"), zero_results=Count("id", filter=Q(result_count=0)))
        .order_by("-searches", column)
    )
    return [
        {
            "key": row[column],
            "searches": row["searches"],
            "zero_results": row["zero_results"],
            "zero_result_rate": _rate(row["zero_results"], row["searches"]),
        }
        for row in rows
    ]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
