"""The one plain sentence a deal rating comes with: "12 % below similar 2016 Toyota Hilux with about
120,000 km in United Kingdom". Pure (translated with the active language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from catalog.ingest.places import COUNTRIES

# Below this many percent either way, a price is "in line with" its market value.
IN_LINE_PERCENT = 2


def about_km(km: int) -> int:
    """Rounded as people say it: to the thousand below 20,000 km, to ten thousand above."""
    step = 1000 if km < 20000 else 10000
    return int(round(km / step) * step)


def deal_sentence(source: Mapping[str, Any]) -> str:
    """Why the listing has its rating, in words; "" when it has no market value."""
    gap, value = source.get("deal_gap"), source.get("market_value_usd")
    if gap is None or not value:
        return _("Not enough similar listings to value this one.")
    percent = round(abs(gap) * 100)
    country = source.get("country") or ""
    similar = {
        "percent": percent,
        "year": source.get("year"),
        "make": source.get("make"),
        "model": source.get("model"),
        "km": number_format(about_km(source["mileage_km"]), force_grouping=True)
        if source.get("mileage_km") is not None
        else "?",
        "market": COUNTRIES[country][0] if country in COUNTRIES else country,
    }
    if percent < IN_LINE_PERCENT:
        return _("In line with similar %(year)s %(make)s %(model)s with about %(km)s km in %(market)s") % similar
    if gap < 0:
        return (
            _("%(percent)s %% below similar %(year)s %(make)s %(model)s with about %(km)s km in %(market)s") % similar
        )
    return _("%(percent)s %% above similar %(year)s %(make)s %(model)s with about %(km)s km in %(market)s") % similar
