"""Similar-vehicle lists and clicks logged off the request path, per blend arm, and their CTR per arm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from recommendations.buffer import recommendation_log_buffer
from recommendations.models import RecommendationClick, RecommendationImpression
from recommendations.selectors import recommendation_ctr_by_arm
from tests.support.search_fixtures import celery_eager, market  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture(autouse=True)
def empty_buffer(settings):
    settings.SEARCH_LOG_FLUSH_SECONDS = 0
    recommendation_log_buffer._pending.clear()
    yield
    recommendation_log_buffer._pending.clear()


def shown(api, vehicle_id) -> dict:
    response = api.get(f"/api/v1/vehicles/{vehicle_id}/similar", {"size": 6})
    assert response.status_code == 200, response.content
    return response.json()


def test_lists_and_clicks_are_logged_per_arm_and_counted(market, celery_eager, settings):
    api = APIClient()
    camry = market.coviewed["camry"]
    settings.RECOMMENDATIONS_BLEND_ARM = "tuned"
    tuned = shown(api, camry)
    settings.RECOMMENDATIONS_BLEND_ARM = "current"
    current = shown(api, camry)
    assert (tuned["arm"], current["arm"]) == ("tuned", "current") and tuned["list_id"] != current["list_id"]
    shown_count = len(tuned["results"]) + len(current["results"])
    assert not RecommendationImpression.objects.exists()  # nothing written by the request itself
    assert recommendation_log_buffer.pending() == shown_count

    second = tuned["results"][1]["id"]
    response = api.post(
        "/api/v1/recommendations/clicks", {"list_id": tuned["list_id"], "vehicle_id": second, "position": 2}, "json"
    )
    assert response.status_code == 202
    bad = api.post("/api/v1/recommendations/clicks", {"list_id": "nope", "vehicle_id": second}, "json")
    assert bad.status_code == 400 and "list_id" in bad.json()["error"]["fields"]

    assert recommendation_log_buffer.flush() == shown_count + 1
    rows = RecommendationImpression.objects.filter(list_id=tuned["list_id"]).order_by("position")
    assert [r.vehicle_id for r in rows] == [r["id"] for r in tuned["results"]]
    assert {r.arm for r in rows} == {"tuned"} and {r.source_vehicle_id for r in rows} == {camry}
    assert RecommendationClick.objects.get().position == 2

    now = timezone.now()
    ctr = recommendation_ctr_by_arm(since=now - timedelta(hours=1), until=now + timedelta(minutes=1))
    assert ctr["tuned"]["lists"] == 1 and ctr["tuned"]["clicks"] == 1 and ctr["tuned"]["list_ctr"] == 1.0
    assert ctr["tuned"]["ctr"] == round(1 / len(tuned["results"]), 4)
    assert ctr["current"]["clicks"] == 0 and ctr["current"]["impressions"] == len(current["results"])

    analyst = APIClient()
    analyst.force_login(market.analyst)
    url = "/api/v1/analytics/recommendations-ctr"
    assert analyst.get(url, {"days": 1}).json()["arms"]["tuned"]["clicks"] == 1
    bad_days = analyst.get(url, {"days": 0})
    assert bad_days.status_code == 400 and "days" in bad_days.json()["error"]["fields"]
    assert APIClient().get(url).status_code in (401, 403)
