"""Files that arrive inside question files, and uploaded question files awaiting import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _media_path(instance: ItemMedia, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"itembank/{instance.sha256[:2]}/{instance.sha256}.{suffix}"


class ItemMedia(models.Model):
    """An image or sound file referenced from item HTML, stored once by content hash.

    Kept as a plain file rather than a Wagtail image or document: question files carry sound
    and other files as well as pictures, these belong to items rather than to the site's media
    library, and the unguessable hashed name keeps a feedback picture from being found before
    grading."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to=_media_path)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("item media file")
        verbose_name_plural = _("item media files")

    def __str__(self) -> str:
        return self.original_name


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Previewed")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")


class QuestionImport(models.Model):
    """An uploaded question file: previewed first, imported on confirmation (an audit trail)."""

    file = models.FileField(upload_to="itembank-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=12)
    bank_name = models.CharField(_("bank"), max_length=120)
    competency_code = models.CharField(_("competency"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    job_id = models.UUIDField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
