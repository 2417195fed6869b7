"""Refund idempotency and the payment-attempt limit under parallel requests to a live server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from accounts.tokens import token_create
from payments.models import Payment, Refund
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    make_user,
    new_card,
    paid,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(live_server):
    session = requests.Session()
    _, key = token_create(user=make_user(staff=True), name="test client")
    session.headers["Authorization"] = f"Token {key}"
    return session


def refund(session, live_server, payment, key: str | None, **body):
    headers = {"Idempotency-Key": key} if key else {}
    return session.post(
        f"{live_server.url}/api/v1/payments/{payment.id}/refunds",
        json={"reason": "requested_by_customer", **body},
        headers=headers,
        timeout=60,
    )


def test_the_same_key_returns_the_same_refund_and_another_body_is_a_422(live_server, staff, paid):
    first = refund(staff, live_server, paid, "refund-1", amount="100.00")
    assert first.status_code == 201, first.text
    again = refund(staff, live_server, paid, "refund-1", amount="100.00")
    assert again.status_code == 200 and again.json() == first.json()
    other = refund(staff, live_server, paid, "refund-1", amount="200.00")
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert "refund-1" in other.json()["error"]["message"]
    # Another key is another refund; no key at all is always a new one.
    assert refund(staff, live_server, paid, "refund-2", amount="100.00").status_code == 201
    assert refund(staff, live_server, paid, None, amount="100.00").status_code == 201
    assert Refund.objects.filter(payment=paid).count() == 3
    paid.refresh_from_db()
    assert paid.amount_refunded == 300


def test_ten_parallel_requests_with_one_key_make_one_refund(live_server, staff, paid):
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda _: refund(staff, live_server, paid, "parallel", amount="100.00"), range(10)))
    assert sorted(a.status_code for a in answers) == [200] * 9 + [201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Refund.objects.filter(payment=paid).count() == 1
    paid.refresh_from_db()
    assert paid.amount_refunded == 100


def test_parallel_attempts_at_the_provider_pass_exactly_the_limit(
    live_server, settings, currencies, stripe_env, localstripe_url
):
    settings.PAYMENTS_USER_RATE = "4/hour"
    buyer = make_buyer()
    session = requests.Session()
    _, key = token_create(user=buyer.user, name="test client")
    session.headers["Authorization"] = f"Token {key}"
    card = new_card(localstripe_url)
    session.post(f"{live_server.url}/api/v1/payments/methods", json={"payment_method": card, "default": True})
    url = f"{live_server.url}/api/v1/payments/"
    # The buyer's own mistakes first: they never reach the provider and leave the whole allowance.
    assert {session.post(url, json={"purpose": "deal"}, timeout=60).status_code for _ in range(10)} == {400}
    deals = [make_deal(buyer, price="1000.00", deposit="0") for _ in range(10)]

    def attempt(deal):
        body = {"purpose": "deal", "method": "card", "deal_id": deal.id, "amount": "10.00"}
        return session.post(url, json=body, timeout=60)

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = [answer.status_code for answer in pool.map(attempt, deals)]
    assert codes.count(201) == 4 and codes.count(429) == 6, codes
    assert Payment.objects.filter(buyer=buyer).count() == 4
