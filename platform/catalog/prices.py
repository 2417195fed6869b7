"""The one rule for a listed vehicle's price, on every write path: the API, the console's forms, its
bulk "price by %", and CSV import.

At least one cent (a price of 0.00 reads as "free" to a buyer and as "no price" to every total), and
below 10^12: the most numeric(14, 2) holds, so a price past it is refused with a reason instead of
failing in the database as an overflow.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
LOWEST = CENT
LIMIT = Decimal("1e12")
RULE = _("A price is at least 0.01 and below 1,000,000,000,000.")


def to_cents(value) -> Decimal | None:
    """`value` rounded to the cent, half up (as Postgres ROUND does); None if it is not a finite number."""
    try:
        amount = Decimal(str(value))
        if not amount.is_finite():
            return None
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None


def allowed_price(value) -> Decimal | None:
    """The price to the cent, or None if it is not a number or the rule refuses it."""
    price = to_cents(value)
    return price if price is not None and LOWEST <= price < LIMIT else None
