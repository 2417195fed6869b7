"""What a buyer owes, as payment targets: the one shape the pay pages take, whatever is being paid.

A target is (purpose, id): an invoice, a deal's deposit, a deal's balance, a reservation's deposit.
`services.create_payment` validates the same target again when the buyer pays; this module only
reads, so a page can list and describe targets without knowing what kind each is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sales.models import Deal, Reservation
from sales.reservations import payable

from . import states
from .models import Invoice, Payment, Purpose
from .services.amounts import paid_towards_deal, paid_towards_invoice


@dataclass(frozen=True)
class PaymentTarget:
    purpose: str  # a Purpose value
    id: int  # the invoice's or the deal's id
    title: str  # what it is, for the buyer (already in the page's language where it is ours)
    due: Decimal  # what is left to pay, in `currency`
    currency: str
    due_date: date | None = None
    deal_id: int | None = None
    # The open attempt paying it now, if any: the page resumes it rather than starting a second one.
    open_payment_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.purpose}-{self.id}"

    def create_kwargs(self) -> dict:
        """The target as `services.create_payment` takes it."""
        if self.purpose == Purpose.INVOICE:
            return {"purpose": self.purpose, "invoice_id": self.id}
        if self.purpose == Purpose.RESERVATION:
            return {"purpose": self.purpose, "reservation_id": self.id}
        return {"purpose": self.purpose, "deal_id": self.id}


PAYABLE_PURPOSES = (Purpose.INVOICE, Purpose.DEPOSIT, Purpose.DEAL, Purpose.RESERVATION)


def _vehicle_title(deal) -> str:
    vehicle = deal.vehicle
    return f"{vehicle.year} {vehicle.make} {vehicle.model}"


def _open_payments(buyer) -> dict[tuple[str, int], str]:
    found = {}
    for payment in Payment.objects.filter(buyer=buyer, state__in=sorted(states.OPEN)).only(
        "id", "purpose", "invoice_id", "deal_id", "reservation_id"
    ):
        target_id = {Purpose.INVOICE: payment.invoice_id, Purpose.RESERVATION: payment.reservation_id}.get(
            payment.purpose, payment.deal_id
        )
        found[(payment.purpose, target_id)] = str(payment.id)
    return found


def _invoice_target(invoice, open_payments) -> PaymentTarget | None:
    due = invoice.amount - paid_towards_invoice(invoice)
    if invoice.status != Invoice.Status.OPEN or due <= 0:
        return None
    return PaymentTarget(
        purpose=Purpose.INVOICE,
        id=invoice.pk,
        title=f"{invoice.number}" + (f" · {invoice.description}" if invoice.description else ""),
        due=due,
        currency=invoice.currency_id,
        due_date=invoice.due_date,
        deal_id=invoice.deal_id,
        open_payment_id=open_payments.get((Purpose.INVOICE, invoice.pk), ""),
    )


def _reservation_target(reservation, open_payments) -> PaymentTarget | None:
    if not payable(reservation):
        return None
    return PaymentTarget(
        purpose=Purpose.RESERVATION,
        id=reservation.pk,
        title=_vehicle_title(reservation),
        due=reservation.deposit_amount,
        currency=reservation.currency_id,
        due_date=None,
        open_payment_id=open_payments.get((Purpose.RESERVATION, reservation.pk), ""),
    )


def _deal_targets(deal, open_payments) -> list[PaymentTarget]:
    if deal.stage in (Deal.Stage.CANCELLED, Deal.Stage.DELIVERED):
        return []
    reservation = getattr(deal, "reservation", None)
    if reservation is not None and reservation.state != Reservation.State.ACCEPTED:
        return []  # the balance is due once the dealer has accepted the reservation
    targets = []
    paid = paid_towards_deal(deal)
    title = _vehicle_title(deal)
    if deal.deposit_amount > 0 and deal.stage in (Deal.Stage.NEGOTIATION, Deal.Stage.AGREED) and paid <= 0:
        targets.append(
            PaymentTarget(
                purpose=Purpose.DEPOSIT,
                id=deal.pk,
                title=title,
                due=deal.deposit_amount,
                currency=deal.currency_id,
                deal_id=deal.pk,
                open_payment_id=open_payments.get((Purpose.DEPOSIT, deal.pk), ""),
            )
        )
    elif deal.stage in (Deal.Stage.AGREED, Deal.Stage.DEPOSIT_PAID) and deal.agreed_price - paid > 0:
        targets.append(
            PaymentTarget(
                purpose=Purpose.DEAL,
                id=deal.pk,
                title=title,
                due=deal.agreed_price - paid,
                currency=deal.currency_id,
                deal_id=deal.pk,
                open_payment_id=open_payments.get((Purpose.DEAL, deal.pk), ""),
            )
        )
    return targets


def dues_of(buyer) -> list[PaymentTarget]:
    """Everything the buyer can pay now: open invoices (oldest due first), then deposits and balances."""
    open_payments = _open_payments(buyer)
    targets = []
    for invoice in Invoice.objects.filter(buyer=buyer, status=Invoice.Status.OPEN).order_by("due_date", "pk"):
        target = _invoice_target(invoice, open_payments)
        if target:
            targets.append(target)
    for reservation in Reservation.objects.filter(buyer=buyer, state=Reservation.State.AWAITING_PAYMENT).select_related(
        "vehicle"
    ):
        target = _reservation_target(reservation, open_payments)
        if target:
            targets.append(target)
    for deal in Deal.objects.filter(buyer=buyer).select_related("vehicle", "reservation").order_by("pk"):
        targets.extend(_deal_targets(deal, open_payments))
    return targets


def target_of(buyer, purpose: str, target_id: int) -> PaymentTarget | None:
    """One payable target of this buyer, or None (someone else's, settled, or no such thing)."""
    open_payments = _open_payments(buyer)
    if purpose == Purpose.INVOICE:
        invoice = Invoice.objects.filter(pk=target_id, buyer=buyer).first()
        return _invoice_target(invoice, open_payments) if invoice else None
    if purpose == Purpose.RESERVATION:
        reservation = Reservation.objects.filter(pk=target_id, buyer=buyer).select_related("vehicle").first()
        return _reservation_target(reservation, open_payments) if reservation else None
    if purpose in (Purpose.DEPOSIT, Purpose.DEAL):
        deal = Deal.objects.filter(pk=target_id, buyer=buyer).select_related("vehicle", "reservation").first()
        if deal is None:
            return None
        return next((t for t in _deal_targets(deal, open_payments) if t.purpose == purpose), None)
    return None


def payments_of(buyer):
    """The buyer's payment attempts, newest first, with what a list and a receipt show."""
    return (
        Payment.objects.filter(buyer=buyer)
        .select_related("invoice", "deal__vehicle", "reservation__vehicle", "currency")
        .prefetch_related("refunds")
        .order_by("-created_at")
    )
