"""Amounts: what a client may ask for, and what is already paid towards a deal or an invoice."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .. import states
from ..models import Payment, Purpose
from ..money import exponent
from .errors import PaymentInputError


def check_amount(amount, currency_code: str, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(amount))
    except Exception:
        raise PaymentInputError(field, "must be a number") from None
    if not amount.is_finite() or amount <= 0:
        raise PaymentInputError(field, "must be positive")
    if -amount.as_tuple().exponent > exponent(currency_code):
        raise PaymentInputError(field, f"{currency_code} amounts take at most {exponent(currency_code)} decimals")
    if amount >= Decimal("1e12"):
        raise PaymentInputError(field, "is too large")
    return amount


def paid_towards_deal(deal) -> Decimal:
    total = Payment.objects.filter(
        deal=deal, purpose__in=[Purpose.DEAL, Purpose.DEPOSIT, Purpose.RESERVATION], state__in=sorted(states.CAPTURED)
    ).aggregate(captured=Sum("amount_captured"), refunded=Sum("amount_refunded"))
    return (total["captured"] or Decimal(0)) - (total["refunded"] or Decimal(0))


def paid_towards_invoice(invoice) -> Decimal:
    total = Payment.objects.filter(invoice=invoice, state__in=sorted(states.CAPTURED)).aggregate(
        captured=Sum("amount_captured"), refunded=Sum("amount_refunded")
    )
    return (total["captured"] or Decimal(0)) - (total["refunded"] or Decimal(0))
