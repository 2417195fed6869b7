"""Inputs that once answered 5xx: each is now a 400/401/404 with a message that names the problem."""

from __future__ import annotations

import json
import uuid

import pytest
from rest_framework.test import APIClient

from notifications.webhooks import signature_for
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]
# One past the widest integer the engine's "integer" fields hold, and one past a bigint id.
PAST_INT32 = "2147483648"
PAST_INT64 = "9223372036854775808"


@pytest.fixture
def api():
    return APIClient()


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_non_ascii_callback_token_is_a_404(api):
    url = f"/api/v1/payments/callbacks/mpesa/{uuid.uuid4()}/%C3%A9"
    assert error(api.post(url, {}, format="json"), 404)["message"] == "no such payment"


def test_an_airtel_callback_whose_transaction_is_not_an_object_is_a_400(api):
    url = "/api/v1/payments/callbacks/airtel_money"
    body = error(api.post(url, {"transaction": "x"}, format="json"), 400)
    assert body["code"] == "invalid_parameter" and "transaction" in body["fields"]
    body = error(api.post(url, {"transaction": {}}, format="json"), 400)
    assert "transaction.id" in body["fields"]
    assert error(api.post(url, {"transaction": {"id": "not-ours"}}, format="json"), 404)


@pytest.mark.parametrize("payload", ['"x"', "[]", "1", "null", '[{"entry": []}]'])
def test_a_signed_whatsapp_body_that_is_not_an_object_is_a_400(api, payload):
    body = payload.encode()
    response = api.generic(
        "POST",
        "/api/v1/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature_for(body),
    )
    assert error(response, 400) == {"code": "invalid_body", "message": "the body must be a JSON object"}


def test_parts_of_a_signed_whatsapp_body_of_another_shape_are_skipped(api):
    payload = {
        "entry": [
            "x",
            {"changes": "x"},
            {"changes": [1, {"value": []}, {"value": {"statuses": ["x", {"id": 5, "timestamp": 1e300}]}}]},
            {"changes": [{"value": {"messages": [{"type": "text", "text": "stop", "from": 7}]}}]},
        ]
    }
    body = json.dumps(payload).encode()
    response = api.generic(
        "POST",
        "/api/v1/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature_for(body),
    )
    assert response.status_code == 200, response.content
    assert response.json()["opted_out"] == 0


@pytest.mark.engine
@pytest.mark.parametrize(
    "endpoint, who",
    [
        ("/api/v1/vehicles/search", None),
        ("inventory", "staff"),
        ("/api/v1/analytics/prices", "analyst"),
        ("/api/v1/analytics/inventory-by-dealer", "analyst"),
    ],
)
@pytest.mark.parametrize(
    "name, value", [("mileage_max", PAST_INT32), ("mileage_min", PAST_INT32), ("dealer", PAST_INT64)]
)
def test_integers_past_what_the_index_holds_are_a_400_naming_the_parameter(api, market, endpoint, who, name, value):
    if who:
        api.force_login(getattr(market, who))
    url = f"/api/v1/dealers/{market.dealers[0].pk}/inventory" if endpoint == "inventory" else endpoint
    body = error(api.get(url, {name: value}), 400)
    assert body["code"] == "invalid_parameter" and list(body["fields"]) == [name]
    assert body["message"].startswith(f"{name}: ")
    # The largest value that fits is a valid query the engine answers.
    largest = str(int(value) - 1)
    assert api.get(url, {name: largest}).status_code == 200


def test_a_nul_in_a_basic_auth_username_is_a_401(api):
    response = api.get("/api/v1/notifications", HTTP_AUTHORIZATION="Basic YQBiOnB3")
    assert response.status_code == 401
