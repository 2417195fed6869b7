"""Refunds: full and partial, never above what was captured, and reflected from Stripe's events."""

import time

import pytest

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
    post_event,
    stripe_env,
    stripe_event,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_signed_in(client, paid):
    """Every test starts from the card-paid deal with `client` signed in as staff (who alone may refund)."""
    client.force_login(make_user(staff=True))


def refund(client, payment, **body):
    return client.post(
        f"/api/v1/payments/{payment.id}/refunds",
        {"reason": "requested_by_customer", **body},
        content_type="application/json",
    )


def test_partial_then_full_refund(client, paid):
    first = refund(client, paid, amount="300.00")
    assert first.status_code == 201 and first.json()["status"] == "succeeded"
    paid.refresh_from_db()
    assert paid.state == "partially_refunded" and paid.amount_refunded == 300
    rest = refund(client, paid)  # no amount: whatever is left
    assert rest.json()["amount"] == "700.00"
    paid.refresh_from_db()
    assert paid.state == "refunded" and paid.amount_refunded == 1000
    assert list(paid.ledger.order_by("id").values_list("to_state", flat=True))[-2:] == [
        "partially_refunded",
        "refunded",
    ]


def test_refund_above_captured_is_a_clear_400(client, paid, stripe_env):
    refund(client, paid, amount="600.00")
    response = refund(client, paid, amount="400.01")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_parameter" and "amount" in error["fields"]
    assert "at most 400.00 USD can be refunded" in error["message"]
    assert Refund.objects.filter(payment=paid).count() == 1
    assert stripe_env.forwarded_count("POST", "/v1/refunds") == 1


@pytest.mark.parametrize(
    "body,field", [({"reason": "because"}, "reason"), ({"amount": "0"}, "amount"), ({"amount": "1.001"}, "amount")]
)
def test_bad_refund_input(client, paid, body, field):
    response = refund(client, paid, **body)
    assert response.status_code == 400 and field in response.json()["error"]["fields"]


def test_only_staff_refund(client, paid):
    client.force_login(paid.buyer.user)
    assert refund(client, paid).status_code == 403


def test_refund_of_unpaid_payment_refused(client, paid):
    Payment.objects.filter(pk=paid.pk).update(state="failed", amount_captured=0)
    response = refund(client, paid)
    assert response.status_code == 400 and "cannot be refunded" in response.json()["error"]["message"]


def test_refund_made_in_stripe_reflected_from_its_event(client, paid):
    event = stripe_event(
        "charge.refunded",
        {
            "id": paid.provider_transaction_id,
            "object": "charge",
            "amount": 100000,
            "amount_refunded": 25000,
            "payment_intent": paid.provider_reference,
            "refunded": False,
            "refunds": {
                "object": "list",
                "data": [
                    {
                        "id": "re_dashboard_1",
                        "object": "refund",
                        "amount": 25000,
                        "status": "succeeded",
                        "payment_intent": paid.provider_reference,
                        "metadata": {},
                    }
                ],
            },
        },
    )
    assert post_event(client, event).status_code == 200
    assert post_event(client, event, timestamp=int(time.time()) - 20).json()["outcome"] == "duplicate"
    paid.refresh_from_db()
    assert paid.state == "partially_refunded" and paid.amount_refunded == 250
    outside = Refund.objects.get(provider_refund_id="re_dashboard_1")
    assert outside.note == "made outside the platform"
    # A later refund.updated for the same refund changes nothing more.
    post_event(
        client,
        stripe_event(
            "refund.updated",
            {
                "id": "re_dashboard_1",
                "object": "refund",
                "amount": 25000,
                "status": "succeeded",
                "payment_intent": paid.provider_reference,
            },
        ),
    )
    paid.refresh_from_db()
    assert paid.amount_refunded == 250 and paid.ledger.filter(to_state="partially_refunded").count() == 1


def test_refund_failure_event_gives_the_amount_back(client, paid):
    refund(client, paid, amount="100.00")
    ours = Refund.objects.get(payment=paid)
    post_event(
        client,
        stripe_event(
            "refund.failed",
            {
                "id": ours.provider_refund_id,
                "object": "refund",
                "amount": 10000,
                "status": "failed",
                "payment_intent": paid.provider_reference,
            },
        ),
    )
    ours.refresh_from_db()
    paid.refresh_from_db()
    assert ours.status == "failed" and paid.amount_refunded == 0
