"""Summary tables: what dashboards read instead of the ledger.

They are derived data, rebuilt by ``analytics.refresh`` (debounced on new evidence, and
nightly); nothing else writes them. Aggregates hold *sums* (``analytics.gaps.SUM_COLUMNS``) per
unit — the unit's own cadres, not its subtree — so any subtree, level or group figure is one SQL
SUM over stored rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency
from people.models import Cadre, OrgUnit


class CompetencyEstimate(models.Model):
    """A cadre's current fused level on a competency (analytics.fusion)."""

    # Derived rows are rewritten by the million: no per-row foreign-key checks (db_constraint)
    # and no extra indexes beyond the unique key, whose leading column serves cadre lookups.
    cadre = models.ForeignKey(
        Cadre, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    level = models.FloatField(_("level"))
    level_se = models.FloatField(_("standard error"))
    theta = models.FloatField(_("θ"), null=True, blank=True)
    theta_se = models.FloatField(_("standard error of θ"), null=True, blank=True)
    n_evidence = models.PositiveIntegerField(_("observations"))
    last_observed = models.DateTimeField(_("last observed"))
    low_confidence = models.BooleanField(_("low confidence"), default=False)

    class Meta:
        verbose_name = _("competency estimate")
        verbose_name_plural = _("competency estimates")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "competency"], name="analytics_estimate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id}/{self.competency_id}: {self.level:.2f} ± {self.level_se:.2f}"


class Dimension(models.TextChoices):
    ALL = "all", _("All cadres")
    POSITION = "position", _("Position")
    AGE_BAND = "age_band", _("Age band")
    RANK = "rank", _("Rank")


class SummaryFields(models.Model):
    """The sums of analytics.gaps.SUM_COLUMNS (kept in step with it by a test)."""

    n = models.PositiveIntegerField(default=0)
    sum_level = models.FloatField(default=0)
    n_low_confidence = models.PositiveIntegerField(default=0)
    n_required = models.PositiveIntegerField(default=0)
    n_met = models.PositiveIntegerField(default=0)
    sum_gap = models.FloatField(default=0)
    sum_surplus = models.FloatField(default=0)
    sum_weighted_gap = models.FloatField(default=0)
    sum_weighted_required = models.FloatField(default=0)
    n_critical = models.PositiveIntegerField(default=0)
    n_critical_met = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class UnitSummary(SummaryFields):
    """Sums over one unit's own cadres on one competency, overall (dimension "all") or per
    position / age band / rank (``key`` holds the position id or the choice value)."""

    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("unit summary")
        verbose_name_plural = _("unit summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "competency", "dimension", "key"], name="analytics_unit_summary"
            )
        ]
        indexes = [models.Index(fields=["dimension", "competency"])]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.competency_id} {self.dimension}:{self.key} n={self.n}"


class QuarterlySnapshot(SummaryFields):
    """Unit × competency sums as of a quarter's end (the current quarter: as of the last
    refresh), for trends."""

    quarter = models.DateField(_("quarter (first day)"))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )

    class Meta:
        verbose_name = _("quarterly snapshot")
        verbose_name_plural = _("quarterly snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "unit", "competency"], name="analytics_snapshot_unique"
            )
        ]
        # Trends filter by the viewer's units first: without this the unique key (quarter
        # first) was scanned once per unit.
        indexes = [models.Index(fields=["unit", "quarter"], name="analytics_snapshot_unit")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.unit_id}/{self.competency_id} n={self.n}"


class PendingRefresh(models.Model):
    """Cadres whose evidence changed since the last refresh: the debounced task's work list.
    Many evidence writes add rows here; one task run consumes them all."""

    cadre_id = models.IntegerField(primary_key=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"cadre {self.cadre_id}"
