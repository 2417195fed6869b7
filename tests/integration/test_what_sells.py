"""The console's "what sells" panel: views, inquiries, leads and days on market per listing and per
model against the market, over 7, 30 or 90 days, computed in Postgres; its numbers are checked here
against plain ORM counts."""

from __future__ import annotations

from datetime import timedelta
from statistics import mean

import pytest
from django.contrib.auth.models import User
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from buyers.models import Buyer, VehicleView
from catalog.models import Vehicle
from inquiries.models import Inquiry
from sales.models import Lead
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
ON_MARKET = ("available", "reserved")


@pytest.fixture
def activity(market):
    """Views, inquiries and leads on one of the dealer's cars and a rival's car of the same model, some
    inside the last 7 days, some 20 and 60 days ago."""
    dealer = market.dealers[0]
    mine = Vehicle.objects.filter(dealer=dealer, status="available").order_by("pk").first()
    rival = (
        Vehicle.objects.filter(make=mine.make, model=mine.model, status="available")
        .exclude(dealer=dealer)
        .order_by("pk")
        .first()
    )
    now = timezone.now()
    buyers = [
        Buyer.objects.create(user=User.objects.create_user(f"sells-{i}"), full_name=f"B{i}", country="KE")
        for i in range(4)
    ]

    def views(vehicle, count, days_ago):
        made = [VehicleView.objects.create(vehicle=vehicle, session_key=f"s{days_ago}") for _ in range(count)]
        VehicleView.objects.filter(pk__in=[v.pk for v in made]).update(viewed_at=now - timedelta(days=days_ago))

    def lead(vehicle, buyer, days_ago):
        made = Lead.objects.create(buyer=buyer, vehicle=vehicle, dealer=vehicle.dealer, source="website")
        Lead.objects.filter(pk=made.pk).update(created_at=now - timedelta(days=days_ago))

    views(mine, 4, 2)
    views(mine, 2, 20)
    views(mine, 5, 60)
    views(rival, 6, 3)
    lead(mine, buyers[0], 1)
    lead(mine, buyers[1], 25)
    lead(rival, buyers[2], 4)
    Inquiry.objects.create(buyer=buyers[0], vehicle=mine, dealer=dealer, delivered_at=now - timedelta(days=1))
    Inquiry.objects.create(buyer=buyers[1], vehicle=mine, dealer=dealer, delivered_at=now - timedelta(days=40))
    Inquiry.objects.create(buyer=buyers[3], vehicle=mine, dealer=dealer)  # a guest's, never delivered
    return dealer, mine, rival


def orm_figures(vehicle: Vehicle, since, until) -> dict:
    """One listing's figures counted by the ORM, as the panel defines them."""
    end = until if vehicle.status in ON_MARKET else vehicle.updated_at
    return {
        "views": VehicleView.objects.filter(vehicle=vehicle, viewed_at__gte=since, viewed_at__lt=until).count(),
        "inquiries": Inquiry.objects.filter(vehicle=vehicle, delivered_at__gte=since, delivered_at__lt=until).count(),
        "leads": Lead.objects.filter(vehicle=vehicle, created_at__gte=since, created_at__lt=until).count(),
        "days": (end - vehicle.listed_at).total_seconds() / 86400,
    }


def in_period(since, until):
    return Vehicle.objects.filter(listed_at__lt=until).filter(Q(status__in=ON_MARKET) | Q(updated_at__gte=since))


@pytest.mark.parametrize("days", [7, 30, 90])
def test_the_panel_s_numbers_are_the_database_s(market, activity, days):
    dealer, mine, _rival = activity
    client = Client()
    client.force_login(market.member)
    response = client.get(f"/dealer/{dealer.pk}/what-sells", {"days": days})
    assert response.status_code == 200
    panel = response.context["panel"]
    since, until = panel["since"], panel["until"]
    assert until - since == timedelta(days=days)

    own = list(in_period(since, until).filter(dealer=dealer))
    assert {row["id"] for row in panel["listings"]} <= {v.pk for v in own}
    assert len(panel["listings"]) == min(len(own), 50)
    by_id = {v.pk: v for v in own}
    for row in panel["listings"]:
        expected = orm_figures(by_id[row["id"]], since, until)
        assert (row["views"], row["inquiries"], row["leads"]) == (
            expected["views"],
            expected["inquiries"],
            expected["leads"],
        ), row["title"]
        assert row["days"] == int(expected["days"])

    for model in panel["models"]:
        market_cars = list(in_period(since, until).filter(make=model["make"], model=model["model"]))
        own_cars = [v for v in market_cars if v.dealer_id == dealer.pk]
        for who, cars in (("market", market_cars), ("own", own_cars)):
            figures = [orm_figures(v, since, until) for v in cars]
            got = model[who]
            assert got.listings == len(cars)
            for name in ("views", "inquiries", "leads", "days"):
                assert getattr(got, name) == pytest.approx(mean(f[name] for f in figures), abs=1e-6), (who, name)

    # The car with activity: what the fixture made in the period, whatever else the market holds.
    row = next(r for r in panel["listings"] if r["id"] == mine.pk)
    assert (row["views"] - orm_figures(mine, since, until)["views"]) == 0
    assert row["leads"] == {7: 1, 30: 2, 90: 2}[days]
    assert row["inquiries"] == {7: 1, 30: 1, 90: 2}[days]


def test_the_best_selling_listing_comes_first_and_a_wrong_period_is_named(market, activity):
    dealer, mine, _rival = activity
    client = Client()
    client.force_login(market.member)
    panel = client.get(f"/dealer/{dealer.pk}/what-sells", {"days": 7}).context["panel"]
    assert panel["listings"][0]["id"] == mine.pk
    for bad in ("14", "abc", "-7"):
        response = client.get(f"/dealer/{dealer.pk}/what-sells", {"days": bad})
        assert response.status_code == 400
        assert "days: Choose 7, 30 or 90 days." in response.content.decode()
    # Another dealer's panel stays closed to this member.
    assert client.get(f"/dealer/{market.dealers[1].pk}/what-sells").status_code == 404


def test_the_panel_speaks_french(market, activity):
    dealer, _mine, _rival = activity
    client = Client()
    client.cookies["django_language"] = "fr"
    client.force_login(market.member)
    html = client.get(f"/dealer/{dealer.pk}/what-sells", {"days": 30}).content.decode()
    assert "<h1>Ce qui se vend</h1>" in html and "Vues par annonce" in html and "marché" in html
