"""Trainers author certificate templates and issuance rules in the Wagtail admin."""

from django.db import migrations

MODELS = ("certificatetemplate", "issuancerule")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    trainers, _ = Group.objects.get_or_create(name="Trainers")
    trainers.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="certificates",
            codename__in=[f"{a}_{m}" for a in ACTIONS for m in MODELS],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_initial"), ("people", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
