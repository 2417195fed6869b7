"""Scheduled payment work: reconciliation, exchange rates, reminders, metrics and alerts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import requests
from django.conf import settings as django_settings
from django.utils import timezone

from catalog.models import Currency
from localstack.operator_simulators.server import SimulatorServer
from notifications.models import OutboxEvent
from payments import tasks
from payments.invoices import create_invoice
from payments.models import Payment
from tests.support.payment_simulators.fixtures import (  # noqa: F401
    clean_payment_cache,
    currencies,
    localstripe_url,
    make_buyer,
    make_deal,
    make_user,
    mobile_env,
    new_card,
    operators,
    stripe_env,
    stripe_proxy,
)

pytestmark = pytest.mark.django_db


def _age(payment_id, seconds=3600):
    Payment.objects.filter(pk=payment_id).update(
        state_changed_at=timezone.now() - timedelta(seconds=seconds), last_checked_at=None
    )


def test_reconciler_applies_the_providers_truth_in_batches(
    client, settings, currencies, stripe_env, localstripe_url, mobile_env
):
    settings.PAYMENTS_RECONCILE_BATCH_SIZE = 2
    # Three card payments waiting on 3-D Secure, completed in the browser, whose webhooks never came.
    card_ids = []
    for _ in range(3):
        buyer = make_buyer()
        client.force_login(buyer.user)
        deal = make_deal(buyer)
        client.post(
            "/api/v1/payments/methods",
            {"payment_method": new_card(localstripe_url, "4000002760003184"), "default": True},
            content_type="application/json",
        )
        body = client.post(
            "/api/v1/payments/",
            {"purpose": "deposit", "method": "card", "deal_id": deal.id},
            content_type="application/json",
        ).json()
        requests.post(
            f"{localstripe_url}/v1/payment_intents/{Payment.objects.get(pk=body['id']).provider_reference}"
            "/_authenticate",
            data={"client_secret": body["client_secret"], "success": "true", "key": "pk_x"},
        )
        card_ids.append(body["id"])
    # Two M-Pesa payments the payers answered, whose callbacks never came.
    mpesa_ids = []
    for outcome in ("success", "cancelled"):
        buyer = make_buyer()
        client.force_login(buyer.user)
        deal = make_deal(buyer)
        body = client.post(
            "/api/v1/payments/",
            {"purpose": "deposit", "method": "mobile_money", "provider": "mpesa", "deal_id": deal.id},
            content_type="application/json",
        ).json()
        mobile_env["mpesa"].settle(Payment.objects.get(pk=body["id"]).provider_reference, outcome, callback=False)
        mpesa_ids.append(body["id"])
    for payment_id in card_ids + mpesa_ids:
        _age(payment_id)
    summary = tasks.process_pending_payments()
    assert summary["checked"] == 5 and summary["changed"] == 5 and summary["batches"] == 3
    assert {Payment.objects.get(pk=i).state for i in card_ids} == {"succeeded"}
    assert [Payment.objects.get(pk=i).state for i in mpesa_ids] == ["succeeded", "failed"]
    assert all(Payment.objects.get(pk=i).ledger.filter(cause="reconciler").exists() for i in card_ids + mpesa_ids)
    # Nothing left to do on a second run.
    assert tasks.process_pending_payments()["checked"] == 0


class RateSource(SimulatorServer):
    def __init__(self):
        self.failures = 0
        self.rates = {"KES": 130.25, "UGX": 3650, "XOF": 610}
        super().__init__()

    def routes(self):
        return [("GET", "/latest/USD", self.latest)]

    def latest(self, request):
        if self.failures:
            self.failures -= 1
            return 503, {"result": "error"}, {}
        return 200, {"result": "success", "base_code": "USD", "rates": {"USD": 1, **self.rates}}, {}


@pytest.fixture
def rate_source(settings):
    source = RateSource().start()
    settings.PAYMENTS_FX_URL = f"{source.url}/latest/USD"
    settings.PAYMENTS_RETRY_BASE_SECONDS = 0.01
    yield source
    source.stop()


def test_rates_refreshed_with_retries(currencies, rate_source):
    rate_source.failures = 2
    result = tasks.refresh_exchange_rates()
    assert result["updated"] == 3
    assert Currency.objects.get(code="KES").units_per_usd == Decimal("130.25")


def test_stale_rates_alert_staff_once(currencies, rate_source):
    Currency.objects.filter(code="GHS").update(rate_updated_at=timezone.now() - timedelta(hours=49))
    rate_source.failures = 10  # the source is down for good
    result = tasks.refresh_exchange_rates()
    assert "GHS" in result["stale"] and "error" in result
    tasks.check_payment_health()
    tasks.check_payment_health()  # a second run the same day does not alert again
    alerts = OutboxEvent.objects.filter(event_type="fx_stale")
    assert alerts.count() == 1 and "GHS" in alerts.get().payload["subject"]


def test_overdue_invoices_reminded_once_a_day(currencies):
    buyer = make_buyer()
    overdue = create_invoice(
        buyer=buyer,
        amount=Decimal("500"),
        currency=Currency.objects.get(code="USD"),
        due_date=date.today() - timedelta(days=3),
    )
    create_invoice(
        buyer=buyer,
        amount=Decimal("80"),
        currency=Currency.objects.get(code="USD"),
        due_date=date.today() + timedelta(days=3),
    )
    assert tasks.send_payment_reminders() == 1
    assert tasks.send_payment_reminders() == 0
    reminder = OutboxEvent.objects.get(event_type="invoice_overdue")
    assert reminder.payload["invoice_id"] == overdue.pk and "3 day(s) overdue" in reminder.payload["subject"]
    assert reminder.recipients == [buyer.user_id]
    overdue.refresh_from_db()
    assert overdue.reminder_count == 1


def _finished(buyer, state, seconds=30, provider="stripe", method="card"):
    deal = make_deal(buyer)
    created = timezone.now() - timedelta(minutes=5)
    payment = Payment.objects.create(
        buyer=buyer,
        created_by=buyer.user,
        purpose="deal",
        deal=deal,
        method=method,
        provider=provider,
        amount=Decimal("10"),
        currency_id="USD",
        state=state,
        amount_captured=Decimal("10") if state == "succeeded" else 0,
    )
    Payment.objects.filter(pk=payment.pk).update(
        created_at=created, succeeded_at=created + timedelta(seconds=seconds) if state == "succeeded" else None
    )


def test_metrics_for_staff_and_failure_rate_alert(client, settings, currencies):
    settings.PAYMENTS_FAILURE_ALERT_MIN_PAYMENTS = 10
    buyer = make_buyer()
    for _ in range(18):
        _finished(buyer, "succeeded", seconds=30)
    for _ in range(2):
        _finished(buyer, "failed")
    for _ in range(4):
        _finished(buyer, "succeeded", seconds=90, provider="mpesa", method="mobile_money")
    client.force_login(buyer.user)
    assert client.get("/api/v1/payments/metrics").status_code == 403
    client.force_login(make_user(staff=True))
    report = client.get("/api/v1/payments/metrics", {"window_minutes": 60}).json()
    card = next(g for g in report["by_method_provider"] if g["provider"] == "stripe")
    assert (card["succeeded"], card["failed"], card["success_rate"], card["failure_rate"]) == (18, 2, 0.9, 0.1)
    assert card["avg_seconds_to_success"] == pytest.approx(30, abs=0.01) and card["failure_alert"] is True
    mpesa = next(g for g in report["by_method_provider"] if g["provider"] == "mpesa")
    assert mpesa["avg_seconds_to_success"] == pytest.approx(90, abs=0.01) and mpesa["failure_alert"] is False
    assert report["total"]["attempts"] == 24
    assert client.get("/api/v1/payments/metrics", {"window_minutes": "x"}).status_code == 400
    tasks.check_payment_health()
    assert OutboxEvent.objects.filter(event_type="failure_rate", payload__subject__icontains="card/stripe").count() == 1
    open_alerts = client.get("/api/v1/payments/metrics", {"window_minutes": 60}).json()["open_staff_alerts"]
    assert any(a["kind"] == "failure_rate" and "card/stripe" in a["subject"] for a in open_alerts)


def test_payment_tasks_are_routed_and_scheduled():
    assert django_settings.CELERY_TASK_ROUTES["payments.tasks.*"] == {"queue": "high"}
    schedule = {entry["task"]: entry["schedule"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["payments.tasks.process_pending_payments"].minute == set(range(0, 60, 10))
    reminders = schedule["payments.tasks.send_payment_reminders"]
    assert reminders.hour == {10} and reminders.minute == {0}
    assert "payments.tasks.refresh_exchange_rates" in schedule


def test_staff_alert_reaches_staff_through_the_outbox_and_stays_open_until_read(settings, currencies):
    from notifications.dispatch import dispatch_outbox
    from notifications.models import Notification
    from payments.metrics import open_staff_alerts

    staff, buyer = make_user(staff=True), make_buyer()
    Currency.objects.filter(code="GHS").update(rate_updated_at=timezone.now() - timedelta(hours=49))
    tasks.check_payment_health()
    assert [a["kind"] for a in open_staff_alerts()] == ["fx_stale"]
    dispatch_outbox()
    told = Notification.objects.filter(event_type="fx_stale")
    assert list(told.values_list("user_id", flat=True)) == [staff.id]  # staff only, not the buyer
    assert buyer.user_id not in told.values_list("user_id", flat=True) and "GHS" in told.get().summary
    told.update(read_at=timezone.now())
    assert open_staff_alerts() == []
