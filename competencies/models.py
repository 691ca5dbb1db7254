"""What: the competency framework, role requirements and the Evidence ledger."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from people.models import Bilingual, Cadre, Position

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _localised(obj: models.Model, field: str) -> str:
    zh, en = getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en")
    return en if (get_language() or "").startswith("en") and en else zh


class Framework(Bilingual):
    """A versioned framework; reassessments stay comparable because versions are never edited
    in place once evidence refers to them."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="competencies_framework_version"
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="competencies_one_current_framework",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ProficiencyLevel(Bilingual):
    """The 1–5 scale (知晓 … 引领) with its descriptors and crosswalks to DigComp and SFIA."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    descriptor_zh = models.JSONField(_("descriptor (Chinese)"), default=dict)
    descriptor_en = models.JSONField(_("descriptor (English)"), default=dict)
    digcomp_levels = models.JSONField(_("DigComp 2.2 levels"), default=list)
    sfia_levels = models.JSONField(_("SFIA levels"), default=list)

    class Meta:
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")
        ordering = ["framework", "level"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "level"], name="competencies_level_unique")
        ]


class Domain(Bilingual):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=10)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competencies_domain_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Tag(models.TextChoices):
    TECHNICAL = "T", _("Technical")
    GOVERNANCE = "G", _("Governance / business")
    LEADERSHIP = "L", _("Leadership")


class Competency(ClusterableModel, Bilingual):
    """A competency such as D2.3; a cluster so the admin edits its five anchors on one page."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competencies")
    code = models.CharField(_("code"), max_length=10)
    tag = models.CharField(_("tag"), max_length=1, choices=Tag.choices)
    bridging = models.BooleanField(
        _("bridging"),
        default=False,
        help_text=_(
            "Needs both technical and business understanding (the core of composite talent)."
        ),
    )
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    crosswalk = models.JSONField(
        _("crosswalk"),
        default=dict,
        blank=True,
        help_text=_("Codes in DigComp 2.2, UNESCO, OECD and Jiangsu DB32/T 5308."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["domain__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain", "code"], name="competencies_competency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def definition(self) -> str:
        return _localised(self, "definition")


class LevelAnchor(models.Model):
    """What a cadre at a given level of one competency can do (a behavioural anchor)."""

    competency = ParentalKey(Competency, on_delete=models.CASCADE, related_name="anchors")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("level anchor")
        verbose_name_plural = _("level anchors")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"], name="competencies_anchor_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} L{self.level}"

    @property
    def text(self) -> str:
        return _localised(self, "text")


class RoleRequirement(models.Model):
    """Position → competency → required level (0–5) and criticality weight (1–3)."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="requirements"
    )
    required_level = models.PositiveSmallIntegerField(
        _("required level"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    weight = models.PositiveSmallIntegerField(
        _("criticality weight"),
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 useful, 2 important, 3 critical"),
    )

    class Meta:
        verbose_name = _("role requirement")
        verbose_name_plural = _("role requirements")
        ordering = ["position", "competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["position", "competency"], name="competencies_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(required_level__gte=0, required_level__lte=5),
                name="competencies_requirement_level_range",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=3),
                name="competencies_requirement_weight_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position.code} {self.competency.code}: R{self.required_level}/w{self.weight}"


class EvidenceSource(models.TextChoices):
    ASSESSMENT = "assessment", _("Assessment")
    SCENARIO = "scenario", _("Scenario")
    RATING = "rating", _("Rating")
    IMPORT = "import", _("Import")


class EvidenceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("Evidence rows are immutable; record a correction instead."))

    def delete(self):
        raise ValidationError(_("Evidence rows are immutable; record a correction instead."))


class Evidence(models.Model):
    """One observation of a cadre on a competency. Append-only: a correction is a new row
    that points at the row it corrects (``corrects``); nothing is updated or deleted.

    ``value`` is on the 1–5 level scale (it may be fractional, e.g. 3.4 from a scenario);
    ``theta``/``theta_se`` carry an IRT ability estimate where the source is IRT-scored.
    """

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="evidence")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="evidence")
    source_kind = models.CharField(_("source kind"), max_length=16, choices=EvidenceSource.choices)
    source_ref = models.CharField(
        _("source reference"),
        max_length=120,
        help_text=_(
            "Identifies the observation at its source, e.g. 'attempt:42' or 'scenario-run:7'."
        ),
    )
    value = models.FloatField(_("level value (1–5)"), null=True, blank=True)
    theta = models.FloatField(_("θ"), null=True, blank=True)
    theta_se = models.FloatField(_("standard error of θ"), null=True, blank=True)
    observed_at = models.DateTimeField(_("observed at"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        indexes = [
            models.Index(fields=["cadre", "competency", "observed_at"]),
            models.Index(fields=["competency", "observed_at"]),
        ]
        constraints = [
            # The same observation is recorded once, however often a task is retried.
            models.UniqueConstraint(
                fields=["cadre", "competency", "source_kind", "source_ref"],
                name="competencies_evidence_once_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | models.Q(theta__isnull=False),
                name="competencies_evidence_has_value_or_theta",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="competencies_evidence_value_range",
            ),
            models.CheckConstraint(
                condition=models.Q(theta_se__isnull=True) | models.Q(theta_se__gt=0),
                name="competencies_evidence_se_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id}/{self.competency_id} {self.source_kind}:{self.source_ref}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("Evidence rows are immutable; record a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Evidence rows are immutable; record a correction instead."))
