"""Each chart of the dashboard as rows: the same rows feed the table (JS off), the chart and the CSV.

Titles and notes follow the visitor's language; column names are the CSV's header, so they stay
the same in every language.

The data come from the analytics selectors the API uses (search.analytics_selectors and the search
log report), called with one validated filter set, so every chart shows the same slice of the market.
The similar-vehicles click-through rate is the exception: the recommendation log knows lists and
clicks, not vehicle filters, so only the period ("days") applies to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from insights.selectors import FEW_LISTINGS, search_log_report
from recommendations.selectors import recommendation_ctr_by_arm
from search.analytics import DEAL_RATINGS
from search.analytics_selectors import (
    days_on_market,
    deal_ratings,
    inventory_by_dealer,
    listings_over_time,
    price_statistics,
)
from search.countries import country_name
from web.labels import FACET_TITLES, INTERVAL_LABELS


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


class _Sources:
    """The selectors' answers for one filter set, each fetched on first use (a CSV needs one)."""

    def __init__(self, p: dict):
        self.p = p

    @cached_property
    def prices(self) -> dict:
        p = self.p
        return price_statistics(query=p["query"], group_by=p["group_by"], size=p["size"], currency=p["currency"])

    @cached_property
    def over_time(self) -> dict:
        p = self.p
        return listings_over_time(query=p["query"], interval=p["interval"], currency=p["currency"])

    @cached_property
    def ages(self) -> dict:
        p = self.p
        return days_on_market(query=p["query"], group_by=p["group_by"], size=p["size"])

    @cached_property
    def dealers(self) -> dict:
        p = self.p
        return inventory_by_dealer(query=p["query"], size=p["size"], currency=p["currency"])

    @cached_property
    def deals(self) -> dict:
        return deal_ratings(query=self.p["query"], size=self.p["size"])

    @cached_property
    def searches(self) -> dict:
        p = self.p
        return search_log_report(
            since=timezone.now() - timedelta(days=p["days"]),
            interval=p["report_interval"],
            limit=p["size"],
            text=p["query"].text,
            terms=p["report_terms"],
        )

    @cached_property
    def recommendations(self) -> dict:
        now = timezone.now()
        return recommendation_ctr_by_arm(since=now - timedelta(days=self.p["days"]), until=now)


SLUGS = (
    "demand-and-supply",
    "searched-not-stocked",
    "demand-by-country",
    "demand-by-language",
    "prices",
    "listings",
    "days-on-market",
    "dealers",
    "deal-ratings",
    "search-rate",
    "top-queries",
    "zero-result-queries",
    "recommendations-ctr",
)


def build_reports(p: dict, only: str | None = None) -> dict[str, Report]:
    """Every chart's rows (or only the one named), for one validated filter set."""
    src = _Sources(p)
    builders = {
        "demand-and-supply": lambda: _demand_and_supply_report(p, src.searches, src.prices, src.ages),
        "searched-not-stocked": lambda: _not_stocked_report(src.searches),
        "demand-by-country": lambda: _demand_by_report(
            "demand-by-country", _("Searches by buyer country"), "buyer country", src.searches["by_buyer_country"]
        ),
        "demand-by-language": lambda: _demand_by_report(
            "demand-by-language", _("Searches by language"), "language", src.searches["by_language"]
        ),
        "prices": lambda: _prices_report(p, src.prices),
        "listings": lambda: _listings_report(p, src.over_time),
        "days-on-market": lambda: _ages_report(p, src.ages),
        "dealers": lambda: _dealers_report(p, src.dealers),
        "deal-ratings": lambda: _deals_report(src.deals),
        "search-rate": lambda: _search_rate_report(p, src.searches),
        "top-queries": lambda: _top_queries_report(src.searches),
        "zero-result-queries": lambda: _zero_queries_report(src.searches),
        "recommendations-ctr": lambda: _recommendations_report(p, src.recommendations),
    }
    wanted = SLUGS if only is None else tuple(slug for slug in SLUGS if slug == only)
    return {slug: builders[slug]() for slug in wanted}


# Groups with an order of their own: shown in it (the engine returns the most frequent first).
ORDERED_GROUPS = ("year",)


def _in_order(group: str, rows: list[list]) -> list[list]:
    return sorted(rows, key=lambda row: row[0]) if group in ORDERED_GROUPS else rows


def _demand_and_supply_report(p: dict, searches: dict, prices: dict, ages: dict) -> Report:
    """One measure a row, demand above supply: it reads down a phone's screen without scrolling sideways."""
    return Report(
        "demand-and-supply",
        _("Demand and supply for these filters"),
        ["measure", "value"],
        [
            [_("Searches"), searches["searches"]],
            [_("Zero-result searches"), searches["zero_results"]],
            [_("Zero-result rate %"), _rate(searches["zero_result_rate"])],
            [_("Listings"), prices["overall"]["count"]],
            [_("Median price (%(currency)s)") % {"currency": p["currency"]}, prices["overall"]["percentiles"]["p50"]],
            [_("Median days on market"), ages["overall"]["percentiles"]["p50"]],
        ],
        note=_(
            "Searches of the last %(days)s days that asked for what the filters select (typed or chosen), "
            "beside the listings they select today."
        )
        % {"days": p["days"]},
    )


def _not_stocked_report(searches: dict) -> Report:
    return Report(
        "searched-not-stocked",
        _("Searched but not stocked"),
        ["query", "searches", "zero results", "most listings found"],
        [[q["query"], q["searches"], q["zero_results"], q["most_found"]] for q in searches["not_stocked"]],
        {"type": "bar", "series": ["searches"], "horizontal": True},
        note=_("Texts buyers searched whose searches found %(few)s listings or fewer: demand the stock does not meet.")
        % {"few": FEW_LISTINGS},
    )


def _demand_name(column: str, key: str) -> str:
    if not key:
        return _("not chosen") if column == "buyer country" else _("not known")
    if column == "buyer country":
        return country_name(key, get_language() or "en")
    try:
        return get_language_info(key)["name_translated"]
    except KeyError:
        return key


def _demand_by_report(slug: str, title: str, column: str, rows: list[dict]) -> Report:
    return Report(
        slug,
        title,
        [column, "searches", "zero results", "zero-result rate %"],
        [
            [_demand_name(column, row["key"]), row["searches"], row["zero_results"], _rate(row["zero_result_rate"])]
            for row in rows
        ],
        {"type": "bar", "series": ["searches", "zero results"], "horizontal": True},
        note=_("A buyer's country is the one their prices were shown for (the destination port they chose).")
        if column == "buyer country"
        else "",
    )


def _named(group: str) -> str:
    """A group's name inside a title ("by make", "par marque")."""
    return str(FACET_TITLES.get(group, group)).lower()


def _money(p: dict) -> str:
    return f"({p['currency']})"


def _prices_report(p: dict, prices: dict) -> Report:
    money, group = _money(p), p["group_by"]
    return Report(
        "prices",
        _("Price percentiles by %(group)s") % {"group": _named(group)},
        [group, "listings", f"p5 {money}", f"p25 {money}", f"median {money}", f"p75 {money}", f"p95 {money}"],
        _in_order(
            group,
            [
                [g["key"], g["count"], *(g["percentiles"][f"p{n}"] for n in (5, 25, 50, 75, 95))]
                for g in prices["groups"]
            ],
        ),
        {"type": "bar", "series": [f"p25 {money}", f"median {money}", f"p75 {money}"]},
        note=_("All matching listings: %(n)s, median %(median)s %(currency)s.")
        % {
            "n": floatformat(prices["overall"]["count"], "0g"),
            "median": floatformat(prices["overall"]["percentiles"]["p50"], "0g") or "—",
            "currency": p["currency"],
        },
    )


def _listings_report(p: dict, over_time: dict) -> Report:
    return Report(
        "listings",
        _("New listings per %(interval)s") % {"interval": INTERVAL_LABELS[p["interval"]]},
        ["period", "listings", f"mean price {_money(p)}"],
        [[s["period"][:10], s["listings"], s["mean_price"]] for s in over_time["series"]],
        {"type": "line", "series": ["listings"]},
    )


def _ages_report(p: dict, ages: dict) -> Report:
    group = p["group_by"]
    return Report(
        "days-on-market",
        _("Days on market by %(group)s") % {"group": _named(group)},
        [group, "listings", "mean days", "p25 days", "median days", "p75 days"],
        _in_order(
            group,
            [
                [g["key"], g["listings"], g["mean_days"], g["percentiles"]["p25"], g["percentiles"]["p50"]]
                + [g["percentiles"]["p75"]]
                for g in ages["groups"]
            ],
        ),
        {"type": "bar", "series": ["median days", "mean days"]},
        note=_("Days since listing of vehicles still available or reserved."),
    )


def _dealers_report(p: dict, dealers: dict) -> Report:
    return Report(
        "dealers",
        _("Inventory by dealer"),
        ["dealer", "listings", "available", "reserved", f"mean price {_money(p)}", "mean days on market"],
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
    )


# CSV column per rating (the CSV's header stays the same in every language).
RATING_COLUMNS = {rating: ("not enough data" if rating == "unknown" else rating) for rating in DEAL_RATINGS}


# The badges' colours (web/static/web/site.css), so a chart reads like the cards.
DEAL_COLORS = ["#0a6b2e", "#6cc283", "#7d9cc7", "#e39a4f", "#c23b4e", "#aaaaaa"]


def _deals_report(deals: dict) -> Report:
    overall, total = deals["overall"], deals["total"]
    valued = total - overall["unknown"]
    good = overall["great"] + overall["good"]
    return Report(
        "deal-ratings",
        _("Deal ratings by make and market"),
        ["make", "market", "listings", *RATING_COLUMNS.values()],
        [[g["make"], g["market"], g["listings"], *g["ratings"].values()] for g in deals["groups"]],
        {
            "type": "bar",
            "series": list(RATING_COLUMNS.values()),
            "stacked": True,
            "horizontal": True,
            "labels": 2,
            "colors": DEAL_COLORS,
        },
        note=_(
            "Price against the market-value model: %(valued)s of %(n)s matching listings valued, "
            "%(good)s great or good deals, %(over)s overpriced."
        )
        % {"valued": valued, "n": total, "good": good, "over": overall["overpriced"]},
    )


def _percent_or_dash(value: float | None) -> str:
    return "—" if value is None else f"{_rate(value)}"


def _search_rate_report(p: dict, searches: dict) -> Report:
    return Report(
        "search-rate",
        _("Searches, zero-result and click-through rates per %(interval)s")
        % {"interval": INTERVAL_LABELS[p["report_interval"]]},
        ["period", "searches", "zero results", "zero-result rate %", "click-through rate %"],
        [
            [
                row["period"].date().isoformat(),
                row["searches"],
                row["zero_results"],
                _rate(row["zero_result_rate"]),
                _rate(row["click_through_rate"]),
            ]
            for row in searches["over_time"]
        ],
        {
            "type": "line",
            "series": ["searches", "zero-result rate %", "click-through rate %"],
            "second_axis": ["zero-result rate %", "click-through rate %"],
        },
        note=_("Last %(days)s days: %(n)s searches, zero-result rate %(zero)s%%, click-through rate %(ctr)s%%.")
        % {
            "days": p["days"],
            "n": searches["searches"],
            "zero": _percent_or_dash(searches["zero_result_rate"]),
            "ctr": _percent_or_dash(searches["click_through_rate"]),
        },
    )


def _top_queries_report(searches: dict) -> Report:
    return Report(
        "top-queries",
        _("Top queries"),
        ["query", "searches", "zero results"],
        [[q["query"], q["searches"], q["zero_results"]] for q in searches["top_queries"]],
        {"type": "bar", "series": ["searches"], "horizontal": True},
    )


def _zero_queries_report(searches: dict) -> Report:
    return Report(
        "zero-result-queries",
        _("Zero-result queries"),
        ["query", "searches"],
        [[q["query"], q["searches"]] for q in searches["zero_result_queries"]],
        {"type": "bar", "series": ["searches"], "horizontal": True},
    )


def _recommendations_report(p: dict, arms: dict) -> Report:
    return Report(
        "recommendations-ctr",
        _("Similar vehicles: click-through rate per A/B arm"),
        ["arm", "lists shown", "impressions", "clicks", "click-through rate %", "lists clicked %"],
        [
            [arm, a["lists"], a["impressions"], a["clicks"], _rate(a["ctr"]), _rate(a["list_ctr"])]
            for arm, a in arms.items()
        ],
        {"type": "bar", "series": ["click-through rate %", "lists clicked %"]},
        note=_("Last %(days)s days of the recommendation log; the vehicle filters do not apply to it.")
        % {"days": p["days"]},
    )
