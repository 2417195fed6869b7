"""Mobile-money callbacks: recorded, then confirmed with the operator's status API before applied."""

from __future__ import annotations

import logging
import uuid

from reliability.errors import TransientError

from .. import crypto, later, states
from ..mobile import ProviderRefused, client_for
from ..models import LedgerEntry, Payment, Provider, ProviderCallback
from ..outcome import ProviderOutcome
from ..retry import call_with_retries
from .outcomes import apply_outcome

log = logging.getLogger(__name__)
Cause = LedgerEntry.Cause


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
    if not client.callback_authentic(payment, payload):
        return _close_callback(callback, "", f"refused: {provider} callback not authentic")
    if not payment.provider_reference and reference:
        # The request's answer was lost; the callback tells us its reference. The status query below
        # is what shows the reference is real.
        payment.provider_reference = reference
    if not payment.provider_reference:
        return _close_callback(callback, "", "no reference to confirm with")
    if reference and reference != payment.provider_reference:
        return _close_callback(callback, "", f"refused: reference {reference} is not this payment's")
    try:
        outcome = call_with_retries(
            lambda: client.query_status(payment),
            is_transient=lambda exc: isinstance(exc, TransientError),
            what=f"{provider} status query",
        )
    except (TransientError, ProviderRefused) as exc:
        log.warning("callback %s for payment %s unconfirmed: %s", callback.id, payment.id, exc)
        later.confirm_after_commit(payment.id)
        return _close_callback(callback, "", f"unconfirmed: {exc}")
    outcome = client.with_callback_details(outcome, payload)
    if outcome.provider_reference == "" and payment.provider_reference:
        outcome = ProviderOutcome(**{**outcome.__dict__, "provider_reference": payment.provider_reference})
    applied = apply_outcome(payment.id, outcome, cause=Cause.CALLBACK, reference=f"callback:{callback.id}")
    confirmed = outcome.state or outcome.provider_status
    verdict = "confirmed" if (claimed == "success") == (outcome.state == states.SUCCEEDED) else "contradicted"
    return _close_callback(callback, confirmed, f"{verdict} by status API; payment {applied.state}")


def handle_airtel_callback(payload: dict, *, remote_addr: str | None) -> str:
    """Airtel calls one URL set in its portal for all payments; the transaction id names ours."""
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
