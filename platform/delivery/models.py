"""Reference data for delivered prices and import eligibility: destination ports, where each market's
cars leave from, freight, marine insurance, import taxes and import rules.

Every rate and rule is a row with its public source, the date someone checked it, whether the figure
is sourced or an illustrative estimate, and the dates it is in force (`effective_until` exclusive;
open-ended when empty). A change is a new row with a later `effective_from`: the old row keeps
saying what was true before. Rows of one subject (a route and size, a country) may not overlap in
time; `clean()` refuses it with the other row's dates, and the admin runs it. All money here is in
US dollars, so a change of a display currency's rate never changes a stored estimate.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

COUNTRY_ISO = Q(country__regex=r"^[A-Z]{2}$")


class Status(models.TextChoices):
    # The figure is read from the authority's own publication.
    PRIMARY = "primary", "official source"
    # Read from a secondary publication (press, shipper, forwarder) that cites the rule.
    SECONDARY = "secondary", "secondary source"
    # Nobody confirmed it: an order of magnitude for the demo, shown as such.
    ESTIMATE = "estimate", "illustrative estimate"


class SizeClass(models.TextChoices):
    # RoRo freight is charged by volume: these are the bands the rates are quoted for.
    CAR = "car", "car (sedan, hatchback, coupé, convertible)"
    SUV = "suv", "SUV, pickup, van, estate"
    LARGE = "large", "truck or bus"


class Sourced(models.Model):
    """Where a figure comes from and when it is in force."""

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ESTIMATE)
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    checked_on = models.DateField(help_text="When someone last checked the figure against its source.")
    note = models.TextField(blank=True)
    effective_from = models.DateField(default=date(2020, 1, 1))
    effective_until = models.DateField(null=True, blank=True, help_text="Exclusive; empty = until replaced.")
    updated_at = models.DateTimeField(auto_now=True)

    # The fields naming what a row is about: two rows of one subject may not overlap in time.
    subject: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.status != Status.ESTIMATE and not (self.source_url or self.source_title):
            raise ValidationError({"source_url": "A sourced figure names its source; otherwise mark it an estimate."})
        if self.effective_until and self.effective_from and self.effective_until <= self.effective_from:
            raise ValidationError({"effective_until": "Must be after effective_from."})
        attnames = [self._meta.get_field(name).attname for name in self.subject]
        values = {name: getattr(self, name) for name in attnames}
        if not self.effective_from or None in values.values():
            return
        others = type(self).objects.filter(**values).exclude(pk=self.pk)
        start, end = self.effective_from, self.effective_until or date.max
        for other in others:
            other_end = other.effective_until or date.max
            if other.effective_from < end and start < other_end:
                until = other.effective_until or "open-ended"
                raise ValidationError(
                    {"effective_from": f"Overlaps row {other.pk} (in force {other.effective_from} to {until})."}
                )

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day < self.effective_until)


def _dates_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(effective_until__isnull=True) | Q(effective_until__gt=F("effective_from")), name=name
    )


class Port(models.Model):
    """A destination port buyers choose; its country is the country whose taxes and rules apply."""

    # UN/LOCODE ("KEMBA" Mombasa), what the API and the URL carry.
    code = models.CharField(primary_key=True, max_length=5)
    name = models.CharField(max_length=80)
    # Other names buyers type ("Apapa", "Dar"), comma-separated; query understanding reads them.
    aliases = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2)
    country_name = models.CharField(max_length=80)
    country_name_fr = models.CharField(max_length=80)
    # The currency a buyer there thinks in (the default display currency once the port is chosen).
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2}[A-Z0-9]{3}$"), name="port_code_unlocode"),
            models.CheckConstraint(condition=COUNTRY_ISO, name="port_country_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ExportOrigin(Sourced):
    """Where the cars standing in one country are shipped from, and the inland leg to that port."""

    country = models.CharField(max_length=2, help_text="Where the car stands (ISO 3166-1 alpha-2).")
    # Freight is quoted per region ("us_east"): several countries can ship from one.
    region = models.CharField(max_length=30)
    export_port = models.CharField(max_length=80)
    inland_usd = models.DecimalField(max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    subject = ("country",)

    class Meta:
        ordering = ["country", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=COUNTRY_ISO, name="origin_country_iso"),
            models.CheckConstraint(condition=Q(inland_usd__gte=0), name="origin_inland_non_negative"),
            _dates_ordered("origin_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.country} → {self.export_port}"


class FreightRate(Sourced):
    """Ocean freight for one vehicle of a size class, from an export region to a destination port."""

    class Method(models.TextChoices):
        RORO = "roro", "RoRo"
        CONTAINER = "container", "container"

    region = models.CharField(max_length=30)
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="freight_rates")
    size_class = models.CharField(max_length=5, choices=SizeClass.choices)
    method = models.CharField(max_length=10, choices=Method.choices, default=Method.RORO)
    amount_usd = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    subject = ("region", "port", "size_class", "method")

    class Meta:
        ordering = ["region", "port", "size_class", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_usd__gte=0), name="freight_non_negative"),
            _dates_ordered("freight_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.region} → {self.port_id} {self.size_class} {self.method}: {self.amount_usd} USD"


class InsuranceRate(Sourced):
    """Marine insurance as a percentage of FOB + freight (one rate for every route)."""

    percent = models.DecimalField(
        max_digits=6, decimal_places=3, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    minimum_usd = models.DecimalField(max_digits=10, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    subject = ("scope",)
    scope = models.CharField(max_length=10, default="all", editable=False)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100) & Q(minimum_usd__gte=0), name="insurance_range"
            ),
            _dates_ordered("insurance_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% (min {self.minimum_usd} USD)"


class ImportTax(Sourced):
    """A destination country's taxes on an imported car, each a percentage of its base:
    duty of CIF; excise of CIF + duty; VAT of CIF + duty + excise; levies of CIF."""

    country = models.CharField(max_length=2)
    duty_percent = models.DecimalField(max_digits=6, decimal_places=3, default=0, validators=[MinValueValidator(0)])
    excise_percent = models.DecimalField(max_digits=6, decimal_places=3, default=0, validators=[MinValueValidator(0)])
    vat_percent = models.DecimalField(max_digits=6, decimal_places=3, default=0, validators=[MinValueValidator(0)])
    levies_percent = models.DecimalField(max_digits=6, decimal_places=3, default=0, validators=[MinValueValidator(0)])
    subject = ("country",)

    class Meta:
        ordering = ["country", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=COUNTRY_ISO, name="tax_country_iso"),
            models.CheckConstraint(
                condition=Q(duty_percent__gte=0)
                & Q(excise_percent__gte=0)
                & Q(vat_percent__gte=0)
                & Q(levies_percent__gte=0),
                name="tax_non_negative",
            ),
            _dates_ordered("tax_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.country} taxes from {self.effective_from}"


class AgeSurcharge(Sourced):
    """An extra charge on cars older than `older_than_years` (the highest band reached applies)."""

    class Base(models.TextChoices):
        CIF = "cif", "CIF"
        CIF_DUTY = "cif_duty", "CIF + duty"

    country = models.CharField(max_length=2)
    older_than_years = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=6, decimal_places=3, validators=[MinValueValidator(0)])
    base = models.CharField(max_length=8, choices=Base.choices, default=Base.CIF)
    subject = ("country", "older_than_years")

    class Meta:
        ordering = ["country", "older_than_years", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=COUNTRY_ISO, name="surcharge_country_iso"),
            models.CheckConstraint(condition=Q(percent__gte=0), name="surcharge_non_negative"),
            _dates_ordered("surcharge_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.country}: +{self.percent}% over {self.older_than_years} years"


class ImportRule(Sourced):
    """Whether a car may enter a country at all: an age limit, a steering side, used cars refused.

    Age is counted in calendar years from the model year (first registration is not recorded): a
    car is refused when this year minus its model year reaches `max_age_years` (Kenya's eight years
    admit 2019 models in 2026, as KEBS words it: first registered from 1 January 2019).
    """

    country = models.CharField(max_length=2)
    max_age_years = models.PositiveSmallIntegerField(null=True, blank=True)
    steering = models.CharField(
        max_length=3, blank=True, choices=[("lhd", "left-hand drive only"), ("rhd", "right-hand drive only")]
    )
    used_allowed = models.BooleanField(default=True, help_text="False: only new cars may be imported.")
    subject = ("country",)

    class Meta:
        ordering = ["country", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=COUNTRY_ISO, name="rule_country_iso"),
            models.CheckConstraint(condition=Q(steering__in=["", "lhd", "rhd"]), name="rule_steering_valid"),
            _dates_ordered("rule_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.country} import rule from {self.effective_from}"
