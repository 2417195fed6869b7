"""The local stack's payment test mode end to end, on a 360x740 phone, with the processes the stack itself
starts (localstack.payment_sandbox: localstripe through its launcher, the four operator simulators with the
automatic payer), on free ports and under their own names, stopped when the module ends.

The demo buyer (accounts.demo, as bin/setup makes it) pays one invoice with the declined test card and
reads why, in English and in French; pays it again with the success card; pays the other by M-Pesa, the
simulated payer approving on the phone. Then each outcome shows in the payment's history (the ledger), in
the messages about payments (the notifications), on the receipt, and to the demo staff account on the
staff pages (payments, ledger entries, exchange rates).

Screenshots go to NZILA_SCREENSHOTS (e.g. docs/screenshots) when it is set."""

from __future__ import annotations

import os
import socket

import pytest
from selenium.webdriver.common.by import By

from localstack.payment_sandbox import PaymentSandbox
from payments.models import Invoice, LedgerEntry, Payment
from tests.browser.conftest import _fresh, committed, css, fits_the_phone, shot, sign_in, wait_until
from tests.support.payment_simulators.fixtures import WEBHOOK_SECRET, free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# The simulated payer approves this number after payer.DECISION_SECONDS (numbers ending 01 decline).
APPROVING_NUMBER = "0712345678"
# The payer's few seconds, the callback, the page's polling.
PAID_WITHIN = 45


def _four_free_ports() -> int:
    """The first of four consecutive free ports (the simulators take base..base+3)."""
    for _ in range(50):
        base = free_port()
        held = []
        try:
            for port in range(base, base + 4):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
        return base
    raise RuntimeError("no four consecutive free ports")


@pytest.fixture(scope="module")
def sandbox(live_stack, tmp_path_factory):
    """The stack's own test-mode processes, for this module's live server; stopped in teardown."""
    box = PaymentSandbox(
        web_port=int(live_stack.url.rsplit(":", 1)[1]),
        stripe_port=free_port(),
        simulator_port=_four_free_ports(),
        name_suffix=f"-browser-{os.getpid()}",
        state_file=tmp_path_factory.mktemp("localstripe") / "localstripe.pickle",
    )
    try:
        box.start_processes()
        box.point_webhooks(WEBHOOK_SECRET)
        yield box
    finally:
        box.stop()
        assert not any(proc.running() for proc in box.processes()), "a sandbox process outlived its test"


@pytest.fixture
def stack_test_mode(settings, sandbox, live_stack):
    """The settings the stack's sandbox file gives its processes (var/payments-sandbox.env), read from
    the same `environment()`, with callbacks to this module's live server."""
    for name, value in sandbox.environment("sk_test_browser").items():
        setting = name.removeprefix("NZILA_")
        assert hasattr(settings, setting), name
        setattr(settings, setting, value == "1" if setting.endswith(("TEST_MODE", "ACCEPT_STALE")) else value)
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENTS_CALLBACK_BASE_URL = live_stack.url
    return sandbox


def _demo_accounts() -> dict[str, str]:
    """bin/setup's demo accounts (new passwords), the demo buyer's two open invoices included."""
    from accounts.demo import ensure_demo_accounts

    accounts, _dealer = committed(ensure_demo_accounts, reset=True)
    return {a.username: a.password for a in accounts}


def _pay(phone, live_stack, invoice: Invoice) -> None:
    phone.get(live_stack.at(f"/accounts/payments/pay/invoice/{invoice.pk}/"))
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "button[data-pay-submit]"))


def _language(phone, live_stack, code: str) -> None:
    phone.add_cookie({"name": "django_language", "value": code, "path": "/"})


def test_the_demo_buyer_pays_in_test_mode_and_every_outcome_shows(stack_test_mode, live_stack, phone, settings):
    passwords = _demo_accounts()
    from accounts.demo import DEMO_INVOICES

    invoices = {
        i.description: i
        for i in Invoice.objects.filter(buyer__user__username="demo-buyer", status="open").order_by("-issued_at")
    }
    card_invoice, mobile_invoice = (invoices[text] for _amount, text in DEMO_INVOICES)
    sign_in(phone, live_stack, "demo-buyer", passwords["demo-buyer"], next_path="/accounts/payments/")
    assert "Test mode" in phone.page_source and card_invoice.number in phone.page_source

    # 1. The declined test card: the page says why, in words.
    _pay(phone, live_stack, card_invoice)
    css(phone, "input[name=method][value=card]").click()
    css(phone, "input[name=test_card][value=declined]").click()
    css(phone, "button[data-pay-submit]").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-failure-reason]"), message="no failure")
    reason = css(phone, "[data-failure-reason]").text
    assert "The payment did not go through." in reason and "Your bank declined the card." in reason, reason
    assert fits_the_phone(phone)
    shot(phone, "payments-declined-en")
    declined = Payment.objects.get(invoice_id=card_invoice.pk, state="failed")
    _language(phone, live_stack, "fr")
    phone.refresh()
    reason = css(phone, "[data-failure-reason]").text
    assert "Le paiement n’est pas passé." in reason and "Votre banque a refusé la carte." in reason, reason
    assert fits_the_phone(phone)
    shot(phone, "payments-declined-fr")
    _language(phone, live_stack, "en")

    # 2. The success card on the same invoice.
    _pay(phone, live_stack, card_invoice)
    css(phone, "input[name=method][value=card]").click()
    css(phone, "input[name=test_card][value=success]").click()
    css(phone, "button[data-pay-submit]").click()
    wait_until(phone, lambda d: "the payment went through" in d.page_source, message="card payment not through")
    card = Payment.objects.get(invoice_id=card_invoice.pk, state="succeeded")

    # 3. M-Pesa: the stack's simulator prompts the phone; its payer approves; the page turns by itself.
    _pay(phone, live_stack, mobile_invoice)
    css(phone, "input[name=method][value=mobile_money]").click()
    css(phone, "input[name=operator][value=mpesa]").click()
    phone_field = css(phone, "input[name=phone]")
    phone_field.clear()
    phone_field.send_keys(APPROVING_NUMBER)
    css(phone, "button[data-pay-submit]").click()
    wait_until(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-payment-status]"))
    wait_until(phone, lambda d: "the payment went through" in d.page_source, timeout=PAID_WITHIN, message="M-Pesa")
    mobile = Payment.objects.get(invoice_id=mobile_invoice.pk, state="succeeded")
    assert mobile.provider == "mpesa" and mobile.provider_currency == "KES"
    shot(phone, "payments-mpesa-paid-en")

    # The ledger: each payment's history on its page.
    for payment, states in ((declined, ["failed"]), (card, ["paid"]), (mobile, ["waiting for approval", "paid"])):
        phone.get(live_stack.at(f"/accounts/payments/{payment.pk}/"))
        css(phone, "details.payment-history summary").click()
        history = css(phone, "details.payment-history").text
        assert all(state in history for state in states), (payment.state, history)
        assert list(LedgerEntry.objects.filter(payment=payment).values_list("to_state", flat=True))[-1] == payment.state

    # The receipts, in English and in French.
    for payment, invoice in ((card, card_invoice), (mobile, mobile_invoice)):
        phone.get(live_stack.at(f"/accounts/payments/{payment.pk}/receipt/"))
        assert invoice.number in phone.page_source and fits_the_phone(phone)
    assert "KES" in phone.page_source
    shot(phone, "payments-receipt-mpesa-en")
    _language(phone, live_stack, "fr")
    phone.refresh()
    assert 'lang="fr"' in phone.page_source and mobile_invoice.number in phone.page_source
    shot(phone, "payments-receipt-mpesa-fr")

    # The notifications: one message per outcome, written by the worker from the outbox.
    def notices(driver):
        driver.get(live_stack.at("/accounts/payments/"))
        return len(driver.find_elements(By.CSS_SELECTOR, "li[data-notice]")) >= 3

    wait_until(phone, notices, timeout=30, message="the payment notifications")
    french = css(phone, "ul.notices").text
    assert "n’est pas passé. Votre banque a refusé la carte." in french, french
    assert french.count("Nous avons reçu votre paiement") == 2, french
    assert fits_the_phone(phone)
    shot(phone, "payments-notices-fr")
    _language(phone, live_stack, "en")
    phone.refresh()
    english = css(phone, "ul.notices").text
    assert english.count("We received your payment of") == 2 and "did not go through. Your bank declined" in english
    shot(phone, "payments-notices-en", at="ul.notices")

    # The staff pages: the demo staff account sees each outcome and the rates' state.
    _fresh(phone)
    sign_in(phone, live_stack, "demo-staff", passwords["demo-staff"], next_path="/admin/payments/payment/")
    staff_list = phone.page_source
    for payment in (declined, card, mobile):
        assert str(payment.pk) in staff_list
    assert staff_list.count("succeeded") >= 2 and "failed" in staff_list
    shot(phone, "staff-payments-en")
    phone.get(live_stack.at(f"/admin/payments/ledgerentry/?payment__id__exact={declined.pk}"))
    assert "failed" in phone.page_source
    phone.get(live_stack.at("/admin/payments/exchangerate/"))
    assert "KES" in phone.page_source and "production would pause it" in phone.page_source
    shot(phone, "staff-exchange-rates-en")
    _language(phone, live_stack, "fr")
    phone.refresh()
    assert "la production le mettrait en pause" in phone.page_source
    shot(phone, "staff-exchange-rates-fr")

    # Production keeps the pause: the same old rates stop mobile money, and the staff pages say why.
    settings.PAYMENTS_FX_ACCEPT_STALE = False
    phone.refresh()
    assert "En pause : les paiements mobile money en KES sont refusés" in phone.page_source
    assert "Le mobile money est en pause en" in phone.page_source
    shot(phone, "staff-exchange-rates-paused-fr")
    _language(phone, live_stack, "en")
    phone.get(live_stack.at("/admin/payments/payment/"))
    assert "Mobile money is paused in" in phone.page_source and "KES" in phone.page_source
    shot(phone, "staff-payments-paused-en")
