"""Staff read the payments admin (accounts/migrations/0002_roles: every view_ permission of payments that
existed then); the exchange-rate page added since needs its view permission given here."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    config = apps.get_app_config("payments")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.get_or_create(name="staff")
    staff.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename="view_exchangerate"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="staff").first()
    if staff is not None:
        staff.permissions.remove(*Permission.objects.filter(codename="view_exchangerate"))


class Migration(migrations.Migration):
    dependencies = [("payments", "0009_exchangerate"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]
