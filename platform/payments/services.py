"""Payment services: create an attempt, submit it to its provider, apply what the provider says,
cancel, refund. API views, webhooks, callbacks and Celery tasks all come through here."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from reliability.errors import TransientError
from sales.models import Deal, Shipment

from . import abuse, crypto, states, stripe_gateway
from .ledger import lock_payment, record_creation, transition
from .mobile import InvalidPhone, ProviderRefused, UnsupportedRoute, client_for, normalize_phone, route
from .mobile.mpesa import MpesaClient
from .models import Invoice, LedgerEntry, Method, Payment, Provider, ProviderCallback, Purpose, Refund
from .money import StaleRate, convert, exponent
from .outcome import ProviderOutcome
from .retry import call_with_retries

log = logging.getLogger(__name__)
Cause = LedgerEntry.Cause


class PaymentInputError(ValueError):
    """Bad input, named by field; the API answers 400."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class PaymentConflict(Exception):
    """Another attempt for the same thing is still open; the API answers 409."""

    def __init__(self, message: str, payment_id=None):
        super().__init__(message)
        self.payment_id = payment_id


class IdempotencyKeyReused(Exception):
    """An Idempotency-Key already used with a different request; the API answers 422."""


class PaymentBlocked(Exception):
    """Too many failed payments from this IP address or card; the API answers 429."""


class ProviderUnavailable(Exception):
    """The provider could not be reached after retries; the attempt is kept and can be resubmitted."""


# Stripe keeps idempotency keys for 24 hours; past that a resubmission could create a second charge.
RESUBMIT_WINDOW = timedelta(hours=23)


# --- create ------------------------------------------------------------------------------------


def create_payment(
    *,
    user,
    purpose: str,
    method: str,
    deal_id=None,
    shipment_id=None,
    invoice_id=None,
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

    fields = _target(buyer, purpose, deal_id=deal_id, shipment_id=shipment_id, invoice_id=invoice_id, amount=amount)
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
    for name in ("deal", "shipment", "invoice"):
        if fields.get(name) is not None:
            query = query.filter(**{name: fields[name]})
    return query.first()


def _check_amount(amount, currency_code: str, field: str = "amount") -> Decimal:
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
        deal=deal, purpose__in=[Purpose.DEAL, Purpose.DEPOSIT], state__in=sorted(states.CAPTURED)
    ).aggregate(captured=Sum("amount_captured"), refunded=Sum("amount_refunded"))
    return (total["captured"] or Decimal(0)) - (total["refunded"] or Decimal(0))


def _target(buyer, purpose, *, deal_id, shipment_id, invoice_id, amount) -> dict:
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
        value = due if amount is None else _check_amount(amount, deal.currency_id)
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
        value = _check_amount(amount, shipment.deal.currency_id)
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
        value = due if amount is None else _check_amount(amount, invoice.currency_id)
        if value > due:
            raise PaymentInputError("amount", f"at most {due} {invoice.currency_id} is due")
        return {"invoice": invoice, "deal": invoice.deal, "amount": value, "currency": invoice.currency}
    raise PaymentInputError("purpose", f"must be one of {', '.join(Purpose.values)}")


def paid_towards_invoice(invoice) -> Decimal:
    total = Payment.objects.filter(invoice=invoice, state__in=sorted(states.CAPTURED)).aggregate(
        captured=Sum("amount_captured"), refunded=Sum("amount_refunded")
    )
    return (total["captured"] or Decimal(0)) - (total["refunded"] or Decimal(0))


def _card_fields(buyer, payment_method_id: str) -> dict:
    try:
        payment_method_id = payment_method_id or stripe_gateway.default_payment_method(buyer)
        if not payment_method_id:
            raise PaymentInputError("payment_method", "is required: no default card is saved")
        card = stripe_gateway.describe_payment_method(buyer, payment_method_id)
    except stripe_gateway.PaymentMethodRejected as exc:
        raise PaymentInputError("payment_method", str(exc)) from None
    except Exception as exc:
        if stripe_gateway.is_transient(exc):
            raise ProviderUnavailable("card payments are briefly unavailable; please retry") from exc
        raise
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


# --- submit and apply --------------------------------------------------------------------------


def callback_url(payment) -> str:
    base = settings.PAYMENTS_CALLBACK_BASE_URL.rstrip("/")
    return f"{base}/api/v1/payments/callbacks/{payment.provider}/{payment.id}/{crypto.callback_token(str(payment.id))}"


def submit_payment(payment_id, *, cause: str = Cause.API, actor=None) -> Payment:
    """Send a created attempt to its provider. Safe to call again for the same attempt: the same
    idempotency key (cards, MTN, Airtel) or no resend of a request that may have arrived (M-Pesa,
    Orange) makes sure the payer is asked once."""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.state != states.CREATED:
            return payment
        if timezone.now() - payment.created_at > RESUBMIT_WINDOW:
            transition(payment, states.CANCELED, cause=Cause.SYSTEM, reason="expired before it reached the provider")
            return payment
        payment.submit_tries += 1
        payment.save(update_fields=["submit_tries", "updated_at"])
    # The row is committed before the provider hears of it, so a fast webhook or callback finds it.
    if payment.method == Method.CARD:
        try:
            outcome = stripe_gateway.confirm_intent(payment)
        except Exception as exc:
            if stripe_gateway.is_transient(exc):
                log.warning("payment %s: Stripe unreachable after retries: %s", payment.id, exc)
                raise ProviderUnavailable("the card processor did not answer; retry this payment") from exc
            raise
    else:
        outcome = _request_mobile(payment)
    return apply_outcome(payment.id, outcome, cause=cause, actor=actor, reference="submit")


def _request_mobile(payment) -> ProviderOutcome:
    client = client_for(payment.provider)
    url = callback_url(payment)

    def transient(exc: Exception) -> bool:
        return isinstance(exc, TransientError) and (client.retry_safe or not getattr(exc, "maybe_processed", True))

    try:
        return call_with_retries(
            lambda: client.request_payment(payment, callback_url=url),
            is_transient=transient,
            what=f"{payment.provider} payment request",
        )
    except ProviderRefused as exc:
        return ProviderOutcome(
            state=states.FAILED,
            provider_status="refused",
            failure_code=f"{payment.provider}_{exc.code}"[:64],
            failure_message=str(exc)[:255],
        )
    except TransientError as exc:
        if getattr(exc, "maybe_processed", True) and not client.retry_safe:
            # It may have reached the operator: asking again could prompt the payer twice. Wait for
            # the operator's callback (which carries its reference) or for the reconciler's timeout.
            log.warning("payment %s: %s request may have arrived (%s); waiting", payment.id, payment.provider, exc)
            return ProviderOutcome(state=states.PENDING, provider_status="unknown")
        raise ProviderUnavailable(f"{payment.provider} did not answer; retry this payment") from exc


def apply_outcome(payment_id, outcome: ProviderOutcome, *, cause: str, actor=None, reference: str = "") -> Payment:
    """Apply a provider's word through the state machine. Stale or repeated news (an event for a state
    the payment has already left) changes nothing but the provider fields."""
    failed_now = False
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if outcome.provider_reference and not payment.provider_reference:
            payment.provider_reference = outcome.provider_reference
        if outcome.provider_status:
            payment.provider_status = outcome.provider_status[:40]
        if outcome.transaction_id:
            payment.provider_transaction_id = outcome.transaction_id[:128]
        if outcome.raw.get("notif_token") or outcome.raw.get("payment_url"):
            payment.provider_data = {
                **payment.provider_data,
                "notif_token": outcome.raw.get("notif_token", ""),
                "payment_url": outcome.raw.get("payment_url", ""),
            }
        payment.last_checked_at = timezone.now()
        target = outcome.state
        if (
            target is None
            or target == payment.state
            or (target == states.SUCCEEDED and payment.state in states.CAPTURED)
        ):
            payment.save()
            return payment
        if not states.can_transition(payment.state, target):
            log.info(
                "payment %s: ignoring %s news '%s' while %s (stale or out of order)",
                payment.id,
                cause,
                target,
                payment.state,
            )
            payment.save()
            return payment
        if target == states.REQUIRES_ACTION:
            payment.next_action = outcome.next_action
        elif payment.next_action is not None and target != states.PENDING:
            payment.next_action = None
        if target == states.FAILED:
            payment.failure_code = outcome.failure_code[:64]
            payment.failure_message = outcome.failure_message[:255]
            failed_now = True
        if target == states.SUCCEEDED:
            payment.amount_captured = outcome.amount_captured or payment.amount
            payment.failure_code = payment.failure_message = ""
            payment.next_action = None
        transition(
            payment,
            target,
            cause=cause,
            actor=actor,
            reference=reference,
            reason=outcome.failure_message or outcome.provider_status,
            amount=payment.amount_captured if target == states.SUCCEEDED else None,
            data={"provider_status": outcome.provider_status},
        )
        if target == states.SUCCEEDED:
            _after_success(payment)
    if failed_now:
        abuse.record_failure(ip=payment.payer_ip, fingerprint=payment.card_fingerprint or None)
    return payment


def _after_success(payment) -> None:
    now = timezone.now()
    if payment.deal_id and payment.purpose in (Purpose.DEAL, Purpose.DEPOSIT):
        deal = Deal.objects.select_for_update().get(pk=payment.deal_id)
        stage = deal.stage
        if paid_towards_deal(deal) >= deal.agreed_price and stage in ("negotiation", "agreed", "deposit_paid"):
            stage = Deal.Stage.PAID
        elif payment.purpose == Purpose.DEPOSIT and stage in ("negotiation", "agreed"):
            stage = Deal.Stage.DEPOSIT_PAID
        if stage != deal.stage:
            Deal.objects.filter(pk=deal.pk).update(stage=stage, stage_changed_at=now, updated_at=now)
    if payment.invoice_id:
        invoice = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
        if invoice.status == Invoice.Status.OPEN and paid_towards_invoice(invoice) >= invoice.amount:
            invoice.status, invoice.paid_at = Invoice.Status.PAID, now
            invoice.save(update_fields=["status", "paid_at"])


def refresh_payment(payment_id, *, cause: str = Cause.RECONCILER, actor=None, reference: str = "") -> Payment:
    """Ask the provider for the true state of an open payment and apply it."""
    payment = Payment.objects.get(pk=payment_id)
    if payment.state not in states.OPEN:
        return payment
    if payment.state == states.CREATED and not payment.provider_reference:
        if payment.method == Method.CARD and payment.submit_tries:
            # The create call's answer was lost: resubmitting with the same key fetches the same intent.
            return submit_payment(payment.id, cause=cause, actor=actor)
        return payment
    if payment.method == Method.CARD:
        outcome = stripe_gateway.retrieve_intent(payment)
    elif not payment.provider_reference:
        # A request that may have reached the operator, and no callback since.
        quiet_for = timezone.now() - payment.state_changed_at
        if quiet_for < timedelta(seconds=settings.PAYMENTS_PENDING_AFTER_SECONDS * 5):
            return payment
        outcome = ProviderOutcome(
            state=states.FAILED,
            provider_status="no_answer",
            failure_code="no_answer",
            failure_message="the operator never confirmed the request",
        )
    else:
        client = client_for(payment.provider)
        outcome = call_with_retries(
            lambda: client.query_status(payment),
            is_transient=lambda exc: isinstance(exc, TransientError),
            what=f"{payment.provider} status query",
        )
    return apply_outcome(payment.id, outcome, cause=cause, actor=actor, reference=reference)


def cancel_payment(payment_id, *, actor, cause: str = Cause.API) -> Payment:
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.state not in states.OPEN:
            raise PaymentInputError("payment", f"a {payment.state} payment cannot be canceled")
        if not payment.provider_reference and payment.state == states.CREATED and not payment.submit_tries:
            transition(payment, states.CANCELED, cause=cause, actor=actor, reason="canceled before submission")
            return payment
        if payment.method != Method.CARD:
            raise PaymentInputError("payment", "a mobile-money request cannot be withdrawn; it expires if not approved")
    if not payment.provider_reference:
        raise PaymentInputError("payment", "the payment is being submitted; try again in a moment")
    try:
        outcome = stripe_gateway.cancel_intent(payment)
    except Exception as exc:
        import stripe

        if isinstance(exc, stripe.InvalidRequestError):
            raise PaymentInputError("payment", "the card processor refused to cancel it (already completed?)") from None
        raise
    return apply_outcome(payment.id, outcome, cause=cause, actor=actor, reference="cancel")


# --- refunds -----------------------------------------------------------------------------------


def _refund_digest(amount, reason: str, note: str) -> str:
    """What makes two refund requests the same request (the payment is part of the key's scope)."""
    canonical = json.dumps({"amount": None if amount is None else str(Decimal(amount)), "reason": reason, "note": note})
    return hashlib.sha256(canonical.encode()).hexdigest()


def refund_payment(
    payment_id, *, amount=None, reason: str, note: str = "", actor, client_key: str = ""
) -> tuple[Refund, bool]:
    """Refund all or part of a captured payment, never more than is left of what was captured.

    Returns (refund, created). With a client_key, a repeat of the same request returns the first
    refund (created False) and a different request raises IdempotencyKeyReused. Concurrent repeats
    queue on the payment's row lock, so exactly one of them creates the refund.
    """
    if reason not in Refund.Reason.values:
        raise PaymentInputError("reason", f"must be one of {', '.join(Refund.Reason.values)}")
    digest = _refund_digest(amount, reason, note) if client_key else ""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if client_key:
            earlier = payment.refunds.filter(client_key=client_key).first()
            if earlier is not None:
                if earlier.request_digest != digest:
                    raise IdempotencyKeyReused(
                        f"Idempotency-Key {client_key!r} was used for a different refund of this payment"
                    )
                return earlier, False
        if payment.state not in (states.SUCCEEDED, states.PARTIALLY_REFUNDED):
            raise PaymentInputError("payment", f"a {payment.state} payment cannot be refunded")
        reserved = payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        available = payment.amount_captured - reserved
        value = available if amount is None else _check_amount(amount, payment.currency_id)
        if value <= 0 or value > available:
            raise PaymentInputError(
                "amount",
                f"at most {available} {payment.currency_id} can be refunded (captured "
                f"{payment.amount_captured}, already refunded or in progress {reserved})",
            )
        refund = Refund.objects.create(
            payment=payment,
            amount=value,
            reason=reason,
            note=note[:255],
            requested_by=actor,
            client_key=client_key,
            request_digest=digest,
        )
    if payment.method != Method.CARD:
        # Operators pay mobile-money refunds out through their own portals; staff record them here.
        refund.status = Refund.Status.SUCCEEDED
        refund.save(update_fields=["status", "updated_at"])
        _settle_refunds(payment, cause=Cause.STAFF, actor=actor, reference=f"refund:{refund.id}")
        return refund, True
    try:
        result = stripe_gateway.create_refund(refund)
    except Exception as exc:
        if stripe_gateway.is_transient(exc):
            log.warning("refund %s: Stripe unreachable; the reconciler will resend it: %s", refund.id, exc)
            return refund, True
        Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED, updated_at=timezone.now())
        raise PaymentInputError(
            "amount", f"the card processor refused the refund: {getattr(exc, 'user_message', '') or exc}"
        ) from None
    apply_stripe_refund(
        result | {"metadata": {"nzila_refund_id": str(refund.id)}},
        cause=Cause.STAFF,
        actor=actor,
        reference=f"refund:{refund.id}",
    )
    refund.refresh_from_db()
    return refund, True


REFUND_STATUS = {
    "succeeded": Refund.Status.SUCCEEDED,
    "pending": Refund.Status.PENDING,
    "requires_action": Refund.Status.PENDING,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.CANCELED,
}


def apply_stripe_refund(data: dict, *, cause: str, actor=None, reference: str = "", payment_id=None) -> Payment | None:
    """Reflect one Stripe refund (from our own call or from Stripe's refund events) in our records."""
    refund_id = data.get("id")
    ours = (data.get("metadata") or {}).get("nzila_refund_id")
    with transaction.atomic():
        refund = Refund.objects.filter(
            Q(provider_refund_id=refund_id) | Q(pk=ours) if ours else Q(provider_refund_id=refund_id)
        ).first()
        if refund is not None:
            payment = lock_payment(refund.payment_id)
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
        else:
            payment = lock_payment(payment_id) if payment_id else _payment_of_intent(data.get("payment_intent"))
            if payment is None:
                log.info("stripe refund %s is for no payment of ours", refund_id)
                return None
            # Made in Stripe's dashboard, not through us: record it all the same.
            refund = Refund.objects.create(
                payment=payment,
                amount=stripe_gateway.minor_to_amount(payment, data["amount"]),
                reason=Refund.Reason.OTHER,
                note="made outside the platform",
                provider_refund_id=refund_id,
                status=Refund.Status.PENDING,
            )
        status = REFUND_STATUS.get(data.get("status") or "", Refund.Status.PENDING)
        final = (Refund.Status.FAILED, Refund.Status.CANCELED)
        if refund.status in final or (refund.status == Refund.Status.SUCCEEDED and status == Refund.Status.PENDING):
            status = refund.status  # never back from a later state
        refund.provider_refund_id = refund_id or refund.provider_refund_id
        refund.status = status
        refund.save(update_fields=["provider_refund_id", "status", "updated_at"])
        _settle_refunds(payment, cause=cause, actor=actor, reference=reference or f"refund:{refund_id}")
        return payment


def _payment_of_intent(intent_id) -> Payment | None:
    if not intent_id:
        return None
    found = (
        Payment.objects.filter(provider=Provider.STRIPE, provider_reference=intent_id)
        .values_list("pk", flat=True)
        .first()
    )
    return lock_payment(found) if found else None


def _settle_refunds(payment, *, cause, actor, reference) -> None:
    refunded = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal(0)
    if refunded == payment.amount_refunded:
        return
    if refunded > payment.amount_captured:
        from .notify import notify_staff

        notify_staff(
            "refund_exceeds_capture",
            f"Refunds of payment {payment.id} exceed what was captured",
            f"refunded {refunded}, captured {payment.amount_captured}",
            payment=payment,
            dedupe_key=f"refund-exceeds-{payment.id}-{refunded}",
        )
        return
    delta = refunded - payment.amount_refunded
    payment.amount_refunded = refunded
    if payment.state == states.DISPUTED or delta < 0:
        payment.save(update_fields=["amount_refunded", "updated_at"])
        LedgerEntry.objects.create(
            payment=payment,
            from_state=payment.state,
            to_state=payment.state,
            amount=delta,
            cause=cause,
            actor=actor,
            reference=reference[:128],
            reason="refunded amount changed",
        )
        return
    target = states.state_after_refunds(payment.amount_captured, refunded)
    transition(
        payment,
        target,
        cause=cause,
        actor=actor,
        reference=reference,
        amount=delta,
        reason=f"refunded {refunded} of {payment.amount_captured} {payment.currency_id}",
    )


# --- mobile-money callbacks --------------------------------------------------------------------


def handle_callback(provider: str, payment_id, token: str, payload: dict, *, remote_addr: str | None) -> str:
    """Record an operator callback, then ask the operator's status API; only its answer is applied."""
    if not crypto.callback_token_valid(str(payment_id), token):
        raise Payment.DoesNotExist
    payment = Payment.objects.get(pk=payment_id, provider=provider)
    client = client_for(provider)
    claimed, reference = client.callback_claim(payload)
    callback = ProviderCallback.objects.create(
        provider=provider, payment=payment, remote_addr=remote_addr, claimed_status=claimed[:40], payload=payload
    )
    if provider == Provider.ORANGE_MONEY:
        expected = payment.provider_data.get("notif_token", "")
        if not expected or not crypto.constant_time_equal(expected, str(payload.get("notif_token", ""))):
            return _close_callback(callback, "", "refused: notif_token does not match")
    if not payment.provider_reference and reference:
        # The request's answer was lost; the callback tells us its reference. The status query below
        # is what shows the reference is real.
        payment.provider_reference = reference
    if not payment.provider_reference:
        return _close_callback(callback, "", "no reference to confirm with")
    if reference and reference != payment.provider_reference and provider != Provider.ORANGE_MONEY:
        return _close_callback(callback, "", f"refused: reference {reference} is not this payment's")
    try:
        outcome = call_with_retries(
            lambda: client.query_status(payment),
            is_transient=lambda exc: isinstance(exc, TransientError),
            what=f"{provider} status query",
        )
    except (TransientError, ProviderRefused) as exc:
        log.warning("callback %s for payment %s unconfirmed: %s", callback.id, payment.id, exc)
        from .tasks import confirm_payment

        transaction.on_commit(lambda: confirm_payment.apply_async((str(payment.id),), countdown=30))
        return _close_callback(callback, "", f"unconfirmed: {exc}")
    if outcome.state == states.SUCCEEDED and provider == Provider.MPESA:
        outcome = ProviderOutcome(**{**outcome.__dict__, "transaction_id": MpesaClient.callback_receipt(payload)})
    if outcome.provider_reference == "" and payment.provider_reference:
        outcome = ProviderOutcome(**{**outcome.__dict__, "provider_reference": payment.provider_reference})
    applied = apply_outcome(payment.id, outcome, cause=Cause.CALLBACK, reference=f"callback:{callback.id}")
    confirmed = outcome.state or outcome.provider_status
    verdict = "confirmed" if (claimed == "success") == (outcome.state == states.SUCCEEDED) else "contradicted"
    return _close_callback(callback, confirmed, f"{verdict} by status API; payment {applied.state}")


def handle_airtel_callback(payload: dict, *, remote_addr: str | None) -> str:
    """Airtel calls one URL set in its portal for all payments; the transaction id names ours."""
    import uuid

    try:
        payment_id = uuid.UUID(hex=str((payload.get("transaction") or {}).get("id", "")))
    except ValueError:
        raise Payment.DoesNotExist from None
    return handle_callback(
        Provider.AIRTEL_MONEY, payment_id, crypto.callback_token(str(payment_id)), payload, remote_addr=remote_addr
    )


def _close_callback(callback, confirmed: str, outcome: str) -> str:
    ProviderCallback.objects.filter(pk=callback.pk).update(confirmed_status=confirmed[:40], outcome=outcome[:255])
    if outcome.startswith(("refused", "unconfirmed", "contradicted")) or "contradicted" in outcome:
        log.warning("callback %s (%s): %s", callback.id, callback.provider, outcome)
    return outcome
