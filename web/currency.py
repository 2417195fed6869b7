"""The buyer's display currency: chosen in the URL (the page's state), remembered in a cookie."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Currency
from search.currency import currency_rates

COOKIE = "nzila_currency"
COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT = "USD"


def offered_currencies() -> list[str]:
    """The display currencies we have a rate for, in the settings' order."""
    rates = currency_rates()
    return [code for code in settings.DISPLAY_CURRENCIES if code in rates]


def offered_rates() -> dict[str, float]:
    """Units per US dollar of each offered currency: the page converts a typed price range with them
    when the buyer switches currency, so "up to 10,000 USD" stays the same money in XOF."""
    rates = currency_rates()
    return {code: float(rates[code]) for code in offered_currencies()}


def chosen_currency(request) -> str:
    """The URL's currency if it is offered, else the remembered one, else US dollars."""
    offered = offered_currencies()
    for candidate in (request.GET.get("currency", ""), request.COOKIES.get(COOKIE, "")):
        if candidate.upper() in offered:
            return candidate.upper()
    return DEFAULT


def remember_currency(request, response, currency: str) -> None:
    if request.COOKIES.get(COOKIE) != currency:
        response.set_cookie(COOKIE, currency, max_age=COOKIE_MAX_AGE, samesite="Lax")


@dataclass(frozen=True)
class RatesAge:
    """How old the rates behind a page's converted prices are, and where they come from."""

    date: datetime
    sources: tuple[str, ...]
    stale: bool  # older than the limit at which mobile money stops converting with them
    days: int


# What a rate without a recorded source is: the built-in seed of catalog/currencies.py.
UNSOURCED = _("built-in reference rates, source not recorded")


def _sources(sources) -> tuple[str, ...]:
    """Each source named once (a snapshot row may name two, joined by "; "); unsourced rates said so."""
    named: dict[str, None] = {}
    for source in sources:
        for part in (source or str(UNSOURCED)).split("; "):
            named.setdefault(part, None)
    return tuple(named)


def rates_age(codes) -> RatesAge | None:
    """The oldest of the rates converting between `codes` (None: nothing is converted). Stale rates are
    said to be stale: the page never presents an old snapshot as today's rates."""
    others = sorted({code for code in codes if code and code != DEFAULT})
    if not others:
        return None
    rows = list(Currency.objects.filter(code__in=others).values_list("rate_updated_at", "rate_source"))
    if not rows:
        return None
    oldest = min(date for date, _ in rows)
    age = timezone.now() - oldest
    return RatesAge(
        date=oldest,
        sources=_sources(source for _, source in rows),
        stale=age > timedelta(hours=settings.PAYMENTS_FX_MAX_AGE_HOURS),
        days=age.days,
    )
