"""Each chart of the dashboard as rows: the same rows feed the table (JS off), the chart and the CSV.

The data come from the analytics selectors the API uses (search.analytics_selectors and the search
log report), called with one validated filter set, so every chart shows the same slice of the market.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from insights.selectors import search_log_report
from search.analytics_selectors import days_on_market, inventory_by_dealer, listings_over_time, price_statistics


@dataclass
class Report:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # How the page draws it: {"type": "bar" | "line", "x": column, "series": [columns], ...}
    chart: dict = field(default_factory=dict)
    note: str = ""


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 2)


def build_reports(p: dict) -> dict[str, Report]:
    query, currency, group = p["query"], p["currency"], p["group_by"]
    prices = price_statistics(query=query, group_by=group, size=p["size"], currency=currency)
    over_time = listings_over_time(query=query, interval=p["interval"], currency=currency)
    ages = days_on_market(query=query, group_by=group, size=p["size"])
    dealers = inventory_by_dealer(query=query, size=p["size"], currency=currency)
    searches = search_log_report(
        since=timezone.now() - timedelta(days=p["days"]),
        interval=p["report_interval"],
        limit=p["size"],
        text=query.text,
        terms=p["report_terms"],
    )
    money = f"({currency})"
    reports = [
        Report(
            "prices",
            f"Price percentiles by {group}",
            [group, "listings", f"p5 {money}", f"p25 {money}", f"median {money}", f"p75 {money}", f"p95 {money}"],
            [
                [g["key"], g["count"], *(g["percentiles"][f"p{n}"] for n in (5, 25, 50, 75, 95))]
                for g in prices["groups"]
            ],
            {"type": "bar", "series": [f"p25 {money}", f"median {money}", f"p75 {money}"]},
            note=f"All matching listings: {prices['overall']['count']}, median "
            f"{prices['overall']['percentiles']['p50'] or '—'} {currency}.",
        ),
        Report(
            "listings",
            f"New listings per {p['interval']}",
            ["period", "listings", f"mean price {money}"],
            [[s["period"][:10], s["listings"], s["mean_price"]] for s in over_time["series"]],
            {"type": "line", "series": ["listings"]},
        ),
        Report(
            "days-on-market",
            f"Days on market by {group}",
            [group, "listings", "mean days", "p25 days", "median days", "p75 days"],
            [
                [g["key"], g["listings"], g["mean_days"], g["percentiles"]["p25"], g["percentiles"]["p50"]]
                + [g["percentiles"]["p75"]]
                for g in ages["groups"]
            ],
            {"type": "bar", "series": ["median days", "mean days"]},
            note=ages["note"],
        ),
        Report(
            "dealers",
            "Inventory by dealer",
            ["dealer", "listings", "available", "reserved", f"mean price {money}", "mean days on market"],
            [
                [
                    d["label"],
                    d["listings"],
                    d["statuses"].get("available", 0),
                    d["statuses"].get("reserved", 0),
                    d["mean_price"],
                    d["mean_days_on_market"],
                ]
                for d in dealers["dealers"]
            ],
            {"type": "bar", "series": ["available", "reserved"], "stacked": True, "horizontal": True},
        ),
        Report(
            "search-rate",
            f"Searches and zero-result rate per {p['report_interval']}",
            ["period", "searches", "zero results", "zero-result rate %"],
            [
                [row["period"].date().isoformat(), row["searches"], row["zero_results"], _rate(row["zero_result_rate"])]
                for row in searches["over_time"]
            ],
            {"type": "line", "series": ["searches", "zero-result rate %"], "second_axis": "zero-result rate %"},
            note=f"Last {p['days']} days: {searches['searches']} searches, zero-result rate "
            f"{_rate(searches['zero_result_rate']) if searches['zero_result_rate'] is not None else '—'}%, "
            f"click-through rate "
            f"{_rate(searches['click_through_rate']) if searches['click_through_rate'] is not None else '—'}%.",
        ),
        Report(
            "top-queries",
            "Top queries",
            ["query", "searches", "zero results"],
            [[q["query"], q["searches"], q["zero_results"]] for q in searches["top_queries"]],
            {"type": "bar", "series": ["searches"], "horizontal": True},
        ),
        Report(
            "zero-result-queries",
            "Zero-result queries",
            ["query", "searches"],
            [[q["query"], q["searches"]] for q in searches["zero_result_queries"]],
            {"type": "bar", "series": ["searches"], "horizontal": True},
        ),
    ]
    return {r.slug: r for r in reports}
