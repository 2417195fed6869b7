"""The path from interest to a delivered car: leads, deals and the shipments that carry them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


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
        NEGOTIATION = "negotiation"
        AGREED = "agreed"
        DEPOSIT_PAID = "deposit_paid"
        PAID = "paid"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        CANCELLED = "cancelled"

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
        BOOKED = "booked"
        AT_ORIGIN_PORT = "at_origin_port"
        IN_TRANSIT = "in_transit"
        AT_DESTINATION_PORT = "at_destination_port"
        CLEARED = "cleared"
        DELIVERED = "delivered"
        DELAYED = "delayed"

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
