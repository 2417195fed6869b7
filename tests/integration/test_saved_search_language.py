"""One search language: a saved search alerts on exactly the vehicles the same search shows.

The same parameters go through the search API (every page) and through a saved search (validated by
the same serializer, its percolator query built by the same builders, percolated against every
listable vehicle); the two id sets must be equal.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from indexers.rows import VEHICLE_ROW_SQL, listable_sql
from notifications.percolator import sync_saved_search
from notifications.saved_searches import percolate
from tests.support.notification_support import drop_percolator_indexes
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]

PARAMETER_SETS = [
    {"q": "toyota", "body": ["suv", "pickup"], "price_max": "3000000", "currency": "KES", "year_min": 2015},
    {"make": ["Toyota", "Honda"], "fuel": "diesel"},
    {"lat": -4.04, "lon": 39.67, "radius_km": 600, "condition": ["used", "certified"]},
    {"q": "camri", "colour": ["white", "silver"], "mileage_max": 120000},
    {"q": "export documents", "price_min": "10000", "price_max": "30000", "currency": "EUR"},
    # Query understanding: the words become filters in the search, and so in the alert.
    {"q": "toyota hilux diesel under 40k"},
    {"q": "toyota suv", "interpret": "0"},
]


@pytest.fixture
def buyer_api(market):  # noqa: F811
    api = APIClient()
    api.force_authenticate(market.outsider)
    yield api
    drop_percolator_indexes()


def searched_ids(api, params) -> set[int]:
    ids, page = set(), 1
    while True:
        response = api.get("/api/v1/vehicles/search", {**params, "size": 100, "page": page, "facets": "none"})
        assert response.status_code == 200, response.content
        body = response.json()
        ids |= {hit["id"] for hit in body["results"]}
        if not body.get("next_page"):
            return ids
        page += 1


def alerted_ids(api, params) -> set[int]:
    created = api.post("/api/v1/saved-searches", {"name": "same search", "params": params}, format="json")
    assert created.status_code == 201, created.content
    search_id = created.json()["id"]
    assert sync_saved_search(search_id) == "registered"
    with connection.cursor() as cursor:
        cursor.execute(VEHICLE_ROW_SQL + f" WHERE {listable_sql('v')}", [list(settings.SEARCHABLE_STATUSES)])
        names = [col.name for col in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    matched = set()
    for start in range(0, len(rows), 200):
        matched |= {vehicle for saved, vehicle in percolate(rows[start : start + 200]) if saved == search_id}
    return matched


@pytest.mark.parametrize("params", PARAMETER_SETS, ids=lambda p: ",".join(sorted(p)))
def test_an_alert_matches_exactly_what_the_same_search_shows(buyer_api, params):
    shown = searched_ids(buyer_api, params)
    assert shown, "a parameter set that matches nothing proves nothing"
    assert alerted_ids(buyer_api, params) == shown


def test_saved_search_parameters_follow_the_search_rules(buyer_api):
    def save(params):
        return buyer_api.post("/api/v1/saved-searches", {"name": "x", "params": params}, format="json")

    # The search's limits, not a copy of them: a 20,000 km radius and prices in any currency are fine.
    assert save({"lat": 0, "lon": 0, "radius_km": 20000}).status_code == 201
    assert save({"make": "Toyota", "price_max": "5000000", "currency": "NGN"}).status_code == 201
    for bad in ({"maek": ["Toyota"]}, {"currency": "XYZ", "price_max": 5}, {"radius_km": 10}, {}):
        response = save(bad)
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["error"]["code"] == "invalid_parameter"
