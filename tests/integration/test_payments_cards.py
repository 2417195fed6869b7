"""Card payments through our API against localstripe (a real process) behind the fidelity proxy."""

import pytest
import requests

from payments import crypto
from payments.models import Payment, StripeCustomer
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    new_card,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db

PI_PATH = "/v1/payment_intents"


@pytest.fixture
def buyer_client(client, currencies, stripe_env):
    buyer = make_buyer()
    client.force_login(buyer.user)
    client.buyer = buyer
    client.deal = make_deal(buyer)
    return client


def _save_card(client, stripe_url, number="4242424242424242", default=True) -> str:
    pm = new_card(stripe_url, number)
    response = client.post(
        "/api/v1/payments/methods", {"payment_method": pm, "default": default}, content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    return pm


def _pay(client, **body):
    body = {"purpose": "deposit", "method": "card", "deal_id": client.deal.id, **body}
    return client.post("/api/v1/payments/", body, content_type="application/json")


def _intents_for(localstripe_url, payment_id) -> list[dict]:
    listed = requests.get(f"{localstripe_url}/v1/payment_intents", auth=("sk_test_nzila", ""), params={"limit": 100})
    return [pi for pi in listed.json()["data"] if pi["metadata"].get("nzila_payment_id") == str(payment_id)]


def test_customer_created_once_and_stored_encrypted(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url)
    _save_card(buyer_client, localstripe_url, default=False)
    row = StripeCustomer.objects.get(buyer=buyer_client.buyer)
    customer_id = crypto.decrypt(row.customer_id_encrypted)
    assert customer_id.startswith("cus_") and customer_id not in row.customer_id_encrypted
    assert row.customer_id_digest == crypto.digest(customer_id)
    listed = buyer_client.get("/api/v1/payments/methods").json()
    assert len(listed["methods"]) == 2 and listed["default"] == listed["methods"][0]["id"] or listed["default"]


def test_default_card_can_be_changed(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url)
    second = _save_card(buyer_client, localstripe_url, default=False)
    assert buyer_client.post(f"/api/v1/payments/methods/{second}/default").status_code == 200
    assert buyer_client.get("/api/v1/payments/methods").json()["default"] == second


def test_someone_elses_card_is_refused(buyer_client, localstripe_url):
    stranger = new_card(localstripe_url)  # never attached to this buyer
    response = _pay(buyer_client, payment_method=stranger)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "payment_method": ["this payment method is not attached to your account"]
    }


def test_deposit_paid_by_card(buyer_client, localstripe_url, stripe_env):
    _save_card(buyer_client, localstripe_url)
    response = _pay(buyer_client)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "succeeded" and body["amount"] == "200.00" and body["card"]["last4"] == "4242"
    payment = Payment.objects.get(pk=body["id"])
    assert payment.amount_captured == payment.amount and payment.provider_reference.startswith("pi_")
    assert [e.to_state for e in payment.ledger.order_by("id")] == ["created", "succeeded"]
    buyer_client.deal.refresh_from_db()
    assert buyer_client.deal.stage == "deposit_paid"
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1


def test_declined_card_fails_once_without_retry(buyer_client, localstripe_url, stripe_env):
    _save_card(buyer_client, localstripe_url, number="4000000000000341")  # attaches, declines on charge
    body = _pay(buyer_client).json()
    assert body["state"] == "failed" and body["failure_code"] == "card_declined"
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1


def test_lost_answer_then_retry_charges_once(buyer_client, localstripe_url, stripe_env):
    """Stripe created the intent but the answer was lost on the way back; our retry of the same
    attempt reuses its idempotency key and gets the same intent, not a second charge."""
    _save_card(buyer_client, localstripe_url)
    stripe_env.lose_answers(PI_PATH, times=1)
    body = _pay(buyer_client).json()
    assert body["state"] == "succeeded"
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1
    intents = _intents_for(localstripe_url, body["id"])
    assert len(intents) == 1 and intents[0]["id"] == Payment.objects.get(pk=body["id"]).provider_reference


def test_attempt_left_after_outage_is_resubmitted_without_a_second_charge(buyer_client, localstripe_url, stripe_env):
    _save_card(buyer_client, localstripe_url)
    stripe_env.lose_answers(PI_PATH, times=3)  # every try of this request loses its answer
    response = _pay(buyer_client, amount="50.00")
    assert response.status_code == 503 and response.json()["error"]["code"] == "provider_unavailable"
    payment = Payment.objects.get(deal=buyer_client.deal)
    assert payment.state == "created" and payment.submit_tries == 1
    resubmitted = buyer_client.post(f"/api/v1/payments/{payment.id}/submit").json()
    assert resubmitted["state"] == "succeeded"
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1
    assert len(_intents_for(localstripe_url, payment.id)) == 1


def test_stripe_5xx_retried_with_backoff(buyer_client, localstripe_url, stripe_env):
    _save_card(buyer_client, localstripe_url)
    stripe_env.fail(PI_PATH, 500, times=2)
    assert _pay(buyer_client).json()["state"] == "succeeded"
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1


def test_same_client_key_returns_the_same_attempt(buyer_client, localstripe_url, stripe_env):
    _save_card(buyer_client, localstripe_url)
    first = buyer_client.post(
        "/api/v1/payments/",
        {"purpose": "deposit", "method": "card", "deal_id": buyer_client.deal.id},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="checkout-42",
    )
    again = buyer_client.post(
        "/api/v1/payments/",
        {"purpose": "deposit", "method": "card", "deal_id": buyer_client.deal.id},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="checkout-42",
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert stripe_env.forwarded_count("POST", PI_PATH) == 1


def test_three_d_secure_requires_action_then_completes(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url, number="4000002760003184")
    body = _pay(buyer_client).json()
    assert body["state"] == "requires_action"
    assert body["next_action"]["type"] == "use_stripe_sdk" and body["client_secret"].startswith("pi_")
    payment = Payment.objects.get(pk=body["id"])
    # The buyer passes the challenge in the browser (Stripe.js talks to Stripe directly).
    done = requests.post(
        f"{localstripe_url}/v1/payment_intents/{payment.provider_reference}/_authenticate",
        data={"client_secret": body["client_secret"], "success": "true", "key": "pk_test_x"},
    )
    assert done.status_code == 200, done.text
    confirmed = buyer_client.post(f"/api/v1/payments/{payment.id}/confirm").json()
    assert confirmed["state"] == "succeeded" and "client_secret" not in confirmed
    assert [e.to_state for e in payment.ledger.order_by("id")] == ["created", "requires_action", "succeeded"]


def test_failed_three_d_secure_marks_the_payment_failed(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url, number="4000002760003184")
    body = _pay(buyer_client).json()
    payment = Payment.objects.get(pk=body["id"])
    requests.post(
        f"{localstripe_url}/v1/payment_intents/{payment.provider_reference}/_authenticate",
        data={"client_secret": body["client_secret"], "success": "false", "key": "pk_test_x"},
    )
    confirmed = buyer_client.post(f"/api/v1/payments/{payment.id}/confirm").json()
    assert confirmed["state"] == "failed" and confirmed["failure_code"] == "payment_intent_authentication_failure"


def test_open_payment_can_be_canceled(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url, number="4000002760003184")
    body = _pay(buyer_client).json()
    canceled = buyer_client.post(f"/api/v1/payments/{body['id']}/cancel").json()
    assert canceled["state"] == "canceled"
    again = buyer_client.post(f"/api/v1/payments/{body['id']}/cancel")
    assert again.status_code == 400 and "payment" in again.json()["error"]["fields"]


def test_second_attempt_while_one_is_open_is_refused(buyer_client, localstripe_url):
    _save_card(buyer_client, localstripe_url, number="4000002760003184")
    first = _pay(buyer_client).json()
    second = _pay(buyer_client)
    assert second.status_code == 409 and first["id"] in second.json()["error"]["message"]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"purpose": "rent"}, "purpose"),
        ({"method": "cash"}, "method"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "5000"}, "amount"),
        ({"deal_id": 999999}, "deal_id"),
        ({"amount": "abc"}, "amount"),
        ({"payment_method": "pm_doesnotexist"}, "payment_method"),
        ({"provider": "mpesa"}, "provider"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(buyer_client, localstripe_url, body, field):
    _save_card(buyer_client, localstripe_url)
    response = _pay(buyer_client, **body)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()


def _make_default(client, pm):
    return client.post(f"/api/v1/payments/methods/{pm}/default")


def test_default_card_change_lost_answer_is_not_applied_twice(buyer_client, localstripe_url, stripe_env):
    """The customer update carries an idempotency key like every other write: a retry after a lost
    answer is answered with the first result instead of reaching Stripe again."""
    _save_card(buyer_client, localstripe_url)
    other = _save_card(buyer_client, localstripe_url, default=False)
    customer = crypto.decrypt(StripeCustomer.objects.get(buyer=buyer_client.buyer).customer_id_encrypted)
    path = f"/v1/customers/{customer}"
    before = stripe_env.forwarded_count("POST", path)
    stripe_env.lose_answers(path, times=1)
    assert _make_default(buyer_client, other).status_code == 200
    assert stripe_env.forwarded_count("POST", path) == before + 1
    assert buyer_client.get("/api/v1/payments/methods").json()["default"] == other


def test_switching_the_default_back_and_forth_is_a_new_request_each_time(buyer_client, localstripe_url, stripe_env):
    first = _save_card(buyer_client, localstripe_url)
    second = _save_card(buyer_client, localstripe_url, default=False)
    for pm in (second, first, second, first):
        assert _make_default(buyer_client, pm).status_code == 200
        assert buyer_client.get("/api/v1/payments/methods").json()["default"] == pm
