"""Demand beside supply on the analysts' dashboard, through the real search API and its log: searches
and zero-result searches for the dashboard's filters (typed makes and models count), by buyer country
and language, beside the listings, prices and days on market of the same filters, and the texts
searched but not stocked. Countries typed by name in English or French."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Vehicle
from tests.support.search_fixtures import celery_eager, empty_log_buffer, market, market_vocabulary  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.engine, pytest.mark.usefixtures("market_vocabulary")]
LISTED = {"status__in": ["available", "reserved"], "held_reason": ""}


def searched(times: int, q: str, *, language: str = "en", port: str | None = None) -> None:
    api = APIClient()
    for _ in range(times):
        params = {"q": q, **({"port": port} if port else {})}
        assert api.get("/api/v1/vehicles/search", params, HTTP_ACCEPT_LANGUAGE=language).status_code == 200


def rows(page, slug: str) -> list[list]:
    return page.context["charts"][slug]["rows"]


def measures(page) -> list:
    """The demand-and-supply values: searches, zero-result searches, rate, listings, median price, days."""
    return [value for _label, value in rows(page, "demand-and-supply")]


def test_demand_for_the_filters_sits_beside_supply(market, celery_eager, empty_log_buffer):
    searched(3, "hilux", language="fr", port="NGLOS")
    searched(1, "hilux", port="SNDKR")
    searched(2, "toyota 1985")  # no Toyota that old
    searched(2, "civic")  # Honda: outside the filter
    empty_log_buffer.flush()
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"make": "Toyota"})
    assert page.status_code == 200
    # "hilux" typed without its make counts as a Toyota search.
    assert {row[0]: row[1] for row in rows(page, "top-queries")} == {"hilux": 4, "toyota 1985": 2}
    listed = Vehicle.objects.filter(make="Toyota", **LISTED)
    searches, zero, rate, listings, median_price, median_days = measures(page)
    assert (searches, zero, rate, listings) == (6, 2, 33.33, listed.count())
    assert median_price > 0 and median_days is not None
    assert rows(page, "demand-by-country") == [
        ["Nigeria", 3, 0, 0.0],
        ["not chosen", 2, 2, 100.0],
        ["Senegal", 1, 0, 0.0],
    ]
    assert sorted(rows(page, "demand-by-language")) == [["English", 3, 2, 66.67], ["French", 3, 0, 0.0]]
    assert rows(page, "searched-not-stocked") == [["toyota 1985", 2, 2, 0]]
    # In French the names follow the page.
    client.cookies["django_language"] = "fr"
    french = client.get("/analytics/", {"make": "Toyota"})
    assert [row[0] for row in rows(french, "demand-by-country")] == ["Nigeria", "non choisi", "Sénégal"]
    assert "Demande et offre pour ces filtres" in french.content.decode()


@pytest.mark.parametrize(
    ("typed", "code"), [("Kenya", "KE"), ("tanzanie", "TZ"), ("za", "ZA"), ("Afrique du Sud", "ZA")]
)
def test_a_country_is_typed_by_name_in_english_or_french_or_by_code(market, typed, code):
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"country": typed})
    assert page.status_code == 200, page.context["error"]
    listings = measures(page)[3]
    assert listings == Vehicle.objects.filter(country=code, **LISTED).count() > 0
    both = client.get("/analytics/", {"country": "Kenya, Tanzanie"})
    listings = measures(both)[3]
    assert listings == Vehicle.objects.filter(country__in=["KE", "TZ"], **LISTED).count()


def test_an_unknown_country_is_a_400_naming_the_field(market):
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"country": "Narnia"})
    assert page.status_code == 400 and "country" in page.context["error"] and "Narnia" in page.context["error"]
