"""Similar vehicles (never itself, never sold, with reasons), co-views with recency, recording views."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from buyers.models import VehicleView
from catalog.models import Vehicle
from insights.models import SearchClick
from search.coviews import coviewed_vehicles
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def api():
    return APIClient()


def similar(api, vehicle_id, **params):
    response = api.get(f"/api/v1/vehicles/{vehicle_id}/similar", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_similar_is_never_itself_and_only_available(api, market):
    for vehicle in market.vehicles[::9]:
        results = similar(api, vehicle.pk, size=20)
        assert results, vehicle
        ids = [r["id"] for r in results]
        assert vehicle.pk not in ids
        statuses = dict(Vehicle.objects.filter(pk__in=ids).values_list("id", "status"))
        assert set(statuses.values()) == {"available"}
        assert all(r["status"] == "available" and r["reasons"] for r in results)


def test_similar_prefers_the_same_model_and_explains_why(api, market):
    camry = Vehicle.objects.get(pk=market.coviewed["camry"])
    results = similar(api, camry.pk, size=5)
    assert results[0]["make"] == "Toyota" and results[0]["model"] == "Camry"
    assert "Same model" in results[0]["reasons"]
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    for result in results:
        gap = abs(result["price_usd"] - float(camry.price) / float(camry.currency.units_per_usd))
        if "Similar price (±10%)" in result["reasons"]:
            assert gap <= 0.1 * float(camry.price) / float(camry.currency.units_per_usd) + 0.01


def test_a_sold_vehicle_still_gets_recommendations(api, market):
    sold = next(v for v in market.vehicles if v.status == "sold")
    results = similar(api, sold.pk)
    assert results and sold.pk not in {r["id"] for r in results}


def test_coviews_weigh_recent_viewers_more_and_skip_the_vehicle_itself(market):
    ranked = coviewed_vehicles(market.coviewed["camry"], limit=10)
    ids = [vid for vid, _, _ in ranked]
    assert market.coviewed["camry"] not in ids
    scores = {vid: score for vid, score, _ in ranked}
    assert scores[market.coviewed["hilux"]] > 3 * scores[market.coviewed["golf"]], "120-day-old views decay"
    assert {vid: n for vid, _, n in ranked}[market.coviewed["hilux"]] == 6


def test_coviewed_vehicles_are_blended_in_but_never_sold_ones(api, market):
    results = similar(api, market.coviewed["camry"], size=30)
    by_id = {r["id"]: r for r in results}
    hilux = by_id[market.coviewed["hilux"]]
    assert any(reason.startswith("Buyers who viewed this also viewed") for reason in hilux["reasons"])
    assert market.coviewed["sold"] not in by_id


def test_recording_a_view_by_session_and_by_user(api, market):
    vehicle = market.vehicles[0]
    response = api.post(f"/api/v1/vehicles/{vehicle.pk}/views", {"dwell_seconds": 42}, format="json")
    assert response.status_code == 201, response.content
    view = VehicleView.objects.get(pk=response.json()["id"])
    assert view.session_key and view.user is None and view.dwell_seconds == 42
    api.force_login(market.member)
    response = api.post(f"/api/v1/vehicles/{vehicle.pk}/views", {}, format="json")
    assert VehicleView.objects.get(pk=response.json()["id"]).user == market.member


def test_a_view_from_a_search_records_the_click(api, market):
    vehicle = market.vehicles[1]
    search_id = uuid.uuid4()
    response = api.post(
        f"/api/v1/vehicles/{vehicle.pk}/views", {"search_id": str(search_id), "position": 3}, format="json"
    )
    assert response.status_code == 201
    click = SearchClick.objects.get(search_id=search_id)
    assert (click.vehicle_id, click.position) == (vehicle.pk, 3)


@pytest.mark.parametrize(
    "body, name",
    [
        ({"dwell_seconds": -1}, "dwell_seconds"),
        ({"dwell_seconds": 90000}, "dwell_seconds"),
        ({"search_id": "nope"}, "search_id"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_view_bodies_are_400(api, market, body, name):
    response = api.post(f"/api/v1/vehicles/{market.vehicles[0].pk}/views", body, format="json")
    assert response.status_code == 400 and name in response.json()["error"]["fields"]


def test_unknown_vehicle_is_404(api, market):
    assert api.get("/api/v1/vehicles/99999999/similar").status_code == 404
    assert api.post("/api/v1/vehicles/99999999/views", {}, format="json").status_code == 404
    response = api.get(f"/api/v1/vehicles/{market.vehicles[0].pk}/similar", {"size": 0})
    assert response.status_code == 400 and "size" in response.json()["error"]["fields"]
