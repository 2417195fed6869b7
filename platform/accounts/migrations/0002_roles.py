"""The roles' groups and their model permissions (see accounts/roles.py for who has which role).

Dealer members are `catalog.Dealer.members` and staff have `is_staff`; their groups exist as well, so
the permissions each role needs in the admin or elsewhere are given in one place. Re-running is harmless:
groups are found by name and their permissions set, not added to."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("add", "change", "delete", "view")

PERMISSIONS = {
    "buyer": [
        *(f"notifications.{a}_savedsearch" for a in CRUD),
        *(f"notifications.{a}_pricewatch" for a in CRUD),
        "notifications.view_notificationpreference",
        "notifications.change_notificationpreference",
        "sales.add_lead",
    ],
    "dealer_member": [
        "catalog.view_dealer",
        "catalog.view_vehicle",
        "catalog.add_vehicle",
        "catalog.change_vehicle",
        "sales.view_lead",
        "sales.view_deal",
    ],
    "dealer_admin": [
        "catalog.view_dealer",
        "catalog.change_dealer",
        "catalog.view_vehicle",
        "catalog.add_vehicle",
        "catalog.change_vehicle",
        "catalog.delete_vehicle",
        "sales.view_lead",
        "sales.view_deal",
    ],
    "broker": ["sales.add_lead", "sales.view_lead", "sales.view_deal", "buyers.view_buyer"],
    "analyst": [
        "catalog.view_vehicle",
        "catalog.view_dealer",
        "insights.view_searchlog",
        "insights.view_searchclick",
    ],
}
# Staff run the admin: everything in the marketplace's own apps, the money and the jobs read-only,
# accounts and the sign-in audit to look at (and tokens to revoke).
STAFF_ALL = ("catalog", "buyers", "sales", "notifications", "insights")
STAFF_VIEW = ("payments", "jobs", "accounts", "axes")
STAFF_EXTRA = ["auth.view_user", "auth.change_user", "auth.view_group", "accounts.delete_apitoken"]


def _permissions(Permission, names):
    wanted = {tuple(n.split(".")) for n in names}
    found = [
        p for p in Permission.objects.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        raise RuntimeError(f"unknown permissions: {sorted(missing)}")
    return found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for config in apps.get_app_configs():
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(_permissions(Permission, names))
    staff, _ = Group.objects.get_or_create(name="staff")
    perms = list(Permission.objects.filter(content_type__app_label__in=STAFF_ALL))
    perms += list(Permission.objects.filter(content_type__app_label__in=STAFF_VIEW, codename__startswith="view_"))
    perms += _permissions(Permission, STAFF_EXTRA)
    staff.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*PERMISSIONS, "staff"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0002_seed_currencies"),
        ("buyers", "0001_initial"),
        ("sales", "0001_initial"),
        ("notifications", "0003_seed_shipment_marks"),
        ("insights", "0001_initial"),
        ("payments", "0002_ledger_append_only"),
        ("jobs", "0002_vehicle_version_index"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
