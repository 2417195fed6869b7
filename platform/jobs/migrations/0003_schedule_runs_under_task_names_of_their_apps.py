"""The scheduled jobs of sales and catalog are registered under their own modules' names (they were
jobs.tasks.<name>): their last-run rows follow, so the staff overview keeps their history."""

from django.db import migrations

RENAMED = {
    "jobs.tasks.find_stalled_deals": "sales.tasks.find_stalled_deals",
    "jobs.tasks.find_delayed_shipments": "sales.tasks.find_delayed_shipments",
    "jobs.tasks.sweep_shipment_updates": "sales.tasks.sweep_shipment_updates",
    "jobs.tasks.send_commission_statements": "sales.tasks.send_commission_statements",
    "jobs.tasks.accrue_broker_commissions": "sales.tasks.accrue_broker_commissions",
    "jobs.tasks.check_price_changes": "catalog.tasks.check_price_changes",
}


def rename(apps, schema_editor, renamed=RENAMED):
    ScheduleRun = apps.get_model("jobs", "ScheduleRun")
    for old, new in renamed.items():
        # A row under the new name (a worker of the new code already ran it) wins; the old one goes.
        if ScheduleRun.objects.filter(task_name=new).exists():
            ScheduleRun.objects.filter(task_name=old).delete()
        else:
            ScheduleRun.objects.filter(task_name=old).update(task_name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_vehicle_version_index")]

    operations = [migrations.RunPython(rename, rename_back)]
