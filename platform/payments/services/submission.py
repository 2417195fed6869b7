"""Send an attempt to its provider, ask for its true state again, or cancel it."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reliability.errors import TransientError

from .. import crypto, states, stripe_gateway
from ..ledger import lock_payment, transition
from ..mobile import ProviderRefused, client_for
from ..models import LedgerEntry, Method, Payment
from ..outcome import ProviderOutcome
from ..retry import call_with_retries
from .errors import PaymentInputError, ProviderUnavailable
from .outcomes import apply_outcome

log = logging.getLogger(__name__)
Cause = LedgerEntry.Cause


# Stripe keeps idempotency keys for 24 hours; past that a resubmission could create a second charge.
RESUBMIT_WINDOW = timedelta(hours=23)


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
        except stripe_gateway.StripeUnavailable as exc:
            log.warning("payment %s: Stripe unreachable after retries: %s", payment.id, exc)
            raise ProviderUnavailable("the card processor did not answer; retry this payment") from exc
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
    except stripe_gateway.InvalidStripeRequest:
        raise PaymentInputError("payment", "the card processor refused to cancel it (already completed?)") from None
    return apply_outcome(payment.id, outcome, cause=cause, actor=actor, reference="cancel")
