"""A dealer's programs change their inventory through the API (the same services as the console):
who may, with a session or an API token, and every mistake a 400 naming the field."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.tokens import token_create
from catalog.models import Vehicle
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
VIN = "2HGFB2F59CH512345"


def own_vehicle(market) -> Vehicle:
    return Vehicle.objects.filter(dealer=market.dealers[0], status="available").order_by("pk").first()


EXPECTED = {"anonymous": 401, "buyer": 403, "other_dealer_member": 403, "analyst": 403, "member": 200, "staff": 200}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_may_change_a_vehicle(market, role):
    users = {
        "anonymous": None,
        "buyer": User.objects.create_user("api-buyer", password="pw"),
        "other_dealer_member": market.outsider,
        "analyst": market.analyst,
        "member": market.member,
        "staff": market.staff,
    }
    api = APIClient()
    if users[role] is not None:
        api.force_authenticate(users[role])
    vehicle = own_vehicle(market)
    response = api.patch(
        f"/api/v1/dealers/{vehicle.dealer_id}/vehicles/{vehicle.pk}", {"description": "x"}, format="json"
    )
    assert response.status_code == EXPECTED[role], response.content
    if role == "anonymous":
        assert "WWW-Authenticate" in response


def test_a_token_changes_a_price_and_mistakes_name_the_field(market):
    vehicle = own_vehicle(market)
    _token, secret = token_create(user=market.member, name="dms")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    url = f"/api/v1/dealers/{vehicle.dealer_id}/vehicles/{vehicle.pk}"
    response = api.patch(url, {"price": "15999.50", "status": "reserved"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["price"] == "15999.50" and response.json()["status"] == "reserved"
    vehicle.refresh_from_db()
    assert vehicle.price == D("15999.50")
    for body, field in (
        ({"price": "0"}, "price"),
        ({"status": "stolen"}, "status"),
        ({"photos": ["ftp://x"]}, "photos"),
        ({"colour": "red"}, "colour"),
    ):
        bad = api.patch(url, body, format="json")
        assert bad.status_code == 400 and field in str(bad.json()), (body, bad.content)
    foreign = Vehicle.objects.exclude(dealer_id=vehicle.dealer_id).first()
    assert api.patch(f"/api/v1/dealers/{vehicle.dealer_id}/vehicles/{foreign.pk}", {}, format="json").status_code == 404


def test_list_a_vehicle_with_a_checked_vin(market):
    dealer = market.dealers[0]
    api = APIClient()
    api.force_authenticate(market.member)
    body = {"vin": VIN, "make": "Honda", "model": "Civic", "year": 2012, "price": "9500", "currency": "USD"}
    created = api.post(f"/api/v1/dealers/{dealer.pk}/vehicles", body, format="json")
    assert created.status_code == 201, created.content
    assert Vehicle.objects.get(vin=VIN).dealer_id == dealer.pk
    again = api.post(f"/api/v1/dealers/{dealer.pk}/vehicles", body, format="json")
    assert again.status_code == 400 and "vin" in str(again.json()) and "already listed" in str(again.json())
    bad = api.post(f"/api/v1/dealers/{dealer.pk}/vehicles", {**body, "vin": "SHORT"}, format="json")
    assert bad.status_code == 400 and "vin" in str(bad.json())
    api.force_authenticate(market.outsider)
    assert api.post(f"/api/v1/dealers/{dealer.pk}/vehicles", body, format="json").status_code == 403
