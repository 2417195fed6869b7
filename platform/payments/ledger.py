"""Every state change of a payment goes through `transition`, which checks it against the state
machine and appends it to the ledger in the same transaction."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from . import states
from .models import LedgerEntry, Payment

log = logging.getLogger(__name__)


def lock_payment(payment_id) -> Payment:
    """The payment row, locked until the end of the caller's transaction."""
    return Payment.objects.select_for_update().get(pk=payment_id)


def transition(
    payment: Payment,
    to_state: str,
    *,
    cause: str,
    actor=None,
    reference: str = "",
    reason: str = "",
    amount: Decimal | None = None,
    data: dict | None = None,
) -> LedgerEntry:
    """Move a locked payment to `to_state` and record it; raises IllegalTransition, changing nothing."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("payment transitions run inside a transaction, on a locked row")
    from_state = payment.state
    states.check_transition(from_state, to_state)
    now = timezone.now()
    payment.state = to_state
    payment.state_changed_at = now
    if to_state == states.SUCCEEDED and payment.succeeded_at is None:
        payment.succeeded_at = now
    payment.save()
    entry = LedgerEntry.objects.create(
        payment=payment,
        from_state=from_state,
        to_state=to_state,
        amount=amount,
        cause=cause,
        actor=actor,
        reference=reference[:128],
        reason=reason[:255],
        data=data or {},
    )
    log.info("payment %s: %s -> %s (%s %s) %s", payment.id, from_state, to_state, cause, reference, reason)
    return entry


def record_creation(payment: Payment, *, cause: str, actor=None, reference: str = "") -> LedgerEntry:
    return LedgerEntry.objects.create(
        payment=payment,
        from_state="",
        to_state=states.CREATED,
        amount=payment.amount,
        cause=cause,
        actor=actor,
        reference=reference[:128],
        reason="payment attempt created",
    )
