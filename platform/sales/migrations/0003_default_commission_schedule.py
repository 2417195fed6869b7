"""The brokers' commission schedule the platform starts with (a later schedule is a new row)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

DEFAULT_NAME = "Standard brokers' schedule"
# (tier, paid deal volume in the month from which it applies, USD; rate of the deal's price)
DEFAULT_TIERS = (
    ("Bronze", Decimal("0"), Decimal("0.0100")),
    ("Silver", Decimal("50000"), Decimal("0.0150")),
    ("Gold", Decimal("150000"), Decimal("0.0200")),
    ("Platinum", Decimal("400000"), Decimal("0.0250")),
)


def create_default(apps, schema_editor):
    Schedule = apps.get_model("sales", "CommissionSchedule")
    Tier = apps.get_model("sales", "CommissionTier")
    if Schedule.objects.filter(name=DEFAULT_NAME).exists():
        return
    schedule = Schedule.objects.create(name=DEFAULT_NAME, effective_from=date(2020, 1, 1))
    Tier.objects.bulk_create(
        Tier(schedule=schedule, name=name, min_volume_usd=volume, rate=rate) for name, volume, rate in DEFAULT_TIERS
    )


def remove_default(apps, schema_editor):
    apps.get_model("sales", "CommissionSchedule").objects.filter(name=DEFAULT_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("sales", "0002_broker_commissions")]
    operations = [migrations.RunPython(create_default, remove_default)]
