"""Model permissions for the admin's Competency framework menu: Administrators edit it, Trainers
may look (their content names competencies)."""

from django.db import migrations

EDIT = ("add", "change", "delete", "view")
MODELS = ("framework", "domain", "competency", "levelanchor", "rolerequirement", "proficiencylevel")
GRANTS = {
    "Administrators": [(m, a) for m in MODELS for a in EDIT],
    "Trainers": [(m, "view") for m in MODELS],
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
                Permission.objects.get(
                    content_type__app_label="competencies", codename=f"{action}_{model}"
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0002_anchors_in_competency_cluster"),
        ("people", "0004_role_model_permissions"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
