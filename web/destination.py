"""The buyer's destination port: chosen in the URL, remembered in a cookie and, for a signed-in buyer,
in their profile (buyers.Buyer.destination_port); delivered prices on every page are for it."""

from __future__ import annotations

from buyers.models import Buyer
from delivery.estimate import PortRef
from delivery.reference import port_by_code, ports

COOKIE = "nzila_port"
COOKIE_MAX_AGE = 365 * 24 * 3600
# The URL's value that means "no port": prices where the car stands.
NONE = "none"


def offered_ports() -> tuple[PortRef, ...]:
    return ports()


def _profile_port(request) -> str:
    if not request.user.is_authenticated:
        return ""
    return Buyer.objects.filter(user=request.user).values_list("destination_port", flat=True).first() or ""


def chosen_port(request) -> str:
    """The URL's port if known (or "" for `none`), else the cookie's, else the buyer profile's, else ""."""
    asked = request.GET.get("port", "").strip().upper()
    if asked == NONE.upper():
        return ""
    for candidate in (asked, request.COOKIES.get(COOKIE, "").upper(), _profile_port(request)):
        if candidate and port_by_code(candidate):
            return candidate
    return ""


def remember_port(request, response, port: str) -> None:
    value = port or NONE
    if request.COOKIES.get(COOKIE) != value:
        response.set_cookie(COOKIE, value, max_age=COOKIE_MAX_AGE, samesite="Lax")
    if request.user.is_authenticated:
        Buyer.objects.filter(user=request.user).exclude(destination_port=port).update(destination_port=port)
