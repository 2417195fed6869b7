"""Public search and typeahead: a generous per-address limit, answered 429 with Retry-After past it."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.support.outages import cache_away  # noqa: F401 (fixture)
from tests.support.search_fixtures import vehicle_index  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_limit(settings):
    settings.PUBLIC_API_RATE = "5/minute"
    client = cache._cache.get_client(None, write=True)
    keys = list(client.scan_iter(match="*throttle_public_*", count=1000))
    if keys:
        client.delete(*keys)
    yield
    keys = list(client.scan_iter(match="*throttle_public_*", count=1000))
    if keys:
        client.delete(*keys)


@pytest.mark.parametrize("url", ["/api/v1/vehicles/suggest?q=toy", "/api/v1/vehicles/search?q=toyota"])
def test_past_the_limit_an_address_gets_429_and_others_do_not(low_limit, url):
    api = APIClient()
    codes = [api.get(url, REMOTE_ADDR="10.1.1.1").status_code for _ in range(5)]
    assert 429 not in codes
    refused = api.get(url, REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # A forged X-Forwarded-For does not make a new client; another address does.
    assert api.get(url, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="10.7.7.7").status_code == 429
    assert api.get(url, REMOTE_ADDR="10.1.1.2").status_code != 429


@pytest.mark.engine
@pytest.mark.parametrize("url", ["/api/v1/vehicles/suggest?q=toy", "/api/v1/vehicles/search?q=toyota"])
def test_with_the_cache_away_search_answers_and_the_limit_holds_in_the_process(
    vehicle_index, low_limit, cache_away, url
):
    api = APIClient()
    codes = [api.get(url, REMOTE_ADDR="10.2.2.2").status_code for _ in range(5)]
    assert codes == [200] * 5
    assert api.get(url, REMOTE_ADDR="10.2.2.2").status_code == 429
    assert api.get(url, REMOTE_ADDR="10.2.2.3").status_code == 200


@pytest.mark.engine
@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("url", ["/", "/?q=toyota"])
def test_with_the_cache_away_the_search_page_answers(vehicle_index, cache_away, url, language):
    assert APIClient().get(url, REMOTE_ADDR="10.2.2.4", HTTP_ACCEPT_LANGUAGE=language).status_code == 200
