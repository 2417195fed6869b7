"""Every Stripe call the gateway makes, sent to Stripe's official stripe-mock (the API's OpenAPI spec
as a server, pinned to the spec of the pinned `stripe` library, strict version check on) through the
test proxy: no request is refused as malformed, and one that is malformed is.

stripe-mock checks shapes, not state: it answers every valid request with its fixture of the resource
(the parameters sent reflected into it). Its payment method fixture is given our contract buyer's
customer id, so the ownership check in front of the default-card calls passes as it would in Stripe.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import stripe

from localstack import stripe_mock
from localstack.stripe_mock import StripeMock
from payments import crypto, stripe_gateway
from payments.models import Payment, Refund, StripeCustomer
from tests.support.payment_simulators.fixtures import currencies, free_port, make_buyer, make_deal  # noqa: F401 (fixture)
from tests.support.payment_simulators.stripe_proxy import StripeProxy

pytestmark = [pytest.mark.django_db]

CONTRACT_CUSTOMER = "cus_nzila_contract"
CARD = "pm_nzila_contract"


@pytest.fixture(scope="module")
def stripe_mock_proxy(tmp_path_factory):
    fixtures = json.loads(stripe_mock.bundled_fixtures().read_text())
    fixtures["resources"]["payment_method"]["customer"] = CONTRACT_CUSTOMER
    path = tmp_path_factory.mktemp("stripe-mock") / "fixtures.json"
    path.write_text(json.dumps(fixtures))
    server = StripeMock(port=free_port(), fixtures=path)
    server.start()
    proxy = StripeProxy(server.url, localstripe=False).start()
    try:
        yield proxy
    finally:
        proxy.stop()
        server.stop()


@pytest.fixture
def gateway(settings, stripe_mock_proxy, currencies):  # noqa: F811
    settings.STRIPE_API_BASE = stripe_mock_proxy.url
    settings.STRIPE_API_KEY = "sk_test_nzilacontract"
    settings.PAYMENTS_RETRY_BASE_SECONDS = 0.01
    stripe_mock_proxy.reset()
    stripe_gateway._client_for.cache_clear()
    yield stripe_mock_proxy
    stripe_gateway._client_for.cache_clear()


def contract_buyer():
    """A buyer already linked to the customer stripe-mock's payment methods belong to."""
    buyer = make_buyer()
    StripeCustomer.objects.create(
        buyer=buyer,
        customer_id_encrypted=crypto.encrypt(CONTRACT_CUSTOMER),
        customer_id_digest=crypto.digest(CONTRACT_CUSTOMER),
    )
    return buyer


def card_payment(buyer) -> Payment:
    return Payment.objects.create(
        buyer=buyer,
        created_by=buyer.user,
        purpose="deposit",
        deal=make_deal(buyer),
        method="card",
        provider="stripe",
        amount=Decimal("200.00"),
        currency_id="USD",
        payment_method_id=CARD,
    )


def test_stripe_mock_serves_the_api_version_of_the_pinned_library():
    assert stripe.api_version == stripe_mock.API_VERSION


def test_every_gateway_call_is_valid_against_stripe_spec(gateway):
    new_buyer = make_buyer()
    assert stripe_gateway.customer_id(new_buyer).startswith("cus_")

    buyer = contract_buyer()
    assert stripe_gateway.attach_payment_method(buyer, CARD, make_default=True)["id"] == CARD
    assert stripe_gateway.describe_payment_method(buyer, CARD)["last4"]
    listed = stripe_gateway.list_payment_methods(buyer)
    assert [m["id"] for m in listed["methods"]]
    stripe_gateway.default_payment_method(buyer)

    payment = card_payment(buyer)
    outcome = stripe_gateway.confirm_intent(payment)
    assert outcome.provider_reference.startswith("pi_")
    payment.provider_reference = outcome.provider_reference
    payment.save(update_fields=["provider_reference"])
    assert stripe_gateway.retrieve_intent(payment).provider_reference == payment.provider_reference
    stripe_gateway.client_secret(payment)
    stripe_gateway.cancel_intent(payment)
    refund = Refund.objects.create(payment=payment, amount=Decimal("100.00"), reason="requested_by_customer")
    assert stripe_gateway.create_refund(refund)["id"].startswith("re_")
    stripe_gateway.list_refunds(payment.provider_reference)

    exchanges = gateway.exchanges
    called = {(e["method"], _template(e["path"])) for e in exchanges}
    assert called == {
        ("POST", "/v1/customers"),
        ("POST", "/v1/customers/{id}"),
        ("GET", "/v1/customers/{id}"),
        ("GET", "/v1/payment_methods"),
        ("GET", "/v1/payment_methods/{id}"),
        ("POST", "/v1/payment_methods/{id}/attach"),
        ("POST", "/v1/payment_intents"),
        ("GET", "/v1/payment_intents/{id}"),
        ("POST", "/v1/payment_intents/{id}/cancel"),
        ("POST", "/v1/refunds"),
        ("GET", "/v1/refunds"),
    }
    refused = [e for e in exchanges if e["status"] >= 400]
    assert refused == []
    assert {e["stripe_version"] for e in exchanges} == {stripe_mock.API_VERSION}
    # Every write carries a key derived from our own rows (stripe_gateway's rule), and it reached Stripe.
    assert all(e["idempotency_key"].startswith("nzila-") for e in exchanges if e["method"] == "POST")


def test_a_malformed_request_is_refused(gateway):
    """A parameter Stripe does not have, at the top level instead of inside `metadata`."""
    with pytest.raises(stripe_gateway.InvalidStripeRequest, match="validation"):
        stripe_gateway._call(
            "refund create",
            stripe_gateway.client().v1.refunds.create,
            params={"payment_intent": "pi_nzila_contract", "amount": 100, "nzila_refund_id": "r1"},
            options={"idempotency_key": "nzila-refund-malformed"},
        )
    assert [(e["status"], e["idempotency_key"]) for e in gateway.exchanges] == [(400, "nzila-refund-malformed")]


def test_a_newer_api_version_is_refused(gateway):
    """The strict version check is on: a library sending another version would fail these tests."""
    client = stripe_gateway.client()
    with pytest.raises(stripe.InvalidRequestError, match="version"):
        client.v1.customers.list(options={"stripe_version": "2099-01-01.zebra"})


def _template(path: str) -> str:
    """/v1/customers/cus_123/... as /v1/customers/{id}/...: the operation, not the object."""
    parts = path.split("/")
    return "/".join("{id}" if i == 3 else part for i, part in enumerate(parts))
