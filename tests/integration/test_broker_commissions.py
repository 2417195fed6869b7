"""Brokers' commissions in Postgres: the default schedule, effective dates, accrual once per paid deal,
reversal through the real refund path, weekly statements, and the weekly job using the same rules."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from buyers.models import Buyer
from catalog.models import Currency
from payments import states
from payments.models import Payment, Refund
from payments.services import refund_payment
from sales.commissions import accrue_commissions, broker_summary, schedule_tiers, settle_statements
from sales.models import CommissionEntry, CommissionSchedule, CommissionStatement, CommissionTier, Deal, Lead
from tests.support.factories import make_dealer, make_vehicle

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 6, 10, 12, 0))


@pytest.fixture
def people():
    broker = User.objects.create_user("broker-1", password="pw")
    buyer_user = User.objects.create_user("buyer-1", password="pw")
    buyer = Buyer.objects.create(user=buyer_user, full_name="Amina Buyer", country="KE")
    staff = User.objects.create_user("staff-1", password="pw", is_staff=True)
    return broker, buyer, staff


def brokered_deal(broker, buyer, *, price, currency="USD", stage="paid") -> Deal:
    dealer = make_dealer()
    vehicle = make_vehicle(dealer)
    lead = Lead.objects.create(buyer=buyer, vehicle=vehicle, dealer=dealer, source="broker", broker=broker)
    return Deal.objects.create(
        lead=lead, buyer=buyer, vehicle=vehicle, stage=stage, agreed_price=D(price), currency_id=currency
    )


def paid_mobile_payment(deal) -> Payment:
    return Payment.objects.create(
        buyer=deal.buyer,
        created_by=deal.buyer.user,
        purpose="deal",
        deal=deal,
        method="mobile_money",
        provider="mpesa",
        state=states.SUCCEEDED,
        amount=deal.agreed_price,
        amount_captured=deal.agreed_price,
        currency_id=deal.currency_id,
        phone_e164="+254700000001",
    )


def test_the_default_schedule_is_installed_by_migration():
    tiers = schedule_tiers(date(2026, 1, 1))
    assert [t.name for t in sorted(tiers, key=lambda t: t.min_volume_usd)] == ["Bronze", "Silver", "Gold", "Platinum"]


def test_the_schedule_in_effect_on_the_day_decides(people):
    later = CommissionSchedule.objects.create(name="Summer 2026", effective_from=date(2026, 7, 1))
    CommissionTier.objects.create(schedule=later, name="Flat", min_volume_usd=0, rate=D("0.05"))
    assert {t.name for t in schedule_tiers(date(2026, 6, 30))} >= {"Bronze"}
    assert [t.name for t in schedule_tiers(date(2026, 7, 1))] == ["Flat"]
    later.effective_until = date(2026, 9, 1)
    later.save()
    assert "Bronze" in {t.name for t in schedule_tiers(date(2026, 9, 1))}

    broker, buyer, _ = people
    deal = brokered_deal(broker, buyer, price="10000")
    accrue_commissions(now=timezone.make_aware(datetime(2026, 7, 15)))
    entry = CommissionEntry.objects.get(deal=deal)
    assert entry.rate == D("0.0500") and entry.amount_usd == D("500.00")


def test_paid_deals_accrue_once_at_the_tier_reached(people):
    broker, buyer, _ = people
    first = brokered_deal(broker, buyer, price="45000")
    second = brokered_deal(broker, buyer, price="10000")
    unpaid = brokered_deal(broker, buyer, price="99000", stage="agreed")
    # KES converts through the currency's rate: at 129.5 per USD, 1,295,000 KES = 10,000 USD.
    Currency.objects.filter(code="KES").update(units_per_usd=D("129.5"))
    third = brokered_deal(broker, buyer, price="1295000", currency="KES")
    assert accrue_commissions(now=NOW) == {"accrued": 3, "reversed": 0}
    assert accrue_commissions(now=NOW) == {"accrued": 0, "reversed": 0}
    entries = {e.deal_id: e for e in CommissionEntry.objects.all()}
    assert unpaid.pk not in entries
    assert (entries[first.pk].rate, entries[first.pk].amount_usd) == (D("0.0100"), D("450.00"))
    # 45,000 + 10,000 crosses the Silver threshold (50,000): this deal and later ones earn 1.5%.
    assert (entries[second.pk].rate, entries[second.pk].amount_usd) == (D("0.0150"), D("150.00"))
    assert entries[third.pk].volume_usd == D("10000.00") and entries[third.pk].amount_usd == D("150.00")
    summary = broker_summary(broker.pk, now=NOW)
    assert summary["volume_usd"] == D("65000.00") and summary["tier"].name == "Silver"
    assert summary["next_tier"].name == "Gold" and summary["to_next_usd"] == D("85000.00")
    assert summary["earned_this_month_usd"] == D("750.00")


def test_a_refund_reverses_commission_at_the_accrued_rate(people):
    broker, buyer, staff = people
    deal = brokered_deal(broker, buyer, price="60000")
    payment = paid_mobile_payment(deal)
    accrue_commissions(now=NOW)
    accrued = CommissionEntry.objects.get(deal=deal, kind="accrual")
    assert accrued.rate == D("0.0150") and accrued.amount_usd == D("900.00")

    refund, _ = refund_payment(payment.pk, amount=D("20000"), reason="requested_by_customer", actor=staff)
    assert refund.status == Refund.Status.SUCCEEDED
    assert accrue_commissions(now=NOW + timedelta(hours=1)) == {"accrued": 0, "reversed": 1}
    assert accrue_commissions(now=NOW + timedelta(hours=2)) == {"accrued": 0, "reversed": 0}
    reversal = CommissionEntry.objects.get(deal=deal, kind="reversal")
    assert reversal.amount_usd == D("-300.00") and reversal.volume_usd == D("-20000.00")
    assert reversal.refund_id == refund.pk

    refund_payment(payment.pk, reason="requested_by_customer", actor=staff)  # the rest
    accrue_commissions(now=NOW + timedelta(hours=3))
    total = sum(e.amount_usd for e in CommissionEntry.objects.filter(deal=deal))
    assert total == 0
    assert broker_summary(broker.pk, now=NOW)["volume_usd"] == 0


def test_a_pending_refund_reverses_nothing_until_it_succeeds(people):
    broker, buyer, _ = people
    deal = brokered_deal(broker, buyer, price="10000")
    payment = paid_mobile_payment(deal)
    accrue_commissions(now=NOW)
    Refund.objects.create(payment=payment, amount=D("100"), reason="other", status=Refund.Status.PENDING)
    assert accrue_commissions(now=NOW)["reversed"] == 0


def test_weekly_statements_settle_each_entry_once(people):
    broker, buyer, staff = people
    deal = brokered_deal(broker, buyer, price="10000")
    payment = paid_mobile_payment(deal)
    accrue_commissions(now=NOW)
    assert settle_statements(now=NOW + timedelta(days=1)) == 1
    statement = CommissionStatement.objects.get()
    assert statement.total_usd == D("100.00") and statement.entries_count == 1
    assert settle_statements(now=NOW + timedelta(days=1)) == 0  # nothing new, nothing made

    refund_payment(payment.pk, amount=D("5000"), reason="requested_by_customer", actor=staff)
    accrue_commissions(now=NOW + timedelta(days=2))
    settle_statements(now=NOW + timedelta(days=8))
    latest = CommissionStatement.objects.order_by("-period_end").first()
    assert latest.total_usd == D("-50.00")
    assert not CommissionEntry.objects.filter(statement__isnull=True).exists()


def test_the_weekly_job_accrues_and_settles_by_the_same_rules(people):
    from sales import commission_statements as commissions

    broker, buyer, _ = people
    brokered_deal(broker, buyer, price="10000")
    commissions.send_statements(now=NOW)
    statement = CommissionStatement.objects.get(broker=broker)
    assert statement.total_usd == D("100.00")
