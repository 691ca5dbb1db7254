"""Attempts: one cadre taking one form, the items (exact versions) they saw, their answers and
the per-competency results of grading.

The server owns every rule: the deadline is computed when the attempt starts; an attempt is
graded exactly once (a row lock in ``assessments.attempts.submit`` plus the unique constraints
below make a double click, a second tab or a retry harmless).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency
from people.models import Cadre

from .forms import AssessmentForm
from .version import ItemVersion


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    GRADED = "graded", _("Graded")


class CloseReason(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DEADLINE = "deadline", _("Time ran out")
    FINISHED = "finished", _("Adaptive test finished")


class Attempt(models.Model):
    form = models.ForeignKey(
        AssessmentForm, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("form")
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("cadre")
    )
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    close_reason = models.CharField(
        _("closed because"), max_length=10, choices=CloseReason.choices, blank=True
    )
    seed = models.BigIntegerField(editable=False)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    cat_state = models.JSONField(
        _("adaptive test log"), null=True, blank=True, help_text=_("Every step, for replay.")
    )
    points = models.FloatField(_("points"), null=True, blank=True)
    max_points = models.FloatField(_("maximum points"), null=True, blank=True)
    percent = models.FloatField(_("score (%)"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "cadre", "number"], name="assessments_attempt_number"
            ),
            # Two tabs pressing "start" at once still make one running attempt.
            models.UniqueConstraint(
                fields=["form", "cadre"],
                condition=models.Q(status="in_progress"),
                name="assessments_one_running_attempt",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.form} · {self.cadre_id} #{self.number}"

    @property
    def graded(self) -> bool:
        return self.status == AttemptStatus.GRADED


class AttemptItem(models.Model):
    """One item as delivered in one attempt: the version seen, the option order shown, the
    answer saved last and (after grading) its score."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    option_order = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    credit = models.FloatField(null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="assessments_slot"),
            models.UniqueConstraint(fields=["attempt", "version"], name="assessments_slot_item"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} #{self.position}"


class CompetencyResult(models.Model):
    """θ ± SE and level of one competency in one graded attempt (unique: graded once)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="results")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    theta = models.FloatField(_("θ"))
    se = models.FloatField(_("standard error"))
    level = models.PositiveSmallIntegerField(_("level"))
    probabilities = models.JSONField(default=list)
    imprecise = models.BooleanField(default=False)
    method = models.CharField(_("method"), max_length=40)
    n_items = models.PositiveSmallIntegerField(_("items"))
    points = models.FloatField(default=0.0)
    max_points = models.FloatField(default=0.0)

    class Meta:
        ordering = ["attempt", "competency__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "competency"], name="assessments_result_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.competency_id}: {self.theta:.2f} ± {self.se:.2f}"
