"""Item versions (the immutable scored content) and their statistics."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .item import Item


class ItemVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if "content" in kwargs or "content_hash" in kwargs:
            raise ValidationError(_("Item content is changed by saving a new version."))
        return super().update(**kwargs)


class ItemVersion(models.Model):
    """The scored content of an item as delivered. Attempts reference the exact version.

    A version is locked from the moment its item may be delivered (pilot, operational, retired)
    or delivery uses it; a locked version never changes, and editing its item saves a new one."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64, editable=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="assessments_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                type(self).objects.filter(pk=self.pk).values("content_hash", "locked_at").first()
            )
            if stored and stored["locked_at"] and stored["content_hash"] != self.content_hash:
                raise ValidationError(_("A locked item version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class ItemStatistics(models.Model):
    """Figures about one version from one analysis (a form's CTT report, an IRT calibration).

    Written by the psychometrics side; the admin shows them beside the item."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="statistics")
    source = models.CharField(
        _("source"), max_length=80, help_text=_("e.g. 'ctt:form-12' or 'irt:calibration-3'")
    )
    computed_at = models.DateTimeField(_("computed at"))
    responses = models.PositiveIntegerField(_("responses"), default=0)
    facility = models.FloatField(_("facility"), null=True, blank=True)
    sd = models.FloatField(_("standard deviation"), null=True, blank=True)
    discrimination_index = models.FloatField(_("discrimination index (%)"), null=True, blank=True)
    discriminative_efficiency = models.FloatField(
        _("discriminative efficiency (%)"), null=True, blank=True
    )
    effective_weight = models.FloatField(_("effective weight (%)"), null=True, blank=True)
    irt_model = models.CharField(_("IRT model"), max_length=10, blank=True)
    irt_a = models.FloatField(_("discrimination a"), null=True, blank=True)
    irt_b = models.FloatField(_("difficulty b"), null=True, blank=True)
    irt_se_a = models.FloatField(_("SE of a"), null=True, blank=True)
    irt_se_b = models.FloatField(_("SE of b"), null=True, blank=True)
    details = models.JSONField(
        _("details"), default=dict, blank=True, help_text=_("Distractor analysis, flags.")
    )

    class Meta:
        verbose_name = _("item statistics")
        verbose_name_plural = _("item statistics")
        ordering = ["version", "-computed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "source"], name="assessments_stats_source")
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.source}"
