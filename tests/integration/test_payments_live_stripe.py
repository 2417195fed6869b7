"""End to end with localstripe's own webhook deliveries to our live endpoint (no hand-made events)."""

import pytest
import requests

from accounts.tokens import token_create
from payments.models import Payment, StripeEvent
from reliability.polling import poll_until
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    WEBHOOK_SECRET,
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    new_card,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stripe_delivers_to(live_server, localstripe_url):
    """localstripe sends its events to our live endpoint during this test only."""
    hook = f"{localstripe_url}/_config/webhooks/nzila-live"
    target = {"url": f"{live_server.url}/api/v1/payments/webhooks/stripe", "secret": WEBHOOK_SECRET}
    requests.post(hook, json=target).raise_for_status()
    yield
    requests.post(hook, json={**target, "events": []}).raise_for_status()


def test_three_d_secure_completed_by_stripes_webhook(
    live_server, stripe_delivers_to, currencies, stripe_env, localstripe_url
):
    buyer = make_buyer()
    deal = make_deal(buyer)
    session = requests.Session()
    _, key = token_create(user=buyer.user, name="test client")
    session.headers["Authorization"] = f"Token {key}"
    api = f"{live_server.url}/api/v1/payments/"
    session.post(
        api + "methods", json={"payment_method": new_card(localstripe_url, "4000002760003184"), "default": True}
    ).raise_for_status()
    body = session.post(api, json={"purpose": "deposit", "method": "card", "deal_id": deal.id}).json()
    assert body["state"] == "requires_action"
    payment = Payment.objects.get(pk=body["id"])
    requests.post(
        f"{localstripe_url}/v1/payment_intents/{payment.provider_reference}/_authenticate",
        data={"client_secret": body["client_secret"], "success": "true", "key": "pk_test_x"},
    ).raise_for_status()
    # No call of ours asks Stripe: the signed payment_intent.succeeded delivery does it.
    poll_until(lambda: Payment.objects.get(pk=payment.pk).state == "succeeded", timeout=20, what="webhook")
    event = StripeEvent.objects.get(type="payment_intent.succeeded", outcome__contains=str(payment.id))
    assert Payment.objects.get(pk=payment.pk).ledger.get(to_state="succeeded").reference == event.event_id
    deal.refresh_from_db()
    assert deal.stage == "deposit_paid"
