"""Payments in the system of record: attempts, their append-only ledger, refunds, disputes, invoices.

Integrity rules live in the database (checks, unique provider references, an append-only trigger on
the ledger) so that every write path is held to them, not only this app's code.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Currency

from . import states


class Method(models.TextChoices):
    CARD = "card"
    MOBILE_MONEY = "mobile_money"


class Provider(models.TextChoices):
    STRIPE = "stripe"
    MPESA = "mpesa"
    MTN_MOMO = "mtn_momo"
    ORANGE_MONEY = "orange_money"
    AIRTEL_MONEY = "airtel_money"


class Purpose(models.TextChoices):
    DEAL = "deal"  # the balance of an agreed deal
    DEPOSIT = "deposit"  # a deal's deposit
    SHIPMENT = "shipment"  # freight and clearing of a shipment
    INVOICE = "invoice"  # any invoice we issued
    RESERVATION = "reservation"  # the deposit that reserves a car (sales.Reservation); opens a deal


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        PAID = "paid"
        VOID = "void"

    number = models.CharField(max_length=32, unique=True)
    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.PROTECT, related_name="invoices")
    deal = models.ForeignKey("sales.Deal", null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.ForeignKey("catalog.Currency", on_delete=models.PROTECT)
    description = models.CharField(max_length=255, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    paid_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=["open", "paid", "void"]), name="invoice_status_valid"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(paid_at__isnull=False), name="invoice_paid_dated"),
        ]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """One payment attempt. Its id is the root of every idempotency key sent to a provider for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.PROTECT, related_name="payments")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    deal = models.ForeignKey("sales.Deal", null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    shipment = models.ForeignKey(
        "sales.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    reservation = models.ForeignKey(
        "sales.Reservation", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(max_length=14, choices=Method.choices)
    provider = models.CharField(max_length=14, choices=Provider.choices)
    state = models.CharField(max_length=20, default=states.CREATED)
    # What the buyer owes, in the deal's currency.
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.ForeignKey("catalog.Currency", on_delete=models.PROTECT, related_name="+")
    amount_captured = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    amount_refunded = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    # What the provider is asked for, in its own currency, and the conversion that produced it.
    provider_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    provider_currency = models.CharField(max_length=3, blank=True)
    fx_rate = models.DecimalField(max_digits=24, decimal_places=10, null=True, blank=True)
    fx_rate_as_of = models.DateTimeField(null=True, blank=True)
    # The provider's handle on this attempt: PaymentIntent id, CheckoutRequestID, X-Reference-Id, ...
    provider_reference = models.CharField(max_length=128, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    # The provider's id of the money movement itself (Stripe charge, M-Pesa receipt, ...).
    provider_transaction_id = models.CharField(max_length=128, blank=True)
    payment_method_id = models.CharField(max_length=64, blank=True)
    card_fingerprint = models.CharField(max_length=64, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    phone_e164 = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=2, blank=True)
    payer_ip = models.GenericIPAddressField(null=True, blank=True)
    # The client's own Idempotency-Key for creating this attempt: a resent request finds it again.
    client_key = models.CharField(max_length=64, blank=True)
    next_action = models.JSONField(null=True, blank=True)
    # Provider-specific handles we must send back later (Orange's notif_token, a payment page URL, ...).
    provider_data = models.JSONField(default=dict, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    submit_tries = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state_changed_at = models.DateTimeField(auto_now_add=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "state_changed_at"]),
            models.Index(fields=["provider", "provider_reference"]),
            models.Index(fields=["buyer", "created_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_captured__gte=0) & Q(amount_captured__lte=F("amount")),
                name="payment_captured_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount_captured")),
                name="payment_refunded_within_captured",
            ),
            models.CheckConstraint(condition=Q(state__in=states.ALL), name="payment_state_valid"),
            models.CheckConstraint(
                condition=~Q(state__in=sorted(states.CAPTURED)) | Q(amount_captured__gt=0),
                name="payment_captured_when_paid",
            ),
            models.CheckConstraint(condition=Q(method__in=Method.values), name="payment_method_valid"),
            models.CheckConstraint(condition=Q(provider__in=Provider.values), name="payment_provider_valid"),
            models.CheckConstraint(
                condition=(Q(method="card") & Q(provider="stripe"))
                | (Q(method="mobile_money") & ~Q(provider="stripe")),
                name="payment_method_matches_provider",
            ),
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="payment_purpose_valid"),
            models.CheckConstraint(
                condition=~Q(purpose__in=["deal", "deposit"]) | Q(deal__isnull=False), name="payment_deal_named"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="shipment") | Q(shipment__isnull=False), name="payment_shipment_named"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="invoice") | Q(invoice__isnull=False), name="payment_invoice_named"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="reservation") | Q(reservation__isnull=False), name="payment_reservation_named"
            ),
            models.CheckConstraint(
                condition=Q(provider_amount__isnull=True) | Q(provider_amount__gt=0),
                name="payment_provider_amount_positive",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["created_by", "client_key"], condition=~Q(client_key=""), name="payment_client_key_unique"
            ),
            # One open attempt per thing being paid: a double click cannot start two charges.
            models.UniqueConstraint(
                fields=["deal", "purpose"],
                condition=Q(state__in=sorted(states.OPEN)) & Q(purpose__in=["deal", "deposit"]),
                name="payment_one_open_per_deal",
            ),
            models.UniqueConstraint(
                fields=["shipment"],
                condition=Q(state__in=sorted(states.OPEN)) & Q(purpose="shipment"),
                name="payment_one_open_per_shipment",
            ),
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(state__in=sorted(states.OPEN)) & Q(purpose="invoice"),
                name="payment_one_open_per_invoice",
            ),
            models.UniqueConstraint(
                fields=["reservation"],
                condition=Q(state__in=sorted(states.OPEN)) & Q(purpose="reservation"),
                name="payment_one_open_per_reservation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency_id} {self.state}"

    @property
    def idempotency_root(self) -> str:
        return f"nzila-payment-{self.id}"


class LedgerEntry(models.Model):
    """One state transition of one payment, with what caused it. Append-only (a trigger refuses
    UPDATE and DELETE), so the history of every payment can be replayed and audited."""

    class Cause(models.TextChoices):
        API = "api"  # a buyer's request through the API
        STAFF = "staff"  # a staff member's action
        WEBHOOK = "webhook"  # a verified Stripe event
        CALLBACK = "callback"  # an operator callback, confirmed with the operator's status API
        RECONCILER = "reconciler"  # the scheduled reconciliation asked the provider
        SYSTEM = "system"

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cause = models.CharField(max_length=12, choices=Cause.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    # The event id, callback id, refund id, ... that caused the transition.
    reference = models.CharField(max_length=128, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "ledger entries"
        indexes = [models.Index(fields=["payment", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(to_state__in=states.ALL), name="ledger_to_state_valid"),
            models.CheckConstraint(
                condition=Q(cause__in=["api", "staff", "webhook", "callback", "reconciler", "system"]),
                name="ledger_cause_valid",
            ),
        ]


class StripeCustomer(models.Model):
    """A buyer's Stripe customer, created once. The id is stored encrypted (Fernet); its keyed digest
    finds the row again from a webhook without decrypting every row."""

    buyer = models.OneToOneField("buyers.Buyer", on_delete=models.PROTECT, related_name="stripe_customer")
    customer_id_encrypted = models.TextField()
    customer_id_digest = models.CharField(max_length=64, unique=True)
    # Counts changes of the default card: each change gets an idempotency key of its own (a retry of
    # one change reuses it), so switching back to an earlier card is never answered from Stripe's
    # memory of the first switch.
    default_changes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)


class Refund(models.Model):
    class Reason(models.TextChoices):
        DUPLICATE = "duplicate"
        FRAUDULENT = "fraudulent"
        REQUESTED_BY_CUSTOMER = "requested_by_customer"
        VEHICLE_UNAVAILABLE = "vehicle_unavailable"
        OTHER = "other"

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELED = "canceled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    note = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_refund_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # The client's Idempotency-Key (unique per payment) and a digest of the request it came with: the
    # same key again returns this refund, the same key with another request is refused.
    client_key = models.CharField(max_length=64, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "client_key"], condition=~Q(client_key=""), name="refund_client_key_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed", "canceled"]), name="refund_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    reason__in=["duplicate", "fraudulent", "requested_by_customer", "vehicle_unavailable", "other"]
                ),
                name="refund_reason_valid",
            ),
        ]


class Dispute(models.Model):
    """A chargeback on a card payment; evidence must reach Stripe before `evidence_due_by`."""

    provider_dispute_id = models.CharField(max_length=64, unique=True)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=32)
    evidence_due_by = models.DateTimeField(null=True, blank=True)
    # The payment's state before the dispute, restored if the dispute is won.
    state_before = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="dispute_amount_positive")]


class StripeEvent(models.Model):
    """A Stripe event we processed. Its id is the key that makes processing happen exactly once."""

    event_id = models.CharField(primary_key=True, max_length=64)
    type = models.CharField(max_length=64)
    created = models.DateTimeField(help_text="when Stripe created the event")
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()


class ProviderCallback(models.Model):
    """A mobile-money operator's callback, kept as received; it is a hint, never proof of payment."""

    provider = models.CharField(max_length=14, choices=Provider.choices)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks")
    received_at = models.DateTimeField(auto_now_add=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    claimed_status = models.CharField(max_length=40, blank=True)
    confirmed_status = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=255, blank=True)
    payload = models.JSONField()


class ExchangeRate(Currency):
    """The currencies' rates as payments see them: a staff page showing, per currency mobile money
    collects in, whether its rate is too old and mobile money paused (payments.fx_pause)."""

    class Meta:
        proxy = True
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
