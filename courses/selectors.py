"""Read paths of the courses app: the catalogue, a cadre's own progress, My learning.

Everything about a cadre goes through ``people.scope``: a cadre reads only their own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale

from competencies.selectors import competency_names, visible_evidence
from people.models import Cadre
from people.selectors import cadre_of

from .knowledge import public_check
from .models import AssignedCadre, CoursePage, Enrolment, LessonPage, LessonProgress, ScenarioRun
from .search import search
from .services import canonical, course_of, done_activities, required_activities


@dataclass(frozen=True)
class CourseSummary:
    """The contract certificates reads (docs/certificates.md)."""

    id: int
    title_zh: str
    title_en: str
    credit_hours: Decimal
    competency_codes: list[str]
    url: str


def course_summary(course_id: int) -> CourseSummary | None:
    course = CoursePage.objects.filter(pk=course_id).first()
    if course is None:
        return None
    english = course.get_translation_or_none(Locale.objects.filter(language_code="en").first())
    return CourseSummary(
        id=course.pk,
        title_zh=course.title,
        title_en=english.title if english else course.title,
        credit_hours=course.credit_hours,
        competency_codes=sorted(course.competencies.values_list("code", flat=True)),
        url=course.url or "",
    )


def _locale() -> Locale:
    language = get_language() or settings.LANGUAGE_CODE
    return Locale.objects.filter(language_code=language).first() or Locale.get_default()


def catalogue(
    *,
    query: str = "",
    competency: str = "",
    level: str = "",
    required: str = "",
) -> QuerySet[CoursePage]:
    """Published courses in the reader's language, filtered as the catalogue form asks."""
    courses = CoursePage.objects.live().public().filter(locale=_locale())
    if competency:
        courses = courses.filter(competencies__code=competency)
    if level:
        courses = courses.filter(admin_levels__icontains=f'"{level}"')
    if required in ("1", "0"):
        courses = courses.filter(required=required == "1")
    if query:
        courses = search(courses, query)
    return courses.distinct().prefetch_related("competencies").order_by("module", "title")


def status_by_course(cadre: Cadre | None) -> dict[str, str]:
    """translation_key → "completed" / "in_progress" for the cadre's enrolments."""
    if cadre is None:
        return {}
    return {
        str(key): "completed" if done else "in_progress"
        for key, done in Enrolment.objects.filter(cadre=cadre).values_list(
            "course__translation_key", "completed_at"
        )
    }


def course_context(request, course: CoursePage) -> dict[str, Any]:
    cadre = cadre_of(request.user)
    original = canonical(course)
    enrolment = Enrolment.objects.filter(cadre=cadre, course=original).first() if cadre else None
    done = set()
    if enrolment:
        done = set(
            enrolment.lessons.filter(completed_at__isnull=False).values_list(
                "lesson__translation_key", flat=True
            )
        )
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    resume = None
    if enrolment and enrolment.last_lesson_id:
        resume = next(
            (
                lesson
                for lesson in lessons
                if lesson.translation_key == enrolment.last_lesson.translation_key
            ),
            None,
        )
    return {
        "cadre": cadre,
        "enrolment": enrolment,
        "lessons": [(lesson, lesson.translation_key in done) for lesson in lessons],
        "resume": resume,
        "competency_list": list(course.competencies.all()),
    }


def lesson_context(request, lesson: LessonPage) -> dict[str, Any]:
    """Per-activity state for the lesson's blocks (what the cadre already answered/finished)."""
    cadre = getattr(request, "course_cadre", None) or cadre_of(request.user)
    progress = getattr(request, "course_progress", None)  # set by serve_lesson's visit
    if progress is None and cadre is not None:
        progress = LessonProgress.objects.filter(
            enrolment__cadre=cadre, lesson=canonical(lesson)
        ).first()
    checks: dict[str, Any] = {}
    language = get_language() or settings.LANGUAGE_CODE  # the URL's language is the page's
    answered = {}
    finished: set[str] = set()
    if progress is not None:
        answered = {a.block_id: a for a in progress.answers.all()}
        finished = done_activities(progress, answered=set(answered))
    for child in lesson.body:
        if child.block_type == "knowledge_check":
            checks[child.id] = public_check(child.value, language)
    required = required_activities(lesson)
    return {
        "cadre": cadre,
        "progress": progress,
        "checks": checks,
        "answered": answered,
        "finished": finished,
        "required_count": len(required),
        "done_count": len(set(required) & finished),
        "course": course_of(lesson),
    }


def own_run(viewer, run_id: int) -> ScenarioRun | None:
    """A scenario run of the viewer's own (nobody reads another cadre's path)."""
    cadre = cadre_of(viewer)
    if cadre is None:
        return None
    return (
        ScenarioRun.objects.filter(pk=run_id, progress__enrolment__cadre=cadre)
        .select_related("progress__lesson")
        .first()
    )


@dataclass(frozen=True)
class AssignedCourse:
    course: CoursePage
    deadline: date
    overdue: bool
    completed: bool
    progress: tuple[int, int]  # lessons done, lessons


def _translated(course: CoursePage, locale: Locale) -> CoursePage:
    other = course.get_translation_or_none(locale)
    return other.specific if other is not None and other.live else course


def my_learning(viewer) -> dict[str, Any]:
    """Everything My learning shows about the viewer's own learning."""
    cadre = cadre_of(viewer)
    if cadre is None:
        return {}
    locale = _locale()
    today = timezone.localdate()
    enrolments = {
        e.course_id: e for e in Enrolment.objects.filter(cadre=cadre).select_related("course")
    }
    done_counts = {
        e.course_id: e.lessons.filter(completed_at__isnull=False).count()
        for e in enrolments.values()
    }

    def progress_of(course: CoursePage) -> tuple[int, int]:
        total = LessonPage.objects.child_of(course).live().count()
        return done_counts.get(course.pk, 0), total

    assigned = []
    for target in AssignedCadre.objects.filter(cadre=cadre).select_related("assignment__course"):
        course = target.assignment.course
        enrolment = enrolments.get(course.pk)
        completed = bool(enrolment and enrolment.completed_at)
        assigned.append(
            AssignedCourse(
                course=_translated(course, locale),
                deadline=target.assignment.deadline,
                overdue=not completed and target.assignment.deadline < today,
                completed=completed,
                progress=progress_of(course),
            )
        )
    assigned.sort(key=lambda a: (a.completed, a.deadline))
    year_start = today.replace(month=1, day=1)
    earned = Enrolment.objects.filter(cadre=cadre, completed_at__date__gte=year_start).aggregate(
        total=Sum("credit_hours")
    )["total"] or Decimal("0")
    requirement = _annual_requirement()
    return {
        "assigned": assigned,
        "enrolled": [
            (_translated(e.course, locale), e, progress_of(e.course))
            for e in sorted(enrolments.values(), key=lambda e: e.enrolled_at, reverse=True)
        ],
        "credit_earned": earned,
        "credit_required": requirement,
        "credit_percent": min(100, int(earned * 100 / requirement)) if requirement else 100,
        "radar": radar_figure(viewer, cadre),
    }


def _annual_requirement() -> int:
    return int(getattr(settings, "SHUZHI_ANNUAL_CREDIT_HOURS", 50))


def radar_figure(viewer, cadre: Cadre) -> dict | None:
    """A plotly radar of the cadre's latest evidence level per competency (None without any)."""
    latest: dict[str, float] = {}
    rows = (
        visible_evidence(viewer)
        .filter(cadre=cadre, value__isnull=False)
        .order_by("observed_at", "pk")
        .values_list("competency__code", "value")
    )
    for code, value in rows:
        latest[code] = value
    if not latest:
        return None
    codes = sorted(latest)
    names = competency_names(codes)
    english = (get_language() or "").startswith("en")
    labels = [f"{c} {names.get(c, ('', ''))[1 if english else 0]}".strip() for c in codes]
    figure = {
        "data": [
            {
                "type": "scatterpolar",
                "r": [*(latest[c] for c in codes), latest[codes[0]]],
                "theta": [*labels, labels[0]],
                "fill": "toself",
                "name": "",
            }
        ],
        "layout": {
            "polar": {"radialaxis": {"range": [0, 5], "dtick": 1}},
            "showlegend": False,
            "height": 420,
        },
        "config": {"displayModeBar": False},
    }
    return {"figure": figure, "table": list(zip(labels, (latest[c] for c in codes), strict=True))}


def completed_course_keys(cadre_ids: list[int]) -> set[tuple[int, str]]:
    """(cadre id, course translation key) for every course those cadres completed — the same key
    in every language, so a plan never assigns a course again (analytics.planning_courses)."""
    return {
        (cadre_id, str(key))
        for cadre_id, key in Enrolment.objects.filter(
            cadre_id__in=cadre_ids, completed_at__isnull=False
        ).values_list("cadre_id", "course__translation_key")
    }


def completions(
    cadre_ids: list[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[tuple[int, int]]:
    """(cadre id, competency id) for every competency trained by a course the cadre completed in
    [since, until] — what analytics.learning.learning_gain calls "treated". A course and its
    translations share a translation key, so a completion counts once whichever language it was
    recorded against, and each pair appears once however many courses train it."""
    enrolments = Enrolment.objects.filter(completed_at__isnull=False)
    if cadre_ids is not None:
        enrolments = enrolments.filter(cadre_id__in=list(cadre_ids))
    if since is not None:
        enrolments = enrolments.filter(completed_at__gte=since)
    if until is not None:
        enrolments = enrolments.filter(completed_at__lte=until)
    done = set(enrolments.values_list("cadre_id", "course__translation_key"))
    trained: dict[str, set[int]] = {}
    for key, competency_id in CoursePage.objects.filter(
        translation_key__in={key for _cadre, key in done}, competencies__isnull=False
    ).values_list("translation_key", "competencies"):
        trained.setdefault(str(key), set()).add(competency_id)
    return sorted({(cadre_id, c) for cadre_id, key in done for c in trained.get(str(key), ())})
