"""Every database starts with the ports, routes, taxes and rules of delivery.seed, sourced or marked
as estimates; staff replace them in the admin with new rows and effective dates."""

from django.db import migrations

from delivery import seed


def forward(apps, schema_editor):
    seed.load(apps)


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
