"""The analysts' dashboard through the Django client: who may open it, every chart over one filter set,
tables without JavaScript, and each chart's CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from catalog.models import Vehicle
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SLUGS = ("prices", "listings", "days-on-market", "dealers", "search-rate", "top-queries", "zero-result-queries")
SLUGS += ("recommendations-ctr", "deal-ratings", "demand-and-supply", "searched-not-stocked", "demand-by-country")
SLUGS += ("demand-by-language",)
EXPECTED = {"anonymous": 302, "buyer": 403, "dealer_member": 403, "broker": 403, "analyst": 200, "staff": 200}


@pytest.fixture
def people(market):
    broker = User.objects.create_user("dash-broker", password="pw")
    broker.groups.add(Group.objects.get_or_create(name="broker")[0])
    return {
        "anonymous": None,
        "buyer": User.objects.create_user("dash-buyer", password="pw"),
        "dealer_member": market.member,
        "broker": broker,
        "analyst": market.analyst,
        "staff": market.staff,
    }


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_dashboard_and_csv_by_role(market, people, role):
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    for url in ("/analytics/", "/analytics/prices.csv", "/analytics/dealers.csv?make=Toyota"):
        response = client.get(url)
        assert response.status_code == EXPECTED[role], (role, url)
        if role == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next=")


def _rows(page, slug):
    return page.context["charts"][slug]["rows"]


def test_every_chart_follows_the_filters(market):
    client = Client()
    client.force_login(market.analyst)
    everything = client.get("/analytics/")
    assert everything.status_code == 200
    assert {item["report"].slug for item in everything.context["reports"]} == set(SLUGS)
    toyota = client.get("/analytics/", {"make": "Toyota", "group_by": "model"})
    models = {row[0] for row in _rows(toyota, "prices")}
    assert len(models) == 4 and all("Toyota" in key or key in {"Camry", "Corolla", "RAV4", "Hilux"} for key in models)
    listed = Vehicle.objects.filter(make="Toyota", status__in=["available", "reserved"]).count()
    assert sum(row[1] for row in _rows(toyota, "dealers")) == listed
    assert sum(row[1] for row in _rows(toyota, "listings")) == listed
    assert sum(row[1] for row in _rows(everything, "dealers")) > listed
    # Two makes from the one box, as the page's form sends them.
    two = client.get("/analytics/", {"make": "Toyota, Honda"})
    both = Vehicle.objects.filter(make__in=["Toyota", "Honda"], status__in=["available", "reserved"]).count()
    assert sum(row[1] for row in _rows(two, "dealers")) == both


def test_the_page_is_tables_without_javascript(market):
    client = Client()
    client.force_login(market.analyst)
    html = client.get("/analytics/", {"make": "Honda"}).content.decode()
    for slug in SLUGS:
        assert f'data-report="{slug}"' in html
    assert "Mombasa Motors" in html or "Dar Car Traders" in html
    assert re.search(r"vendor/chart.js/chart.umd.min.[0-9a-f]{12}.js", html) and 'id="chart-data"' in html


def test_each_chart_downloads_as_csv_with_the_same_rows(market):
    client = Client()
    client.force_login(market.staff)
    page = client.get("/analytics/", {"make": "Toyota", "currency": "EUR"})
    for slug in SLUGS:
        response = client.get(f"/analytics/{slug}.csv", {"make": "Toyota", "currency": "EUR"})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == page.context["charts"][slug]["columns"]
        assert len(rows) - 1 == len(page.context["charts"][slug]["rows"])
    assert "(EUR)" in ",".join(page.context["charts"]["prices"]["columns"])
    assert client.get("/analytics/nope.csv").status_code == 404


def test_bad_filters_are_a_400_naming_the_parameter(market):
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"year_min": "2020", "year_max": "2010"})
    assert page.status_code == 400 and "year_min" in page.context["error"]
    assert client.get("/analytics/prices.csv", {"group_by": "colour"}).status_code == 400
    assert client.get("/analytics/", {"maek": "Toyota"}).status_code == 400


def test_the_search_report_follows_text_and_term_filters(market):
    from datetime import timedelta

    from django.utils import timezone

    from insights.models import SearchClick, SearchLog

    now = timezone.now()

    def log(text, terms, results):
        return SearchLog.objects.create(
            searched_at=now - timedelta(hours=1),
            endpoint="vehicles",
            query_text=text,
            normalized_query=text.lower(),
            filters={"terms": terms, "ranges": {}, "near": None},
            sort="relevance",
            result_count=results,
            latency_ms=1,
            engine_ms=1,
        )

    opened = log("hilux", {"make": ["Toyota"]}, 3)
    SearchClick.objects.create(search_id=opened.pk, vehicle_id=1, position=1, clicked_at=now)
    log("hilux diesel", {"make": ["Toyota"]}, 0)
    log("civic", {"make": ["Honda"]}, 5)
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"make": "Toyota"})
    top = {row[0]: row[1] for row in _rows(page, "top-queries")}
    assert top == {"hilux": 1, "hilux diesel": 1}
    assert [row[0] for row in _rows(page, "zero-result-queries")] == ["hilux diesel"]
    (period,) = _rows(page, "search-rate")
    # Two Toyota searches, one zero-result, one opened: 50% and 50%.
    assert period[1:] == [2, 1, 50.0, 50.0]
    api = client.get("/api/v1/analytics/search-queries", {"make": "Honda"}).json()
    assert [q["query"] for q in api["top_queries"]] == ["civic"]
    assert client.get("/api/v1/analytics/search-queries", {"price_min": "5"}).status_code == 400


def test_the_dashboard_speaks_french_and_keeps_its_csv_headers(market):
    client = Client()
    client.cookies["django_language"] = "fr"
    client.force_login(market.analyst)
    page = client.get("/analytics/")
    html = page.content.decode()
    assert "Analyses du marché" in html and "Stock par concessionnaire" in html
    header = client.get("/analytics/dealers.csv").content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("dealer,listings")


def test_the_similar_vehicles_ctr_per_arm_is_a_chart_with_its_csv(market):
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from recommendations.models import RecommendationClick, RecommendationImpression

    now = timezone.now()

    def shown_list(arm, vehicles, when):
        list_id = uuid.uuid4()
        for position, vehicle in enumerate(vehicles, start=1):
            RecommendationImpression.objects.create(
                list_id=list_id, source_vehicle_id=99, vehicle_id=vehicle, position=position, arm=arm, shown_at=when
            )
        return list_id

    tuned = shown_list("tuned", [1, 2, 3, 4], now - timedelta(hours=2))
    shown_list("tuned", [5, 6, 7, 8], now - timedelta(hours=2))
    shown_list("current", [1, 2], now - timedelta(hours=2))
    shown_list("current", [3, 4], now - timedelta(days=20))  # outside "days=7"
    RecommendationClick.objects.create(list_id=tuned, vehicle_id=2, position=2, clicked_at=now)
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"days": 7})
    rows = {row[0]: row[1:] for row in _rows(page, "recommendations-ctr")}
    # tuned: 2 lists, 8 shown, 1 click = 12.5%, half the lists clicked; current: 1 list in the period.
    assert rows == {"tuned": [2, 8, 1, 12.5, 50.0], "current": [1, 2, 0, 0.0, 0.0]}
    api = client.get("/api/v1/analytics/recommendations-ctr", {"days": 7}).json()["arms"]
    assert api["tuned"]["ctr"] * 100 == rows["tuned"][3]
    csv_rows = list(
        csv.reader(io.StringIO(client.get("/analytics/recommendations-ctr.csv?days=7").content.decode("utf-8-sig")))
    )
    assert csv_rows[0] == ["arm", "lists shown", "impressions", "clicks", "click-through rate %", "lists clicked %"]
    assert ["tuned", "2", "8", "1", "12.5", "50.0"] in csv_rows
    assert len(_rows(client.get("/analytics/", {"days": 30}), "recommendations-ctr")) == 2
    assert client.get("/analytics/recommendations-ctr.csv", {"days": 0}).status_code == 400


def test_deal_ratings_by_make_and_market_count_every_listing_once_with_their_csv(market):
    client = Client()
    client.force_login(market.analyst)
    page = client.get("/analytics/", {"make": "Toyota", "size": 50})
    rows = _rows(page, "deal-ratings")
    listed = Vehicle.objects.filter(make="Toyota", status__in=["available", "reserved"], held_reason="")
    assert sum(row[2] for row in rows) == listed.count()
    assert all(row[0] == "Toyota" and sum(row[3:]) == row[2] for row in rows), "each row's ratings add up"
    unvalued = listed.filter(market_value_usd__isnull=True).count()
    assert sum(row[-1] for row in rows) == unvalued, "no value: not enough data, never a made-up rating"
    csv = client.get("/analytics/deal-ratings.csv", {"make": "Toyota", "size": 50}).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "make,market,listings,great,good,fair,high,overpriced,not enough data"
    assert len(csv.splitlines()) == len(rows) + 1
