"""Courses: the Wagtail page tree (catalogue → course → lesson) and the learning record.

Pages exist once per locale (zh-Hans original, English translation sharing a translation key).
The learning record is language-independent: it always points at the original (zh-Hans) course
and lesson (``canonical``), so switching language keeps a cadre's progress.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from competencies.models import Competency
from people.models import Cadre, OrgUnit, Position

from .blocks import LessonBodyBlock


class CatalogueIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1
    template = "courses/catalogue_page.html"

    class Meta:
        verbose_name = _("course catalogue")

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("courses:catalogue")


class CoursePage(Page):
    module = models.CharField(_("module code"), max_length=10, blank=True)
    summary = models.TextField(_("summary"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover image"),
    )
    competencies = ParentalManyToManyField(
        Competency, blank=True, related_name="courses", verbose_name=_("competencies trained")
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    admin_levels = models.JSONField(
        _("administrative levels"),
        default=list,
        blank=True,
        help_text=_("Any of: city, district, township. Empty: every level."),
    )
    positions = ParentalManyToManyField(
        Position, blank=True, related_name="courses", verbose_name=_("target positions")
    )
    credit_hours = models.DecimalField(
        _("credit hours (学时)"), max_digits=5, decimal_places=1, default=Decimal("1.0")
    )
    required = models.BooleanField(_("required course"), default=False)
    prerequisites = ParentalManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("prerequisites")
    )
    assessment_form = models.ForeignKey(
        "assessments.AssessmentForm",
        verbose_name=_("attached assessment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Optional: the course completes only once this assessment is passed."),
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Optional: the score the attached assessment needs; empty: its own pass mark."),
    )
    # Chinese text segmented by jieba (courses.search), so plain word matching finds 数字素养
    # inside a longer sentence. Rebuilt on every save.
    search_text = models.TextField(editable=False, blank=True, default="")
    # Set by the content loader: the shipped file's hash, so an unchanged file is not reloaded.
    content_hash = models.CharField(max_length=64, editable=False, blank=True, default="")

    content_panels = [
        *Page.content_panels,
        FieldPanel("module"),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("competencies"),
                FieldPanel("target_level"),
                FieldPanel("admin_levels"),
                FieldPanel("positions"),
            ],
            heading=_("Audience and competencies"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("credit_hours"),
                FieldPanel("required"),
                FieldPanel("prerequisites"),
                FieldPanel("assessment_form"),
                FieldPanel("pass_mark"),
            ],
            heading=_("Credit and completion"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")

    def save(self, *args, **kwargs):
        self.search_text = self.searchable_text()
        return super().save(*args, **kwargs)

    def searchable_text(self) -> str:
        """Title, module, summary and the text of the live lessons, segmented for search (a
        lesson saves this again on its course, so a word only a lesson holds is found too)."""
        from .search import segment

        parts = [self.title, self.module, self.summary]
        if self.pk:
            for lesson in LessonPage.objects.child_of(self).live():
                parts += lesson.body.stream_block.get_searchable_content(lesson.body)
        return segment(strip_tags(" ".join(str(part) for part in parts)))

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_context

        return {**super().get_context(request, *args, **kwargs), **course_context(request, self)}


class LessonPage(Page):
    min_active_minutes = models.PositiveSmallIntegerField(
        _("minimum active minutes"),
        default=5,
        help_text=_("Credit needs this much active time in the lesson, measured by the server."),
    )
    body = StreamField(LessonBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("min_active_minutes"), FieldPanel("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    def save(self, *args, **kwargs):
        saved = super().save(*args, **kwargs)
        course = CoursePage.objects.filter(pk=self.get_parent().pk).first()
        if course is not None:
            CoursePage.objects.filter(pk=course.pk).update(search_text=course.searchable_text())
        return saved

    def serve(self, request, *args, **kwargs):
        from .views import serve_lesson

        return serve_lesson(self, request, super().serve, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_context

        return {**super().get_context(request, *args, **kwargs), **lesson_context(request, self)}


class Enrolment(models.Model):
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrolments")
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    last_lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    credit_hours = models.DecimalField(
        _("credit hours awarded"), max_digits=5, decimal_places=1, default=Decimal("0")
    )

    class Meta:
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "course"], name="courses_enrol_once")
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} → {self.course_id}"


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lessons")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="progress")
    active_seconds = models.PositiveIntegerField(_("active seconds"), default=0)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="courses_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class CheckAnswer(models.Model):
    """The first answer to a knowledge check counts (later answers change nothing)."""

    progress = models.ForeignKey(LessonProgress, on_delete=models.CASCADE, related_name="answers")
    block_id = models.CharField(max_length=64)
    keys = models.JSONField(default=list)
    correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["progress", "block_id"], name="courses_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.progress_id}: {self.block_id}"


class ScenarioRun(models.Model):
    """One play-through of a scenario: the path is appended choice by choice, never rewritten."""

    progress = models.ForeignKey(LessonProgress, on_delete=models.CASCADE, related_name="runs")
    block_id = models.CharField(max_length=64)
    number = models.PositiveSmallIntegerField(default=1)
    node = models.CharField(_("current node"), max_length=40)
    path = models.JSONField(default=list)  # [[decision id, option index], ...]
    scores = models.JSONField(default=list)  # one {competency: score} per choice
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["progress", "block_id", "number"], name="courses_run_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.block_id} #{self.number}"


class Assignment(models.Model):
    """A course assigned by HR or an administrator, with a deadline. Its cadres are resolved once
    (``people.selectors.targeted_cadres``) when it is saved and kept in ``AssignedCadre``."""

    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="assignments")
    deadline = models.DateField(_("deadline"))
    units = models.ManyToManyField(OrgUnit, blank=True, verbose_name=_("units (with subtrees)"))
    positions = models.ManyToManyField(Position, blank=True, verbose_name=_("positions"))
    levels = models.JSONField(_("administrative levels"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        ordering = ["deadline"]

    def __str__(self) -> str:
        return f"{self.course_id} by {self.deadline}"


class AssignedCadre(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="targets")
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments")
    reminded_for = models.DateField(
        null=True, blank=True, help_text="The deadline the last reminder was sent for."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "cadre"], name="courses_assigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.cadre_id}"
