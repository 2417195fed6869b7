"""The search log (off the request path), analysts' reports, and typeahead learning from both."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from indexers import index_admin
from insights import suggestions_index
from insights.buffer import search_log_buffer
from insights.models import BlockedQuery, SearchLog
from insights.suggestions_index import rebuild_suggestions
from search.client import get_client
from tests.support.search_fixtures import (  # noqa: F401 (fixtures)
    celery_eager,
    empty_log_buffer,
    market,
    sql_counts,
    sql_vehicles,
)

pytestmark = [pytest.mark.usefixtures("empty_log_buffer"), pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def analyst_api(market):
    client = APIClient()
    client.force_login(market.analyst)
    return client


def test_a_search_writes_no_log_row_until_the_buffer_is_handed_to_celery(
    api, market, celery_eager, django_assert_num_queries
):
    api.get("/api/v1/vehicles/search", {"q": "warm up"})  # exchange rates are cached after the first search
    search_log_buffer._pending.clear()
    with django_assert_num_queries(0):
        body = api.get("/api/v1/vehicles/search", {"q": "toyota camry", "make": "Toyota"}).json()
    assert not SearchLog.objects.exists() and search_log_buffer.pending() == 1
    assert search_log_buffer.flush() == 1
    row = SearchLog.objects.get(pk=body["search_id"])
    assert (row.query_text, row.normalized_query, row.result_count) == ("toyota camry", "toyota camry", body["total"])
    assert row.filters["terms"] == {"make": ["Toyota"]} and row.latency_ms > 0 and row.endpoint == "vehicles"


def test_redelivered_batches_are_stored_once(api, market, celery_eager):
    api.get("/api/v1/vehicles/search", {"q": "hilux"})
    batch = list(search_log_buffer._pending)
    search_log_buffer.flush()
    from insights.tasks import record_searches

    record_searches(batch)
    assert SearchLog.objects.filter(query_text="hilux").count() == 1


def run_searches(api, queries, *, address=None, days_ago=None):
    """Each query searched by a fresh anonymous session; from a network of its own and on a day of
    its own (of the last three) unless `address` / `days_ago` say otherwise."""
    for n, query in enumerate(queries):
        api.cookies.clear()
        api.get("/api/v1/vehicles/search", {"q": query}, REMOTE_ADDR=address or f"10.{n}.0.7")
        day = (n % 3) if days_ago is None else days_ago
        search_log_buffer._pending[-1]["searched_at"] = (timezone.now() - timedelta(days=day, minutes=n)).isoformat()


def suggested_queries(api, typed):
    body = api.get("/api/v1/vehicles/suggest", {"q": typed}).json()
    return [s["text"] for s in body["suggestions"] if s["kind"] == "query"]


POPULAR = ["hilux workmate"] * 5  # 5 searches, 5 networks, 3 days: popular


def test_one_actor_cannot_plant_a_suggestion(api, market, celery_eager):
    """Two anonymous GETs once planted a suggestion. Any number of sessions from one network, or many
    networks on one day, do not; and an address or a phone number never does."""
    run_searches(api, ["toyota visit cheapcars-example.com"] * 2)  # the probe: two sessions
    run_searches(api, ["hilux cheap deal"] * 40, address="10.9.9.9")  # one network, three days
    run_searches(api, ["hilux one day"] * 8, days_ago=0)  # eight networks, one day
    run_searches(api, ["hilux 0712 345 678"] * 6)  # popular by every count, but a phone number
    run_searches(api, POPULAR)
    search_log_buffer.flush()
    assert SearchLog.objects.exclude(network="").values("network").distinct().count() >= 8
    rebuild_suggestions()
    assert suggested_queries(api, "toyota visit") == []
    assert suggested_queries(api, "hilux") == ["hilux workmate"]


def test_staff_block_a_suggestion_at_once_and_rebuilds_keep_it_out(
    api, market, celery_eager, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    run_searches(api, POPULAR)
    search_log_buffer.flush()
    rebuild_suggestions()
    assert suggested_queries(api, "hilux w") == ["hilux workmate"]
    staff = get_user_model().objects.create_superuser("blocker", "blocker@example.com", "x-Pass-12345")
    admin = Client()
    admin.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        added = admin.post("/admin/insights/blockedquery/add/", {"phrase": "  WorkMate ", "reason": "spam"})
    assert added.status_code == 302
    assert BlockedQuery.objects.get().phrase == "workmate"
    assert suggested_queries(api, "hilux w") == []  # no rebuild in between
    rebuild_suggestions()
    assert suggested_queries(api, "hilux w") == []


def test_analysts_see_top_queries_zero_results_and_the_rate(api, analyst_api, market, celery_eager):
    run_searches(api, ["Toyota", "toyota", "Hilux", "flying car", "flying car"])
    search_log_buffer.flush()
    body = analyst_api.get("/api/v1/analytics/search-queries", {"days": 7}).json()
    assert body["searches"] == 5 and body["zero_results"] == 2 and body["zero_result_rate"] == 0.4
    assert body["top_queries"][0]["query"] in ("toyota", "flying car")
    assert {"query": "flying car", "searches": 2} in body["zero_result_queries"]
    assert sum(p["searches"] for p in body["over_time"]) == 5


def test_typeahead_suggests_makes_models_and_popular_queries_with_counts(api, market, celery_eager):
    run_searches(api, ["hilux workmate"] * 5 + ["qqqq nothing"] * 5)
    search_log_buffer.flush()
    rebuild_suggestions()
    body = api.get("/api/v1/vehicles/suggest", {"q": "toyo"}).json()
    toyota = next(s for s in body["suggestions"] if s["kind"] == "make")
    assert (toyota["text"], toyota["count"]) == ("Toyota", sql_vehicles({"make": ["Toyota"]}).count())
    assert body["vehicles"] and all(v["make"] == "Toyota" for v in body["vehicles"])
    hilux = api.get("/api/v1/vehicles/suggest", {"q": "hilux w"}).json()["suggestions"]
    assert {"kind": "query", "text": "hilux workmate"} in [{"kind": s["kind"], "text": s["text"]} for s in hilux]
    nothing = api.get("/api/v1/vehicles/suggest", {"q": "qqqq"}).json()["suggestions"]
    assert not [s for s in nothing if s["kind"] == "query"], "queries that found nothing are never suggested"


@pytest.mark.parametrize(
    "typed, text",
    [
        ("toyp", "Toyota"),
        ("camr", "Camry"),
        ("chevy", "Chevrolet"),
        ("mercedes", "Mercedes-Benz"),
        ("citro", "Citroën"),
        ("silverdo", "Silverado"),
    ],
)
def test_typeahead_forgives_typos_and_knows_synonyms(api, market, typed, text):
    rebuild_suggestions()
    body = api.get("/api/v1/vehicles/suggest", {"q": typed}).json()
    texts = [s["text"] for s in body["suggestions"]]
    assert any(text in t for t in texts[:3]), texts


def test_a_suggestions_rebuild_swaps_its_alias_through_the_index_admin(market, monkeypatch):
    es = get_client()
    rebuild_suggestions(include_queries=False)
    (first,) = index_admin.alias_targets(es, index_admin.SUGGESTIONS)
    rebuild_suggestions(include_queries=False)
    (second,) = index_admin.alias_targets(es, index_admin.SUGGESTIONS)
    assert second != first and index_admin.physical_indexes(es, index_admin.SUGGESTIONS) == [second]

    def failing_load(*args, **kwargs):
        raise RuntimeError("engine refused the load")

    monkeypatch.setattr(suggestions_index, "bulk", failing_load)
    with pytest.raises(RuntimeError):
        rebuild_suggestions(include_queries=False)
    assert index_admin.physical_indexes(es, index_admin.SUGGESTIONS) == [second], "alias kept, new index dropped"
    assert index_admin.alias_targets(es, index_admin.SUGGESTIONS) == [second]


def test_typeahead_model_counts_equal_sql(api, market):
    rebuild_suggestions()
    body = api.get("/api/v1/vehicles/suggest", {"q": "camry"}).json()
    camry = next(s for s in body["suggestions"] if s["model"] == "Camry")
    assert camry["count"] == sql_vehicles({"model": ["Camry"]}).count()


def test_typeahead_needs_q(api, market):
    response = api.get("/api/v1/vehicles/suggest")
    assert response.status_code == 400 and "q" in response.json()["error"]["fields"]
    assert api.get("/api/v1/vehicles/suggest", {"q": "x", "size": 99}).status_code == 400


def test_analytics_are_for_analysts_and_staff_only(api, market):
    assert api.get("/api/v1/analytics/prices").status_code in (401, 403)
    api.force_login(market.member)
    assert api.get("/api/v1/analytics/prices").status_code == 403
    api.force_login(market.staff)
    assert api.get("/api/v1/analytics/prices").status_code == 200


def test_price_statistics_per_make_equal_sql(analyst_api, market):
    body = analyst_api.get("/api/v1/analytics/prices", {"group_by": "make", "body": "suv"}).json()
    assert body["overall"]["count"] == sql_vehicles({"body": ["suv"]}).count()
    assert {g["key"]: g["count"] for g in body["groups"]} == sql_counts("make", {"body": ["suv"]})
    for group in body["groups"]:
        usd = [
            round(float(v.price) / float(v.currency.units_per_usd), 2)
            for v in sql_vehicles({"body": ["suv"], "make": [group["key"]]}).select_related("currency")
        ]
        assert group["min"] == pytest.approx(min(usd), abs=0.01) and group["max"] == pytest.approx(max(usd), abs=0.01)
        assert group["percentiles"]["p5"] <= group["percentiles"]["p50"] <= group["percentiles"]["p95"]


def test_listings_over_time_and_by_dealer_equal_sql(analyst_api, market):
    series = analyst_api.get("/api/v1/analytics/listings-over-time", {"interval": "month", "make": "Honda"}).json()
    assert sum(p["listings"] for p in series["series"]) == sql_vehicles({"make": ["Honda"]}).count()
    dealers = analyst_api.get("/api/v1/analytics/inventory-by-dealer").json()
    assert {d["key"]: d["listings"] for d in dealers["dealers"]} == sql_counts("dealer")
    assert all(d["label"].endswith(("Motors", "Hub", "Traders", "Mart", "Cars", "Co")) for d in dealers["dealers"])


def test_days_on_market_equal_sql(analyst_api, market):
    body = analyst_api.get("/api/v1/analytics/days-on-market", {"group_by": "country"}).json()
    now = timezone.now()
    listed = [v.listed_at.timestamp() for v in sql_vehicles()]
    mean_age_days = (now.timestamp() - sum(listed) / len(listed)) / 86400
    assert body["overall"]["mean_days"] == pytest.approx(mean_age_days, abs=1)
    assert {g["key"]: g["listings"] for g in body["groups"]} == sql_counts("country")


@pytest.mark.parametrize(
    "url, params, name",
    [
        ("/api/v1/analytics/prices", {"group_by": "colour"}, "group_by"),
        ("/api/v1/analytics/listings-over-time", {"interval": "hour"}, "interval"),
        ("/api/v1/analytics/inventory-by-dealer", {"size": 0}, "size"),
        ("/api/v1/analytics/days-on-market", {"year_min": 2020, "year_max": 2000}, "year_min"),
        ("/api/v1/analytics/search-queries", {"days": 0}, "days"),
        ("/api/v1/analytics/prices", {"sort": "price_asc"}, "sort"),
    ],
)
def test_bad_analytics_parameters_are_400(analyst_api, market, url, params, name):
    response = analyst_api.get(url, params)
    assert response.status_code == 400 and name in response.json()["error"]["fields"], response.content
