"""Pure rules of payments: the state machine, money, phone numbers, retry policy. No server."""

from decimal import Decimal

import pytest
import stripe
from django.utils import translation

from payments import states
from payments.mobile import InvalidPhone, UnsupportedRoute, normalize_phone, route
from payments.money import from_minor, to_minor
from payments.outcome import ProviderOutcome
from payments.retry import backoff_delay, call_with_retries
from payments.stripe_gateway import (
    CardDeclined,
    InvalidStripeRequest,
    StripeRefused,
    StripeUnavailable,
    is_transient,
    translate,
)
from reliability.errors import TransientError


@pytest.mark.parametrize(
    "from_state,to_state",
    [
        ("created", "pending"),
        ("pending", "requires_action"),
        ("requires_action", "succeeded"),
        ("pending", "failed"),
        ("requires_action", "canceled"),
        ("succeeded", "partially_refunded"),
        ("partially_refunded", "refunded"),
        ("succeeded", "disputed"),
        ("disputed", "succeeded"),
        ("failed", "succeeded"),
    ],
)
def test_allowed_transitions(from_state, to_state):
    states.check_transition(from_state, to_state)


@pytest.mark.parametrize(
    "from_state,to_state",
    [
        ("succeeded", "failed"),
        ("succeeded", "pending"),
        ("succeeded", "requires_action"),
        ("canceled", "succeeded"),
        ("refunded", "succeeded"),
        ("failed", "refunded"),
        ("created", "refunded"),
        ("pending", "created"),
        ("succeeded", "nonsense"),
    ],
)
def test_illegal_transitions_refused(from_state, to_state):
    with pytest.raises(states.IllegalTransition):
        states.check_transition(from_state, to_state)


def test_state_after_refunds():
    assert states.state_after_refunds(1000, 0) == "succeeded"
    assert states.state_after_refunds(1000, 1) == "partially_refunded"
    assert states.state_after_refunds(1000, 1000) == "refunded"


def test_minor_units_follow_the_currency():
    assert to_minor(Decimal("12.34"), "USD") == 1234
    assert to_minor(Decimal("5000"), "XOF") == 5000
    assert to_minor(Decimal("5000"), "UGX") == 5000
    assert from_minor(1234, "KES") == Decimal("12.34")


@pytest.mark.parametrize(
    "raw,country,expected",
    [
        ("0712 345 678", "KE", "+254712345678"),
        ("+254712345678", "KE", "+254712345678"),
        ("0772 123456", "UG", "+256772123456"),
        ("77 123 45 67", "SN", "+221771234567"),
    ],
)
def test_phone_normalised_to_e164(raw, country, expected):
    assert normalize_phone(raw, country) == expected


@pytest.mark.parametrize(
    "raw,country", [("12345", "KE"), ("+256772123456", "KE"), ("not a phone", "KE"), ("020 2222222", "KE")]
)
def test_bad_phone_refused(raw, country):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw, country)


def test_routes_choose_the_currency_by_country_and_operator():
    assert route("KE", "mpesa") == "KES"
    assert route("UG", "mtn_momo") == "UGX"
    assert route("SN", "orange_money") == "XOF"
    with pytest.raises(UnsupportedRoute, match="in KE we offer"):
        route("KE", "orange_money")


def test_backoff_doubles_up_to_the_cap(settings):
    settings.PAYMENTS_RETRY_BASE_SECONDS, settings.PAYMENTS_RETRY_CAP_SECONDS = 10, 30
    assert [backoff_delay(n) for n in (1, 2, 3, 4)] == [10, 20, 30, 30]


def test_transient_errors_retried_three_tries_at_most(settings):
    settings.PAYMENTS_RETRY_MAX_TRIES, settings.PAYMENTS_RETRY_BASE_SECONDS = 3, 1
    calls, sleeps = [], []

    def flaky():
        calls.append(1)
        raise TransientError("down")

    with pytest.raises(TransientError):
        call_with_retries(flaky, is_transient=lambda e: isinstance(e, TransientError), what="t", sleep=sleeps.append)
    assert len(calls) == 3 and sleeps == [1, 2]


def test_card_errors_never_retried():
    card_error = stripe.CardError("declined", None, "card_declined", http_status=402)
    assert not is_transient(card_error)
    assert is_transient(stripe.APIConnectionError("reset"))
    assert is_transient(stripe.RateLimitError("slow down", http_status=429))
    assert is_transient(stripe.APIError("boom", http_status=500))
    assert not is_transient(stripe.InvalidRequestError("bad", "amount", http_status=400))
    calls = []

    def declined():
        calls.append(1)
        raise card_error

    with pytest.raises(stripe.CardError):
        call_with_retries(declined, is_transient=is_transient, what="t", sleep=lambda s: None)
    assert len(calls) == 1


def test_stripe_errors_leave_the_gateway_in_our_terms():
    unavailable = translate(stripe.APIConnectionError("reset"))
    assert isinstance(unavailable, StripeUnavailable) and isinstance(unavailable, TransientError)
    assert unavailable.maybe_processed
    # A rate limit refused the request before acting on it.
    assert not translate(stripe.RateLimitError("slow down", http_status=429)).maybe_processed
    assert isinstance(translate(stripe.APIError("boom", http_status=500)), StripeUnavailable)

    declined = translate(
        stripe.CardError(
            "declined",
            None,
            "card_declined",
            http_status=402,
            json_body={"error": {"code": "card_declined", "decline_code": "insufficient_funds", "message": "No."}},
        )
    )
    assert isinstance(declined, CardDeclined) and not isinstance(declined, TransientError)
    assert declined.code == "card_declined" and declined.decline_code == "insufficient_funds"

    invalid = translate(stripe.InvalidRequestError("No such payment_method", "id", code="resource_missing"))
    assert isinstance(invalid, InvalidStripeRequest) and invalid.code == "resource_missing"
    other = translate(stripe.AuthenticationError("bad key", http_status=401))
    assert type(other) is StripeRefused


def test_operator_specific_callback_rules_sit_behind_the_client():
    from payments.mobile.mpesa import MpesaClient
    from payments.mobile.mtn import MtnMomoClient
    from payments.mobile.orange import OrangeMoneyClient
    from payments.models import Payment

    orange = OrangeMoneyClient(base_url="http://orange.invalid")
    payment = Payment(provider_data={"notif_token": "abc123"})
    assert orange.callback_authentic(payment, {"notif_token": "abc123"})
    assert not orange.callback_authentic(payment, {"notif_token": "forged"})
    assert not orange.callback_authentic(Payment(provider_data={}), {"notif_token": ""})
    assert MtnMomoClient(base_url="http://mtn.invalid").callback_authentic(payment, {})

    mpesa = MpesaClient(base_url="http://mpesa.invalid")
    receipt = {"Name": "MpesaReceiptNumber", "Value": "QK12ABC"}
    payload = {"Body": {"stkCallback": {"ResultCode": 0, "CallbackMetadata": {"Item": [receipt]}}}}
    succeeded = ProviderOutcome(state=states.SUCCEEDED, provider_reference="ws_1")
    assert mpesa.with_callback_details(succeeded, payload).transaction_id == "QK12ABC"
    pending = ProviderOutcome(state=states.PENDING)
    assert mpesa.with_callback_details(pending, payload) == pending


def test_work_queued_by_name_reaches_the_registered_task_on_the_high_queue():
    from celery import current_app

    from payments import later, tasks

    assert current_app.tasks[later.CONFIRM_PAYMENT].name == tasks.confirm_payment.name == later.CONFIRM_PAYMENT
    assert current_app.amqp.router.route({}, later.CONFIRM_PAYMENT)["queue"].name == "high"


def test_every_failure_code_gets_a_reason_a_buyer_can_act_on():
    from payments.failure_reasons import buyer_reason

    assert buyer_reason("") == ""
    assert buyer_reason("card_declined") == buyer_reason("do_not_honor") == buyer_reason("stripe_unknown")
    assert "too little money" in buyer_reason("insufficient_funds")
    assert "cancelled on your phone" in buyer_reason("mpesa_1032")
    assert (
        buyer_reason("mtn_momo_rejected") == buyer_reason("airtel_failed") == "The payment was declined on your phone."
    )
    assert buyer_reason("no_answer") == buyer_reason("orange_expired")
    with translation.override("fr"):
        assert buyer_reason("card_declined").startswith("Votre banque a refusé la carte.")
