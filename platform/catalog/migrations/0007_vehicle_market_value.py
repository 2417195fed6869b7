"""Market value, interval, deal-rating inputs and the hold on the vehicle row (written by pricing.serving).

The partial index finds the rows written since they were valued (the valuation sweep), on any write path.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_remove_vehicle_photos"),
    ]

    operations = [
        migrations.AddField(
            model_name="vehicle",
            name="held_reason",
            field=models.CharField(blank=True, db_default="", default="", editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="market_high_usd",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="market_low_usd",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="market_model_id",
            field=models.IntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="market_value_usd",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="market_valued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="vehicle",
            name="price_confirmed",
            field=models.DecimalField(blank=True, decimal_places=2, editable=False, max_digits=14, null=True),
        ),
        migrations.RunSQL(
            "CREATE INDEX catalog_vehicle_to_value ON catalog_vehicle (id) "
            "WHERE market_valued_at IS DISTINCT FROM updated_at",
            "DROP INDEX catalog_vehicle_to_value",
        ),
    ]
