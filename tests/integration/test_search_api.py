"""Vehicle search against the real engine: facets and ranges checked against SQL, typos, synonyms,
pagination, every 400, and the 503 when the engine is gone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Count
from rest_framework.test import APIClient

from catalog.models import Currency
from search.client import get_client
from tests.support.search_fixtures import (  # noqa: F401 (fixtures)
    PUBLIC_STATUSES,
    delete_raw,
    index_raw,
    market,
    sql_counts,
    sql_vehicles,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SEARCH = "/api/v1/vehicles/search"


@pytest.fixture
def api():
    return APIClient()


def search(api, **params):
    response = api.get(SEARCH, params)
    assert response.status_code == 200, response.content
    return response.json()


def facet(body, name) -> dict:
    return {item["value"]: item["count"] for item in body["facets"][name]}


def all_ids(api, **params) -> list[int]:
    """Every result id, following cursors page after page."""
    body = search(api, size=7, facets="none", **params)
    ids = [r["id"] for r in body["results"]]
    while body["page"]["next_cursor"]:
        body = search(api, size=7, facets="none", cursor=body["page"]["next_cursor"], **params)
        ids += [r["id"] for r in body["results"]]
    return ids


def test_without_selections_facets_equal_sql_group_by(api, market):
    body = search(api)
    assert body["total"] == sql_vehicles().count()
    for name in (
        "make",
        "model",
        "body",
        "fuel",
        "transmission",
        "drivetrain",
        "steering",
        "condition",
        "colour",
        "country",
        "city",
        "dealer",
        "status",
    ):
        assert facet(body, name) == sql_counts(name), name


def test_facets_are_disjunctive_and_equal_sql(api, market):
    makes, bodies, fuels = ["Toyota", "Honda"], ["suv", "sedan"], ["petrol", "hybrid"]
    body = search(api, make=makes, body=bodies, fuel=fuels, year_min=2015)
    year = (2015, None)
    everything = {"make": makes, "body": bodies, "fuel": fuels}
    assert body["total"] == sql_vehicles(everything, year=year).count()
    # Each facet ignores its own selection (make also ignores model), and applies all the others.
    assert facet(body, "make") == sql_counts("make", {"body": bodies, "fuel": fuels}, year=year)
    assert len(facet(body, "make")) > 2, "other makes keep their counts"
    assert facet(body, "model") == sql_counts("model", everything, year=year)
    assert facet(body, "body") == sql_counts("body", {"make": makes, "fuel": fuels}, year=year)
    assert facet(body, "fuel") == sql_counts("fuel", {"make": makes, "body": bodies}, year=year)
    for name in (
        "transmission",
        "drivetrain",
        "steering",
        "condition",
        "colour",
        "country",
        "city",
        "dealer",
        "status",
    ):
        assert facet(body, name) == sql_counts(name, everything, year=year), name
    years = {int(b["from"]): b["count"] for b in body["facets"]["year"]}
    expected_years = dict(
        sql_vehicles({"make": makes, "body": bodies, "fuel": fuels})
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert years == expected_years, "the year histogram ignores the year range"
    toyota = next(item for item in body["facets"]["make"] if item["value"] == "Toyota")
    assert toyota["selected"] is True
    assert {m["value"]: m["count"] for m in toyota["models"]} == sql_counts(
        "model", {"make": ["Toyota"], "body": bodies, "fuel": fuels}, year=year
    )


def test_every_result_matches_every_selection(api, market):
    body = search(api, make=["Toyota"], body=["suv"], size=100)
    assert body["results"] and all(r["make"] == "Toyota" and r["body"] == "suv" for r in body["results"])
    assert all(r["status"] in PUBLIC_STATUSES for r in body["results"])


def test_typed_filters_ignore_case_and_accents(api, market):
    assert search(api, make="toyota")["total"] == search(api, make="Toyota")["total"] > 0
    assert search(api, make="citroen")["total"] == sql_vehicles({"make": ["Citroën"]}).count() > 0


def test_price_range_in_another_currency_equals_sql(api, market):
    eur = Currency.objects.get(code="EUR").units_per_usd
    low, high = Decimal("12000"), Decimal("25000")
    ids = all_ids(api, price_min=low, price_max=high, currency="EUR")
    expected = [
        v.pk
        for v in sql_vehicles().select_related("currency")
        if low / eur <= round(v.price / v.currency.units_per_usd, 2) <= high / eur
    ]
    assert sorted(ids) == sorted(expected) and len(ids) == len(set(ids))


def test_year_and_mileage_ranges_equal_sql(api, market):
    ids = all_ids(api, year_min=2016, year_max=2019, mileage_max=100000)
    expected = sql_vehicles(year=(2016, 2019)).filter(mileage_km__lte=100000).values_list("id", flat=True)
    assert sorted(ids) == sorted(expected)


def test_sold_and_withdrawn_never_shown_even_if_left_in_the_index(api, market):
    sold = next(v for v in market.vehicles if v.status == "sold")
    index_raw(sold)
    try:
        body = search(api, make=sold.make, model=sold.model, size=100)
        assert sold.pk not in {r["id"] for r in body["results"]}
        assert set(facet(body, "status")) <= set(PUBLIC_STATUSES)
        assert body["total"] == sql_vehicles({"make": [sold.make], "model": [sold.model]}).count()
    finally:
        delete_raw(sold.pk)


def test_typos_are_forgiven(api, market):
    body = search(api, q="Toyoya Camri", facets="none")
    assert body["total"] > 0
    assert all(r["make"] == "Toyota" for r in body["results"])
    assert [r["model"] for r in body["results"][:5]] == ["Camry"] * 5
    assert search(api, q="Mercedez", facets="none")["results"][0]["make"] == "Mercedes-Benz"


@pytest.mark.parametrize(
    "typed, make", [("chevy", "Chevrolet"), ("vw", "Volkswagen"), ("merc", "Mercedes-Benz"), ("citroen", "Citroën")]
)
def test_synonyms_and_folding_find_the_make(api, market, typed, make):
    body = search(api, q=typed, size=100)
    assert body["total"] == sql_vehicles({"make": [make]}).count()
    assert {r["make"] for r in body["results"]} == {make}


def test_body_type_synonym(api, market):
    body = search(api, q="sport utility", size=100)
    assert body["total"] == sql_vehicles({"body": ["suv"]}).count()
    assert {r["body"] for r in body["results"]} == {"suv"}


def test_make_and_model_outrank_description_mentions(api, market):
    body = search(api, q="vw golf", facets="none")
    assert body["results"][0]["model"] == "Golf"


def test_highlights_mark_the_matched_words(api, market):
    body = search(api, q="sunroof", facets="none")
    assert body["total"] > 0
    assert any("<em>sunroof</em>" in " ".join(sum(r["highlight"].values(), [])) for r in body["results"])


@pytest.mark.parametrize(
    "sort, key, reverse",
    [
        ("price_asc", "price_usd", False),
        ("price_desc", "price_usd", True),
        ("year_desc", "year", True),
        ("mileage_asc", "mileage_km", False),
        ("newest", "listed_at", True),
    ],
)
def test_sorting(api, market, sort, key, reverse):
    results = search(api, sort=sort, size=50, facets="none")["results"]
    values = [r[key] for r in results]
    assert values == sorted(values, reverse=reverse)


def test_page_numbers_and_cursors_walk_the_same_list(api, market):
    first = search(api, sort="price_asc", size=10)
    second = search(api, sort="price_asc", size=10, page=2)
    assert first["page"]["next_page"] == 2
    by_cursor = search(api, sort="price_asc", size=10, cursor=first["page"]["next_cursor"])
    assert [r["id"] for r in by_cursor["results"]] == [r["id"] for r in second["results"]]
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    ids = all_ids(api, sort="price_asc")
    assert len(ids) == len(set(ids)) == sql_vehicles().count()


def test_distance_filter_and_sort(api, market):
    body = search(api, lat=-4.05, lon=39.66, radius_km=30, sort="distance", size=100)
    mombasa = next(d for d in market.dealers if d.city == "Mombasa")
    assert body["total"] == sql_vehicles({"dealer": [mombasa.pk]}).count()
    assert all(r["city"] == "Mombasa" and r["distance_km"] < 30 for r in body["results"])
    wide = search(api, lat=-4.05, lon=39.66, radius_km=1000, sort="distance", size=100)["results"]
    assert [r["distance_km"] for r in wide] == sorted(r["distance_km"] for r in wide)


def test_prices_shown_in_the_requested_currency(api, market):
    body = search(api, currency="KES", size=5, facets="price")
    kes = float(Currency.objects.get(code="KES").units_per_usd)
    for result in body["results"]:
        assert result["display_price"]["currency"] == "KES"
        if result["price"]["currency"] != "KES":
            assert result["display_price"]["amount"] == pytest.approx(result["price_usd"] * kes, abs=0.01)
    assert all(b["from"] % 5000 == 0 for b in body["facets"]["price"])


def cursor_for_another_query(api):
    return search(api, sort="price_asc", size=2, facets="none")["page"]["next_cursor"]


BAD_REQUESTS = [
    ({"maek": "Toyota"}, "maek"),
    ({"year_min": "abc"}, "year_min"),
    ({"price_min": "cheap"}, "price_min"),
    ({"year_min": 2020, "year_max": 2010}, "year_min"),
    ({"price_min": 5000, "price_max": 100}, "price_min"),
    ({"mileage_min": 9, "mileage_max": 1}, "mileage_min"),
    ({"size": 101}, "size"),
    ({"size": 0}, "size"),
    ({"page": 60, "size": 20}, "page"),
    ({"cursor": "not-a-cursor"}, "cursor"),
    ({"sort": "cheapest"}, "sort"),
    ({"currency": "XYZ"}, "currency"),
    ({"lat": 1.0}, "lon"),
    ({"radius_km": 5}, "radius_km"),
    ({"lat": 100, "lon": 0}, "lat"),
    ({"sort": "distance"}, "sort"),
    ({"status": "sold"}, "status"),
    ({"condition": "broken"}, "condition"),
    ({"country": "Narnia"}, "country"),
    ({"facets": "make,wheels"}, "facets"),
    ({"dealer": "x"}, "dealer"),
]


@pytest.mark.parametrize("params, name", BAD_REQUESTS, ids=[name for _, name in BAD_REQUESTS])
def test_bad_parameters_are_400_naming_the_parameter(api, market, params, name):
    response = api.get(SEARCH, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter"
    assert name in error["fields"] and error["message"].startswith(name)


def test_cursor_of_another_query_or_with_a_page_is_400(api, market):
    cursor = cursor_for_another_query(api)
    for params in (
        {"cursor": cursor, "sort": "price_desc"},
        {"cursor": cursor, "sort": "price_asc", "make": "Honda"},
        {"cursor": cursor, "sort": "price_asc", "page": 2},
    ):
        response = api.get(SEARCH, params)
        assert response.status_code == 400 and "cursor" in response.json()["error"]["fields"], params


def test_engine_unreachable_is_a_clear_503(api, market, settings):
    reachable = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    get_client.cache_clear()
    try:
        for url in (SEARCH, "/api/v1/vehicles/suggest?q=toy", f"/api/v1/vehicles/{market.vehicles[0].pk}/similar"):
            response = api.get(url)
            assert response.status_code == 503, url
            assert response.json() == {
                "error": {
                    "code": "search_unavailable",
                    "message": ("Search is temporarily unavailable. Please retry in a few seconds."),
                }
            }
    finally:
        settings.ELASTICSEARCH_URL = reachable
        get_client.cache_clear()


def test_openapi_schema_lists_every_search_endpoint(api):
    response = api.get("/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/vehicles/search",
        "/api/v1/vehicles/suggest",
        "/api/v1/vehicles/{vehicle_id}/similar",
        "/api/v1/vehicles/{vehicle_id}/views",
        "/api/v1/dealers/{dealer_id}/inventory",
        "/api/v1/analytics/prices",
        "/api/v1/analytics/listings-over-time",
        "/api/v1/analytics/inventory-by-dealer",
        "/api/v1/analytics/days-on-market",
        "/api/v1/analytics/search-queries",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/vehicles/search"]["get"]["parameters"]}
    assert {"q", "make", "price_min", "cursor", "sort", "facets"} <= params
