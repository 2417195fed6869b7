"""Commission rules: the stages that earn one, brokers' tiered rates, accrual, reversal, statements.

Brokers' rule (the schedule is data: sales.CommissionSchedule and its tiers):
- A broker's deal (its lead names the broker) accrues a commission once it is paid (stage paid,
  shipped or delivered): its agreed price in USD times the rate of the tier the broker reaches in
  that calendar month counting this deal. The deal that crosses a threshold earns the higher rate,
  and so do the month's later deals; earlier entries keep the rate they accrued at.
- The schedule in effect on the day of accrual decides the tiers (effective dates, not code).
- A refund of the deal's payments reverses commission at the rate the deal accrued at, in
  proportion to the refunded amount, and lowers that month's volume by as much.
- Each week every entry not yet settled goes into the broker's statement.

Entries are made by idempotent sweeps (the accrual job), so a paid deal or a refund is counted once
however often the sweep runs, and nothing in the payment path has to know about brokers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

# Stages in which a deal's commission is earned (the dealer's platform commission and the broker's).
EARNED_STAGES = ("paid", "shipped", "delivered")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Tier:
    name: str
    min_volume_usd: Decimal
    rate: Decimal
    id: int | None = None

    @property
    def percent(self) -> Decimal:
        """The rate as a percentage for people (0.015 -> 1.5)."""
        return (self.rate * 100).quantize(Decimal("0.01")).normalize()


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_of(day: date | datetime) -> date:
    return date(day.year, day.month, 1)


def tier_for(tiers: Sequence[Tier], volume_usd: Decimal) -> Tier | None:
    """The highest tier whose threshold the volume reaches (tiers in any order); None below them all."""
    reached = [t for t in tiers if t.min_volume_usd <= volume_usd]
    return max(reached, key=lambda t: t.min_volume_usd) if reached else None


def next_tier(tiers: Sequence[Tier], volume_usd: Decimal) -> tuple[Tier | None, Decimal | None]:
    """The next tier up and the volume still missing to reach it; (None, None) at the top."""
    above = sorted((t for t in tiers if t.min_volume_usd > volume_usd), key=lambda t: t.min_volume_usd)
    if not above:
        return None, None
    return above[0], above[0].min_volume_usd - volume_usd


def accrual(tiers: Sequence[Tier], *, month_volume_usd: Decimal, deal_usd: Decimal) -> tuple[Tier | None, Decimal]:
    """The tier and the commission of a deal worth `deal_usd`, with `month_volume_usd` paid before it."""
    tier = tier_for(tiers, month_volume_usd + deal_usd)
    if tier is None:
        return None, Decimal(0)
    return tier, cents(deal_usd * tier.rate)


def reversal(*, accrued_rate: Decimal, refunded_usd: Decimal) -> Decimal:
    """The (negative) commission that a refund takes back: the refunded share at the accrued rate."""
    return -cents(refunded_usd * accrued_rate)


def progress(tiers: Sequence[Tier], month_volume_usd: Decimal) -> dict:
    current = tier_for(tiers, month_volume_usd)
    upcoming, missing = next_tier(tiers, month_volume_usd)
    start = current.min_volume_usd if current else Decimal(0)
    share = None
    if upcoming is not None and upcoming.min_volume_usd > start:
        share = float((month_volume_usd - start) / (upcoming.min_volume_usd - start))
    return {
        "volume_usd": month_volume_usd,
        "tier": current,
        "next_tier": upcoming,
        "to_next_usd": missing,
        "share_to_next": None if share is None else max(0.0, min(1.0, share)),
    }


# --- the database side ---------------------------------------------------------------------------


def schedule_tiers(on: date) -> list[Tier]:
    """The tiers of the schedule in effect on `on` (the latest that started by then and has not ended)."""
    from django.db.models import Q

    from .models import CommissionSchedule

    schedule = (
        CommissionSchedule.objects.filter(effective_from__lte=on)
        .filter(Q(effective_until__isnull=True) | Q(effective_until__gt=on))
        .order_by("-effective_from", "-pk")
        .first()
    )
    if schedule is None:
        return []
    return [Tier(t.name, t.min_volume_usd, t.rate, t.pk) for t in schedule.tiers.all()]


def month_volume(broker_id: int, period: date) -> Decimal:
    from .models import CommissionEntry

    total = CommissionEntry.objects.filter(broker_id=broker_id, period=period).aggregate(v=Sum("volume_usd"))["v"]
    return total or Decimal(0)


def _usd(amount: Decimal, units_per_usd: Decimal) -> Decimal:
    return cents(Decimal(amount) / Decimal(units_per_usd))


def accrue_deal(deal, *, now: datetime) -> bool:
    """Accrue the broker's commission on one paid deal; False if it already has one (or no broker)."""
    from django.contrib.auth.models import User

    from .models import CommissionEntry

    broker_id = deal.lead.broker_id if deal.lead_id else None
    if broker_id is None or deal.stage not in EARNED_STAGES:
        return False
    period = month_of(timezone.localtime(now))
    try:
        with transaction.atomic():
            # One broker's accruals are made one at a time, so each sees the month's volume so far.
            User.objects.select_for_update().only("pk").get(pk=broker_id)
            if CommissionEntry.objects.filter(deal=deal, kind=CommissionEntry.Kind.ACCRUAL).exists():
                return False
            deal_usd = _usd(deal.agreed_price, deal.currency.units_per_usd)
            tier, amount = accrual(
                schedule_tiers(timezone.localtime(now).date()),
                month_volume_usd=month_volume(broker_id, period),
                deal_usd=deal_usd,
            )
            CommissionEntry.objects.create(
                broker_id=broker_id,
                deal=deal,
                kind=CommissionEntry.Kind.ACCRUAL,
                volume_usd=deal_usd,
                amount_usd=amount,
                rate=tier.rate if tier else Decimal(0),
                tier_id=tier.id if tier else None,
                period=period,
                created_at=now,
            )
            return True
    except IntegrityError:
        return False  # another sweep accrued it first


def reverse_refund(refund, *, now: datetime) -> bool:
    """Take back the commission on a succeeded refund of a broker's deal; False if done or not due."""
    from django.contrib.auth.models import User

    from .models import CommissionEntry

    payment = refund.payment
    accrued = CommissionEntry.objects.filter(deal_id=payment.deal_id, kind=CommissionEntry.Kind.ACCRUAL).first()
    if accrued is None:
        return False
    try:
        with transaction.atomic():
            User.objects.select_for_update().only("pk").get(pk=accrued.broker_id)
            if CommissionEntry.objects.filter(refund=refund).exists():
                return False
            refunded_usd = _usd(refund.amount, payment.currency.units_per_usd)
            CommissionEntry.objects.create(
                broker_id=accrued.broker_id,
                deal_id=payment.deal_id,
                kind=CommissionEntry.Kind.REVERSAL,
                volume_usd=-refunded_usd,
                amount_usd=reversal(accrued_rate=accrued.rate, refunded_usd=refunded_usd),
                rate=accrued.rate,
                tier_id=accrued.tier_id,
                period=month_of(timezone.localtime(now)),
                refund=refund,
                created_at=now,
            )
            return True
    except IntegrityError:
        return False


def accrue_commissions(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Accrue every paid broker deal not yet accrued, and reverse every refund not yet reversed."""
    from payments.models import Purpose, Refund

    from .models import CommissionEntry, Deal

    now = now or timezone.now()
    done = {"accrued": 0, "reversed": 0}
    deals = (
        Deal.objects.filter(stage__in=EARNED_STAGES, lead__broker__isnull=False)
        .exclude(commission_entries__kind=CommissionEntry.Kind.ACCRUAL)
        .select_related("lead", "currency")
        .order_by("pk")
    )
    for deal in deals[:batch]:
        done["accrued"] += accrue_deal(deal, now=now)
    refunds = (
        Refund.objects.filter(
            status=Refund.Status.SUCCEEDED,
            payment__purpose__in=[Purpose.DEAL, Purpose.DEPOSIT],
            payment__deal__commission_entries__kind=CommissionEntry.Kind.ACCRUAL,
            commission_reversal__isnull=True,
        )
        .select_related("payment__currency")
        .order_by("pk")
        .distinct()
    )
    for refund in refunds[:batch]:
        done["reversed"] += reverse_refund(refund, now=now)
    return done


def settle_statements(*, now: datetime | None = None) -> int:
    """Put every broker's unsettled entries into that week's statement; returns statements made."""
    from django.db.models import Count, Min

    from .models import CommissionEntry, CommissionStatement

    now = now or timezone.now()
    end = timezone.localtime(now).date()
    made = 0
    pending = (
        CommissionEntry.objects.filter(statement__isnull=True, created_at__lte=now)
        .values("broker_id")
        .annotate(n=Count("id"), first=Min("created_at"))
    )
    for row in pending:
        with transaction.atomic():
            statement, created = CommissionStatement.objects.get_or_create(
                broker_id=row["broker_id"],
                period_end=end,
                defaults={"period_start": timezone.localtime(row["first"]).date(), "total_usd": 0},
            )
            entries = CommissionEntry.objects.select_for_update().filter(
                broker_id=row["broker_id"], statement__isnull=True, created_at__lte=now
            )
            ids = list(entries.values_list("pk", flat=True))
            CommissionEntry.objects.filter(pk__in=ids).update(statement=statement)
            totals = statement.entries.aggregate(total=Sum("amount_usd"), n=Count("id"))
            statement.total_usd = totals["total"] or 0
            statement.entries_count = totals["n"]
            statement.save(update_fields=["total_usd", "entries_count"])
            made += created
    return made


def broker_summary(broker_id: int, *, now: datetime | None = None) -> dict:
    """What a broker's page shows: this month's volume, tier and progress, and earnings."""
    from .models import CommissionEntry, CommissionStatement

    now = now or timezone.now()
    period = month_of(timezone.localtime(now))
    entries = CommissionEntry.objects.filter(broker_id=broker_id)
    volume = month_volume(broker_id, period)
    tiers = schedule_tiers(timezone.localtime(now).date())
    return {
        "period": period,
        "tiers": sorted(tiers, key=lambda t: t.min_volume_usd),
        **progress(tiers, volume),
        "earned_this_month_usd": entries.filter(period=period).aggregate(v=Sum("amount_usd"))["v"] or Decimal(0),
        "unsettled_usd": entries.filter(statement__isnull=True).aggregate(v=Sum("amount_usd"))["v"] or Decimal(0),
        "settled_usd": entries.filter(statement__isnull=False).aggregate(v=Sum("amount_usd"))["v"] or Decimal(0),
        "entries": list(entries.select_related("deal__vehicle").order_by("-created_at", "-pk")[:100]),
        "statements": list(CommissionStatement.objects.filter(broker_id=broker_id)[:52]),
    }
