"""Certificates: authored templates, issuance rules, the achievements reported to this app, and
the certificates issued for them.

A certificate snapshots what it certifies (holder's name, titles, level, credit hours, dates), so
it reads the same years later whatever happens to the course or the template.
"""

from __future__ import annotations

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import PreviewableMixin

from people.models import Bilingual, Cadre

from .codes import format_code


def private_storage() -> FileSystemStorage:
    """Issued PDFs and batch archives: outside MEDIA_ROOT, served only through permission checks."""
    return FileSystemStorage(location=settings.CERTIFICATES_PRIVATE_ROOT, base_url=None)


class AchievementKind(models.TextChoices):
    COURSE = "course", _("Course completed")
    COMPETENCY_LEVEL = "competency_level", _("Competency level certified")


class AchievementRecord(models.Model):
    """One achievement reported to this app (a course completed, a level certified).

    Kept so that a rule created later can be applied to past achievements (batch issuance), and
    so that a retried report records nothing twice (the unique constraint).
    """

    cadre = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="achievements")
    kind = models.CharField(_("kind"), max_length=20, choices=AchievementKind.choices)
    reference = models.CharField(
        _("reference"), max_length=60, help_text=_("Course id or competency code.")
    )
    level = models.PositiveSmallIntegerField(_("level"), default=0, help_text=_("0: no level"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    credit_hours = models.DecimalField(
        _("credit hours"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    achieved_at = models.DateTimeField(_("achieved at"))
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "kind", "reference", "level"],
                name="certificates_achievement_once",
            )
        ]
        indexes = [models.Index(fields=["kind", "reference"])]

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.kind}:{self.reference}/{self.level}"


class IssuanceRule(Bilingual):
    """When a certificate is issued, and on which template.

    A course rule fires when a cadre completes its course (courses counts a course complete only
    once its attached assessment, where one is configured, is passed); with no course it fires
    for every course. A competency rule fires when an assessment certifies a level of at least
    ``min_level`` in its competency (or in any competency).
    """

    kind = models.CharField(_("trigger"), max_length=20, choices=AchievementKind.choices)
    course_id = models.PositiveIntegerField(
        _("course id"), null=True, blank=True, help_text=_("Blank: every course.")
    )
    competency_code = models.CharField(
        _("competency code"), max_length=10, blank=True, help_text=_("Blank: every competency.")
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("For competency rules: the lowest certified level that earns a certificate."),
    )
    template = models.ForeignKey(
        "certificates.CertificateTemplate",
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name=_("template"),
    )
    valid_for_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Blank: never expires.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("issuance rule")
        verbose_name_plural = _("issuance rules")
        ordering = ["kind", "name_zh"]

    def clean(self) -> None:
        if self.kind == AchievementKind.COURSE and self.competency_code:
            raise ValidationError({"competency_code": _("A course rule names no competency.")})
        if self.kind == AchievementKind.COMPETENCY_LEVEL and self.course_id:
            raise ValidationError({"course_id": _("A competency rule names no course.")})

    def matches(self, achievement: AchievementRecord) -> bool:
        if not self.is_active or achievement.kind != self.kind:
            return False
        if self.kind == AchievementKind.COURSE:
            return self.course_id is None or str(self.course_id) == achievement.reference
        if self.competency_code and self.competency_code != achievement.reference:
            return False
        return achievement.level >= self.min_level


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Certificate(models.Model):
    """An issued certificate; once per rule and achievement (a database constraint)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    code = models.CharField(_("verification code"), max_length=32, unique=True, editable=False)
    rule = models.ForeignKey(
        IssuanceRule, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("rule")
    )
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("cadre")
    )
    achievement = models.ForeignKey(
        AchievementRecord, on_delete=models.PROTECT, related_name="certificates"
    )
    holder_name = models.CharField(_("holder's name"), max_length=64)
    # The credential subject's id: a random pseudonym, never the name or an employee number.
    subject_pseudonym = models.UUIDField(default=uuid4, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    pdf = models.FileField(_("PDF"), storage=private_storage, upload_to="pdf/%Y/%m", blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "cadre", "achievement"], name="certificates_once_per_rule"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="certificates_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.serial} {self.holder_name}"

    @property
    def serial(self) -> str:
        """The number printed on the certificate: year of issue and row id."""
        return f"SZ{self.issued_at:%Y}-{self.pk:07d}" if self.pk else ""

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return CertificateStatus.REVOKED
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return CertificateStatus.EXPIRED
        return CertificateStatus.VALID

    def get_status_display(self) -> str:
        return CertificateStatus(self.status).label

    @cached_property
    def title(self) -> str:
        from .wording import achievement_title

        return achievement_title(self.achievement)


class PageSize(models.TextChoices):
    A4_LANDSCAPE = "A4 landscape", _("A4 landscape")
    A4_PORTRAIT = "A4 portrait", _("A4 portrait")
    A5_LANDSCAPE = "A5 landscape", _("A5 landscape")


class CertificateTemplate(PreviewableMixin, models.Model):
    """A certificate's design, authored in the Wagtail admin: HTML with placeholders and CSS.

    Authors' HTML and CSS are restricted (no scripts, no remote URLs) when saved, and cleaned
    again when rendered; every placeholder value is escaped (see certificates.placeholders).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    page_size = models.CharField(
        _("page size"), max_length=20, choices=PageSize.choices, default=PageSize.A4_LANDSCAPE
    )
    body_html = models.TextField(
        _("HTML"),
        help_text=_(
            "Placeholders in braces, e.g. {holder_name}, {achievement}, {level}, "
            "{credit_hours}, {date}, {serial}, {issuer}, {qr_code}, {seal}. "
            "Write {{ and }} for literal braces."
        ),
    )
    css = models.TextField(_("CSS"), blank=True)
    seal = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seal image"),
        help_text=_("Blank: the platform's neutral seal."),
    )
    issuer_name_zh = models.CharField(
        _("issuer (Chinese)"), max_length=100, blank=True, help_text=_("Blank: the platform.")
    )
    issuer_name_en = models.CharField(_("issuer (English)"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("page_size"),
        FieldPanel("body_html"),
        FieldPanel("css"),
        FieldPanel("seal"),
        FieldPanel("issuer_name_zh"),
        FieldPanel("issuer_name_en"),
    ]
    preview_modes = [("", _("Certificate (HTML)")), ("pdf", _("PDF"))]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .sanitise import template_problems

        errors = template_problems(self.body_html, self.css)
        if errors:
            raise ValidationError(errors)

    def serve_preview(self, request, mode_name):
        from .preview import serve_template_preview

        return serve_template_preview(self, request, mode_name)
