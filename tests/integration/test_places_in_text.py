"""A place named in the search text, against the real engine: "corolla 2015 lagos" reads Lagos as the
city filter (here the market's cities: Mombasa, Dar es Salaam, Durban), countries by their English or
French names, and finds what the same selection finds in SQL."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from catalog.models import Vehicle
from tests.support.search_fixtures import market, market_vocabulary  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.engine, pytest.mark.usefixtures("market_vocabulary")]
SEARCH = "/api/v1/vehicles/search"
LISTED = {"status__in": ["available", "reserved"], "held_reason": ""}


def search(q: str, **params) -> dict:
    response = APIClient().get(SEARCH, {"q": q, "size": 100, **params})
    assert response.status_code == 200, response.content
    return response.json()


def chips(body: dict) -> dict[str, str]:
    return {chip["param"]: chip["value"] for chip in body["interpretation"]["chips"]}


def test_a_city_in_the_text_is_the_city_filter(market):
    body = search("toyota 2015+ mombasa")
    assert chips(body) == {"make": "Toyota", "year_min": "2015", "city": "Mombasa"}
    expected = Vehicle.objects.filter(make="Toyota", year__gte=2015, city="Mombasa", **LISTED).count()
    assert body["total"] == expected > 0
    assert {card["city"] for card in body["results"]} == {"Mombasa"}
    corolla = search("corolla dar es salaam")
    assert chips(corolla) == {"make": "Toyota", "model": "Corolla", "city": "Dar es Salaam"}
    assert corolla["interpretation"]["text"] == ""
    assert corolla["total"] == Vehicle.objects.filter(model="Corolla", city="Dar es Salaam", **LISTED).count() > 0


@pytest.mark.parametrize("q", ["hilux south africa", "hilux en Afrique du Sud", "HILUX TANZANIE", "hilux tanzania"])
def test_a_country_by_its_english_or_french_name_is_the_country_filter(market, q):
    body = search(q)
    country = "ZA" if "afri" in q.lower() else "TZ"
    assert chips(body) == {"make": "Toyota", "model": "Hilux", "country": country}
    assert body["total"] == Vehicle.objects.filter(model="Hilux", country=country, **LISTED).count() > 0


def test_a_place_the_caller_chose_is_not_overridden_and_a_port_stays_a_destination(market):
    # An explicit city keeps the word in the text (as every understood parameter does).
    assert "city" not in chips(search("toyota durban", city="Mombasa"))
    # "delivered to Mombasa" names where the car goes, not where it stands.
    delivered = chips(search("toyota delivered to mombasa"))
    assert delivered.get("port") == "KEMBA" and "city" not in delivered
