"""Facet counts estimated from a sample for very broad browses: flagged, total exact, error < 1 %.

The market is generated in bulk (the generator's COPY path) and indexed by the production rebuild;
the exact counts come from the same request with the exact-count limit above the match size.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.support.search_fixtures import drop_search_indexes, load_index, sql_vehicles

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]

SEARCH = "/api/v1/vehicles/search"
PAGE_FACETS = "make,body,fuel,transmission,drivetrain,condition,colour,country,price,year,mileage"


@pytest.fixture
def broad_market():
    drop_search_indexes()
    call_command("generate_vehicles", count=40_000, seed=5, dealers=100, workers=1, no_progress=True)
    load_index()
    yield sql_vehicles().count()
    drop_search_indexes()


def search(**params):
    response = APIClient().get(SEARCH, {"facets": PAGE_FACETS, **params})
    assert response.status_code == 200, response.content
    return response.json()


def counts(body) -> dict[tuple, int]:
    out = {}
    for name, buckets in body["facets"].items():
        for bucket in buckets:
            out[(name, bucket.get("value", bucket.get("from")))] = bucket["count"]
    return out


def test_a_browse_above_the_limit_estimates_its_facets_and_says_so(broad_market, settings):
    listed = broad_market
    settings.SEARCH_EXACT_FACETS_UP_TO = listed * 2
    exact = search()
    assert exact["exhaustive"] == {"facets_count": True} and exact["total"] == listed

    settings.SEARCH_EXACT_FACETS_UP_TO = int(listed * 0.8)
    estimated = search()
    assert estimated["exhaustive"] == {"facets_count": False}
    assert estimated["total"] == listed  # the total is counted, never estimated
    truth, guess = counts(exact), counts(estimated)
    shared = set(guess) & set(truth)
    assert len(shared) > 100
    worst = max(abs(guess[key] - truth[key]) for key in shared)
    assert worst / listed < 0.01, f"largest error {worst} of {listed} matching vehicles"
    # Long facets (60 makes shown of more) may swap values at their tail: rare ones, either way.
    for key in set(guess) ^ set(truth):
        assert guess.get(key, truth.get(key)) / listed < 0.01
    # A value that occurs is never shown with a count of zero.
    assert min(guess.values()) >= 1


def test_a_browse_within_the_limit_and_any_text_search_count_exactly(broad_market, settings):
    settings.SEARCH_EXACT_FACETS_UP_TO = 0  # sampling off
    assert search()["exhaustive"] == {"facets_count": True}
    settings.SEARCH_EXACT_FACETS_UP_TO = 10
    assert search(q="camera", interpret="0")["exhaustive"] == {"facets_count": True}
    settings.SEARCH_EXACT_FACETS_UP_TO = broad_market
    assert search()["exhaustive"] == {"facets_count": True}


def test_a_narrow_selection_counts_its_own_facets_exactly_and_estimates_the_whole_market(broad_market, settings):
    """The sample goes out with the page; the facet group that turns out narrow (the chosen make's
    bodies, fuels...) is counted again exactly, while the make facet (every other make, over the whole
    market) stays estimated."""
    settings.SEARCH_EXACT_FACETS_UP_TO = broad_market * 2
    makes = {b["value"]: b["count"] for b in search()["facets"]["make"]}
    rare = min((m for m, n in makes.items() if n >= 50), key=makes.get)
    exact = search(make=rare)
    settings.SEARCH_EXACT_FACETS_UP_TO = broad_market // 2
    mixed = search(make=rare)
    assert mixed["exhaustive"] == {"facets_count": False}
    assert mixed["total"] == exact["total"] == makes[rare]
    assert mixed["facets"].keys() == exact["facets"].keys()
    for name in mixed["facets"].keys() - {"make"}:
        assert mixed["facets"][name] == exact["facets"][name], name
    truth = {b["value"]: b["count"] for b in exact["facets"]["make"]}
    guess = {b["value"]: b["count"] for b in mixed["facets"]["make"]}
    worst = max(abs(guess.get(m, 0) - truth.get(m, 0)) for m in truth.keys() | guess.keys())
    assert worst / broad_market < 0.01
