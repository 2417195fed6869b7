"""Invoices: numbering, and reminders of overdue ones."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Invoice
from .notify import notify_buyer


def next_number(now=None) -> str:
    now = now or timezone.now()
    with transaction.atomic():
        count = Invoice.objects.filter(number__startswith=f"NZ-{now:%Y}-").count()
    return f"NZ-{now:%Y}-{count + 1:06d}"


def create_invoice(
    *, buyer, amount, due_date, currency=None, currency_id: str | None = None, deal=None, description: str = ""
) -> Invoice:
    for _ in range(5):
        try:
            with transaction.atomic():
                return Invoice.objects.create(
                    number=next_number(),
                    buyer=buyer,
                    deal=deal,
                    amount=amount,
                    **({"currency": currency} if currency is not None else {"currency_id": currency_id}),
                    due_date=due_date,
                    description=description,
                )
        except Exception as exc:  # a concurrent issue took the number; take the next one
            if "number" not in str(exc):
                raise
    raise RuntimeError("could not number the invoice")


def send_reminders(now=None) -> int:
    """Remind buyers of open invoices past their due date, at most once per interval each."""
    now = now or timezone.now()
    interval = timedelta(hours=settings.PAYMENTS_REMINDER_INTERVAL_HOURS)
    sent = 0
    overdue = Invoice.objects.filter(status=Invoice.Status.OPEN, due_date__lt=now.date()).select_related("buyer__user")
    for invoice in overdue.iterator():
        with transaction.atomic():
            invoice = Invoice.objects.select_for_update().select_related("buyer__user").get(pk=invoice.pk)
            if invoice.status != Invoice.Status.OPEN:
                continue
            if invoice.last_reminder_at and now - invoice.last_reminder_at < interval:
                continue
            days = (now.date() - invoice.due_date).days
            event = notify_buyer(
                invoice.buyer,
                "invoice_overdue",
                f"Invoice {invoice.number} is {days} day(s) overdue",
                f"{invoice.amount} {invoice.currency_id} was due on {invoice.due_date:%d %B %Y}.",
                invoice=invoice,
                dedupe_key=f"invoice-reminder-{invoice.pk}-{now:%Y-%m-%d}",
            )
            if event is None:
                continue
            invoice.reminder_count += 1
            invoice.last_reminder_at = now
            invoice.save(update_fields=["reminder_count", "last_reminder_at"])
            sent += 1
    return sent
