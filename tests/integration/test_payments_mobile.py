"""Mobile money over real HTTP: our clients talk to the operator simulators, which call our live
server back asynchronously; only the operators' status APIs make a payment paid."""

from decimal import Decimal

import pytest
import requests
from django.utils import timezone

from accounts.tokens import token_create
from catalog.models import Currency
from payments.models import Payment, ProviderCallback
from reliability.polling import poll_until
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    clean_payment_cache,
    currencies,
    long_ago,
    make_buyer,
    make_deal,
    mobile_env,
    operators,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, settings, currencies, mobile_env):
    settings.PAYMENTS_CALLBACK_BASE_URL = live_server.url
    mobile_env["airtel_money"].callback_url = f"{live_server.url}/api/v1/payments/callbacks/airtel_money"
    return live_server


def buyer_session(site, *, country="KE", phone="+254712345678", deposit="200.00"):
    buyer = make_buyer(country=country, phone=phone)
    session = requests.Session()
    _, key = token_create(user=buyer.user, name="test client")
    session.headers["Authorization"] = f"Token {key}"
    session.deal = make_deal(buyer, deposit=deposit)
    session.base = f"{site.url}/api/v1/payments/"
    return session


def pay(session, **body):
    body = {"purpose": "deposit", "method": "mobile_money", "deal_id": session.deal.id, **body}
    return session.post(session.base, json=body, timeout=30)


def settled(payment_id, *states):
    def check():
        payment = Payment.objects.get(pk=payment_id)
        return payment if payment.state in states else None

    return poll_until(check, what=f"payment in {states}")


def closed_callback(payment) -> ProviderCallback:
    """The payment's callback once its handler has recorded the verdict (just after the outcome commits)."""
    return poll_until(
        lambda: ProviderCallback.objects.filter(payment=payment).exclude(outcome="").first(), what="callback verdict"
    )


def test_mpesa_stk_push_callback_confirmed_by_query(site, operators):
    session = buyer_session(site)
    response = pay(session, provider="mpesa", phone="0712 345 678")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "pending" and body["phone_e164"] == "+254712345678"
    # 200 USD at 129.50 KES per USD, in whole shillings, with the conversion recorded.
    assert (body["provider_currency"], Decimal(body["provider_amount"])) == ("KES", Decimal("25900"))
    assert Decimal(body["fx_rate"]) == Decimal("129.5")
    payment = Payment.objects.get(pk=body["id"])
    operators["mpesa"].settle(payment.provider_reference, "success")
    payment = settled(payment.id, "succeeded")
    assert payment.provider_transaction_id.startswith("NLJ")
    callback = closed_callback(payment)
    assert callback.claimed_status == "success" and callback.outcome.startswith("confirmed")
    assert payment.ledger.get(to_state="succeeded").cause == "callback"


def test_callback_claiming_success_is_not_believed(site, operators):
    """The operator's records say the payer cancelled; a callback claiming success changes nothing."""
    session = buyer_session(site)
    payment = Payment.objects.get(pk=pay(session, provider="mpesa").json()["id"])
    operators["mpesa"].settle(payment.provider_reference, "cancelled", claim="success")
    payment = settled(payment.id, "failed", "succeeded")
    assert payment.state == "failed" and payment.failure_code == "mpesa_1032"
    assert closed_callback(payment).outcome.startswith("contradicted")


def test_forged_callback_while_operator_still_waiting(site, operators):
    session = buyer_session(site)
    payment = Payment.objects.get(pk=pay(session, provider="mpesa").json()["id"])
    from payments.services import callback_url

    forged = {
        "Body": {
            "stkCallback": {
                "CheckoutRequestID": payment.provider_reference,
                "ResultCode": 0,
                "ResultDesc": "ok",
                "CallbackMetadata": {"Item": [{"Name": "MpesaReceiptNumber", "Value": "FAKE123"}]},
            }
        }
    }
    assert requests.post(callback_url(payment), json=forged, timeout=30).status_code == 200
    payment.refresh_from_db()
    assert payment.state == "pending" and payment.provider_transaction_id == ""
    wrong_token = callback_url(payment).rsplit("/", 1)[0] + "/not-the-token"
    assert requests.post(wrong_token, json=forged, timeout=30).status_code == 404


def test_mtn_lost_answer_retry_asks_the_payer_once(site, operators):
    mtn = operators["mtn_momo"]
    mtn.lose_answers = 1  # accepted, but the answer is a 504
    session = buyer_session(site, country="UG", phone="+256772123456")
    body = pay(session, provider="mtn_momo").json()
    assert body["state"] == "pending", body
    assert (body["provider_currency"], Decimal(body["provider_amount"])) == ("UGX", Decimal("740000"))
    payment = Payment.objects.get(pk=body["id"])
    assert [r for r in mtn.records if r == str(payment.id)] == [str(payment.id)]
    assert mtn.count("POST", "/collection/v1_0/requesttopay") == 2  # the retry met 409, not a second request
    mtn.settle(str(payment.id), "success")
    assert settled(payment.id, "succeeded").provider_transaction_id


def test_orange_money_web_payment(site, operators):
    session = buyer_session(site, country="SN", phone="+221771234567")
    body = pay(session, provider="orange_money").json()
    assert body["state"] == "requires_action" and body["next_action"]["type"] == "redirect_to_url"
    assert body["provider_currency"] == "XOF" and Decimal(body["provider_amount"]) == Decimal("120000")
    payment = Payment.objects.get(pk=body["id"])
    operators["orange_money"].settle(payment.provider_reference, "success")
    assert settled(payment.id, "succeeded").provider_transaction_id.startswith("MP")


def test_airtel_money_callback_to_the_portal_url(site, operators):
    session = buyer_session(site, country="UG", phone="+256700000001")
    body = pay(session, provider="airtel_money", phone="0752 123456").json()
    assert body["state"] == "pending", body
    payment = Payment.objects.get(pk=body["id"])
    operators["airtel_money"].settle(payment.provider_reference, "failed", claim="success")
    payment = settled(payment.id, "failed", "succeeded")
    assert payment.state == "failed"


def test_mpesa_push_whose_answer_is_lost_is_not_resent(site, operators):
    mpesa = operators["mpesa"]
    mpesa.lose_answers = 1
    before = mpesa.count("POST", "/mpesa/stkpush")
    session = buyer_session(site)
    body = pay(session, provider="mpesa").json()
    assert body["state"] == "pending"
    assert mpesa.count("POST", "/mpesa/stkpush") == before + 1  # the payer is prompted once
    payment = Payment.objects.get(pk=body["id"])
    assert payment.provider_reference == ""
    reference = next(
        r
        for r, rec in mpesa.records.items()
        if rec["callback_url"].endswith(f"{payment.id}/{rec['callback_url'].rsplit('/', 1)[1]}")
    )
    mpesa.settle(reference, "success")  # the callback tells us the reference; the query confirms it
    assert settled(payment.id, "succeeded").provider_reference == reference


@pytest.mark.parametrize(
    "body,field",
    [
        ({"provider": "mpesa", "phone": "12345"}, "phone"),
        ({"provider": "mpesa", "phone": "+256772123456"}, "phone"),
        ({"provider": "orange_money"}, "provider"),
        ({"provider": "paypal"}, "provider"),
        ({}, "provider"),
        ({"provider": "mpesa", "country": "Kenya"}, "country"),
    ],
)
def test_bad_mobile_input_is_a_400_naming_the_field(site, body, field):
    response = pay(buyer_session(site), **body)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]["fields"]


def test_stale_exchange_rate_pauses_conversion(site):
    Currency.objects.filter(code="KES").update(rate_updated_at=long_ago(hours=49))
    response = pay(buyer_session(site), provider="mpesa")
    assert response.status_code == 400 and "currency" in response.json()["error"]["fields"]
    Currency.objects.filter(code="KES").update(rate_updated_at=timezone.now())
