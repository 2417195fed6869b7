"""One price rule on every write path: at least 0.01, below 10^12 (what numeric(14, 2) holds). A bulk
change that would break it for any selected vehicle changes nothing and says why; never a 500."""

from __future__ import annotations

import io
from decimal import Decimal as D

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Vehicle
from catalog.services import InventoryInputError, change_prices, import_inventory
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def two_vehicles(market, *prices):
    vehicles = list(Vehicle.objects.filter(dealer=market.dealers[0]).order_by("pk")[: len(prices)])
    for vehicle, price in zip(vehicles, prices):
        Vehicle.objects.filter(pk=vehicle.pk).update(price=D(price))
    return [v.pk for v in vehicles]


@pytest.mark.parametrize(
    "prices, percent",
    [
        (("0.04", "20000.00"), "-90"),  # 0.004 → 0.00: the API refuses 0
        (("999999999999.00", "100.00"), "90"),  # numeric overflow
        (("600000000000.00", "100.00"), "70"),  # 1.02e12: past the limit, not yet an overflow of the column
    ],
)
def test_a_bulk_change_that_breaks_the_rule_for_one_vehicle_changes_none(market, prices, percent):
    ids = two_vehicles(market, *prices)
    before = dict(Vehicle.objects.filter(pk__in=ids).values_list("pk", "price"))
    with pytest.raises(InventoryInputError) as refused:
        change_prices(market.dealers[0].pk, ids, percent)
    assert refused.value.field == "percent"
    assert dict(Vehicle.objects.filter(pk__in=ids).values_list("pk", "price")) == before


def test_a_bulk_change_may_reach_the_lowest_price_the_rule_allows(market):
    ids = two_vehicles(market, "0.05")
    # 0.05 × 0.1 = 0.005, which rounds half up (as Postgres ROUND does) to 0.01: allowed.
    assert change_prices(market.dealers[0].pk, ids, "-90") == 1
    assert Vehicle.objects.get(pk=ids[0]).price == D("0.01")


def test_the_console_reports_a_refused_bulk_change_instead_of_a_server_error(market):
    ids = two_vehicles(market, "999999999999.00")
    client = Client(raise_request_exception=False)
    client.force_login(market.member)
    dealer = market.dealers[0].pk
    response = client.post(f"/dealer/{dealer}/bulk", {"action": "change_price", "percent": "90", "vehicles": ids})
    assert response.status_code == 302
    assert [m.message.split(":")[0] for m in get_messages(response.wsgi_request)] == ["percent"]
    assert Vehicle.objects.get(pk=ids[0]).price == D("999999999999.00")


@pytest.mark.parametrize("price", ["0", "0.004", "-1", "1000000000000", "999999999999.995"])
def test_the_api_and_the_csv_import_refuse_the_same_prices(market, price):
    vehicle_id = two_vehicles(market, "5000.00")[0]
    api = APIClient()
    api.force_login(market.member)
    url = f"/api/v1/dealers/{market.dealers[0].pk}/vehicles/{vehicle_id}"
    assert api.patch(url, {"price": price}, format="json").status_code == 400
    text = f"id,make,model,year,price,currency\n{vehicle_id},Toyota,Hilux,2020,{price},USD\n"
    report = import_inventory(market.dealers[0], io.BytesIO(text.encode()))
    assert report.rejected == 1, report.rejects
    assert Vehicle.objects.get(pk=vehicle_id).price == D("5000.00")


def test_the_lowest_and_highest_prices_the_rule_allows_are_written_on_every_path(market):
    low, high = two_vehicles(market, "5000.00", "5000.00")
    api = APIClient()
    api.force_login(market.member)
    base = f"/api/v1/dealers/{market.dealers[0].pk}/vehicles"
    assert api.patch(f"{base}/{low}", {"price": "0.01"}, format="json").status_code == 200
    text = f"id,make,model,year,price,currency\n{high},Toyota,Hilux,2020,999999999999.99,USD\n"
    report = import_inventory(market.dealers[0], io.BytesIO(text.encode()))
    assert report.rejected == 0, report.rejects
    assert Vehicle.objects.get(pk=high).price == D("999999999999.99")
