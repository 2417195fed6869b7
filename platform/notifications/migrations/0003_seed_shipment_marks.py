"""Shipments that exist when notifications are switched on count as told: the first 6-hourly sweep
must not message every buyer about a status they already know."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_event_triggers"),
        ("jobs", "0001_initial"),
        ("sales", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            """INSERT INTO jobs_followupmark (kind, object_id, value, marked_at)
               SELECT 'shipment_status', id, status, now() FROM sales_shipment
               ON CONFLICT (kind, object_id) DO NOTHING""",
            migrations.RunSQL.noop,
        )
    ]
