"""Who: the organisation tree, positions, cadres, and who may see whom.

Personal data is kept to what training and gap analysis need (PIPL's minimum-necessary rule):
an employee number, a display name, unit, position, rank, an age *band* and the joining date.
No ID-card numbers, phone numbers or birthdays.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class AdminLevel(models.TextChoices):
    """The three administrative levels of Chongqing's governance network (市 / 区县 / 乡镇街道)."""

    CITY = "city", _("City")
    DISTRICT = "district", _("District/county")
    TOWNSHIP = "township", _("Township/street")


class UnitKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    STREET = "street", _("Street")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township")
    PARTY_DEPARTMENT = "party_department", _("Party department")
    GOV_DEPARTMENT = "gov_department", _("Government department")
    DIGITAL_CENTRE = "digital_centre", _("Digital governance centre")


class Bilingual(models.Model):
    """A row named in Chinese and English; ``name`` follows the active language."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class OrgUnit(MP_Node, Bilingual):
    """A unit in the organisation tree, stored as a materialised path.

    The path makes "everything under this unit" a single indexed prefix query
    (``path LIKE '0001000A%'``), which the data scope and every aggregate rely on.
    """

    code = models.CharField(_("unit code"), max_length=40, unique=True)
    level = models.CharField(_("administrative level"), max_length=10, choices=AdminLevel.choices)
    kind = models.CharField(_("unit kind"), max_length=20, choices=UnitKind.choices)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["level"])]


class Position(Bilingual):
    """A post such as 镇街基层治理中心数据专员; role requirements hang off it."""

    code = models.CharField(_("position code"), max_length=40, unique=True)
    level = models.CharField(
        _("administrative level"), max_length=10, choices=AdminLevel.choices, blank=True
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]


class Rank(models.TextChoices):
    """Civil-service rank (职级), coarse enough for analysis."""

    CLERK = "clerk", _("Clerk or below")
    DEPUTY_SECTION = "deputy_section", _("Deputy section level")
    SECTION = "section", _("Section level")
    DEPUTY_DIVISION = "deputy_division", _("Deputy division level")
    DIVISION = "division", _("Division level")
    BUREAU = "bureau", _("Bureau level")


class AgeBand(models.TextChoices):
    UNDER_30 = "<30", _("Under 30")
    FROM_30 = "30-39", _("30–39")
    FROM_40 = "40-49", _("40–49")
    FROM_50 = "50+", _("50 and over")


class Cadre(models.Model):
    """A cadre (干部): the person the platform trains and assesses."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cadre"
    )
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    display_name = models.CharField(_("name"), max_length=64)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("unit")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="cadres", verbose_name=_("position")
    )
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        ordering = ["employee_no"]
        permissions = [("import_roster", _("Can import rosters"))]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.employee_no})"


class ScopeGrant(models.Model):
    """Makes a user (HR / organisation department) responsible for a unit and its whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope_grants"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="scope_grants")

    class Meta:
        verbose_name = _("scope grant")
        verbose_name_plural = _("scope grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="people_scopegrant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


class DisplayPreference(models.Model):
    """Per-user display choices that follow the user across devices (elder-friendly mode)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preference"
    )
    elder_mode = models.BooleanField(
        _("elder-friendly mode (large text, high contrast)"), default=False
    )

    class Meta:
        verbose_name = _("display preference")
        verbose_name_plural = _("display preferences")

    def __str__(self) -> str:
        return f"{self.user}: elder mode {'on' if self.elder_mode else 'off'}"


class RosterUpload(models.Model):
    """A roster file uploaded in the admin, held between its preview and its import.

    The file lives in the private directory (``settings.SHUZHI_PRIVATE_DIR``), never under
    MEDIA_ROOT: a roster is personal data and must not be reachable by URL. The row stays as a
    record of who imported what and when; the file is deleted after a successful import or when
    it grows stale (``people.tasks.purge_roster_uploads``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_uploads"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=80, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    preview_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("roster upload")
        verbose_name_plural = _("roster uploads")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.created_at:%Y-%m-%d %H:%M})"
