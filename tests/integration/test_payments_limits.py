"""Rate limits and abuse blocks bite at the configured numbers."""

import pytest

from tests.support.payment_simulators.fixtures import (  # noqa: F401
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    make_user,
    new_card,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/"


def test_anonymous_payment_requests_refused(client):
    for method, path in (("post", URL), ("get", URL), ("get", URL + "metrics"), ("post", URL + "methods")):
        response = getattr(client, method)(path, {}, content_type="application/json")
        assert response.status_code in (401, 403)


def _attempts(client, n):
    # Invalid bodies are enough: every attempt counts, whatever becomes of it.
    return [client.post(URL, {"purpose": "deal"}, content_type="application/json").status_code for _ in range(n)]


def test_buyer_limited_to_50_attempts_an_hour(client, settings):
    assert settings.PAYMENTS_USER_RATE == "50/hour"
    client.force_login(make_buyer().user)
    codes = _attempts(client, 51)
    assert codes[:50] == [400] * 50 and codes[50] == 429
    assert client.post(URL, {}, content_type="application/json").json()["error"]["code"] == "throttled"
    client.force_login(make_buyer().user)  # another buyer has their own allowance
    assert _attempts(client, 1) == [400]


def test_staff_limited_to_1000_attempts_an_hour(client, settings):
    assert settings.PAYMENTS_STAFF_RATE == "1000/hour"
    client.force_login(make_user(staff=True))
    codes = _attempts(client, 1001)
    assert codes.count(429) == 1 and codes[-1] == 429


def test_repeated_failures_block_the_card_and_the_ip(client, settings, currencies, stripe_env, localstripe_url):
    settings.PAYMENTS_FAILURE_BLOCK_THRESHOLD = 3
    buyer = make_buyer()
    client.force_login(buyer.user)
    deal = make_deal(buyer, price="100000.00", deposit="0")
    pm = new_card(localstripe_url, "4000000000000341")
    client.post(URL + "methods", {"payment_method": pm, "default": True}, content_type="application/json")
    body = {"purpose": "deal", "method": "card", "deal_id": deal.id, "amount": "10.00"}
    states = [client.post(URL, body, content_type="application/json").json().get("state") for _ in range(3)]
    assert states == ["failed"] * 3
    blocked = client.post(URL, body, content_type="application/json")
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "payment_blocked"
    # The same card from another address is blocked too (by its fingerprint).
    other = client.post(URL, body, content_type="application/json", REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 429
    # A good card from a fresh address goes through.
    good = new_card(localstripe_url)
    client.post(URL + "methods", {"payment_method": good}, content_type="application/json", REMOTE_ADDR="10.9.9.8")
    ok = client.post(URL, {**body, "payment_method": good}, content_type="application/json", REMOTE_ADDR="10.9.9.8")
    assert ok.status_code == 201 and ok.json()["state"] == "succeeded"
