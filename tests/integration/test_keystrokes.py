"""Typeahead's fast path (api/keystrokes.py): a valid keystroke is answered before sessions, language,
CSRF, authentication and DRF, with the same answer and headers as the view; anything else goes
through the full stack in the API's error shape."""

from __future__ import annotations

import orjson
import pytest
from django.test import Client
from prometheus_client import REGISTRY

from api.keystrokes import suggest_answer
from search.suggest import TYPEAHEAD_CARD
from tests.support.search_fixtures import market  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
SUGGEST = "/api/v1/vehicles/suggest"


def answered(route: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "nzila_http_request_duration_seconds_count", {"route": route, "method": "GET", "status": "2xx"}
        )
        or 0.0
    )


def test_a_keystroke_skips_the_session_and_language_layers_and_answers_as_the_view_does(market, settings):
    settings.SEARCH_ANSWER_SHARING_SECONDS = 0
    before = answered("vehicle-suggest")
    response = Client().get(SUGGEST, {"q": "toy", "size": 4, "vehicles": 2})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["query"] == "toy" and 1 <= len(body["vehicles"]) <= 2
    assert body == orjson.loads(suggest_answer({"q": "toy", "size": 4, "vehicles": 2}).content) | {
        "took_ms": body["took_ms"]
    }
    # No layer it skips left a trace: no session or language cookie, no Content-Language.
    assert not response.cookies and "Content-Language" not in response
    # The layers before it still apply: security headers and the route's latency for /metrics.
    assert response["X-Content-Type-Options"] == "nosniff" and "Permissions-Policy" in response
    assert answered("vehicle-suggest") == before + 1


@pytest.mark.parametrize("params, field", [({}, "q"), ({"q": "x" * 500}, "q"), ({"q": "toy", "size": "0"}, "size")])
def test_an_invalid_keystroke_gets_the_apis_400_naming_the_field(params, field):
    response = Client().get(SUGGEST, params)
    assert response.status_code == 400
    assert field in str(response.json()["error"])


def test_other_methods_go_through_the_full_stack():
    assert Client().options(SUGGEST).status_code == 200
    assert Client().post(SUGGEST, {"q": "toy"}).status_code == 405


def test_a_suggested_vehicle_carries_what_a_keystroke_shows_and_nothing_left_empty(market, settings):
    # The typeahead reads a few fields of each car: the card holds those, none of them null by omission.
    settings.SEARCH_ANSWER_SHARING_SECONDS = 0
    (vehicle, *_) = Client().get(SUGGEST, {"q": "n/a", "vehicles": 3}).json()["vehicles"]
    assert tuple(vehicle) == TYPEAHEAD_CARD
    assert None not in (vehicle["title"], vehicle["year"], vehicle["price"]["amount"], vehicle["status"])
