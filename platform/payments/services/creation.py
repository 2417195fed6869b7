"""Create a payment attempt in state `created`: validate its target, card or mobile route and amount."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction

from reliability.errors import TransientError
from sales.models import Deal, Reservation, Shipment

from .. import abuse, states, stripe_gateway
from ..ledger import record_creation
from ..mobile import InvalidPhone, UnsupportedRoute, normalize_phone, route
from ..models import Invoice, LedgerEntry, Method, Payment, Provider, Purpose
from ..money import StaleRate, convert
from .amounts import check_amount, paid_towards_deal, paid_towards_invoice
from .errors import PaymentBlocked, PaymentConflict, PaymentInputError, ProviderUnavailable

Cause = LedgerEntry.Cause


def create_payment(
    *,
    user,
    purpose: str,
    method: str,
    deal_id=None,
    shipment_id=None,
    invoice_id=None,
    reservation_id=None,
    amount: Decimal | None = None,
    payment_method_id: str = "",
    provider: str = "",
    phone: str = "",
    country: str = "",
    client_key: str = "",
    ip: str | None = None,
) -> tuple[Payment, bool]:
    """A new payment attempt in state `created` (nothing sent yet). Returns (payment, created); a
    request resent with the same client key gets the first attempt back."""
    buyer = getattr(user, "buyer", None)
    if buyer is None:
        raise PaymentInputError("buyer", "only buyers can pay; this account has no buyer profile")
    if client_key:
        existing = Payment.objects.filter(created_by=user, client_key=client_key).first()
        if existing:
            return existing, False

    fields = _target(
        buyer,
        purpose,
        deal_id=deal_id,
        shipment_id=shipment_id,
        invoice_id=invoice_id,
        reservation_id=reservation_id,
        amount=amount,
    )
    fields.update(buyer=buyer, created_by=user, purpose=purpose, method=method, payer_ip=ip, client_key=client_key)

    if method == Method.CARD:
        fields.update(_card_fields(buyer, payment_method_id))
    elif method == Method.MOBILE_MONEY:
        fields.update(_mobile_fields(buyer, provider, phone, country, fields["amount"], fields["currency"].code))
    else:
        raise PaymentInputError("method", "must be card or mobile_money")

    if abuse.blocked(ip=ip, fingerprint=fields.get("card_fingerprint")):
        raise PaymentBlocked("too many failed payments; try again later or contact us")

    try:
        with transaction.atomic():
            payment = Payment.objects.create(**fields)
            record_creation(payment, cause=Cause.API, actor=user, reference=client_key)
    except IntegrityError as exc:
        if client_key and Payment.objects.filter(created_by=user, client_key=client_key).exists():
            return Payment.objects.get(created_by=user, client_key=client_key), False
        if "payment_one_open_per_" in str(exc):
            open_payment = _open_payment_for(fields)
            raise PaymentConflict(
                "a payment for this is already in progress; finish or cancel it first",
                open_payment.id if open_payment else None,
            ) from None
        raise
    return payment, True


def _open_payment_for(fields):
    query = Payment.objects.filter(state__in=states.OPEN, purpose=fields["purpose"])
    for name in ("deal", "shipment", "invoice", "reservation"):
        if fields.get(name) is not None:
            query = query.filter(**{name: fields[name]})
    return query.first()


def _target(buyer, purpose, *, deal_id, shipment_id, invoice_id, reservation_id=None, amount=None) -> dict:
    if purpose == Purpose.RESERVATION:
        return _reservation_target(buyer, reservation_id, amount)
    if purpose in (Purpose.DEAL, Purpose.DEPOSIT):
        if deal_id is None:
            raise PaymentInputError("deal_id", "is required for a deal or deposit payment")
        deal = Deal.objects.filter(pk=deal_id, buyer=buyer).select_related("currency").first()
        if deal is None:
            raise PaymentInputError("deal_id", "no such deal of yours")
        if deal.stage in (Deal.Stage.CANCELLED, Deal.Stage.DELIVERED):
            raise PaymentInputError("deal_id", f"the deal is {deal.stage}")
        outstanding = deal.agreed_price - paid_towards_deal(deal)
        if purpose == Purpose.DEPOSIT:
            if deal.deposit_amount <= 0:
                raise PaymentInputError("purpose", "this deal has no deposit to pay")
            if deal.stage not in (Deal.Stage.NEGOTIATION, Deal.Stage.AGREED):
                raise PaymentInputError("purpose", f"the deposit is already settled (deal is {deal.stage})")
            due = deal.deposit_amount
        else:
            due = outstanding
        if due <= 0:
            raise PaymentInputError("deal_id", "nothing is left to pay on this deal")
        value = due if amount is None else check_amount(amount, deal.currency_id)
        if value > due:
            raise PaymentInputError("amount", f"at most {due} {deal.currency_id} is due")
        return {"deal": deal, "amount": value, "currency": deal.currency}
    if purpose == Purpose.SHIPMENT:
        if shipment_id is None:
            raise PaymentInputError("shipment_id", "is required for a shipment payment")
        shipment = Shipment.objects.filter(pk=shipment_id, deal__buyer=buyer).select_related("deal__currency").first()
        if shipment is None:
            raise PaymentInputError("shipment_id", "no such shipment of yours")
        if amount is None:
            raise PaymentInputError("amount", "is required for a shipment payment")
        value = check_amount(amount, shipment.deal.currency_id)
        return {"shipment": shipment, "deal": shipment.deal, "amount": value, "currency": shipment.deal.currency}
    if purpose == Purpose.INVOICE:
        if invoice_id is None:
            raise PaymentInputError("invoice_id", "is required for an invoice payment")
        invoice = Invoice.objects.filter(pk=invoice_id, buyer=buyer).select_related("currency").first()
        if invoice is None:
            raise PaymentInputError("invoice_id", "no such invoice of yours")
        if invoice.status != Invoice.Status.OPEN:
            raise PaymentInputError("invoice_id", f"the invoice is {invoice.status}")
        due = invoice.amount - paid_towards_invoice(invoice)
        value = due if amount is None else check_amount(amount, invoice.currency_id)
        if value > due:
            raise PaymentInputError("amount", f"at most {due} {invoice.currency_id} is due")
        return {"invoice": invoice, "deal": invoice.deal, "amount": value, "currency": invoice.currency}
    raise PaymentInputError("purpose", f"must be one of {', '.join(Purpose.values)}")


def _reservation_target(buyer, reservation_id, amount) -> dict:
    """The deposit of a reservation still holding its car for this buyer: the whole deposit, no less."""
    from sales.reservations import payable

    if reservation_id is None:
        raise PaymentInputError("reservation_id", "is required for a reservation deposit")
    reservation = Reservation.objects.filter(pk=reservation_id, buyer=buyer).select_related("currency").first()
    if reservation is None:
        raise PaymentInputError("reservation_id", "no such reservation of yours")
    if not payable(reservation):
        raise PaymentInputError(
            "reservation_id", f"the reservation is no longer waiting for its deposit ({reservation.state})"
        )
    if amount is not None and check_amount(amount, reservation.currency_id) != reservation.deposit_amount:
        raise PaymentInputError("amount", f"the deposit is {reservation.deposit_amount} {reservation.currency_id}")
    return {"reservation": reservation, "amount": reservation.deposit_amount, "currency": reservation.currency}


def _card_fields(buyer, payment_method_id: str) -> dict:
    try:
        payment_method_id = payment_method_id or stripe_gateway.default_payment_method(buyer)
        if not payment_method_id:
            raise PaymentInputError("payment_method", "is required: no default card is saved")
        card = stripe_gateway.describe_payment_method(buyer, payment_method_id)
    except stripe_gateway.PaymentMethodRejected as exc:
        raise PaymentInputError("payment_method", str(exc)) from None
    except TransientError as exc:
        raise ProviderUnavailable("card payments are briefly unavailable; please retry") from exc
    return {
        "provider": Provider.STRIPE,
        "payment_method_id": card["id"],
        "card_fingerprint": card["fingerprint"],
        "card_brand": card["brand"],
        "card_last4": card["last4"],
    }


def _mobile_fields(buyer, provider: str, phone: str, country: str, amount: Decimal, currency: str) -> dict:
    if provider not in (Provider.MPESA, Provider.MTN_MOMO, Provider.ORANGE_MONEY, Provider.AIRTEL_MONEY):
        raise PaymentInputError("provider", "must be one of mpesa, mtn_momo, orange_money, airtel_money")
    country = (country or buyer.country).upper()
    try:
        provider_currency = route(country, provider)
    except UnsupportedRoute as exc:
        raise PaymentInputError("provider", str(exc)) from None
    raw_phone = phone or buyer.phone_e164
    if not raw_phone:
        raise PaymentInputError("phone", "is required for mobile money")
    try:
        phone_e164 = normalize_phone(raw_phone, country)
    except InvalidPhone as exc:
        raise PaymentInputError("phone", str(exc)) from None
    try:
        conversion = convert(
            amount, currency, provider_currency, whole_units=provider in ("mpesa", "orange_money", "airtel_money")
        )
    except StaleRate as exc:
        raise PaymentInputError("currency", f"{exc}; mobile money is paused until rates are refreshed") from None
    return {
        "provider": provider,
        "country": country,
        "phone_e164": phone_e164,
        "provider_amount": conversion.amount,
        "provider_currency": provider_currency,
        "fx_rate": conversion.rate,
        "fx_rate_as_of": conversion.as_of,
    }
