"""The buyer's payment pages (/accounts/payments/) against localstripe and the operators' simulators:
what I owe, pay by test card (success, decline, 3-D Secure), pay by mobile money and see the callback
land, a double submit, receipts and refunds, and who may see what."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from payments import states
from payments.invoices import create_invoice
from payments.models import LedgerEntry, Payment
from tests.support.payment_simulators.fixtures import (  # noqa: F401 (fixtures)
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    mobile_env,
    operators,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def buyer_page(client, live_server, settings, currencies, stripe_env, mobile_env):  # noqa: F811
    settings.PAYMENTS_TEST_MODE = True
    # The operators' simulators call this live server back, as operators call the site.
    settings.PAYMENTS_CALLBACK_BASE_URL = live_server.url
    buyer = make_buyer()
    client.force_login(buyer.user)
    return client, buyer


def _invoice(buyer, amount="150.00"):
    from catalog.models import Currency

    return create_invoice(
        buyer=buyer,
        amount=Decimal(amount),
        currency=Currency.objects.get(code="USD"),
        due_date=date.today() + timedelta(days=7),
        description="Inspection",
    )


def _pay(client, invoice, **fields):
    data = {"client_key": uuid.uuid4().hex, **fields}
    return client.post(f"/accounts/payments/pay/invoice/{invoice.pk}/", data)


def test_what_i_owe_lists_open_invoices_and_deposits_with_a_test_mode_banner(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    deal = make_deal(buyer, price="1000.00", deposit="200.00")
    page = client.get("/accounts/payments/").content.decode()
    assert "Test mode: no real money." in page
    assert invoice.number in page and "150.00 USD" in page
    assert f"/accounts/payments/pay/deposit/{deal.pk}/" in page and "200.00 USD" in page


def test_the_success_card_pays_the_invoice_and_the_receipt_shows_it_in_french_too(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    response = _pay(client, invoice, method="card", test_card="success")
    assert response.status_code == 302
    payment = Payment.objects.get(invoice=invoice)
    assert response["Location"] == f"/accounts/payments/{payment.pk}/"
    assert payment.state == states.SUCCEEDED and payment.card_last4 == "4242"
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert [e.to_state for e in LedgerEntry.objects.filter(payment=payment).order_by("id")] == ["created", "succeeded"]
    assert "the payment went through" in client.get(response["Location"]).content.decode()
    receipt = client.get(f"/accounts/payments/{payment.pk}/receipt/")
    assert receipt.status_code == 200
    assert "150.00 USD" in receipt.content.decode() and invoice.number in receipt.content.decode()
    client.cookies["django_language"] = "fr"
    french = client.get(f"/accounts/payments/{payment.pk}/receipt/").content.decode()
    assert "Reçu" in french and "150,00 USD" in french


def test_the_declined_card_fails_and_says_why_then_another_try_is_offered(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    response = _pay(client, invoice, method="card", test_card="declined")
    payment = Payment.objects.get(invoice=invoice)
    assert payment.state == states.FAILED
    page = client.get(response["Location"]).content.decode()
    # Why, in the buyer's words (from the failure code), not the provider's message to developers.
    assert "did not go through" in page and "Your bank declined the card." in page
    assert payment.failure_code == "card_declined" and payment.failure_message not in page
    assert f"/accounts/payments/pay/invoice/{invoice.pk}/" in page  # try again
    assert client.get(f"/accounts/payments/{payment.pk}/receipt/").status_code == 404


def test_a_double_submit_makes_one_payment(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    key = uuid.uuid4().hex
    first = _pay(client, invoice, method="card", test_card="success", client_key=key)
    second = _pay(client, invoice, method="card", test_card="success", client_key=key)
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert second.status_code == 302  # the target is paid: back to the list, nothing charged twice
    assert first["Location"].startswith("/accounts/payments/")


def test_three_d_secure_is_passed_on_the_test_challenge(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    response = _pay(client, invoice, method="card", test_card="three_d_secure")
    payment = Payment.objects.get(invoice=invoice)
    assert payment.state == states.REQUIRES_ACTION
    assert "3-D Secure" in client.get(response["Location"]).content.decode()
    client.post(f"/accounts/payments/{payment.pk}/test-challenge/", {"result": "pass"})
    payment.refresh_from_db()
    assert payment.state == states.SUCCEEDED


def test_mobile_money_waits_for_the_phone_and_the_status_turns_when_the_callback_lands(buyer_page, operators):  # noqa: F811
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    response = _pay(client, invoice, method="mobile_money", operator="mpesa", phone="0712345678")
    payment = Payment.objects.get(invoice=invoice)
    assert payment.state == states.PENDING and payment.provider_currency == "KES"
    page = client.get(response["Location"]).content.decode()
    assert "Approve the payment on your phone" in page and "rates of" in page
    # A reload mid-payment, or the pay page opened again, follows the same attempt.
    again = client.get(f"/accounts/payments/pay/invoice/{invoice.pk}/")
    assert again["Location"] == f"/accounts/payments/{payment.pk}/"
    status_url = f"/accounts/payments/{payment.pk}/status/"
    assert client.get(status_url).json()["state"] == "pending"
    operators["mpesa"].settle(payment.provider_reference, "success")
    deadline = time.monotonic() + 20
    while client.get(status_url).json()["state"] != "succeeded":
        assert time.monotonic() < deadline, "the callback never landed"
        time.sleep(0.2)


def test_someone_elses_payment_is_not_found(buyer_page):
    client, buyer = buyer_page
    invoice = _invoice(buyer)
    _pay(client, invoice, method="card", test_card="success")
    payment = Payment.objects.get(invoice=invoice)
    other = make_buyer()
    client.force_login(other.user)
    assert client.get(f"/accounts/payments/{payment.pk}/").status_code == 404
    assert client.get(f"/accounts/payments/{payment.pk}/receipt/").status_code == 404
    assert client.get(f"/accounts/payments/pay/invoice/{invoice.pk}/").status_code == 302
