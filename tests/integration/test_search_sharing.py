"""Identical search and typeahead requests share one engine round trip (search/sharing.py), against
the real engine: a repeat within the time gets the first answer, another request never does, a
write shows once the time is over, and a burst of identical requests reaches the engine once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from search.sharing import ANSWERS
from tests.support.factories import make_dealer, make_vehicle
from tests.support.round_trips import round_trips, since
from tests.support.search_fixtures import delete_raw, index_raw, market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SEARCH = "/api/v1/vehicles/search"
SUGGEST = "/api/v1/vehicles/suggest"


@pytest.fixture
def sharing(settings):
    # Long enough that no machine, however slow, lets an answer expire within a test.
    settings.SEARCH_ANSWER_SHARING_SECONDS = 60
    ANSWERS.clear()
    yield settings
    ANSWERS.clear()


@pytest.fixture
def counted():
    """The round trips counted since the test began, by outcome."""
    before = round_trips()
    return lambda: since(before)


def get(path: str, **params) -> dict:
    response = APIClient().get(path, params)
    assert response.status_code == 200, response.content
    return response.json()


def makes(body) -> dict[str, int]:
    return {item["value"]: item["count"] for item in body["facets"]["make"]}


def test_a_repeat_shares_the_answer_and_a_write_shows_once_sharing_is_over(market, sharing, counted):
    first = get(SEARCH, body="pickup", sort="newest", facets="make")
    newcomer = make_vehicle(make_dealer(), make="Toyota", model="Hilux", body_type="pickup", listed_at=timezone.now())
    index_raw(newcomer)
    try:
        repeat = get(SEARCH, body="pickup", sort="newest", facets="make")
        assert repeat["results"] == first["results"] and makes(repeat) == makes(first)
        assert repeat["search_id"] != first["search_id"], "each search is still logged as itself"
        n = counted()
        assert (n["miss"], n["hit"]) == (1, 1)
        sharing.SEARCH_ANSWER_SHARING_SECONDS = 0
        later = get(SEARCH, body="pickup", sort="newest", facets="make")
        assert later["results"][0]["id"] == newcomer.pk
        assert makes(later)["Toyota"] == makes(first)["Toyota"] + 1 and later["total"] == first["total"] + 1
    finally:
        delete_raw(newcomer.pk)


def test_other_requests_never_share_an_answer(market, sharing, counted):
    toyota, honda = get(SEARCH, make="Toyota", facets="body"), get(SEARCH, make="Honda", facets="body")
    assert toyota["facets"]["body"] != honda["facets"]["body"]
    assert get(SEARCH, make="Toyota", facets="body,fuel")["facets"].keys() == {"body", "fuel"}
    assert get(SEARCH, make="Toyota", facets="body", sort="price_asc")["sort"] == "price_asc"
    n = counted()
    assert n["miss"] == 4 and n["hit"] == 0


def test_a_write_reaches_search_once_the_shared_answer_is_older_than_its_seconds(market, sharing):
    sharing.SEARCH_ANSWER_SHARING_SECONDS = 2
    first = get(SEARCH, make="Toyota", sort="newest", facets="make")
    shared_until = time.monotonic() + 2
    newcomer = make_vehicle(make_dealer(), make="Toyota", model="Hilux", listed_at=timezone.now())
    index_raw(newcomer)
    try:
        repeat = get(SEARCH, make="Toyota", sort="newest", facets="make")
        if time.monotonic() < shared_until:  # a slow machine may already be past the window
            assert repeat["results"] == first["results"]
        time.sleep(max(0.0, shared_until - time.monotonic()) + 0.1)
        fresh = get(SEARCH, make="Toyota", sort="newest", facets="make")
        assert fresh["results"][0]["id"] == newcomer.pk and fresh["total"] == first["total"] + 1
    finally:
        delete_raw(newcomer.pk)


def test_a_burst_of_identical_requests_reaches_the_engine_once(market, sharing, counted):
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda _: get(SEARCH, fuel="diesel", facets="make,body"), range(16)))
        typed = list(pool.map(lambda _: get("/api/v1/vehicles/suggest", q="toy"), range(16)))
    assert all(body["results"] == bodies[0]["results"] and makes(body) == makes(bodies[0]) for body in bodies)
    assert all(body == typed[0] for body in typed)
    n = counted()
    assert n["miss"] == 2 and n["hit"] + n["shared"] == 30


def test_a_keystroke_asked_for_near_its_expiry_is_renewed_ahead_and_a_write_still_shows(market, sharing):
    """Typeahead answers are kept warm: asked for in the last part of their life, they are fetched
    again in the background, so the next request after the expiry is still answered from memory,
    and the renewed answer sees what was written meanwhile."""
    sharing.SEARCH_ANSWER_SHARING_SECONDS = 2
    before = round_trips()
    first = get(SUGGEST, q="hilz", vehicles=5)
    newcomer = make_vehicle(make_dealer(), make="Toyota", model="Hilzebra", listed_at=timezone.now())
    index_raw(newcomer)
    try:
        time.sleep(1.6)  # within the last 30 % of the answer's 2 s: this hit renews it
        assert get(SUGGEST, q="hilz", vehicles=5) == first
        deadline = time.monotonic() + 10
        while since(before)["renewed"] < 1 or not renewed_in_place():
            assert time.monotonic() < deadline, "the answer was not renewed"
            time.sleep(0.05)
        time.sleep(0.6)  # past the first answer's expiry
        later = get(SUGGEST, q="hilz", vehicles=5)
        n = since(before)
        assert (n["miss"], n["renewed"]) == (1, 1), n
        assert newcomer.pk in {card["id"] for card in later["vehicles"]}
    finally:
        delete_raw(newcomer.pk)


def renewed_in_place() -> bool:
    """Every kept answer has arrived (the renewal's slot replaced the one it renews)."""
    return all(slot.done.is_set() for slot in ANSWERS._slots.values())
