"""Fields declared in the registry, end to end: every selection parameter reaches the engine query, and
steering side works as every field does (filter, facet, chip, words, vehicle page, console, CSV)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Vehicle
from search import fields
from search.params import VehicleSearchParams
from search.request import Scope
from search.vehicles import vehicle_count_search
from tests.support.factories import ensure_currencies, ensure_delivery_reference, make_dealer, make_vehicle
from tests.support.search_fixtures import delete_raw, index_raw, market, sql_vehicles  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SEARCH = "/api/v1/vehicles/search"

# A valid value for each kind of terms parameter (search.fields.TermsParam.kind).
SAMPLE_TERMS = {"text": "abc", "country": "KE", "id": "7", "status": "reserved", "destination": "KE"}


def sample_params(field) -> dict[str, str]:
    if field.terms_on:
        kind = field.terms_param.kind
        return {field.name: field.value_codes[0] if kind == "choice" else SAMPLE_TERMS[kind]}
    low, high = fields.range_params(field.name)
    first = field.range_param.low + 1
    port = {"port": "KEMBA"} if field.range_param.per_port else {}
    return {low: str(first), high: str(first + 1), **port}


def engine_query(params: dict[str, str]) -> dict:
    serializer = VehicleSearchParams(data=QueryDict(urlencode(params)))
    assert serializer.is_valid(), serializer.errors
    query = serializer.validated_data["query"]
    return vehicle_count_search(query, scope=Scope(statuses=fields.ALL_STATUSES)).to_dict()


@pytest.mark.parametrize("field", [*fields.TERM_FIELDS, *fields.RANGE_FIELDS], ids=lambda f: f.name)
def test_every_selection_parameter_reaches_the_engine_query(field):
    """A parameter accepted and then ignored is the trap: each one must change what the engine is asked."""
    ensure_currencies()
    ensure_delivery_reference()
    assert engine_query(sample_params(field)) != engine_query({})


def test_steering_filters_and_counts_like_sql(market):
    api = APIClient()
    body = api.get(SEARCH, {"steering": "rhd", "size": 100}).json()
    assert body["total"] == sql_vehicles({"steering": ["rhd"]}).count() > 0
    assert {card["steering"] for card in body["results"]} == {"rhd"}
    counts = {item["value"]: item["count"] for item in body["facets"]["steering"]}
    assert counts == {side: sql_vehicles({"steering": [side]}).count() for side in ("lhd", "rhd")}, (
        "disjunctive: the facet keeps the other side's count"
    )
    refused = api.get(SEARCH, {"steering": "middle"})
    assert refused.status_code == 400 and "steering" in refused.json()["error"]["fields"]


@pytest.mark.parametrize("q", ["rhd", "Right hand drive", "conduite à droite", "diesel RHD"])
def test_steering_is_understood_in_text(market, q):
    body = APIClient().get(SEARCH, {"q": q, "size": 100}).json()
    chips = {chip["param"]: chip["value"] for chip in body["interpretation"]["chips"]}
    assert chips.pop("steering") == "rhd"
    expected = sql_vehicles({"steering": ["rhd"], **{name: [value] for name, value in chips.items()}}).count()
    assert body["total"] == expected > 0


@pytest.mark.parametrize(("language", "words"), [("en", "Right-hand drive"), ("fr", "Conduite à droite")])
def test_steering_on_the_search_page_and_the_vehicle_page(market, language, words):
    client = Client()
    client.cookies["django_language"] = language
    page = client.get("/", {"steering": "rhd"}).content.decode()
    assert words in page  # the facet's value and the chip
    vehicle = Vehicle.objects.filter(steering="rhd", status="available").first()
    detail = client.get(f"/vehicles/{vehicle.pk}/x/", follow=True).content.decode()
    assert words in detail


def test_the_console_sets_steering_and_search_follows(market):
    dealer = market.dealers[0]
    vehicle = Vehicle.objects.filter(dealer=dealer, status="available", steering="").first()
    client = Client()
    client.force_login(market.member)
    url = f"/dealer/{dealer.pk}/vehicles/{vehicle.pk}/"
    form = {"price": str(vehicle.price), "status": "available", "steering": "lhd", "description": ""}
    assert client.post(url, form).status_code == 302
    bad = client.post(url, {**form, "steering": "both"})
    assert bad.status_code == 400 and "steering" in bad.context["form"].errors
    vehicle.refresh_from_db()
    assert vehicle.steering == "lhd"
    # The document the indexers build from the row now (the sync itself: test_sync_pipeline.py).
    index_raw(vehicle)
    found = APIClient().get(SEARCH, {"steering": "lhd", "dealer": dealer.pk, "size": 100}).json()["results"]
    assert vehicle.pk in {card["id"] for card in found}


def test_the_dealer_csv_carries_steering_both_ways(market):
    dealer = market.dealers[0]
    client = Client()
    client.force_login(market.member)
    rows = "reference,make,model,year,price,currency,steering\nSTEER-1,Toyota,Hilux,2020,31000,USD,RHD\n"
    rows += "STEER-2,Toyota,Hilux,2020,31000,USD,left hand drive\nSTEER-3,Toyota,Hilux,2020,31000,USD,\n"
    upload = io.BytesIO(rows.encode())
    upload.name = "stock.csv"
    assert client.post(f"/dealer/{dealer.pk}/import", {"file": upload}).status_code == 200
    sides = dict(
        Vehicle.objects.filter(source_key__startswith=f"dealer:{dealer.pk}:STEER-").values_list(
            "source_key", "steering"
        )
    )
    key = f"dealer:{dealer.pk}:STEER-"
    # A dealer's own file is never guessed from the market: blank stays unknown.
    assert sides == {f"{key}1": "rhd", f"{key}2": "lhd", f"{key}3": ""}
    exported = list(
        csv.DictReader(io.StringIO(client.get(f"/dealer/{dealer.pk}/export.csv").content.decode("utf-8-sig")))
    )
    assert {row["reference"]: row["steering"] for row in exported if row["reference"].startswith("STEER-")} == {
        "STEER-1": "rhd",
        "STEER-2": "lhd",
        "STEER-3": "",
    }


def test_dealers_rated_4_and_up_filters_like_sql_and_is_a_toggle_on_the_page(market):
    low = make_vehicle(make_dealer(rating=Decimal("3.20")))
    index_raw(low)
    try:
        api = APIClient()
        body = api.get(SEARCH, {"dealer_rating_min": "4", "size": 100}).json()
        expected = Vehicle.objects.filter(status__in=("available", "reserved"), dealer__rating__gte=4).count()
        assert body["total"] == expected and low.pk not in {card["id"] for card in body["results"]}
        assert api.get(SEARCH, {"dealer": low.dealer_id}).json()["total"] == 1
        page = Client().get("/", {"dealer_rating_min": "4"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert 'name="dealer_rating_min" value="4" checked' in page and "Vendeurs notés 4 et plus" in page
    finally:
        delete_raw(low.pk)
