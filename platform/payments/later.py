"""Work payments queue for later, by task name: services never import the tasks module (which imports
the services), so the two stay one-way. The names are the tasks' registered names."""

from __future__ import annotations

from reliability.kicks import send_after_commit

CONFIRM_PAYMENT = "payments.tasks.confirm_payment"
# Every few minutes: payments left open past their quiet period are asked about again.
PROCESS_PENDING = "payments.tasks.process_pending_payments"


def confirm_after_commit(payment_id, *, countdown: int = 30) -> None:
    """Ask the provider again in a while, once the current transaction has committed."""
    send_after_commit(CONFIRM_PAYMENT, args=(str(payment_id),), countdown=countdown, caught_up_by=PROCESS_PENDING)
