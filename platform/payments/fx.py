"""Exchange rates: refreshed from a configurable HTTP source, and watched for staleness."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.models import Currency
from reliability.errors import TransientError

from .notify import notify_staff
from .retry import call_with_retries

log = logging.getLogger(__name__)


def fetch_rates(url: str | None = None) -> dict[str, Decimal]:
    """Units per USD from the source (JSON with a USD base and a "rates" object), with retries."""
    url = url or settings.PAYMENTS_FX_URL
    return call_with_retries(
        lambda: _fetch(url), is_transient=lambda exc: isinstance(exc, TransientError), what="exchange-rate fetch"
    )


def _fetch(url: str) -> dict[str, Decimal]:
    try:
        response = requests.get(url, timeout=settings.PAYMENTS_FX_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise TransientError(f"exchange-rate source unreachable: {exc}") from exc
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"exchange-rate source answered {response.status_code}")
    response.raise_for_status()
    body = response.json()
    base = body.get("base_code") or body.get("base") or "USD"
    if base != "USD":
        raise ValueError(f"exchange-rate source quotes against {base}, not USD")
    rates = {}
    for code, value in (body.get("rates") or {}).items():
        try:
            rate = Decimal(str(value))
        except InvalidOperation:
            continue
        if len(code) == 3 and code.isalpha() and code.isupper() and rate > 0:
            rates[code] = rate
    if not rates:
        raise ValueError("exchange-rate source returned no rates")
    return rates


def store_rates(rates: dict[str, Decimal], source: str | None = None) -> int:
    """Update the currencies we know (no new ones appear by themselves), recording where the rates come
    from (the source URL by default). Returns how many changed."""
    now = timezone.now()
    source = (source or settings.PAYMENTS_FX_URL)[:300]
    updated = 0
    with transaction.atomic():
        for currency in Currency.objects.select_for_update().filter(code__in=list(rates)):
            rate = rates[currency.code].quantize(Decimal("0.00000001"))
            currency.rate_updated_at = now
            currency.rate_source = source
            if rate != currency.units_per_usd:
                currency.units_per_usd = rate
                updated += 1
            currency.save(update_fields=["units_per_usd", "rate_updated_at", "rate_source"])
    return updated


def stale_currencies(now=None) -> list[Currency]:
    now = now or timezone.now()
    limit = now - timedelta(hours=settings.PAYMENTS_FX_MAX_AGE_HOURS)
    return list(Currency.objects.filter(rate_updated_at__lt=limit).exclude(code="USD").order_by("code"))


def alert_on_stale_rates(now=None) -> list[str]:
    stale = stale_currencies(now)
    if stale:
        now = now or timezone.now()
        codes = [c.code for c in stale]
        oldest = min(c.rate_updated_at for c in stale)
        notify_staff(
            "fx_stale",
            f"Exchange rates older than {settings.PAYMENTS_FX_MAX_AGE_HOURS} h: {', '.join(codes)}",
            f"oldest from {oldest:%Y-%m-%d %H:%M} UTC; mobile-money payments in these currencies are paused",
            # One alert per day while it lasts.
            dedupe_key=f"fx-stale-{now:%Y-%m-%d}",
        )
    return [c.code for c in stale]
