"""Market value end to end, in-process on the real Postgres and engine: the serving model values the
listings, the capture and drain carry rating and hold to the index, a held listing stays out of
buyers' search, its dealer confirms the price from the console, and it comes back through the sync."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone, translation

from catalog.models import Vehicle
from indexers.drain import drain_all
from indexers.rebuild import rebuild_vehicle_index
from pricing.serving import value_changed
from search.client import get_client
from search.indexes import vehicles_alias
from tests.support.factories import make_dealer, make_vehicle
from tests.support.market_model import fair_price, register_test_model
from tests.support.sync_support import drop_vehicle_indexes, expected_documents, fresh_vehicle_index, indexed_documents

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]
YEAR, KM = timezone.now().year - 4, 80_000


@pytest.fixture(autouse=True)
def fresh_index():
    with fresh_vehicle_index():
        yield


@pytest.fixture
def serving_model(settings, tmp_path):
    settings.MARKET_VALUE_MODEL_DIR = tmp_path
    return register_test_model(tmp_path)


def _hilux(dealer, share: float) -> Vehicle:
    price = Decimal(str(round(fair_price("Toyota", "Hilux", YEAR, KM) * share, 2)))
    return make_vehicle(
        dealer, model="Hilux", trim="", year=YEAR, mileage_km=KM, price=price, body_type="pickup", country="KE"
    )


def _best_deals(client) -> list[dict]:
    get_client().indices.refresh(index=vehicles_alias())  # what the drain wrote, searchable now, not in 1 s
    body = client.get("/api/v1/vehicles/search", {"sort": "best_deals", "size": 50}).json()
    return body["results"]


def test_valued_rated_held_confirmed_and_back_in_search(serving_model, monkeypatch):
    kicks = []
    monkeypatch.setattr("pricing.services._kick_valuation", lambda: kicks.append(1))
    dealer = make_dealer()
    fair, great, typo = _hilux(dealer, 1.0), _hilux(dealer, 0.75), _hilux(dealer, 0.2)
    buyer = Client()

    assert value_changed() == 3
    drain_all()
    assert indexed_documents() == expected_documents()
    held = Vehicle.objects.get(pk=typo.pk)
    assert held.held_reason == "price_far_below" and held.market_value_usd is not None
    cards = _best_deals(buyer)
    assert [c["id"] for c in cards] == [great.pk, fair.pk], "held listings stay out; best deal first"
    assert [c["deal_rating"] for c in cards] == ["great", "fair"]
    assert "below similar" in cards[0]["deal_sentence"]

    # A price change re-rates the listing through the ordinary sync, before any new valuation.
    Vehicle.objects.filter(pk=great.pk).update(price=fair.price, updated_at=timezone.now())
    drain_all()
    assert {c["id"]: c["deal_rating"] for c in _best_deals(buyer)}[great.pk] == "fair"

    member = User.objects.create_user("hold-dealer", password="x")
    dealer.members.add(member)
    console = Client()
    console.force_login(member)
    page = console.get(f"/dealer/{dealer.pk}/").content.decode()
    assert f'data-vehicle="{typo.pk}" data-reason="price_far_below"' in page
    answer = console.post(
        f"/dealer/{dealer.pk}/vehicles/{typo.pk}/confirm-price",
        {"price": str(typo.price), "next": f"/dealer/{dealer.pk}/"},
    )
    assert answer.status_code == 302 and kicks == [1]
    assert Vehicle.objects.get(pk=typo.pk).price_confirmed == typo.price

    assert value_changed() >= 1  # what the kicked (or scheduled) task runs
    drain_all()
    assert Vehicle.objects.get(pk=typo.pk).held_reason == ""
    assert indexed_documents() == expected_documents()
    back = {c["id"]: c["deal_rating"] for c in _best_deals(buyer)}
    assert back[typo.pk] == "great"
    assert "held-item" not in console.get(f"/dealer/{dealer.pk}/").content.decode()


def test_a_stale_confirmation_and_another_dealers_listing_are_refused(serving_model):
    dealer, other = make_dealer(), make_dealer()
    typo = _hilux(dealer, 0.2)
    value_changed()
    member = User.objects.create_user("stale-dealer", password="x")
    other.members.add(member)
    console = Client()
    console.force_login(member)
    assert console.post(f"/dealer/{dealer.pk}/vehicles/{typo.pk}/confirm-price", {"price": "1"}).status_code == 404
    dealer.members.add(member)
    console.post(f"/dealer/{dealer.pk}/vehicles/{typo.pk}/confirm-price", {"price": "1.00"})
    assert Vehicle.objects.get(pk=typo.pk).price_confirmed is None, "a price other than the listed one is not confirmed"


def test_the_vehicle_page_shows_the_rating_value_and_interval_in_the_buyers_currency(serving_model):
    vehicle = _hilux(make_dealer(), 0.75)
    unvalued = make_vehicle(model="Land Cruiser")
    value_changed()
    page = Client().get(f"/vehicles/{vehicle.pk}/x/", {"currency": "KES"}, follow=True).content.decode()
    assert 'id="deal"' in page and "deal-great" in page and "KES" in page.split('id="deal"')[1].split("</section>")[0]
    page = Client().get(f"/vehicles/{unvalued.pk}/x/", follow=True).content.decode()
    assert "deal-unknown" in page and "Not enough data" in page
    # The middleware leaves the request's language active in this thread: restored when the block ends.
    with translation.override(translation.get_language()):
        french = Client(headers={"accept-language": "fr"}).get(f"/vehicles/{vehicle.pk}/x/", follow=True)
    assert "Prix par rapport au marché" in french.content.decode()
