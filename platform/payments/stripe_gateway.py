"""Stripe: customers, payment methods, PaymentIntents and refunds through the official client.

Every write carries an idempotency key derived from our own row's id and the operation, never from
time or randomness, so a retry of the same attempt (ours, Celery's or the buyer's) is answered by
Stripe with the first result instead of a second charge.

Stripe's own exceptions stop here (as `mobile/base.py` does for operators): what leaves this module
is `StripeUnavailable` (a `reliability.errors.TransientError`, with `maybe_processed`) or a
`StripeRefused` (`CardDeclined`, `InvalidStripeRequest`), so callers never import `stripe`.
"""

from __future__ import annotations

import functools
import logging
from decimal import Decimal

import requests
import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from reliability.errors import TransientError

from . import crypto, states
from .money import from_minor, to_minor
from .outcome import ProviderOutcome
from .retry import call_with_retries

log = logging.getLogger(__name__)


class PaymentMethodRejected(ValueError):
    """The payment method cannot be used by this buyer (unknown, someone else's, declined)."""


class StripeUnavailable(TransientError):
    """Stripe did not answer, or answered 5xx, 429 or 409 (a concurrent request with our key), after
    our own retries. Nothing is lost: a later try with the same idempotency key is safe."""


class StripeRefused(Exception):
    """Stripe answered and said no; another try with the same request gets the same answer."""

    def __init__(self, message: str, *, code: str = "", user_message: str = ""):
        super().__init__(message)
        self.code = code
        self.user_message = user_message


class CardDeclined(StripeRefused):
    """The card was declined; `payment_intent_id` names the intent the attempt left behind, if any."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        user_message: str = "",
        decline_code: str = "",
        payment_intent_id: str = "",
    ):
        super().__init__(message, code=code, user_message=user_message)
        self.decline_code = decline_code
        self.payment_intent_id = payment_intent_id


class InvalidStripeRequest(StripeRefused):
    """The request names something Stripe does not have or does not allow (unknown id, wrong state)."""


@functools.lru_cache(maxsize=8)
def _client_for(api_key: str, api_base: str, timeout: float) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        # Retries are ours (call_with_retries), with our own keys and backoff.
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    return _client_for(settings.STRIPE_API_KEY, settings.STRIPE_API_BASE, settings.STRIPE_TIMEOUT_SECONDS)


def is_transient(exc: Exception) -> bool:
    """Worth another try: the network, Stripe's rate limit, a 5xx, or a concurrent request holding the
    same idempotency key (409). A card decline or an invalid request never is."""
    if isinstance(exc, stripe.CardError):
        return False
    if isinstance(exc, (stripe.APIConnectionError, stripe.RateLimitError)):
        return True
    if isinstance(exc, stripe.IdempotencyError):
        return False
    status = getattr(exc, "http_status", None)
    return isinstance(exc, stripe.StripeError) and status is not None and (status >= 500 or status in (409, 429))


def translate(exc: stripe.StripeError) -> Exception:
    """One of Stripe's exceptions in our terms."""
    if is_transient(exc):
        # A rate limit refused the request before acting; any other failure may have come after it.
        return StripeUnavailable(
            f"Stripe unavailable: {exc}", maybe_processed=not isinstance(exc, stripe.RateLimitError)
        )
    user_message = getattr(exc, "user_message", None) or ""
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, stripe.CardError):
        error = exc.error
        intent = getattr(error, "payment_intent", None) if error else None
        return CardDeclined(
            str(exc),
            code=code,
            user_message=user_message,
            decline_code=(getattr(error, "decline_code", None) or "") if error else "",
            payment_intent_id=(intent or {}).get("id", "") if intent else "",
        )
    if isinstance(exc, stripe.InvalidRequestError):
        return InvalidStripeRequest(str(exc), code=code, user_message=user_message)
    return StripeRefused(str(exc), code=code, user_message=user_message)


def _call(what: str, fn, *args, **kwargs) -> dict:
    """One Stripe call with retries; the answer as plain data (the same shape a webhook carries)."""
    try:
        result = call_with_retries(lambda: fn(*args, **kwargs), is_transient=is_transient, what=f"stripe {what}")
    except stripe.StripeError as exc:
        raise translate(exc) from exc
    return result.to_dict() if hasattr(result, "to_dict") else result


# --- customers ---------------------------------------------------------------------------------


def customer_id(buyer) -> str:
    """The buyer's Stripe customer id, creating the customer once (idempotent per buyer)."""
    from .models import StripeCustomer

    existing = StripeCustomer.objects.filter(buyer=buyer).first()
    if existing:
        return crypto.decrypt(existing.customer_id_encrypted)
    customer = _call(
        "customer create",
        client().v1.customers.create,
        params={"name": buyer.full_name, "metadata": {"nzila_buyer_id": str(buyer.pk)}},
        options={"idempotency_key": f"nzila-buyer-{buyer.pk}-customer"},
    )
    try:
        with transaction.atomic():
            StripeCustomer.objects.create(
                buyer=buyer,
                customer_id_encrypted=crypto.encrypt(customer["id"]),
                customer_id_digest=crypto.digest(customer["id"]),
            )
    except IntegrityError:
        # A concurrent request stored it first; the idempotency key gave both the same customer.
        pass
    return crypto.decrypt(StripeCustomer.objects.get(buyer=buyer).customer_id_encrypted)


def _payment_method_of(buyer, payment_method_id: str):
    try:
        method = _call("payment method retrieve", client().v1.payment_methods.retrieve, payment_method_id)
    except InvalidStripeRequest as exc:
        raise PaymentMethodRejected("unknown payment method") from exc
    if method.get("customer") != customer_id(buyer):
        raise PaymentMethodRejected("this payment method is not attached to your account")
    return method


def card_summary(method) -> dict:
    card = method.get("card") or {}
    return {
        "id": method["id"],
        "brand": card.get("brand", ""),
        "last4": card.get("last4", ""),
        "exp_month": card.get("exp_month"),
        "exp_year": card.get("exp_year"),
        "fingerprint": card.get("fingerprint", ""),
    }


def attach_payment_method(buyer, payment_method_id: str, *, make_default: bool = False) -> dict:
    cid = customer_id(buyer)
    try:
        method = _call(
            "payment method attach",
            client().v1.payment_methods.attach,
            payment_method_id,
            params={"customer": cid},
            options={"idempotency_key": f"nzila-buyer-{buyer.pk}-attach-{payment_method_id}"},
        )
    except CardDeclined as exc:
        raise PaymentMethodRejected(exc.user_message or "the card was declined") from exc
    except InvalidStripeRequest as exc:
        raise PaymentMethodRejected("unknown payment method") from exc
    if make_default:
        set_default_payment_method(buyer, method["id"])
    return card_summary(method)


def set_default_payment_method(buyer, payment_method_id: str) -> None:
    _payment_method_of(buyer, payment_method_id)
    change = _next_default_change(buyer)
    _call(
        "customer update",
        client().v1.customers.update,
        customer_id(buyer),
        params={"invoice_settings": {"default_payment_method": payment_method_id}},
        options={"idempotency_key": f"nzila-buyer-{buyer.pk}-default-{change}"},
    )


def _next_default_change(buyer) -> int:
    """The number of this change of the buyer's default card, counted on our customer row."""
    from .models import StripeCustomer

    with transaction.atomic():
        StripeCustomer.objects.filter(buyer=buyer).update(default_changes=F("default_changes") + 1)
        return StripeCustomer.objects.get(buyer=buyer).default_changes


def list_payment_methods(buyer) -> dict:
    cid = customer_id(buyer)
    methods = _call("payment method list", client().v1.payment_methods.list, params={"customer": cid, "type": "card"})
    customer = _call("customer retrieve", client().v1.customers.retrieve, cid)
    default = ((customer.get("invoice_settings") or {}).get("default_payment_method")) or ""
    return {"default": default, "methods": [card_summary(m) for m in methods["data"]]}


def default_payment_method(buyer) -> str:
    customer = _call("customer retrieve", client().v1.customers.retrieve, customer_id(buyer))
    return ((customer.get("invoice_settings") or {}).get("default_payment_method")) or ""


def describe_payment_method(buyer, payment_method_id: str) -> dict:
    return card_summary(_payment_method_of(buyer, payment_method_id))


# --- payment intents ---------------------------------------------------------------------------


def confirm_intent(payment) -> ProviderOutcome:
    """Create and confirm the PaymentIntent of `payment` (or get the one a lost response created)."""
    currency = payment.currency_id
    try:
        intent = _call(
            "payment intent create",
            client().v1.payment_intents.create,
            params={
                "amount": to_minor(payment.amount, currency),
                "currency": currency.lower(),
                "customer": customer_id(payment.buyer),
                "payment_method": payment.payment_method_id,
                "payment_method_types": ["card"],
                "confirm": True,
                "metadata": {"nzila_payment_id": str(payment.id), "purpose": payment.purpose},
            },
            options={"idempotency_key": f"{payment.idempotency_root}-intent"},
        )
    except CardDeclined as exc:
        return ProviderOutcome(
            state=states.FAILED,
            provider_status="card_error",
            provider_reference=exc.payment_intent_id,
            failure_code=exc.decline_code or exc.code or "card_declined",
            failure_message=exc.user_message or "The card was declined.",
        )
    return outcome_from_intent(intent, payment)


def retrieve_intent(payment) -> ProviderOutcome:
    intent = _call("payment intent retrieve", client().v1.payment_intents.retrieve, payment.provider_reference)
    return outcome_from_intent(intent, payment)


def cancel_intent(payment) -> ProviderOutcome:
    intent = _call(
        "payment intent cancel",
        client().v1.payment_intents.cancel,
        payment.provider_reference,
        options={"idempotency_key": f"{payment.idempotency_root}-cancel"},
    )
    return outcome_from_intent(intent, payment)


def client_secret(payment) -> str:
    intent = _call("payment intent retrieve", client().v1.payment_intents.retrieve, payment.provider_reference)
    return intent.get("client_secret") or ""


def _charge_id(intent) -> str:
    charge = intent.get("latest_charge")
    if isinstance(charge, dict):  # expanded (localstripe always expands it)
        return charge.get("id", "")
    return charge or ""


def outcome_from_intent(intent, payment) -> ProviderOutcome:
    """A PaymentIntent (API object or a webhook's plain dict) in our terms."""
    status = intent.get("status") or ""
    error = intent.get("last_payment_error") or {}
    amount_received = intent.get("amount_received")
    captured = None
    if status == "succeeded":
        minor = amount_received if amount_received is not None else intent.get("amount")
        captured = min(from_minor(int(minor), payment.currency_id), payment.amount) if minor else payment.amount
    if status == "succeeded":
        state = states.SUCCEEDED
    elif status == "canceled":
        state = states.CANCELED
    elif status == "requires_action":
        state = states.REQUIRES_ACTION
    elif status in ("processing", "requires_capture", "requires_confirmation"):
        state = states.PENDING
    elif status == "requires_payment_method":
        # After a decline or a failed 3-D Secure challenge; before any attempt there is nothing to say.
        state = states.FAILED if error else None
    else:
        state = None
    return ProviderOutcome(
        state=state,
        provider_status=status,
        provider_reference=intent.get("id", ""),
        transaction_id=_charge_id(intent),
        amount_captured=captured,
        failure_code=(error.get("decline_code") or error.get("code") or "") if error else "",
        failure_message=(error.get("message") or "") if error else "",
        next_action=_plain(intent.get("next_action")),
    )


def _plain(value):
    return None if value is None else dict(value)


# --- refunds -----------------------------------------------------------------------------------


def create_refund(refund) -> dict:
    """Ask Stripe for a refund of `refund.amount`; the refund's own id is the idempotency root."""
    payment = refund.payment
    reason = refund.reason if refund.reason in ("duplicate", "fraudulent", "requested_by_customer") else None
    params = {
        "payment_intent": payment.provider_reference,
        "amount": to_minor(refund.amount, payment.currency_id),
        "metadata": {"nzila_refund_id": str(refund.id), "nzila_payment_id": str(payment.id), "reason": refund.reason},
    }
    if reason:
        params["reason"] = reason
    result = _call(
        "refund create",
        client().v1.refunds.create,
        params=params,
        options={"idempotency_key": f"nzila-refund-{refund.id}"},
    )
    return {"id": result.get("id"), "status": result.get("status"), "amount": result.get("amount")}


def list_refunds(intent_id: str) -> list[dict]:
    return _call("refund list", client().v1.refunds.list, params={"payment_intent": intent_id})["data"]


def minor_to_amount(payment, minor: int) -> Decimal:
    return from_minor(int(minor), payment.currency_id)


# --- test mode only ----------------------------------------------------------------------------


class TestModeOnly(RuntimeError):
    """A call that exists for the local test endpoint only, made while test mode is off."""


def _require_test_mode() -> None:
    if not settings.PAYMENTS_TEST_MODE:
        raise TestModeOnly("only in test mode (NZILA_PAYMENTS_TEST_MODE=1)")


def create_test_card(number: str) -> str:
    """A PaymentMethod made from one of Stripe's documented test card numbers, as Stripe.js would make
    it in the browser. Test mode only: in production card numbers never reach our server."""
    _require_test_mode()
    method = _call(
        "payment method create",
        client().v1.payment_methods.create,
        params={"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}},
    )
    return method["id"]


def complete_test_challenge(payment, *, success: bool) -> None:
    """Finish a 3-D Secure challenge the way the buyer's bank page would, on the local test endpoint
    (localstripe's `_authenticate`). Test mode only; the outcome then comes back as in production:
    the intent's state, asked by `refresh_payment`, and the signed webhook."""
    _require_test_mode()
    intent = _call("payment intent retrieve", client().v1.payment_intents.retrieve, payment.provider_reference)
    response = requests.post(
        f"{settings.STRIPE_API_BASE.rstrip('/')}/v1/payment_intents/{payment.provider_reference}/_authenticate",
        data={"client_secret": intent.get("client_secret") or "", "success": "true" if success else "false"},
        auth=(settings.STRIPE_API_KEY, ""),
        timeout=settings.STRIPE_TIMEOUT_SECONDS,
    )
    if response.status_code >= 500:
        raise StripeUnavailable(f"test endpoint answered {response.status_code}", maybe_processed=True)
