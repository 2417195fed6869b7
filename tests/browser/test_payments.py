"""A buyer pays on a 360 px phone, in test mode as the local stack runs it: an invoice by mobile money with
the operator simulator's payer acting by number (as `python -m localstack.operator_simulators` does), the
status page turning when the callback lands, the receipt; another invoice by Stripe test card against
localstripe; the receipt in French; the pay page under emulated slow 3G.

Screenshots go to NZILA_SCREENSHOTS (e.g. docs/screenshots) when it is set."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By

from localstack.operator_simulators.mobile import MpesaSimulator
from payments.models import Invoice, Payment
from tests.browser.conftest import (
    PAGE_WEIGHT_SCRIPT,
    committed,
    css,
    fits_the_phone,
    make_user,
    shot,
    sign_in,
    slow_3g,
    wait_until,
)
from tests.support.payment_simulators.fixtures import localstripe_url, stripe_env, stripe_proxy  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The status page polls every 2 s; the simulated payer decides after 2 s.
PAYER_SECONDS = 2


@pytest.fixture
def auto_mpesa():
    """M-Pesa's simulator with the stack's automatic payer (numbers ending 01 decline, 02 never answer)."""
    sim = MpesaSimulator(auto_payer=True, decision_seconds=PAYER_SECONDS).start()
    yield sim
    sim.stop()


@pytest.fixture
def test_mode(settings, live_stack, stripe_env, auto_mpesa):  # noqa: F811
    """The settings the stack's sandbox file gives: test mode, localstripe, the simulator, stale rates accepted
    (the migration's seed rates are older than the 48 h limit; their date shows)."""
    settings.PAYMENTS_TEST_MODE = True
    settings.PAYMENTS_FX_ACCEPT_STALE = True
    settings.PAYMENTS_CALLBACK_BASE_URL = live_stack.url
    settings.MPESA_BASE_URL, settings.MPESA_CONSUMER_KEY = auto_mpesa.url, auto_mpesa.consumer_key
    settings.MPESA_CONSUMER_SECRET, settings.MPESA_SHORTCODE = auto_mpesa.consumer_secret, auto_mpesa.shortcode
    settings.MPESA_PASSKEY = auto_mpesa.passkey
    return auto_mpesa


def _demo_like_buyer(username: str) -> list[Invoice]:
    """A buyer in Kenya with the demo buyer's two open invoices (accounts.demo.DEMO_INVOICES)."""
    from accounts.demo import ensure_demo_dues
    from buyers.models import Buyer

    user = make_user(username)

    def dues():
        buyer = Buyer.objects.create(user=user, full_name="Wanjiku Demo", country="KE")
        return ensure_demo_dues(buyer)

    return committed(dues)


def _pay_link(driver, invoice: Invoice):
    row = driver.find_element(By.XPATH, f"//li[@data-target][contains(., '{invoice.number}')]")
    return row.find_element(By.CSS_SELECTOR, "a.button")


def test_a_buyer_pays_by_mobile_money_then_by_test_card_on_a_phone(test_mode, live_stack, phone):
    invoices = _demo_like_buyer("paying-buyer")
    mobile_invoice, card_invoice = sorted(invoices, key=lambda i: -i.amount)
    sign_in(phone, live_stack, "paying-buyer", next_path="/accounts/payments/")
    assert "Test mode" in phone.page_source and mobile_invoice.number in phone.page_source
    assert fits_the_phone(phone)
    shot(phone, "payments-owed-en")

    # Mobile money: M-Pesa, a number the simulated payer approves after a couple of seconds.
    _pay_link(phone, mobile_invoice).click()
    wait_until(phone, lambda d: "/accounts/payments/pay/" in d.current_url)
    css(phone, "input[name=method][value=mobile_money]").click()
    css(phone, "input[name=operator][value=mpesa]").click()
    css(phone, "input[name=phone]").send_keys("0712345678")
    assert "rates of" in phone.page_source.lower() and fits_the_phone(phone)
    shot(phone, "payments-pay-mobile-en")
    css(phone, "button[data-pay-submit]").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-payment-status]"))
    assert css(phone, "[data-payment-status]").get_attribute("data-state") == "pending"
    shot(phone, "payments-status-waiting-en")
    # No reload: the page's own polling shows the outcome the callback brought.
    wait_until(phone, lambda d: "the payment went through" in d.page_source, timeout=30, message="no callback")
    payment = Payment.objects.get(invoice_id=mobile_invoice.pk)
    assert payment.state == "succeeded" and payment.provider_currency == "KES"
    assert any(c["body"]["Body"]["stkCallback"]["ResultCode"] == 0 for c in test_mode.callbacks_sent)
    shot(phone, "payments-status-paid-en")
    phone.find_element(By.LINK_TEXT, "Receipt").click()
    wait_until(phone, lambda d: "/receipt/" in d.current_url)
    assert mobile_invoice.number in phone.page_source and "KES" in phone.page_source and fits_the_phone(phone)
    shot(phone, "payments-receipt-en")

    # Card: Stripe's success test card, through localstripe.
    phone.get(live_stack.at("/accounts/payments/"))
    _pay_link(phone, card_invoice).click()
    wait_until(phone, lambda d: "/accounts/payments/pay/" in d.current_url)
    css(phone, "input[name=method][value=card]").click()
    css(phone, "input[name=test_card][value=success]").click()
    css(phone, "button[data-pay-submit]").click()
    wait_until(phone, lambda d: "the payment went through" in d.page_source, message="card payment not through")
    card_payment = Payment.objects.get(invoice_id=card_invoice.pk)
    assert card_payment.state == "succeeded" and card_payment.card_last4 == "4242"
    assert set(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("status", flat=True)) == {"paid"}

    # The same receipt in French.
    phone.add_cookie({"name": "django_language", "value": "fr", "path": "/"})
    phone.get(live_stack.at(f"/accounts/payments/{payment.pk}/receipt/"))
    assert 'lang="fr"' in phone.page_source and fits_the_phone(phone)
    shot(phone, "payments-receipt-fr")
    phone.get(live_stack.at("/accounts/payments/"))
    shot(phone, "payments-history-fr")


def test_the_pay_page_on_a_slow_phone_connection(test_mode, live_stack, phone):
    """Slow 3G (400 kb/s, 400 ms): the pay page loads, what it weighs is printed (run with -s)."""
    invoices = _demo_like_buyer("slow-buyer")
    sign_in(phone, live_stack, "slow-buyer", next_path="/accounts/payments/")
    with slow_3g(phone):
        phone.get(live_stack.at(f"/accounts/payments/pay/invoice/{invoices[0].pk}/"))
        timing = phone.execute_script(PAGE_WEIGHT_SCRIPT)
        print(f"\nslow 3G pay page: {timing}")
        assert css(phone, "button[data-pay-submit]").is_displayed() and timing["total"] < 150_000
        shot(phone, "payments-pay-slow3g")


def test_demo_dues_are_topped_up_not_duplicated(db):
    from accounts.demo import DEMO_INVOICES, ensure_demo_dues
    from buyers.models import Buyer

    buyer = Buyer.objects.create(user=make_user("dues-buyer"), full_name="x", country="KE", phone_e164="+254700000000")
    assert len(ensure_demo_dues(buyer)) == len(DEMO_INVOICES)
    assert ensure_demo_dues(buyer) == []
    Invoice.objects.filter(buyer=buyer).update(status="void")
    assert Decimal(ensure_demo_dues(buyer)[0].amount) > 0
    assert date.today() + timedelta(days=14) == Invoice.objects.filter(buyer=buyer).last().due_date
