"""Staff run the admin with every permission of the marketplace's apps (accounts/migrations/0002_roles):
the group was given those that existed then, so the models added since need theirs given here."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ("reservation", "dealerreview")


def grant(apps, schema_editor):
    config = apps.get_app_config("sales")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff, _ = Group.objects.get_or_create(name="staff")
    staff.permissions.add(*Permission.objects.filter(content_type__app_label="sales", content_type__model__in=MODELS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name="staff").first()
    if staff is not None:
        staff.permissions.remove(
            *Permission.objects.filter(content_type__app_label="sales", content_type__model__in=MODELS)
        )


class Migration(migrations.Migration):
    dependencies = [("sales", "0005_dealer_review"), ("accounts", "0002_roles")]
    operations = [migrations.RunPython(grant, revoke)]
