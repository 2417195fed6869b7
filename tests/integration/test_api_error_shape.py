"""Every API error comes in the API's JSON error shape: a 404 that does not name the model, an unknown
/api/ address, and an uncaught server error; pages keep their HTML error pages."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.support.payment_simulators.fixtures import make_user

pytestmark = pytest.mark.django_db


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]


def test_a_missing_object_is_not_found_without_naming_its_model(client):
    client.force_login(make_user())
    error = _error(client.delete(f"/api/v1/auth/tokens/{uuid.uuid4()}"), 404)
    assert error == {"code": "not_found", "message": "Not found."}


def test_an_unknown_api_address_is_a_json_404(client):
    error = _error(client.get("/api/v1/no-such-thing"), 404)
    assert error["code"] == "not_found" and error["message"] == "Not found."


def test_an_uncaught_error_in_an_api_view_is_a_json_500(monkeypatch):
    from accounts import tokens

    def broken(user):
        raise RuntimeError("a defect")

    monkeypatch.setattr(tokens, "tokens_of", broken)
    client = Client(raise_request_exception=False)
    client.force_login(make_user())
    error = _error(client.get("/api/v1/auth/tokens"), 500)
    assert error["code"] == "server_error" and "defect" not in error["message"]


def test_pages_keep_their_html_error_pages(client, monkeypatch):
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/html")
    from web import views

    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(views, "search_response", broken)
    page = Client(raise_request_exception=False).get("/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
