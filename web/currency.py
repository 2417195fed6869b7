"""The buyer's display currency: chosen in the URL (the page's state), remembered in a cookie."""

from __future__ import annotations

from django.conf import settings

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
