"""Assessment forms (what a cadre is assigned and takes) and cut scores (θ → levels 1–5).

A form is either *fixed* — a blueprint of sections, each drawing a number of items of one
competency from a pool, in random item and option order per attempt — or *adaptive*: the
competencies' operational items in the form's bank, chosen one at a time by the CAT engine
(``assessments.psychometrics.cat``) until the target standard error, the maximum length or the
bank's end. Sections serve both: for an adaptive form their counts are the content-balancing
shares and the per-competency minimum applies to each.
"""

from __future__ import annotations

from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from competencies.models import Competency
from people.models import AdminLevel, Cadre, OrgUnit, Position

from .bank import ItemBank
from .item import Item


class FormKind(models.TextChoices):
    FIXED = "fixed", _("Fixed form")
    ADAPTIVE = "adaptive", _("Adaptive (CAT)")


class FeedbackPolicy(models.TextChoices):
    """When the cadre sees what: the per-competency result always shows after grading."""

    IMMEDIATE = "immediate", _("Score and rationale right after submitting")
    SCORE_ONLY = "score_only", _("Score after submitting, rationale never")
    AFTER_CLOSE = "after_close", _("Score and rationale once the form closes")
    LEVELS_ONLY = "levels_only", _("Only the competency levels")


class AssessmentForm(ClusterableModel):
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=FormKind.choices)
    bank = models.ForeignKey(
        ItemBank, on_delete=models.PROTECT, related_name="forms", verbose_name=_("item bank")
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published forms can be taken.")
    )
    # --- settings ---
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    pass_mark = models.FloatField(
        _("pass mark (%)"),
        default=60.0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    feedback_policy = models.CharField(
        _("feedback"),
        max_length=12,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.IMMEDIATE,
    )
    items_per_page = models.PositiveSmallIntegerField(
        _("items per page (fixed forms)"), default=5, validators=[MinValueValidator(1)]
    )
    shuffle_items = models.BooleanField(_("random item order"), default=True)
    shuffle_options = models.BooleanField(_("random option order"), default=True)
    # --- adaptive settings ---
    se_target = models.FloatField(
        _("target standard error"), default=0.35, validators=[MinValueValidator(0.05)]
    )
    max_items = models.PositiveSmallIntegerField(
        _("maximum items"), default=30, validators=[MinValueValidator(1)]
    )
    min_items = models.PositiveSmallIntegerField(_("minimum items"), default=5)
    min_per_competency = models.PositiveSmallIntegerField(
        _("minimum items per competency"), default=2
    )
    randomesque = models.PositiveSmallIntegerField(
        _("randomesque exposure control (k)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("The next item is drawn at random among the k most informative ones."),
    )
    # --- targeting (people.selectors.targeted_cadres) ---
    target_units = ParentalManyToManyField(
        OrgUnit, blank=True, related_name="+", verbose_name=_("units (with their subtrees)")
    )
    target_positions = ParentalManyToManyField(
        Position, blank=True, related_name="+", verbose_name=_("positions")
    )
    target_levels = models.JSONField(
        _("administrative levels"), default=list, blank=True, help_text=_("city/district/township")
    )
    target_cadres = ParentalManyToManyField(
        Cadre, blank=True, related_name="+", verbose_name=_("named cadres")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assessment form")
        verbose_name_plural = _("assessment forms")
        ordering = ["-created_at"]
        permissions = [("view_item_analysis", _("Can see item analysis of forms"))]

    def __str__(self) -> str:
        return self.title_zh

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The form must close after it opens.")})
        unknown = set(self.target_levels or []) - set(AdminLevel.values)
        if unknown:
            raise ValidationError({"target_levels": _("Unknown administrative level.")})

    @property
    def adaptive(self) -> bool:
        return self.kind == FormKind.ADAPTIVE

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_published
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )


class FormSection(Orderable, ClusterableModel):
    """One blueprint row: draw ``count`` items of ``competency`` from the pool.

    An empty pool means every operational item of that competency in the form's bank. For an
    adaptive form, ``count`` is the competency's share in content balancing."""

    form = ParentalKey(AssessmentForm, on_delete=models.CASCADE, related_name="sections")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    count = models.PositiveSmallIntegerField(
        _("items to draw"), default=3, validators=[MinValueValidator(1)]
    )
    pool = ParentalManyToManyField(
        Item,
        blank=True,
        related_name="+",
        verbose_name=_("item pool"),
        help_text=_("Empty: all operational items of the competency in the bank."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("blueprint section")
        verbose_name_plural = _("blueprint sections")


class CutScore(models.Model):
    """θ cut scores of one competency: the lowest θ of levels 2–5 (blank: not certifiable by a
    test, e.g. L5 which needs work evidence). Edited by administrators; optional Angoff basis."""

    competency = models.OneToOneField(
        Competency, on_delete=models.CASCADE, related_name="+", verbose_name=_("competency")
    )
    level_2 = models.FloatField(_("θ cut for level 2"))
    level_3 = models.FloatField(_("θ cut for level 3"), null=True, blank=True)
    level_4 = models.FloatField(_("θ cut for level 4"), null=True, blank=True)
    level_5 = models.FloatField(_("θ cut for level 5"), null=True, blank=True)
    basis = models.TextField(
        _("basis"), blank=True, help_text=_("How the cuts were set (e.g. an Angoff panel).")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cut score")
        verbose_name_plural = _("cut scores")
        ordering = ["competency__code"]

    def __str__(self) -> str:
        return str(self.competency)

    @property
    def cuts(self) -> tuple[float, ...]:
        values = [self.level_2, self.level_3, self.level_4, self.level_5]
        out: list[float] = []
        for value in values:
            if value is None:
                break
            out.append(value)
        return tuple(out)

    def clean(self) -> None:
        values = [self.level_2, self.level_3, self.level_4, self.level_5]
        present = [v for v in values if v is not None]
        if any(v is None for v in values[: len(present)]):
            raise ValidationError(_("Fill the cuts from level 2 upwards without gaps."))
        if any(b <= a for a, b in pairwise(present)):
            raise ValidationError(_("Cut scores must increase with the level."))
