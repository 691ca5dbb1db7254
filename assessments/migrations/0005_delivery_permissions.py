"""Trainers set up forms and look at cut scores and calibrations; HR sets up forms for the
units in their scope; administrators also edit cut scores and run calibrations."""

from django.db import migrations

GRANTS = {
    "Trainers": [
        ("assessmentform", ["add", "change", "delete", "view", "view_item_analysis"]),
        ("cutscore", ["view"]),
        ("calibrationrun", ["view"]),
    ],
    "HR": [("assessmentform", ["add", "change", "view"])],
    "Administrators": [
        ("assessmentform", ["add", "change", "delete", "view", "view_item_analysis"]),
        ("cutscore", ["add", "change", "delete", "view"]),
        ("calibrationrun", ["add", "change", "view"]),
    ],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for model, actions in grants:
            for action in actions:
                codename = action if action.startswith("view_item") else f"{action}_{model}"
                perm = Permission.objects.filter(
                    content_type__app_label="assessments", codename=codename
                ).first()
                if perm is not None:
                    group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_delivery"), ("people", "0002_role_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
