"""Mobile money: one interface, the operator chosen by the payer's country and provider."""

from __future__ import annotations

import phonenumbers

from .airtel import AirtelMoneyClient
from .base import MobileMoneyClient, ProviderRefused
from .mpesa import MpesaClient
from .mtn import MtnMomoClient
from .orange import OrangeMoneyClient

CLIENTS: dict[str, type[MobileMoneyClient]] = {
    "mpesa": MpesaClient,
    "mtn_momo": MtnMomoClient,
    "orange_money": OrangeMoneyClient,
    "airtel_money": AirtelMoneyClient,
}

# (payer's country, provider) -> the currency that operator collects in there.
ROUTES: dict[tuple[str, str], str] = {
    ("KE", "mpesa"): "KES",
    ("UG", "mtn_momo"): "UGX",
    ("GH", "mtn_momo"): "GHS",
    ("CM", "mtn_momo"): "XAF",
    ("CI", "mtn_momo"): "XOF",
    ("RW", "mtn_momo"): "RWF",
    ("ZM", "mtn_momo"): "ZMW",
    ("BJ", "mtn_momo"): "XOF",
    ("CG", "mtn_momo"): "XAF",
    ("SN", "orange_money"): "XOF",
    ("CI", "orange_money"): "XOF",
    ("CM", "orange_money"): "XAF",
    ("ML", "orange_money"): "XOF",
    ("BF", "orange_money"): "XOF",
    ("GN", "orange_money"): "GNF",
    ("MG", "orange_money"): "MGA",
    ("CD", "orange_money"): "CDF",
    ("UG", "airtel_money"): "UGX",
    ("KE", "airtel_money"): "KES",
    ("TZ", "airtel_money"): "TZS",
    ("ZM", "airtel_money"): "ZMW",
    ("RW", "airtel_money"): "RWF",
    ("MW", "airtel_money"): "MWK",
    ("NG", "airtel_money"): "NGN",
    ("CD", "airtel_money"): "CDF",
    ("NE", "airtel_money"): "XOF",
    ("TD", "airtel_money"): "XAF",
    ("GA", "airtel_money"): "XAF",
    ("CG", "airtel_money"): "XAF",
}
# Operators that take whole units only.
WHOLE_UNITS = frozenset({"mpesa", "orange_money", "airtel_money"})


class UnsupportedRoute(ValueError):
    """No operator of that name collects in that country."""


class InvalidPhone(ValueError):
    """Not a mobile number of the payer's country."""


def route(country: str, provider: str) -> str:
    """The currency `provider` collects in `country`."""
    try:
        return ROUTES[(country.upper(), provider)]
    except KeyError:
        offered = sorted(name for (cc, name) in ROUTES if cc == country.upper())
        hint = f"; in {country.upper()} we offer {', '.join(offered)}" if offered else ""
        raise UnsupportedRoute(f"{provider} is not available in {country.upper()}{hint}") from None


def client_for(provider: str) -> MobileMoneyClient:
    return CLIENTS[provider]()


def normalize_phone(raw: str, country: str) -> str:
    """E.164 form of a mobile number written the local way or internationally; must belong to `country`."""
    try:
        number = phonenumbers.parse(raw, country.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number in {country.upper()}")
    if phonenumbers.region_code_for_number(number) != country.upper():
        raise InvalidPhone(f"the number is not a {country.upper()} number")
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise InvalidPhone("mobile money needs a mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


__all__ = [
    "CLIENTS",
    "ROUTES",
    "InvalidPhone",
    "MobileMoneyClient",
    "ProviderRefused",
    "UnsupportedRoute",
    "client_for",
    "normalize_phone",
    "route",
]
