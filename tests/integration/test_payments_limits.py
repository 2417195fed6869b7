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
    # The buyer's own mistakes (400s): they never reach a provider.
    return [client.post(URL, {"purpose": "deal"}, content_type="application/json").status_code for _ in range(n)]


def _card_buyer(client, localstripe_url, *, staff: bool = False):
    """A signed-in buyer with a default card that the provider accepts."""
    buyer = make_buyer()
    if staff:
        buyer.user.is_staff = True
        buyer.user.save(update_fields=["is_staff"])
    client.force_login(buyer.user)
    card = new_card(localstripe_url)
    client.post(URL + "methods", {"payment_method": card, "default": True}, content_type="application/json")
    deal = make_deal(buyer, price="100000.00", deposit="0")
    return {"purpose": "deal", "method": "card", "deal_id": deal.id, "amount": "10.00"}


def test_the_default_limits(settings):
    assert settings.PAYMENTS_USER_RATE == "50/hour" and settings.PAYMENTS_STAFF_RATE == "1000/hour"


def test_a_buyers_own_400s_do_not_count_but_attempts_at_the_provider_do(
    client, settings, currencies, stripe_env, localstripe_url
):
    settings.PAYMENTS_USER_RATE = "3/hour"
    body = _card_buyer(client, localstripe_url)
    assert _attempts(client, 10) == [400] * 10
    # Ten mistakes later the buyer still pays, three times: each of those reached the provider.
    for _ in range(3):
        paid = client.post(URL, body, content_type="application/json")
        assert paid.status_code == 201 and paid.json()["state"] == "succeeded", paid.content
    refused = client.post(URL, body, content_type="application/json")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert "Retry-After" in refused
    client.force_login(make_buyer().user)  # another buyer has their own allowance
    assert _attempts(client, 1) == [400]


def test_staff_have_their_own_allowance(client, settings, currencies, stripe_env, localstripe_url):
    settings.PAYMENTS_USER_RATE, settings.PAYMENTS_STAFF_RATE = "1/hour", "2/hour"
    body = _card_buyer(client, localstripe_url, staff=True)
    codes = [client.post(URL, body, content_type="application/json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]


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
