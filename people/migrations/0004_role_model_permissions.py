"""Model permissions for the admin's Organisation menu: Administrators edit units, positions
and scope grants; HR and Trainers may look at units and positions (no personal data)."""

from django.db import migrations

EDIT = ("add", "change", "delete", "view")
GRANTS = {
    "Administrators": [(m, a) for m in ("orgunit", "position", "scopegrant") for a in EDIT],
    "HR": [("orgunit", "view"), ("position", "view")],
    "Trainers": [("orgunit", "view"), ("position", "view")],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for model, action in perms:
            group.permissions.add(
                Permission.objects.get(content_type__app_label="people", codename=f"{action}_{model}")
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_roster_upload")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
