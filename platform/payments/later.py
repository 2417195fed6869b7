"""Work payments queue for later, by task name: services never import the tasks module (which imports
the services), so the two stay one-way. The names are the tasks' registered names."""

from __future__ import annotations

from celery import current_app
from django.db import transaction

CONFIRM_PAYMENT = "payments.tasks.confirm_payment"


def confirm_after_commit(payment_id, *, countdown: int = 30) -> None:
    """Ask the provider again in a while, once the current transaction has committed."""
    transaction.on_commit(lambda: current_app.send_task(CONFIRM_PAYMENT, args=(str(payment_id),), countdown=countdown))
