"""An item and its editable working copy.

The trainer edits the working copy (these fields and the child rows); saving it snapshots the
content into an ItemVersion (see ``assessments.versioning``). Classification — bank, category,
competencies, target level, case, status — belongs to the item; what is scored belongs to the
version, which attempts reference and which never changes once locked.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import StreamField
from wagtail.models import Orderable, PreviewableMixin

from competencies.models import Competency

from .. import content as c
from ..blocks import ItemTextBlock
from .bank import ItemBank, ItemCategory


class ItemType(models.TextChoices):
    SINGLE_CHOICE = c.SINGLE_CHOICE, _("Single choice")
    MULTIPLE_RESPONSE = c.MULTIPLE_RESPONSE, _("Multiple response")
    TRUE_FALSE = c.TRUE_FALSE, _("True/false")
    NUMERIC = c.NUMERIC, _("Numeric")
    SHORT_ANSWER = c.SHORT_ANSWER, _("Short answer")
    MATCHING = c.MATCHING, _("Matching")
    ORDERING = c.ORDERING, _("Ordering")
    SJT_BEST_WORST = c.SJT_BEST_WORST, _("Situational judgement: best and worst")
    SJT_RATE = c.SJT_RATE, _("Situational judgement: rate each option")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PILOT = "pilot", _("Pilot")
    OPERATIONAL = "operational", _("Operational")
    RETIRED = "retired", _("Retired")


# Statuses in which an item may be (or may have been) delivered: its version is frozen.
DELIVERED_STATUSES = (ItemStatus.PILOT, ItemStatus.OPERATIONAL, ItemStatus.RETIRED)


class ItemSource(models.TextChoices):
    AUTHORED = "authored", _("Written here")
    DATA_FILE = "data_file", _("Data file")
    MOODLE_XML = "moodle-xml", _("Moodle XML")
    GIFT = "gift", _("GIFT")
    QTI = "qti", _("QTI")
    EXCEL = "excel", _("Excel template")


class MRScoring(models.TextChoices):
    PARTIAL = c.MR_PARTIAL, _("Partial credit: (correct − incorrect chosen) / correct")
    FRACTIONS = c.MR_FRACTIONS, _("Answer fractions (Moodle)")
    ALL_OR_NOTHING = c.MR_ALL_OR_NOTHING, _("All or nothing")


class OrderScoring(models.TextChoices):
    RELATIVE = c.ORDER_RELATIVE, _("Share of pairs in the right relative order")
    ABSOLUTE = c.ORDER_ABSOLUTE, _("Share of steps in the right position")
    ALL_OR_NOTHING = c.ORDER_ALL_OR_NOTHING, _("All or nothing")


def _text(label, **kwargs):
    return models.TextField(label, blank=True, **kwargs)


class Item(PreviewableMixin, ClusterableModel):
    bank = models.ForeignKey(
        ItemBank, on_delete=models.PROTECT, related_name="items", verbose_name=_("bank")
    )
    category = models.ForeignKey(
        ItemCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("category"),
    )
    ref = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("A stable code such as M04-MC-1; data files are loaded by it."),
    )
    external_id = models.CharField(
        _("ID in the source system"), max_length=255, blank=True, editable=False
    )
    name = models.CharField(_("name"), max_length=255)
    type = models.CharField(_("type"), max_length=20, choices=ItemType.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT
    )
    competencies = ParentalManyToManyField(
        Competency, blank=True, related_name="items", verbose_name=_("competencies")
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    case_id = models.CharField(_("case"), max_length=20, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=ItemSource.choices, default=ItemSource.AUTHORED
    )
    default_mark = models.FloatField(_("default mark"), default=1.0)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)

    # --- working copy of the scored content ---
    stem_zh = StreamField(ItemTextBlock(), blank=True, verbose_name=_("stem (Chinese)"))
    stem_en = StreamField(ItemTextBlock(), blank=True, verbose_name=_("stem (English)"))
    rationale_zh = StreamField(ItemTextBlock(), blank=True, verbose_name=_("rationale (Chinese)"))
    rationale_en = StreamField(ItemTextBlock(), blank=True, verbose_name=_("rationale (English)"))
    worst_key = models.CharField(
        _("keyed worst option"),
        max_length=8,
        blank=True,
        help_text=_("Best/worst judgement items: the key of the option experts rate worst."),
    )
    numeric_unit = models.CharField(_("unit"), max_length=40, blank=True)
    case_sensitive = models.BooleanField(_("case sensitive"), default=False)
    mr_scoring = models.CharField(
        _("multiple-response scoring"),
        max_length=16,
        choices=MRScoring.choices,
        default=MRScoring.PARTIAL,
    )
    order_scoring = models.CharField(
        _("ordering scoring"),
        max_length=16,
        choices=OrderScoring.choices,
        default=OrderScoring.RELATIVE,
    )
    rating_min = models.SmallIntegerField(_("lowest rating"), default=1)
    rating_max = models.SmallIntegerField(_("highest rating"), default=6)
    feedback_correct_zh = _text(_("feedback when correct (Chinese)"))
    feedback_correct_en = _text(_("feedback when correct (English)"))
    feedback_partial_zh = _text(_("feedback when partly correct (Chinese)"))
    feedback_partial_en = _text(_("feedback when partly correct (English)"))
    feedback_incorrect_zh = _text(_("feedback when incorrect (Chinese)"))
    feedback_incorrect_en = _text(_("feedback when incorrect (English)"))

    current_version = models.ForeignKey(
        "assessments.ItemVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("current version"),
    )
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["bank", "ref", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=~models.Q(ref=""), name="assessments_item_ref_unique"
            )
        ]
        indexes = [models.Index(fields=["type", "status"])]
        permissions = [("import_items", _("Can import and export question files"))]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}" if self.ref else self.name

    @property
    def competency_codes(self) -> str:
        return ", ".join(comp.code for comp in self.competencies.all())

    # --- preview in the admin (PreviewableMixin) ---
    @property
    def preview_modes(self):
        return [("", _("As the cadre sees it")), ("key", _("With the key"))]

    def get_preview_template(self, request, mode_name):
        return "assessments/admin/item_preview.html"

    def get_preview_context(self, request, mode_name):
        from ..preview import preview_context

        return {
            **super().get_preview_context(request, mode_name),
            **preview_context(self, mode_name),
        }


class ItemOption(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("key"), max_length=8)
    text_zh = _text(_("text (Chinese)"))
    text_en = _text(_("text (English)"))
    correct = models.BooleanField(_("correct"), default=False)
    fraction = models.FloatField(
        _("grade (%)"),
        null=True,
        blank=True,
        help_text=_("Only for answer-fraction scoring, e.g. 50 or −33.33333."),
    )
    sme_score = models.FloatField(_("SME score (−2…+2)"), null=True, blank=True)
    sme_mean = models.FloatField(_("SME mean rating"), null=True, blank=True)
    feedback_zh = _text(_("feedback (Chinese)"))
    feedback_en = _text(_("feedback (English)"))

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")


class NumericAnswer(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="numeric_answers")
    answer = models.FloatField(_("answer"), null=True, blank=True)
    tolerance = models.FloatField(_("tolerance (±)"), default=0.0)
    low = models.FloatField(_("range from"), null=True, blank=True)
    high = models.FloatField(_("range to"), null=True, blank=True)
    any_value = models.BooleanField(
        _("any other number"), default=False, help_text=_("Matches every response (for feedback).")
    )
    fraction = models.FloatField(_("grade (%)"), default=100.0)
    feedback_zh = _text(_("feedback (Chinese)"))
    feedback_en = _text(_("feedback (English)"))

    class Meta(Orderable.Meta):
        verbose_name = _("numeric answer")
        verbose_name_plural = _("numeric answers")


class AcceptedAnswer(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="accepted_answers")
    text_zh = models.CharField(_("answer (Chinese)"), max_length=255, blank=True)
    text_en = models.CharField(_("answer (English)"), max_length=255, blank=True)
    fraction = models.FloatField(_("grade (%)"), default=100.0)
    feedback_zh = _text(_("feedback (Chinese)"))
    feedback_en = _text(_("feedback (English)"))

    class Meta(Orderable.Meta):
        verbose_name = _("accepted answer")
        verbose_name_plural = _("accepted answers")


class MatchPair(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="pairs")
    left_zh = _text(_("left (Chinese)"), help_text=_("Leave both sides empty for a distractor."))
    left_en = _text(_("left (English)"))
    right_zh = _text(_("right (Chinese)"))
    right_en = _text(_("right (English)"))

    class Meta(Orderable.Meta):
        verbose_name = _("matching pair")
        verbose_name_plural = _("matching pairs")


class SequenceStep(Orderable):
    item = ParentalKey(Item, on_delete=models.CASCADE, related_name="steps")
    text_zh = _text(_("text (Chinese)"))
    text_en = _text(_("text (English)"))

    class Meta(Orderable.Meta):
        verbose_name = _("step")
        verbose_name_plural = _("steps in the correct order")
