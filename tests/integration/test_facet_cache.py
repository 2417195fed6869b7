"""Facets shared between identical search requests (search/facet_cache.py) against the real engine:
the facets of a repeated request come from the first one, its hits never do, and many identical
requests at once send the facets work to the engine once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from search.facet_cache import FACETS
from tests.support.factories import make_dealer, make_vehicle
from tests.support.search_fixtures import delete_raw, index_raw, market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SEARCH = "/api/v1/vehicles/search"


@pytest.fixture
def sharing(settings):
    # Long enough that no machine, however slow, lets the answer expire within a test.
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    FACETS.clear()
    yield settings
    FACETS.clear()


def search(**params) -> dict:
    response = APIClient().get(SEARCH, params)
    assert response.status_code == 200, response.content
    return response.json()


def makes(body) -> dict[str, int]:
    return {item["value"]: item["count"] for item in body["facets"]["make"]}


def test_a_repeated_request_shares_its_facets_and_gets_fresh_hits(market, sharing):
    first = search(body="pickup", sort="newest", facets="make")
    newcomer = make_vehicle(make_dealer(), make="Toyota", model="Hilux", body_type="pickup", listed_at=timezone.now())
    index_raw(newcomer)
    try:
        second = search(body="pickup", sort="newest", facets="make")
        assert second["results"][0]["id"] == newcomer.pk, "hits are the engine's latest"
        assert makes(second) == makes(first) and second["total"] == first["total"]
        assert (FACETS.misses, FACETS.hits) == (1, 1)
        sharing.SEARCH_FACET_CACHE_SECONDS = 0
        third = search(body="pickup", sort="newest", facets="make")
        assert makes(third)["Toyota"] == makes(first)["Toyota"] + 1 and third["total"] == first["total"] + 1
    finally:
        delete_raw(newcomer.pk)


def test_other_requests_never_share_an_answer(market, sharing):
    toyota, honda = search(make="Toyota", facets="body"), search(make="Honda", facets="body")
    assert toyota["facets"]["body"] != honda["facets"]["body"]
    assert search(make="Toyota", facets="body,fuel")["facets"].keys() == {"body", "fuel"}
    assert FACETS.misses == 3 and FACETS.hits == 0


def test_many_identical_requests_at_once_ask_the_engine_for_facets_once(market, sharing):
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda _: search(fuel="diesel", facets="make,body"), range(16)))
    assert all(makes(body) == makes(bodies[0]) for body in bodies)
    assert FACETS.misses == 1 and FACETS.hits + FACETS.shared == 15
