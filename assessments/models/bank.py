"""Banks hold items; categories give a bank the nested folders Moodle banks arrive with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemBank(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("item bank")
        verbose_name_plural = _("item banks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemCategory(models.Model):
    """A folder in a bank, stored by its full path ("Iota/Kappa/Lambda").

    Moodle writes a literal "/" inside a category name as "//"; paths here keep that escape, so
    splitting on a single "/" always gives the segments back."""

    bank = models.ForeignKey(ItemBank, on_delete=models.CASCADE, related_name="categories")
    path = models.CharField(_("path"), max_length=500)
    info = models.TextField(_("description"), blank=True)
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("item category")
        verbose_name_plural = _("item categories")
        ordering = ["bank", "path"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "path"], name="assessments_category_path")
        ]

    def __str__(self) -> str:
        return f"{self.bank.name} / {self.path}"

    @property
    def depth(self) -> int:
        return len(split_path(self.path))


def split_path(path: str) -> list[str]:
    """Segments of a Moodle category path ("a//b/c" → ["a/b", "c"])."""
    placeholder = "\x00"
    return [s.replace(placeholder, "/") for s in path.replace("//", placeholder).split("/") if s]
