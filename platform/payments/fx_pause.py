"""Whether mobile money is paused by old exchange rates, currency by currency, and why: what the staff
pages show (payments/admin.py). The pause itself is money.convert's refusal (StaleRate); this module
only reads the same rule, so the pages and the charge can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import Currency

from .mobile import ROUTES
from .money import too_old


@dataclass(frozen=True)
class RateState:
    code: str
    rate_date: datetime
    source: str
    stale: bool
    # Mobile money in this currency is refused (production); a stale rate in test mode is only marked.
    paused: bool
    reason: str


def mobile_money_currencies() -> list[str]:
    return sorted(set(ROUTES.values()))


def _reason(currency: Currency, *, stale: bool, paused: bool) -> str:
    values = {
        "code": currency.code,
        "date": date_format(timezone.localtime(currency.rate_updated_at), "DATETIME_FORMAT"),
        "hours": settings.PAYMENTS_FX_MAX_AGE_HOURS,
    }
    if paused:
        return (
            _(
                "Paused: mobile-money payments in %(code)s are refused because its exchange rate dates from "
                "%(date)s, older than %(hours)s hours. They resume by themselves once the rates are refreshed."
            )
            % values
        )
    if stale:
        return (
            _(
                "Test mode: the %(code)s rate dates from %(date)s, older than %(hours)s hours, and is accepted "
                "(NZILA_PAYMENTS_FX_ACCEPT_STALE); production would pause it."
            )
            % values
        )
    return _("Open: the rate dates from %(date)s.") % values


def state_of(currency: Currency, now: datetime | None = None) -> RateState:
    stale = too_old(currency.rate_updated_at, now=now or timezone.now())
    paused = stale and not settings.PAYMENTS_FX_ACCEPT_STALE
    return RateState(
        code=currency.code,
        rate_date=currency.rate_updated_at,
        source=currency.rate_source,
        stale=stale,
        paused=paused,
        reason=_reason(currency, stale=stale, paused=paused),
    )


def rate_states(now: datetime | None = None) -> list[RateState]:
    """Every currency mobile money collects in, with its rate's date and whether it is paused."""
    now = now or timezone.now()
    return [state_of(c, now) for c in Currency.objects.filter(code__in=mobile_money_currencies()).order_by("code")]


def paused_summary(now: datetime | None = None) -> str:
    """One sentence for the top of the staff pages when anything is paused; empty otherwise."""
    paused = [state.code for state in rate_states(now) if state.paused]
    if not paused:
        return ""
    return _(
        "Mobile money is paused in %(codes)s: their exchange rates are older than %(hours)s hours. "
        "See Payments › Exchange rates for each reason."
    ) % {"codes": ", ".join(paused), "hours": settings.PAYMENTS_FX_MAX_AGE_HOURS}
