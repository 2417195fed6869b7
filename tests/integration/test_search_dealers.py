"""A dealer's inventory: only its members and staff, status counts from index and database, market prices."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.support.search_fixtures import market, sql_counts, sql_vehicles  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
ALL_STATUSES = ("available", "reserved", "sold", "withdrawn")


def inventory_url(dealer):
    return f"/api/v1/dealers/{dealer.pk}/inventory"


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_and_other_dealers_are_refused(api, market):
    dealer = market.dealers[0]
    assert api.get(inventory_url(dealer)).status_code in (401, 403)
    api.force_login(market.outsider)
    response = api.get(inventory_url(dealer))
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    api.force_login(market.analyst)
    assert api.get(inventory_url(dealer)).status_code == 403


def test_members_and_staff_see_the_inventory(api, market):
    dealer = market.dealers[0]
    for user in (market.member, market.staff):
        api.force_login(user)
        response = api.get(inventory_url(dealer), {"size": 100})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["total"] == sql_vehicles(dealer_id=dealer.pk).count() > 0
        assert {r["dealer"]["id"] for r in body["results"]} == {dealer.pk}


def test_staff_asking_for_a_missing_dealer_gets_404(api, market):
    api.force_login(market.staff)
    assert api.get("/api/v1/dealers/99999999/inventory").status_code == 404


def test_status_counts_match_postgres_and_say_where_they_come_from(api, market):
    dealer = market.dealers[0]
    api.force_login(market.member)
    body = api.get(inventory_url(dealer)).json()
    expected = dict.fromkeys(ALL_STATUSES, 0)
    expected.update(sql_counts("status", statuses=ALL_STATUSES, dealer_id=dealer.pk))
    assert body["status_counts"] == expected
    assert body["status_counts"]["sold"] > 0
    assert body["status_counts_source"] == {
        "available": "index",
        "reserved": "index",
        "sold": "database",
        "withdrawn": "database",
    }
    assert "database" in body["status_counts_note"]
    assert {f["value"]: f["count"] for f in body["facets"]["status"]} == sql_counts("status", dealer_id=dealer.pk)


def test_inventory_facets_and_filters_are_scoped_to_the_dealer(api, market):
    dealer = market.dealers[0]
    api.force_login(market.member)
    body = api.get(inventory_url(dealer), {"make": "Toyota", "status": "reserved"}).json()
    assert body["total"] == sql_vehicles({"make": ["Toyota"], "status": ["reserved"]}, dealer_id=dealer.pk).count()
    assert {f["value"]: f["count"] for f in body["facets"]["make"]} == sql_counts(
        "make", {"status": ["reserved"]}, dealer_id=dealer.pk
    )


def test_days_on_market_and_the_deal_rating_buyers_see(api, market):
    dealer = market.dealers[0]
    api.force_login(market.member)
    body = api.get(inventory_url(dealer), {"size": 100}).json()
    assert body["average_days_on_market"] is not None
    for result in body["results"]:
        assert result["days_on_market"] >= 0
        # The price-vs-median comparables gave way to the model's rating, as on buyers' cards.
        assert "market" not in result
        assert result["deal_rating"] in ("great", "good", "fair", "high", "overpriced", "unknown")
