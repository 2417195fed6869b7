"""Every database has the market and African currencies before anything is priced in them."""

from django.db import migrations

from catalog.currencies import ensure_currencies


def seed(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        ensure_currencies(cursor)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    # Reversing keeps the rows: vehicles and payments may already be priced in them (PROTECT).
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
