"""Stripe webhooks at our real endpoint: signatures, replays, exactly-once, out of order, disputes."""

import time

import pytest
from django.db import connection

from notifications.models import OutboxEvent
from payments.models import Dispute, LedgerEntry, Payment, StripeEvent
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    WEBHOOK_SECRET,
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    new_card,
    post_event,
    signed,
    stripe_env,
    stripe_event,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/payments/webhooks/stripe"


@pytest.fixture
def open_payment(client, currencies, stripe_env, localstripe_url):
    """A card deposit waiting for 3-D Secure (so the webhook decides how it ends)."""
    buyer = make_buyer()
    client.force_login(buyer.user)
    deal = make_deal(buyer)
    pm = new_card(localstripe_url, "4000002760003184")
    client.post("/api/v1/payments/methods", {"payment_method": pm, "default": True}, content_type="application/json")
    body = client.post(
        "/api/v1/payments/",
        {"purpose": "deposit", "method": "card", "deal_id": deal.id},
        content_type="application/json",
    ).json()
    client.logout()
    assert body["state"] == "requires_action"
    return Payment.objects.get(pk=body["id"])


def intent(payment, status, **extra):
    return {
        "id": payment.provider_reference,
        "object": "payment_intent",
        "amount": 20000,
        "amount_received": 20000 if status == "succeeded" else 0,
        "currency": "usd",
        "status": status,
        "latest_charge": "ch_test_1",
        "metadata": {"nzila_payment_id": str(payment.id)},
        "last_payment_error": None,
        "next_action": None,
        **extra,
    }


def _snapshot(payment):
    payment.refresh_from_db()
    return payment.state, payment.ledger.count(), StripeEvent.objects.count()


@pytest.mark.parametrize("header", [None, "t=123,v1=deadbeef", "garbage"])
def test_missing_or_bad_signature_changes_nothing(client, open_payment, header, caplog):
    payload, _ = signed(stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded")))
    before = _snapshot(open_payment)
    extra = {} if header is None else {"HTTP_STRIPE_SIGNATURE": header}
    response = client.post(URL, data=payload, content_type="application/json", **extra)
    assert response.status_code == 400
    assert "Stripe-Signature" in response.json()["error"]["fields"]
    assert _snapshot(open_payment) == before
    assert "stripe webhook rejected" in caplog.text


def test_wrong_secret_and_stale_timestamp_rejected(client, open_payment):
    event = stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded"))
    before = _snapshot(open_payment)
    assert post_event(client, event, secret="whsec_someone_else").status_code == 400
    assert post_event(client, event, timestamp=int(time.time()) - 3600).status_code == 400
    assert _snapshot(open_payment) == before


def test_replayed_delivery_rejected(client, open_payment):
    payload, header = signed(stripe_event("payment_intent.requires_action", intent(open_payment, "requires_action")))
    first = client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    replay = client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert first.status_code == 200 and replay.status_code == 400
    assert "replayed" in replay.json()["error"]["message"]


def test_same_event_twice_is_processed_once(client, open_payment):
    event = stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded"))
    first = post_event(client, event)
    again = post_event(client, event, timestamp=int(time.time()) - 30)  # a retry: same event, signed anew
    assert first.status_code == again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    open_payment.refresh_from_db()
    assert open_payment.state == "succeeded"
    assert open_payment.ledger.filter(to_state="succeeded").count() == 1
    assert StripeEvent.objects.filter(pk=event["id"]).count() == 1


def test_out_of_order_events_leave_the_latest_true_state(client, open_payment):
    now = int(time.time())
    succeeded = stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded"), created=now)
    older_action = stripe_event(
        "payment_intent.requires_action", intent(open_payment, "requires_action"), created=now - 5
    )
    older_failure = stripe_event(
        "payment_intent.payment_failed",
        intent(open_payment, "requires_payment_method", last_payment_error={"code": "card_declined", "message": "no"}),
        created=now - 10,
    )
    for event in (succeeded, older_action, older_failure):
        assert post_event(client, event).status_code == 200
    open_payment.refresh_from_db()
    assert open_payment.state == "succeeded" and open_payment.failure_code == ""
    assert list(open_payment.ledger.order_by("id").values_list("to_state", flat=True)) == [
        "created",
        "requires_action",
        "succeeded",
    ]


def test_failure_then_success_on_the_same_intent_ends_succeeded(client, open_payment):
    failed = stripe_event(
        "payment_intent.payment_failed",
        intent(open_payment, "requires_payment_method", last_payment_error={"code": "card_declined", "message": "no"}),
    )
    assert post_event(client, failed).status_code == 200
    open_payment.refresh_from_db()
    assert open_payment.state == "failed"
    post_event(client, stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded")))
    open_payment.refresh_from_db()
    assert open_payment.state == "succeeded" and open_payment.amount_captured == open_payment.amount


def test_canceled_event(client, open_payment):
    post_event(client, stripe_event("payment_intent.canceled", intent(open_payment, "canceled")))
    open_payment.refresh_from_db()
    assert open_payment.state == "canceled"


def test_event_found_by_our_id_when_the_create_answer_was_lost(client, open_payment):
    Payment.objects.filter(pk=open_payment.pk).update(provider_reference="")
    event = stripe_event("payment_intent.succeeded", {**intent(open_payment, "succeeded"), "id": "pi_lost_answer"})
    post_event(client, event)
    open_payment.refresh_from_db()
    assert open_payment.state == "succeeded" and open_payment.provider_reference == "pi_lost_answer"


def _dispute(payment, status="needs_response", due=None):
    return {
        "id": "dp_test_1",
        "object": "dispute",
        "amount": 20000,
        "currency": "usd",
        "charge": "ch_test_1",
        "payment_intent": payment.provider_reference,
        "reason": "fraudulent",
        "status": status,
        "evidence_details": {
            "due_by": due or int(time.time()) + 7 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
    }


def test_dispute_marks_payment_records_deadline_and_alerts_staff(client, open_payment):
    post_event(client, stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded")))
    due = int(time.time()) + 7 * 86400
    response = post_event(client, stripe_event("charge.dispute.created", _dispute(open_payment, due=due)))
    assert response.status_code == 200
    open_payment.refresh_from_db()
    dispute = Dispute.objects.get(provider_dispute_id="dp_test_1")
    assert open_payment.state == "disputed" and int(dispute.evidence_due_by.timestamp()) == due
    alert = OutboxEvent.objects.get(event_type="dispute_opened", payload__payment_id=str(open_payment.pk))
    assert alert.recipients == [] and "evidence due by" in alert.payload["body"]
    # Won: the payment is back to what it was.
    post_event(client, stripe_event("charge.dispute.closed", _dispute(open_payment, status="won")))
    open_payment.refresh_from_db()
    assert open_payment.state == "succeeded"


def test_dispute_events_out_of_order(client, open_payment):
    post_event(client, stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded")))
    post_event(client, stripe_event("charge.dispute.closed", _dispute(open_payment, status="lost")))
    post_event(client, stripe_event("charge.dispute.created", _dispute(open_payment)))  # older news, late
    assert Dispute.objects.get(provider_dispute_id="dp_test_1").status == "lost"


def test_events_are_stored_with_their_outcome(client, open_payment):
    event = stripe_event("customer.created", {"id": "cus_x", "object": "customer"})
    assert post_event(client, event).json()["outcome"].startswith("ignored")
    with connection.cursor() as cursor:
        cursor.execute("SELECT type FROM payments_stripeevent WHERE event_id = %s", [event["id"]])
        assert cursor.fetchone() == ("customer.created",)
    assert LedgerEntry.objects.filter(payment=open_payment).count() == 2


def test_a_signature_dated_in_the_future_is_refused_beyond_a_small_skew(client, open_payment, settings):
    event = stripe_event("payment_intent.succeeded", intent(open_payment, "succeeded"))
    before = _snapshot(open_payment)
    ahead = post_event(client, event, timestamp=int(time.time()) + 3600)
    assert ahead.status_code == 400 and "in the future" in ahead.json()["error"]["message"]
    assert _snapshot(open_payment) == before
    within_skew = int(time.time()) + settings.STRIPE_WEBHOOK_FUTURE_SKEW_SECONDS // 2
    assert post_event(client, event, timestamp=within_skew).status_code == 200
