"""What an operator sees: /metrics in Prometheus' format (protected), and a health check that knows
about Redis, the workers and beat."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from jobs.beat import HEARTBEAT_KEY
from jobs.redis_client import get_redis
from tests.support.metrics_text import named, samples
from tests.support.notification_support import beat_process, clean_broker, make_user  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_metrics_need_staff_or_the_bearer_token(settings):
    settings.METRICS_TOKEN = "scraper-token"
    api = APIClient()
    assert api.get("/metrics").status_code == 401
    assert api.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    api.force_login(make_user())
    assert api.get("/metrics").status_code == 401
    api.force_login(make_user(is_staff=True))
    assert api.get("/metrics").status_code == 200
    assert APIClient().get("/metrics", HTTP_AUTHORIZATION="Bearer scraper-token").status_code == 200
    settings.METRICS_TOKEN = ""
    assert APIClient().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_metrics_report_latency_by_route_and_the_platform_state(settings, clean_broker):
    settings.METRICS_TOKEN = "scraper-token"
    api = APIClient()
    api.get("/api/v1/vehicles/suggest", {"q": "toy"})
    api.get(f"/api/v1/payments/callbacks/mpesa/{'0' * 8}-0000-0000-0000-{'0' * 12}/secret-token", {})
    response = api.get("/metrics", HTTP_AUTHORIZATION="Bearer scraper-token")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "secret-token" not in text and "/callbacks/" not in text, "routes, never raw paths"
    found = samples(text)
    routes = {dict(labels)["route"] for labels in named(found, "nzila_http_request_duration_seconds_count")}
    assert {"vehicle-suggest", "payment-callback"} <= routes, routes
    assert named(found, "nzila_metrics_part_up") == {
        (("part", "backups"),): 1.0,
        (("part", "engine"),): 1.0,
        (("part", "jobs"),): 1.0,
        (("part", "payments_messages"),): 1.0,
        (("part", "sync"),): 1.0,
    }
    for name in ("nzila_sync_lag_seconds", "nzila_sync_backlog", "nzila_sync_dead_letters", "nzila_jobs_dead_letters"):
        assert named(found, name), name
    assert {dict(labels)["queue"] for labels in named(found, "nzila_celery_queue_depth")} == {
        "high",
        "default",
        "low",
        "unacked",
    }
    assert (("method", "all"), ("provider", "all")) in named(found, "nzila_payments_failure_rate_1h")


def test_the_public_health_answer_is_status_only(settings):
    """The details are for staff and the metrics scraper: they would tell an outsider the platform's insides."""
    settings.METRICS_TOKEN = "scraper-token"
    public = APIClient().get("/api/v1/health")
    assert set(public.json()) == {"healthy", "status"} and public.status_code in (200, 503)
    assert public.json()["status"] == ("ok" if public.status_code == 200 else "unhealthy")
    scraper = APIClient().get("/api/v1/health", HTTP_AUTHORIZATION="Bearer scraper-token").json()
    assert {"redis", "worker", "beat"} <= set(scraper)
    assert set(APIClient().get("/api/v1/health", HTTP_AUTHORIZATION="Bearer wrong").json()) == {"healthy", "status"}


def test_health_reports_redis_a_live_worker_and_beat(celery_worker_process, beat_process, clean_broker, settings):
    settings.METRICS_TOKEN = "scraper-token"
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer scraper-token")
    down = api.get("/api/v1/health").json()
    assert down["redis"] == {"reachable": True}
    assert down["worker"]["alive"] is False and down["beat"]["alive"] is False and down["healthy"] is False

    celery_worker_process()
    beat_process()
    deadline = time.monotonic() + 60
    while get_redis().get(HEARTBEAT_KEY) is None:
        assert time.monotonic() < deadline, "beat never wrote its heartbeat"
        time.sleep(0.2)
    report = api.get("/api/v1/health").json()
    assert report["worker"]["alive"] and report["worker"]["workers"]
    assert report["beat"]["alive"] and report["beat"]["last_tick_seconds_ago"] < 10
    assert report["redis"]["reachable"]


def test_a_silent_beat_is_reported_dead(settings, clean_broker):
    settings.METRICS_TOKEN = "scraper-token"
    settings.HEALTH_BEAT_MAX_SILENCE_SECONDS = 60
    get_redis().set(HEARTBEAT_KEY, repr(time.time() - 120))
    beat = APIClient().get("/api/v1/health", HTTP_AUTHORIZATION="Bearer scraper-token").json()["beat"]
    assert beat["alive"] is False and beat["last_tick_seconds_ago"] >= 120
