"""Calibration versions: each run of the IRT calibration of one competency bank, never edited.

A run stores the parameters it estimated for each item version, already expressed on the
bank's established θ scale (linked through anchor items; ``linking`` records the constants and
each anchor's drift). Only an *adopted* run feeds grading and adaptive selection; a run that
could not be linked waits for a person to decide (docs/assessments.md, "Calibration").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency

from .bank import ItemBank
from .version import ItemVersion


class CalibrationStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    ADOPTED = "adopted", _("Adopted")
    NEEDS_REVIEW = "review", _("Needs review (not linked)")
    FAILED = "failed", _("Failed")


class CalibrationRun(models.Model):
    bank = models.ForeignKey(ItemBank, on_delete=models.CASCADE, related_name="calibrations")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    number = models.PositiveIntegerField(_("version"))
    model = models.CharField(_("IRT model"), max_length=8, default="2pl")
    status = models.CharField(
        _("status"), max_length=10, choices=CalibrationStatus.choices, default="running"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    n_persons = models.PositiveIntegerField(_("people"), default=0)
    n_items = models.PositiveIntegerField(_("items"), default=0)
    loglik = models.FloatField(null=True, blank=True)
    converged = models.BooleanField(null=True, blank=True)
    linked_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linking = models.JSONField(
        _("linking"), default=dict, blank=True, help_text=_("Method, constants, anchors, drift.")
    )
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("calibration run")
        verbose_name_plural = _("calibration runs")
        ordering = ["bank", "competency", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "competency", "number"], name="assessments_calibration_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bank} · {self.competency.code} v{self.number}"


class ItemCalibration(models.Model):
    """One item version's parameters from one run, on the bank's scale (slope–intercept)."""

    run = models.ForeignKey(CalibrationRun, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="+")
    a = models.FloatField()
    d = models.JSONField(help_text="intercepts d_1 > d_2 > …")
    se_a = models.FloatField(null=True, blank=True)
    se_d = models.FloatField(null=True, blank=True)
    anchor = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "version"], name="assessments_calibrated_once")
        ]

    def __str__(self) -> str:
        return f"{self.run} · v{self.version_id}"
