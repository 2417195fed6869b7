"""The incremental jobs (price checks, saved-search alerts) read vehicles by search_version, the
version a trigger stamps on every write; this index keeps each page an index range scan."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS jobs_vehicle_search_version ON catalog_vehicle (search_version)",
            "DROP INDEX IF EXISTS jobs_vehicle_search_version",
        )
    ]
