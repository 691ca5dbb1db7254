"""The attached assessment becomes a link a trainer chooses (was a bare id); same column."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_delivery"),
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("coursepage", "assessment_form_id", "assessment_form"),
        migrations.AlterField(
            model_name="coursepage",
            name="assessment_form",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: the course completes only once this assessment is passed.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="assessments.assessmentform",
                verbose_name="attached assessment",
            ),
        ),
        migrations.AlterField(
            model_name="coursepage",
            name="pass_mark",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Optional: the score the attached assessment needs; empty: its own pass mark.",
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="pass mark (%)",
            ),
        ),
    ]
