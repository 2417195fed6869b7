"""Dealers, the vehicles they list for export, and the currencies prices are quoted in.

Integrity rules live in the database (checks, unique VIN, foreign keys) so that every write path,
raw SQL and bulk loads included, is held to them, not only the ORM.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from search.fields import BY_NAME, choices


class Currency(models.Model):
    """An ISO 4217 currency and its rate against the US dollar (units of this currency per USD)."""

    code = models.CharField(primary_key=True, max_length=3)
    name = models.CharField(max_length=64)
    units_per_usd = models.DecimalField(max_digits=20, decimal_places=8)
    # When the rate was published (a snapshot's date) or fetched (the refresh job), never when it was loaded.
    rate_updated_at = models.DateTimeField()
    # Where the rate comes from (a publisher and its URL); empty: the built-in seed, no source recorded.
    # The database default covers rows inserted by raw SQL (catalog.currencies).
    rate_source = models.CharField(max_length=300, blank=True, db_default="")

    class Meta:
        verbose_name_plural = "currencies"
        constraints = [
            models.CheckConstraint(condition=Q(units_per_usd__gt=0), name="currency_rate_positive"),
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="currency_code_iso"),
        ]

    def __str__(self) -> str:
        return self.code


class Dealer(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    city = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    verified = models.BooleanField(default=False)
    # E.164 ("+254712345678"), also the dealer's WhatsApp number; set through catalog.services, which
    # normalises what the dealer typed. Empty: buyers are offered to share the listing instead.
    # The database default covers rows written by COPY and raw SQL (loader, generator), not only the ORM.
    phone = models.CharField(max_length=16, blank=True, db_default="", help_text="E.164, also used for WhatsApp")
    # When the dealer proved they hold `phone` (a code sent to it on WhatsApp), or staff vouched for it
    # (demo dealers). Buyers get a WhatsApp button only for a verified number; a new number clears it.
    phone_verified_at = models.DateTimeField(null=True, blank=True)

    class PhoneShown(models.TextChoices):
        EVERYWHERE = "everywhere", "the number and the WhatsApp button on vehicle pages"
        WHATSAPP = "whatsapp", "only the WhatsApp button"
        NOWHERE = "nowhere", "nowhere: buyers write through the platform"

    # Where buyers see the verified number; the platform's inquiries are always offered.
    phone_shown = models.CharField(
        max_length=10, choices=PhoneShown.choices, default="everywhere", db_default="everywhere"
    )
    # Users who manage this dealer's inventory (dealer staff accounts).
    members = models.ManyToManyField("auth.User", blank=True, related_name="dealers")
    # Stable key of the seller in imported data, so that re-running an import finds the same dealer.
    source_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="dealer_country_iso"),
            models.CheckConstraint(condition=Q(rating__gte=0) & Q(rating__lte=5), name="dealer_rating_0_5"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="dealer_location_valid",
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^\+[1-9][0-9]{6,14}$"), name="dealer_phone_e164"
            ),
            models.CheckConstraint(
                condition=Q(phone_shown__in=["everywhere", "whatsapp", "nowhere"]), name="dealer_phone_shown_valid"
            ),
            models.CheckConstraint(
                condition=Q(phone_verified_at__isnull=True) | ~Q(phone=""), name="dealer_phone_verified_has_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.country})"

    @property
    def whatsapp_number(self) -> str:
        """The number buyers may open a WhatsApp chat with: verified and not hidden by the dealer."""
        if self.phone and self.phone_verified_at and self.phone_shown != self.PhoneShown.NOWHERE:
            return self.phone
        return ""

    @property
    def shown_phone(self) -> str:
        """The number printed on vehicle pages (only where the dealer chose to show it)."""
        return self.phone if self.whatsapp_number and self.phone_shown == self.PhoneShown.EVERYWHERE else ""


class Vehicle(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available"
        RESERVED = "reserved"
        SOLD = "sold"
        WITHDRAWN = "withdrawn"

    class Condition(models.TextChoices):
        NEW = "new"
        USED = "used"
        DEMO = "demo"
        CERTIFIED = "certified"

    vin = models.CharField(max_length=17, unique=True, null=True, blank=True)
    make = models.CharField(max_length=60)
    model = models.CharField(max_length=80)
    trim = models.CharField(max_length=120, blank=True)
    year = models.PositiveSmallIntegerField()
    price = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT)
    mileage_km = models.PositiveIntegerField(null=True, blank=True)
    condition = models.CharField(max_length=12, choices=Condition.choices, default=Condition.USED)
    body_type = models.CharField(max_length=30, blank=True)
    fuel = models.CharField(max_length=20, blank=True)
    transmission = models.CharField(max_length=20, blank=True)
    drivetrain = models.CharField(max_length=10, blank=True)
    # Left- or right-hand drive; blank when unknown. Import rules depend on it (e.g. Kenya: RHD only).
    steering = models.CharField(max_length=3, choices=choices("steering"), blank=True, default="", db_default="")
    engine = models.CharField(max_length=80, blank=True)
    exterior_color = models.CharField(max_length=40, blank=True)
    interior_color = models.CharField(max_length=40, blank=True)
    features = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    description = models.TextField(blank=True)
    dealer = models.ForeignKey(Dealer, on_delete=models.PROTECT, related_name="vehicles")
    country = models.CharField(max_length=2)
    city = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    # Stable key of the listing in imported data, so that re-running an import updates, not duplicates.
    source_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    listed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    # The search document's version: a database trigger sets it from one sequence on every insert and
    # update of this row, and on every change of its dealer or currency that alters its document.
    search_version = models.BigIntegerField(default=0, editable=False)
    # Market value in US dollars and its 80 % interval, written by pricing.serving (NULL: not valued,
    # or "not enough data"); the deal rating is derived from them and the price where it is shown.
    # On the row, so a new valuation reaches search through the ordinary capture.
    market_value_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, editable=False)
    market_low_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, editable=False)
    market_high_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, editable=False)
    # The registry entry (pricing.MarketValueModel) that valued it, and the updated_at it valued.
    market_model_id = models.IntegerField(null=True, blank=True, editable=False)
    market_valued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Why buyers' search holds the listing back until its dealer confirms or corrects it ("" = not held):
    # a price far outside its interval, a body the model rules out, a mileage impossible for its age.
    held_reason = models.CharField(max_length=40, blank=True, default="", db_default="", editable=False)
    # The price (in the listing's currency) its dealer confirmed as meant despite a hold.
    price_confirmed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["dealer", "status"]),
            models.Index(fields=["make", "model", "year"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1900) & Q(year__lte=2100), name="vehicle_year_range"),
            models.CheckConstraint(condition=Q(price__gte=0), name="vehicle_price_non_negative"),
            models.CheckConstraint(condition=Q(mileage_km__gte=0), name="vehicle_mileage_non_negative"),
            models.CheckConstraint(
                condition=Q(status__in=["available", "reserved", "sold", "withdrawn"]), name="vehicle_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(condition__in=["new", "used", "demo", "certified"]), name="vehicle_condition_valid"
            ),
            models.CheckConstraint(
                condition=Q(steering__in=["", *BY_NAME["steering"].value_codes]), name="vehicle_steering_valid"
            ),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="vehicle_country_iso"),
            models.CheckConstraint(
                condition=Q(vin__isnull=True) | Q(vin__regex=r"^[A-HJ-NPR-Z0-9]{11,17}$"), name="vehicle_vin_format"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="vehicle_location_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.make} {self.model} {self.trim}".strip()


class PriceHistory(models.Model):
    """A vehicle's price as it changed over time, for price-drop alerts and market analysis."""

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="price_history")
    price = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.ForeignKey(Currency, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "price history entries"
        indexes = [models.Index(fields=["vehicle", "recorded_at"])]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="price_history_non_negative")]
