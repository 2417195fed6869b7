"""Brokers' commission rules (sales.commissions): tiers, progress, accrual and refund reversal. Pure."""

from __future__ import annotations

from decimal import Decimal as D

from sales.commissions import Tier, accrual, month_of, next_tier, progress, reversal, tier_for

TIERS = [
    Tier("Gold", D("150000"), D("0.02")),  # given out of order on purpose
    Tier("Bronze", D("0"), D("0.01")),
    Tier("Silver", D("50000"), D("0.015")),
]


def test_the_highest_tier_reached_applies():
    assert tier_for(TIERS, D("0")).name == "Bronze"
    assert tier_for(TIERS, D("49999.99")).name == "Bronze"
    assert tier_for(TIERS, D("50000")).name == "Silver"
    assert tier_for(TIERS, D("1000000")).name == "Gold"


def test_below_every_threshold_there_is_no_tier_and_no_commission():
    tiers = [Tier("Silver", D("50000"), D("0.015"))]
    assert tier_for(tiers, D("10000")) is None
    assert accrual(tiers, month_volume_usd=D("0"), deal_usd=D("10000")) == (None, D("0"))
    assert accrual([], month_volume_usd=D("0"), deal_usd=D("10000")) == (None, D("0"))


def test_the_deal_that_crosses_a_threshold_earns_the_higher_rate():
    tier, amount = accrual(TIERS, month_volume_usd=D("45000"), deal_usd=D("10000"))
    assert tier.name == "Silver" and amount == D("150.00")
    tier, amount = accrual(TIERS, month_volume_usd=D("0"), deal_usd=D("10000"))
    assert tier.name == "Bronze" and amount == D("100.00")


def test_commission_is_rounded_to_the_cent_half_up():
    _, amount = accrual(TIERS, month_volume_usd=D("0"), deal_usd=D("12345.50"))
    assert amount == D("123.46")  # 123.455


def test_a_refund_takes_back_its_share_at_the_accrued_rate():
    assert reversal(accrued_rate=D("0.015"), refunded_usd=D("10000")) == D("-150.00")
    assert reversal(accrued_rate=D("0.015"), refunded_usd=D("2500")) == D("-37.50")
    # Accrued then fully refunded: nothing is left.
    _, accrued = accrual(TIERS, month_volume_usd=D("45000"), deal_usd=D("10000"))
    assert accrued + reversal(accrued_rate=D("0.015"), refunded_usd=D("10000")) == 0


def test_progress_to_the_next_tier():
    p = progress(TIERS, D("100000"))
    assert p["tier"].name == "Silver" and p["next_tier"].name == "Gold"
    assert p["to_next_usd"] == D("50000")
    assert p["share_to_next"] == 0.5
    top = progress(TIERS, D("200000"))
    assert top["next_tier"] is None and top["to_next_usd"] is None and top["share_to_next"] is None
    assert next_tier(TIERS, D("0"))[0].name == "Silver"


def test_periods_are_calendar_months():
    from datetime import date, datetime

    assert month_of(datetime(2026, 3, 31, 23, 59)) == date(2026, 3, 1)
    assert month_of(date(2026, 4, 1)) == date(2026, 4, 1)
