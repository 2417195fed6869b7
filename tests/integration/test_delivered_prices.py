"""Delivered prices and import eligibility end to end: the reference data in Postgres, the documents
the indexer builds from it, the API's port, sort, range and importable filter, bad input, and a
freight change reaching search through the capture (no side path)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from catalog.models import Vehicle
from delivery.estimate import Car, breakdown, refusals
from delivery.models import FreightRate, ImportRule
from delivery.reference import load_reference
from indexers.drain import drain_all
from indexers.models import SearchChange
from search.client import get_client
from search.fields import usd_price
from search.indexes import vehicles_alias
from tests.support.search_fixtures import add_export_stock, sql_vehicles
from tests.support.search_fixtures import market as base_market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SEARCH = "/api/v1/vehicles/search"


@pytest.fixture(scope="module")
def market(base_market, django_db_blocker):  # noqa: F811
    """The shared market plus cars in Japan and the US, which ship to every port."""
    with django_db_blocker.unblock():
        add_export_stock()
        drain_all()
        get_client().indices.refresh(index=vehicles_alias())
    return base_market


def car_of(vehicle: Vehicle) -> Car:
    vehicle.refresh_from_db()
    units = vehicle.currency.units_per_usd
    return Car(
        usd_price(vehicle.price, units),
        vehicle.year,
        vehicle.steering,
        vehicle.condition,
        vehicle.body_type,
        vehicle.country,
    )


def expected_landed(vehicle: Vehicle, port_code: str) -> float | None:
    reference = load_reference()
    return breakdown(reference, car_of(vehicle), reference.port(port_code)).landed


def test_cards_show_the_ports_delivered_price_in_the_buyers_currency(market):
    body = APIClient().get(SEARCH, {"port": "CIABJ", "currency": "XOF", "size": 100}).json()
    assert body["total"] > 0
    priced = [card for card in body["results"] if card["delivered"]["amount"] is not None]
    assert priced and len(priced) < len(body["results"]), "some routes have no freight rate: no estimate"
    units = 630.0
    for card in priced[:10]:
        vehicle = Vehicle.objects.get(pk=card["id"])
        assert card["delivered"]["currency"] == "XOF"
        assert card["delivered"]["amount"] == pytest.approx(expected_landed(vehicle, "CIABJ") * units, rel=1e-6)
        assert card["cif"]["amount"] <= card["delivered"]["amount"]


def test_sorting_by_delivered_price_puts_cars_without_an_estimate_last(market):
    body = APIClient().get(SEARCH, {"port": "Abidjan", "sort": "delivered_asc", "size": 100}).json()
    amounts = [card["delivered"]["amount"] for card in body["results"]]
    priced = [a for a in amounts if a is not None]
    assert priced == sorted(priced)
    assert amounts[: len(priced)] == priced, "no estimate is never sorted as free"
    desc = APIClient().get(SEARCH, {"port": "CIABJ", "sort": "delivered_desc", "size": 5}).json()
    assert desc["results"][0]["delivered"]["amount"] == max(priced)


def test_a_delivered_range_keeps_only_cars_priced_within_it(market):
    body = APIClient().get(SEARCH, {"port": "KEMBA", "currency": "KES", "delivered_max": "3000000", "size": 100}).json()
    assert body["total"] > 0
    assert all(card["delivered"]["amount"] is not None for card in body["results"])
    assert all(card["delivered"]["amount"] <= 3_000_000 for card in body["results"])


def test_importable_filter_facet_and_reasons_follow_the_rules(market):
    api = APIClient()
    body = api.get(SEARCH, {"port": "KEMBA", "importable": "KE", "size": 100}).json()
    reference = load_reference()
    admitted = [
        v.pk
        for v in sql_vehicles()
        if v.country == "KE" or not refusals(car_of(v), reference.rules.get("KE"), reference.day)
    ]
    assert body["total"] == len(admitted) > 0
    assert all(card["import"]["importable"] for card in body["results"])
    counts = {item["value"]: item["count"] for item in body["facets"]["importable"]}
    assert counts["KE"] == len(admitted)
    refused = api.get(SEARCH, {"port": "KEMBA", "size": 100}).json()["results"]
    reasons = {reason for card in refused for reason in card["import"]["reasons"]}
    assert {"age", "steering"} <= reasons
    for card in refused:
        assert card["import"]["importable"] == (not card["import"]["reasons"])


def test_text_names_the_port_and_bounds_the_delivered_price(market):
    body = APIClient().get(SEARCH, {"q": "moins de 15 millions FCFA rendu Dakar", "currency": "XOF"}).json()
    chips = {chip["param"]: chip["value"] for chip in body["interpretation"]["chips"]}
    assert chips["port"] == "SNDKR" and "delivered_max" in chips
    assert all(
        card["delivered"]["port"] == "SNDKR" and card["delivered"]["amount"] <= 15_000_000 for card in body["results"]
    )
    cif = APIClient().get(SEARCH, {"q": "hilux CIF Lagos under 40000 usd"}).json()
    chips = {chip["param"]: chip["value"] for chip in cif["interpretation"]["chips"]}
    assert chips["port"] == "NGLOS" and chips["cif_max"] == "40000.00"


@pytest.mark.parametrize(
    ("params", "name", "says"),
    [
        ({"port": "Hamburg"}, "port", "Valid ports: "),
        ({"importable": "FR"}, "importable", "Valid countries: "),
        ({"delivered_max": "100"}, "delivered_max", "needs port"),
        ({"sort": "delivered_asc"}, "sort", "needs port"),
    ],
)
def test_bad_input_is_a_400_naming_it(market, params, name, says):
    response = APIClient().get(SEARCH, params)
    assert response.status_code == 400
    text = str(response.json())
    assert name in text and says in text
    if name == "port":
        assert "KEMBA (Mombasa)" in text and "Hamburg" in text


def drain_now() -> None:
    # Changes are ready from their statement's time, the claim compares with the transaction's: inside
    # a test's transaction they would wait for the next one.
    SearchChange.objects.update(next_attempt_at="2000-01-01T00:00:00Z")
    drain_all()


def _document(vehicle_id: int) -> dict:
    return get_client().get(index=vehicles_alias(), id=str(vehicle_id))["_source"]


def test_a_freight_change_reaches_every_affected_document_through_the_capture(market):
    drain_all()
    japanese = [v for v in sql_vehicles() if v.country == "JP" and v.body_type in ("sedan", "hatchback")]
    others = [v for v in sql_vehicles() if v.country == "US"][:3]
    assert japanese and others
    before = {v.pk: _document(v.pk) for v in [*japanese, *others]}
    rate = FreightRate.objects.get(region="japan", port_id="KEMBA", size_class="car")
    SearchChange.objects.all().delete()
    rate.amount_usd += Decimal(500)
    rate.save()
    touched = set(SearchChange.objects.values_list("object_id", flat=True))
    assert {v.pk for v in japanese} <= touched
    assert not {v.pk for v in others} & touched, "only the region's cars are re-stamped"
    assert len(touched) == sql_vehicles().filter(country="JP").count()
    drain_now()
    get_client().indices.refresh(index=vehicles_alias())
    for vehicle in japanese:
        after = _document(vehicle.pk)
        assert after["delivered_usd"]["KEMBA"] > before[vehicle.pk]["delivered_usd"]["KEMBA"]
        assert after["sync_version"] > before[vehicle.pk]["sync_version"]
        assert after["delivered_usd"]["KEMBA"] == pytest.approx(expected_landed(vehicle, "KEMBA"))
    for vehicle in others:
        assert _document(vehicle.pk)["sync_version"] == before[vehicle.pk]["sync_version"]


def test_a_rule_change_re_stamps_every_listable_car_and_changes_the_verdict(market):
    drain_all()
    rule = ImportRule.objects.get(country="KE")
    SearchChange.objects.all().delete()
    rule.max_age_years = 30
    rule.steering = ""
    rule.save()
    assert SearchChange.objects.count() == sql_vehicles().count()
    drain_now()
    get_client().indices.refresh(index=vehicles_alias())
    body = APIClient().get("/api/v1/vehicles/search", {"port": "KEMBA", "importable": "KE", "size": 1}).json()
    assert body["total"] == sql_vehicles().count()


def test_reference_rows_refuse_overlaps_negatives_and_unsourced_figures():
    from django.core.exceptions import ValidationError

    from tests.support.factories import ensure_delivery_reference

    ensure_delivery_reference()
    existing = FreightRate.objects.get(region="japan", port_id="KEMBA", size_class="car")
    overlapping = FreightRate(
        region="japan",
        port_id="KEMBA",
        size_class="car",
        method="roro",
        amount_usd=900,
        checked_on=date(2026, 12, 7),
        effective_from=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match=f"Overlaps row {existing.pk}"):
        overlapping.full_clean()
    negative = FreightRate(
        region="japan",
        port_id="TZDAR",
        size_class="car",
        amount_usd=-1,
        checked_on=date(2026, 12, 7),
        effective_from=date(2030, 1, 1),
    )
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        negative.full_clean()
    unsourced = ImportRule(
        country="KE", status="primary", checked_on=date(2026, 12, 7), effective_from=date(2031, 1, 1)
    )
    with pytest.raises(ValidationError, match="names its source"):
        unsourced.full_clean()


def test_a_rate_coming_into_force_re_stamps_the_cars_on_its_day(market, monkeypatch):
    """No row changes on the day a dated rate takes effect, or on 1 January (every car a year older):
    the daily job re-stamps the listable cars then, and on no other day."""
    from datetime import timedelta

    from catalog import tasks
    from jobs.models import JobCursor

    start = date(2027, 3, 1)
    current = FreightRate.objects.get(region="japan", port_id="KEMBA", size_class="car")
    FreightRate.objects.filter(pk=current.pk).update(effective_until=start + timedelta(days=2))
    FreightRate.objects.create(
        region="japan",
        port_id="KEMBA",
        size_class="car",
        method=current.method,
        amount_usd=current.amount_usd + 300,
        checked_on=current.checked_on,
        source_title=current.source_title,
        source_url=current.source_url,
        status=current.status,
        effective_from=start + timedelta(days=2),
    )
    JobCursor.objects.update_or_create(name=tasks.RESTAMP_CURSOR, defaults={"position": start.toordinal()})

    def run_on(day: date) -> int:
        monkeypatch.setattr(tasks, "today", lambda: day)
        SearchChange.objects.all().delete()
        return tasks.restamp_delivered_prices()

    assert run_on(start + timedelta(days=1)) == 0 and not SearchChange.objects.exists()
    listable = sql_vehicles().count()
    assert run_on(start + timedelta(days=2)) == listable == SearchChange.objects.count()
    assert run_on(start + timedelta(days=3)) == 0, "the day is done once"
    assert run_on(date(2028, 1, 1)) == listable, "a new year ages every car"
