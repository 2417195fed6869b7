"""Inputs that once answered 5xx: each is now a 400/401/404 with a message that names the problem."""

from __future__ import annotations

import io
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


# --- Inputs that once caused server errors: distance without radius, non-ASCII digits, NUL, non-objects
NON_ASCII_DIGITS = ["²", "٣", "３", "①"]  # superscript two, Arabic-Indic three, fullwidth three, circled one


def page_error(response, name: str) -> None:
    """A page's 400 that names the parameter."""
    assert response.status_code == 400, response.status_code
    assert name in response.content.decode()


@pytest.mark.engine
def test_sorting_by_distance_without_a_radius_is_a_400_naming_the_parameter(api, market):
    near = {"sort": "distance", "lat": "0", "lon": "0"}
    body = error(api.get("/api/v1/vehicles/search", near), 400)
    assert body["code"] == "invalid_parameter" and list(body["fields"]) == ["radius_km"]
    api.force_login(market.member)
    body = error(api.get(f"/api/v1/dealers/{market.dealers[0].pk}/inventory", near), 400)
    assert list(body["fields"]) == ["radius_km"]
    page_error(api.get(f"/dealer/{market.dealers[0].pk}/", near), "radius_km")
    page_error(api.get("/", near), "radius_km")
    assert api.get("/api/v1/vehicles/search", {**near, "radius_km": "20000"}).status_code == 200


@pytest.mark.engine
@pytest.mark.parametrize("digits", NON_ASCII_DIGITS)
def test_non_ascii_digits_in_pages_are_refused_not_read(api, market, digits):
    page_error(api.get("/", {"pages": digits}), "pages")


@pytest.mark.parametrize("digits", NON_ASCII_DIGITS)
def test_non_ascii_digits_in_broker_are_refused(api, digits):
    from django.contrib.auth.models import User

    api.force_login(User.objects.create_user("digits-staff", password="pw", is_staff=True, is_superuser=True))
    page_error(api.get("/broker/", {"broker": digits}), "broker")


@pytest.mark.engine
@pytest.mark.parametrize("digits", NON_ASCII_DIGITS)
def test_non_ascii_digits_in_a_csv_id_or_a_bulk_selection_are_refused(market, digits):
    from catalog.models import Vehicle
    from catalog.services import InventoryInputError, import_inventory, mark_sold

    dealer = market.dealers[0]
    mine = Vehicle.objects.filter(dealer=dealer).order_by("pk").first()
    text = f"id,make,model,year,price,currency\n{digits},BMW,X5,2020,1000,USD\n"
    report = import_inventory(dealer, io.BytesIO(text.encode()))
    assert [reason for _, _, reason, _ in report.rejects] == ["unknown_vehicle_id"]
    with pytest.raises(InventoryInputError) as refused:
        mark_sold(dealer.pk, [digits])
    assert refused.value.field == "vehicles"
    mine.refresh_from_db()
    assert mine.make != "BMW"


@pytest.mark.engine
def test_a_nul_in_an_imported_description_rejects_the_row(market):
    from catalog.services import import_inventory

    text = "reference,make,model,year,price,currency,description\nNUL-1,Toyota,Hilux,2020,1000,USD,a\x00b\n"
    report = import_inventory(market.dealers[0], io.BytesIO(text.encode()))
    assert [(reason, detail) for _, _, reason, detail in report.rejects] == [("invalid_text", "description: NUL")]


def vehicle_write_urls(market) -> list[tuple[str, str]]:
    from catalog.models import Vehicle

    vehicle = Vehicle.objects.filter(dealer=market.dealers[0]).order_by("pk").first()
    base = f"/api/v1/dealers/{vehicle.dealer_id}/vehicles"
    return [("POST", f"/api/v1/vehicles/{vehicle.pk}/views"), ("POST", base), ("PATCH", f"{base}/{vehicle.pk}")]


@pytest.mark.engine
@pytest.mark.parametrize("payload", ["1", "true", "false", "-2.5", '"x"', "[]", '[{"price": "1"}]', "null"])
def test_a_json_body_that_is_not_an_object_is_a_400_naming_the_body(api, market, payload):
    api.force_login(market.member)
    for method, url in vehicle_write_urls(market):
        body = error(api.generic(method, url, payload, content_type="application/json"), 400)
        assert body["code"] == "invalid_parameter" and list(body["fields"]) == ["body"], (method, url)


@pytest.mark.engine
@pytest.mark.parametrize(
    "payload, field",
    [
        ('{"status": "\\ud800"}', "status"),
        ('{"description": "ok", "photos": ["\\udfff"]}', "photos.0"),
        ('{"\\ud800": 1}', "body"),
        ('{"position": "\\ud83d"}', "position"),
        ('{"description": "a\\u0000b"}', "description"),
        ('{"vin": "\\u0000"}', "vin"),
    ],
)
def test_a_lone_surrogate_or_a_nul_anywhere_in_a_json_body_is_a_400_naming_the_field(api, market, payload, field):
    api.force_login(market.member)
    for method, url in vehicle_write_urls(market):
        body = error(api.generic(method, url, payload, content_type="application/json"), 400)
        assert list(body["fields"]) == [field], (method, url, body)
    # A whole pair of surrogates is a character like any other (an emoji): not refused.
    method, url = vehicle_write_urls(market)[2]
    assert (
        api.generic(method, url, '{"description": "\\ud83d\\ude97"}', content_type="application/json").status_code
        == 200
    )
