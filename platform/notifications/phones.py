"""Phone numbers: validated and normalised to E.164 before anything is sent to them."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str, default_region: str | None = None) -> str:
    """'+254 712 345678', '0712 345678' (with region KE) -> '+254712345678'; InvalidPhone otherwise."""
    if not raw or not raw.strip():
        raise InvalidPhone("no phone number")
    try:
        number = phonenumbers.parse(raw, (default_region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {raw!r} ({exc})") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number: {raw!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def whatsapp_id(e164: str) -> str:
    """The Cloud API addresses recipients by their number in digits, without the '+'."""
    return e164.lstrip("+")
