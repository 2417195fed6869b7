"""Amounts: minor units per currency and conversions with recorded rates (catalog.Currency)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal

from django.conf import settings
from django.utils import timezone

from catalog.models import Currency

# ISO 4217 currencies without minor units (Stripe calls them zero-decimal), as far as we take them.
ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)


class StaleRate(ValueError):
    """The exchange rate needed is too old to charge anyone with it."""


def too_old(rate_date: datetime, *, now: datetime) -> bool:
    """A rate too old to charge anyone with (mobile money pauses on it; fx_pause shows it to staff)."""
    return now - rate_date > timedelta(hours=settings.PAYMENTS_FX_MAX_AGE_HOURS)


def exponent(currency: str) -> int:
    return 0 if currency.upper() in ZERO_DECIMAL else 2


def to_minor(amount: Decimal, currency: str) -> int:
    scaled = Decimal(amount) * (10 ** exponent(currency))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(minor: int, currency: str) -> Decimal:
    return (Decimal(minor) / (10 ** exponent(currency))).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Conversion:
    amount: Decimal  # in the target currency, rounded up to what the provider can charge
    currency: str
    rate: Decimal  # target units per source unit
    as_of: datetime  # the older of the two rates' update times


def convert(
    amount: Decimal, source: str, target: str, *, whole_units: bool = False, now: datetime | None = None
) -> Conversion:
    """Convert through USD with the stored rates. Rounds up, so the dealer is never short-paid;
    `whole_units` for operators that only take integers (M-Pesa)."""
    now = now or timezone.now()
    if source == target:
        rate, as_of = Decimal(1), now
    else:
        rows = {row.code: row for row in Currency.objects.filter(code__in=[source, target])}
        missing = {source, target} - rows.keys()
        if missing:
            raise StaleRate(f"no exchange rate for {', '.join(sorted(missing))}")
        as_of = min(rows[source].rate_updated_at, rows[target].rate_updated_at)
        # Test mode may accept old rates (NZILA_PAYMENTS_FX_ACCEPT_STALE): no real money moves, and the
        # conversion still records the rate's own date, which the pages show.
        if too_old(as_of, now=now) and not settings.PAYMENTS_FX_ACCEPT_STALE:
            raise StaleRate(f"the {source}->{target} rate is from {as_of:%Y-%m-%d %H:%M} UTC, too old to charge with")
        rate = rows[target].units_per_usd / rows[source].units_per_usd
    quantum = Decimal(1) if whole_units or exponent(target) == 0 else Decimal("0.01")
    converted = (Decimal(amount) * rate).quantize(quantum, rounding=ROUND_UP)
    return Conversion(converted, target, rate.quantize(Decimal("0.0000000001")), as_of)
