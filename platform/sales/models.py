"""The path from interest to a delivered car: leads, deals and the shipments that carry them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Lead(models.Model):
    class Source(models.TextChoices):
        REFERRAL = "referral"
        BROKER = "broker"
        DIRECT = "direct"
        WEBSITE = "website"

    class Status(models.TextChoices):
        NEW = "new"
        CONTACTED = "contacted"
        QUALIFIED = "qualified"
        CONVERTED = "converted"
        LOST = "lost"

    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.CASCADE, related_name="leads")
    vehicle = models.ForeignKey("catalog.Vehicle", null=True, blank=True, on_delete=models.SET_NULL)
    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.CASCADE, related_name="leads")
    source = models.CharField(max_length=10, choices=Source.choices)
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="brokered_leads"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    last_contact_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=["referral", "broker", "direct", "website"]), name="lead_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "contacted", "qualified", "converted", "lost"]), name="lead_status_valid"
            ),
            models.CheckConstraint(condition=~Q(source="broker") | Q(broker__isnull=False), name="lead_broker_named"),
        ]


class Deal(models.Model):
    class Stage(models.TextChoices):
        # Labels as messages say them ("has been in negotiation for 12 days"), in both languages.
        NEGOTIATION = "negotiation", _("in negotiation")
        AGREED = "agreed", _("agreed")
        DEPOSIT_PAID = "deposit_paid", _("deposit paid")
        PAID = "paid", _("paid")
        SHIPPED = "shipped", _("shipped")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    lead = models.ForeignKey(Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.PROTECT, related_name="deals")
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.PROTECT, related_name="deals")
    stage = models.CharField(max_length=14, choices=Stage.choices, default=Stage.NEGOTIATION)
    agreed_price = models.DecimalField(max_digits=14, decimal_places=2)
    deposit_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    currency = models.ForeignKey("catalog.Currency", on_delete=models.PROTECT)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4, default=0)
    stage_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(agreed_price__gt=0), name="deal_price_positive"),
            models.CheckConstraint(
                condition=Q(deposit_amount__gte=0) & Q(deposit_amount__lte=F("agreed_price")),
                name="deal_deposit_within_price",
            ),
            models.CheckConstraint(
                condition=Q(commission_rate__gte=0) & Q(commission_rate__lt=1), name="deal_commission_fraction"
            ),
            models.CheckConstraint(
                condition=Q(
                    stage__in=["negotiation", "agreed", "deposit_paid", "paid", "shipped", "delivered", "cancelled"]
                ),
                name="deal_stage_valid",
            ),
        ]


class Shipment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        AT_ORIGIN_PORT = "at_origin_port", _("at the port of loading")
        IN_TRANSIT = "in_transit", _("in transit")
        AT_DESTINATION_PORT = "at_destination_port", _("at the port of destination")
        CLEARED = "cleared", _("cleared through customs")
        DELIVERED = "delivered", _("delivered")
        DELAYED = "delayed", _("delayed")

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="shipments")
    origin_port = models.CharField(max_length=80)
    destination_port = models.CharField(max_length=80)
    carrier = models.CharField(max_length=80, blank=True)
    tracking_reference = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    departed_at = models.DateTimeField(null=True, blank=True)
    eta = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "booked",
                        "at_origin_port",
                        "in_transit",
                        "at_destination_port",
                        "cleared",
                        "delivered",
                        "delayed",
                    ]
                ),
                name="shipment_status_valid",
            ),
            models.CheckConstraint(condition=~Q(origin_port=F("destination_port")), name="shipment_route_distinct"),
            models.CheckConstraint(
                condition=Q(eta__isnull=True) | Q(departed_at__isnull=True) | Q(eta__gte=F("departed_at")),
                name="shipment_eta_after_departure",
            ),
        ]


# --- brokers' commissions (rules in sales.commissions) ---------------------------------------------


class CommissionSchedule(models.Model):
    """Brokers' commission rates by paid deal volume in a calendar month, in effect between two dates.

    Kept as data so a new schedule is a new row with a later `effective_from`, never a code change;
    the schedule in effect on the day a commission accrues decides its rate."""

    name = models.CharField(max_length=100)
    effective_from = models.DateField()
    # Exclusive; open-ended when empty.
    effective_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gt=F("effective_from")),
                name="commission_schedule_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.effective_from})"


class CommissionTier(models.Model):
    """From `min_volume_usd` of paid deal volume in the month, deals earn `rate` of their price."""

    schedule = models.ForeignKey(CommissionSchedule, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=40)
    min_volume_usd = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        ordering = ["schedule", "min_volume_usd"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "min_volume_usd"], name="commission_tier_threshold_unique"),
            models.CheckConstraint(condition=Q(min_volume_usd__gte=0), name="commission_tier_volume_non_negative"),
            models.CheckConstraint(condition=Q(rate__gte=0) & Q(rate__lt=1), name="commission_tier_rate_fraction"),
        ]


class CommissionStatement(models.Model):
    """What a broker is paid for a week: every entry not yet settled when the weekly job ran."""

    broker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_statements")
    period_start = models.DateField()
    period_end = models.DateField()
    entries_count = models.PositiveIntegerField(default=0)
    total_usd = models.DecimalField(max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "broker_id"]
        constraints = [
            models.UniqueConstraint(fields=["broker", "period_end"], name="commission_statement_once_per_week"),
        ]


class CommissionEntry(models.Model):
    """One line of a broker's commission ledger: an accrual when a deal is paid, a reversal for each
    refund of it. Append-only in practice: corrections are further entries, never edits."""

    class Kind(models.TextChoices):
        ACCRUAL = "accrual"
        REVERSAL = "reversal"

    broker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="commission_entries")
    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="commission_entries")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # Deal volume this entry adds to the month (negative for a refund), and the commission (signed).
    volume_usd = models.DecimalField(max_digits=14, decimal_places=2)
    amount_usd = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=5, decimal_places=4)
    tier = models.ForeignKey(CommissionTier, null=True, on_delete=models.PROTECT, related_name="+")
    # First day of the calendar month whose volume this entry counts in.
    period = models.DateField()
    refund = models.OneToOneField(
        "payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="commission_reversal"
    )
    statement = models.ForeignKey(
        CommissionStatement, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "commission entries"
        indexes = [models.Index(fields=["broker", "period"]), models.Index(fields=["broker", "statement"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["accrual", "reversal"]), name="commission_entry_kind_valid"),
            models.UniqueConstraint(
                fields=["deal"], condition=Q(kind="accrual"), name="commission_one_accrual_per_deal"
            ),
            models.CheckConstraint(
                condition=Q(kind="accrual", amount_usd__gte=0, refund__isnull=True)
                | Q(kind="reversal", amount_usd__lte=0, refund__isnull=False),
                name="commission_entry_sign_matches_kind",
            ),
        ]


# --- reservations: a car held by a deposit while the dealer answers (rules in sales.reservations) -----


class Reservation(models.Model):
    """A buyer's hold on one car. At most one live reservation per car (a partial unique index), so two
    buyers reserving at once cannot both hold it: the second is refused before anything is charged.

    awaiting_payment ─paid─> held ─dealer accepts─> accepted
          │                    ├─dealer declines─> declined   (deposit refunded, car freed)
          │                    └─no answer in time─> expired  (deposit refunded, car freed)
          ├─not paid in time─> lapsed   (nothing charged; a late payment takes the car if still free,
          │                              else the reservation is lost and the payment refunded)
          └─buyer cancels──> cancelled
    """

    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment"
        HELD = "held"
        ACCEPTED = "accepted"
        DECLINED = "declined"
        EXPIRED = "expired"
        LAPSED = "lapsed"
        CANCELLED = "cancelled"
        LOST = "lost"

    LIVE = ("awaiting_payment", "held", "accepted")
    # Ended without a sale: any deposit captured for it is owed back.
    ENDED = ("declined", "expired", "lapsed", "cancelled", "lost")

    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.PROTECT, related_name="reservations")
    vehicle = models.ForeignKey("catalog.Vehicle", on_delete=models.PROTECT, related_name="reservations")
    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.PROTECT, related_name="reservations")
    state = models.CharField(max_length=16, choices=State.choices, default=State.AWAITING_PAYMENT)
    # The vehicle's price when the hold started, and the deposit asked (both in `currency`).
    price = models.DecimalField(max_digits=14, decimal_places=2)
    deposit_amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.ForeignKey("catalog.Currency", on_delete=models.PROTECT)
    # The deal opened when the deposit was paid.
    deal = models.OneToOneField(Deal, null=True, blank=True, on_delete=models.PROTECT, related_name="reservation")
    # The payment that holds the car; any other captured payment for this reservation is refunded.
    payment = models.ForeignKey(
        "payments.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="holding_reservations"
    )
    # The buyer must pay by `pay_by`; the dealer must answer by `respond_by` (set when paid).
    pay_by = models.DateTimeField()
    respond_by = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.CharField(max_length=255, blank=True)
    # The form's key, drawn when the vehicle page was shown: a double click finds the first reservation.
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "respond_by"]), models.Index(fields=["state", "pay_by"])]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(state__in=["awaiting_payment", "held", "accepted"]),
                name="reservation_one_live_per_vehicle",
            ),
            models.UniqueConstraint(
                fields=["buyer", "client_key"], condition=~Q(client_key=""), name="reservation_client_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "awaiting_payment",
                        "held",
                        "accepted",
                        "declined",
                        "expired",
                        "lapsed",
                        "cancelled",
                        "lost",
                    ]
                ),
                name="reservation_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(deposit_amount__gt=0) & Q(deposit_amount__lte=F("price")),
                name="reservation_deposit_within_price",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["held", "accepted"]) | (Q(deal__isnull=False) & Q(respond_by__isnull=False)),
                name="reservation_held_has_deal",
            ),
        ]

    @property
    def live(self) -> bool:
        return self.state in self.LIVE


# --- dealer reviews: only from a delivered deal, moderated, answered once (rules in sales.reviews) ----


class DealerReview(models.Model):
    """A buyer's review of the dealer of one delivered deal. One per deal (the unique deal), shown on
    the dealer's page once staff publish it; the dealer may answer once. Published reviews make the
    dealer's rating (`catalog.Dealer.rating`), which re-stamps its vehicles in search."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PUBLISHED = "published"
        REJECTED = "rejected"

    deal = models.OneToOneField(Deal, on_delete=models.PROTECT, related_name="review")
    dealer = models.ForeignKey("catalog.Dealer", on_delete=models.PROTECT, related_name="reviews")
    buyer = models.ForeignKey("buyers.Buyer", on_delete=models.PROTECT, related_name="reviews")
    stars = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderation_note = models.CharField(max_length=255, blank=True)
    answer = models.TextField(max_length=2000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["dealer", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1) & Q(stars__lte=5), name="review_stars_1_5"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "published", "rejected"]), name="review_status_valid"
            ),
            models.CheckConstraint(condition=Q(answer="") | Q(answered_at__isnull=False), name="review_answer_dated"),
        ]
