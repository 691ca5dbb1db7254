"""Trainers and administrators manage the item bank in the admin."""

from django.db import migrations

PERMISSIONS = [
    ("item", ["add", "change", "delete", "view", "import_items"]),
    ("itembank", ["add", "change", "delete", "view"]),
    ("itemcategory", ["add", "change", "delete", "view"]),
    ("itemversion", ["view"]),
    ("itemstatistics", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name in ("Trainers", "Administrators"):
        group, _ = Group.objects.get_or_create(name=name)
        for model, actions in PERMISSIONS:
            for action in actions:
                codename = action if action == "import_items" else f"{action}_{model}"
                perm = Permission.objects.filter(
                    content_type__app_label="assessments", codename=codename
                ).first()
                if perm is not None:
                    group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial"), ("people", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
