"""Saved searches against the real engine: percolator queries registered from the API, a buyer told
once for a new matching vehicle and not for one that does not match; pause, resume, delete."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from notifications import dispatch
from notifications.models import Notification, OutboxEvent, SavedSearch, SavedSearchMatch
from notifications.percolator import saved_search_query, sync_saved_search
from notifications.saved_searches import match_saved_searches
from search.request import GeoCircle, Range, VehicleQuery
from tests.support.notification_support import (  # noqa: F401
    clean_broker,
    clean_percolator,
    fast_settings,
    make_buyer,
    make_dealer,
    make_vehicle,
)

HILUX = {"q": "hilux", "make": ["Toyota"], "price_max": 30000, "year_min": 2015}


def test_saved_parameters_become_one_engine_query():
    near = GeoCircle(lat=-4.0, lon=39.6, radius_km=50)
    query = VehicleQuery(
        text="hilux",
        terms={"make": ("Toyota",), "body": ("pickup",)},
        ranges={"price": Range(high=30000), "year": Range(low=2015)},
        near=near,
    )
    assert VehicleQuery.from_dict(query.to_dict()) == query
    engine_query = saved_search_query(query)["bool"]
    (base,) = engine_query["must"]
    assert base["bool"]["must"], "the search's own text clause"
    assert {"geo_distance": {"distance": "50km", "location": {"lat": -4.0, "lon": 39.6}}} in base["bool"]["filter"]
    filters = engine_query["filter"]
    assert {"terms": {"make.folded": ["Toyota"]}} in filters and {"terms": {"body_type": ["pickup"]}} in filters
    assert {"range": {"price_usd": {"lte": 30000}}} in filters and {"range": {"year": {"gte": 2015}}} in filters


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_a_saved_search_notifies_once_for_a_new_matching_vehicle(clean_percolator, clean_broker, fast_settings):
    buyer = make_buyer()
    dealer = make_dealer()
    make_vehicle(dealer=dealer, make="Toyota", model="Hilux", year=2019, price=Decimal("25000"))  # seen when saving
    api = APIClient()
    api.force_authenticate(buyer.user)
    created = api.post("/api/v1/saved-searches", {"name": "Hilux under 30k", "params": HILUX}, format="json")
    assert created.status_code == 201, created.content
    search_id, task_id = created.json()["id"], created.json()["task_id"]
    assert api.get(f"/api/v1/tasks/{task_id}").json()["name"] == "notifications.tasks.sync_saved_search"
    assert sync_saved_search(search_id) == "registered"  # what the tracked task does in a worker
    match_saved_searches()  # the existing Hilux predates the search: not news
    assert not SavedSearchMatch.objects.exists()

    with transaction.atomic():
        new_hilux = make_vehicle(dealer=dealer, make="Toyota", model="Hilux", year=2020, price=Decimal("27000"))
        make_vehicle(dealer=dealer, make="Toyota", model="Hilux", year=2020, price=Decimal("45000"))  # too dear
        make_vehicle(dealer=dealer, make="Nissan", model="Navara", year=2020, price=Decimal("20000"))  # not a Hilux
    assert match_saved_searches()["matches"] == 1
    assert list(SavedSearchMatch.objects.values_list("saved_search_id", "vehicle_id")) == [(search_id, new_hilux.id)]

    # Changed again (a price cut): the same pair is never told twice.
    new_hilux.price = Decimal("26000")
    new_hilux.save()
    match_saved_searches()
    assert SavedSearchMatch.objects.count() == 1
    events = OutboxEvent.objects.filter(event_type="saved_search_match")
    assert [e.payload for e in events] == [{"saved_search_id": search_id, "vehicle_id": new_hilux.id}]
    dispatch.dispatch_outbox()
    told = Notification.objects.get(event_type="saved_search_match")
    assert told.user_id == buyer.user_id and "Hilux under 30k" in told.summary

    # Paused: the query leaves the engine, and a new match is not told.
    paused = api.post(f"/api/v1/saved-searches/{search_id}/pause")
    assert paused.json()["active"] is False
    assert sync_saved_search(search_id) == "removed"
    make_vehicle(dealer=dealer, make="Toyota", model="Hilux", year=2021, price=Decimal("28000"))
    match_saved_searches()
    assert SavedSearchMatch.objects.count() == 1

    assert api.post(f"/api/v1/saved-searches/{search_id}/resume").json()["active"] is True
    listing = api.get("/api/v1/saved-searches").json()["results"]
    assert [s["name"] for s in listing] == ["Hilux under 30k"]
    assert api.delete(f"/api/v1/saved-searches/{search_id}").status_code == 204
    assert sync_saved_search(search_id) == "removed" and not SavedSearch.objects.exists()


@pytest.mark.django_db
def test_saved_search_input_is_validated_and_owned(fast_settings, monkeypatch):
    from notifications import services

    monkeypatch.setattr(services, "start_tracked_task", lambda *a, **k: "task-1")
    owner, other = make_buyer(), make_buyer()
    api = APIClient()
    api.force_authenticate(owner.user)
    bad = api.post("/api/v1/saved-searches", {"name": "x", "params": {"price_min": 9, "price_max": 1}}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_parameter"
    assert api.post("/api/v1/saved-searches", {"name": "x", "params": {}}, format="json").status_code == 400
    search_id = api.post("/api/v1/saved-searches", {"name": "x", "params": {"make": ["Toyota"]}}, format="json").json()[
        "id"
    ]
    api.force_authenticate(other.user)
    assert api.get(f"/api/v1/saved-searches/{search_id}").status_code == 404
    assert api.delete(f"/api/v1/saved-searches/{search_id}").status_code == 404


@pytest.mark.django_db
def test_price_watches_through_the_api(fast_settings):
    buyer = make_buyer()
    car = make_vehicle(price=Decimal("12000"))
    api = APIClient()
    api.force_authenticate(buyer.user)
    watch = api.post("/api/v1/price-watches", {"vehicle_id": car.id, "target_price": "12500"}, format="json").json()
    assert watch["target_reached"] is True and watch["currency"] == "USD"
    assert api.patch(f"/api/v1/price-watches/{watch['id']}", {"active": False}, format="json").json()["active"] is False
    assert len(api.get("/api/v1/price-watches").json()["results"]) == 1
    assert api.delete(f"/api/v1/price-watches/{watch['id']}").status_code == 204


@pytest.mark.engine
@pytest.mark.django_db(transaction=True)
def test_a_delivered_price_alert_fires_once_when_a_price_drop_crosses_the_bound(
    clean_percolator, clean_broker, fast_settings
):
    """ "Alert me when a Hilux delivered to Tema drops under 25,000 USD": the bound is on the port's
    landed estimate, which the document carries; the percolator maps the port's field first."""
    from tests.support.factories import ensure_delivery_reference

    ensure_delivery_reference()
    buyer = make_buyer()
    dealer = make_dealer(country="US", city="Newark")
    hilux = make_vehicle(
        dealer=dealer,
        make="Toyota",
        model="Hilux",
        year=2021,
        price=Decimal("22000"),
        country="US",
        body_type="pickup",
        steering="lhd",
    )
    api = APIClient()
    api.force_authenticate(buyer.user)
    params = {"make": ["Toyota"], "model": ["Hilux"], "port": "Tema", "delivered_max": 25000}
    created = api.post("/api/v1/saved-searches", {"name": "Hilux at Tema", "params": params}, format="json")
    assert created.status_code == 201, created.content
    search_id = created.json()["id"]
    assert SavedSearch.objects.get(pk=search_id).query["port"] == "GHTEM"
    assert sync_saved_search(search_id) == "registered"
    match_saved_searches()
    assert not SavedSearchMatch.objects.exists(), "22,000 USD in Newark lands above 25,000 USD at Tema"

    hilux.price = Decimal("14000")  # lands at about 23,600 USD at Tema
    hilux.save()
    assert match_saved_searches()["matches"] == 1
    hilux.price = Decimal("13000")
    hilux.save()
    match_saved_searches()
    assert list(SavedSearchMatch.objects.values_list("saved_search_id", "vehicle_id")) == [(search_id, hilux.id)]
