"""Write paths of the courses app: enrolment, active time, activities, completion, credit.

Credit is decided here and only here, from what the server recorded (heartbeat times, answers,
scenario paths); nothing the browser reports about durations is read. See courses.rules and
docs/courses.md ("Credit rule").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from competencies.models import EvidenceSource
from competencies.services import Observation, record_evidence
from people.models import Cadre

from . import rules, scenario_graph
from .blocks import scenario_data
from .knowledge import Graded, grade
from .models import CheckAnswer, CoursePage, Enrolment, LessonPage, LessonProgress, ScenarioRun
from .signals import course_completed


def canonical(page: Page) -> Page:
    """The original (default-language) version of a course or lesson page (one query, then
    remembered on the page object for the rest of the request)."""
    cached = getattr(page, "_canonical", None)
    if cached is None:
        cached = (
            type(page)
            .objects.filter(
                translation_key=page.translation_key,
                locale__language_code=settings.LANGUAGE_CODE,
            )
            .first()
            or page
        )
        page._canonical = cached
    return cached


def course_of(lesson: LessonPage) -> CoursePage:
    """The course a lesson belongs to (its parent), in one query, remembered on the lesson."""
    cached = getattr(lesson, "_course", None)
    if cached is None:
        cached = CoursePage.objects.get(path=lesson.path[: -lesson.steplen])
        lesson._course = cached
    return cached


def enrol(cadre: Cadre, course: CoursePage) -> Enrolment:
    course = canonical(course)
    enrolment, _ = Enrolment.objects.get_or_create(cadre=cadre, course=course)
    return enrolment


def _progress(cadre: Cadre, lesson: LessonPage) -> LessonProgress:
    lesson = canonical(lesson)
    enrolment = enrol(cadre, course_of(lesson))
    progress, _ = LessonProgress.objects.select_related("enrolment").get_or_create(
        enrolment=enrolment, lesson=lesson
    )
    if enrolment.last_lesson_id != lesson.pk:
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson)
    return progress


def visit(cadre: Cadre, lesson: LessonPage) -> LessonProgress:
    """A cadre opened the lesson: enrol them if needed and remember where they are."""
    return _progress(cadre, lesson)


@transaction.atomic
def heartbeat(cadre: Cadre, lesson: LessonPage) -> LessonProgress:
    """Count the time since the previous heartbeat as active, within the rule's limits."""
    progress = _progress(cadre, lesson)
    progress = LessonProgress.objects.select_for_update().get(pk=progress.pk)
    now = timezone.now()
    gap = (now - progress.last_heartbeat_at).total_seconds() if progress.last_heartbeat_at else None
    progress.active_seconds += rules.active_increment(
        gap,
        cap=settings.SHUZHI_COURSES_HEARTBEAT_CAP,
        idle_limit=settings.SHUZHI_COURSES_IDLE_LIMIT,
    )
    progress.last_heartbeat_at = now
    progress.save(update_fields=["active_seconds", "last_heartbeat_at"])
    _update_completion(progress)
    return progress


def _block(lesson: LessonPage, block_id: str, kind: str) -> Any:
    for child in lesson.body:
        if child.id == block_id and child.block_type == kind:
            return child.value
    raise ValidationError("no such activity in this lesson")


def answer_check(cadre: Cadre, lesson: LessonPage, block_id: str, keys: list[str]) -> Graded:
    """Grade a knowledge check; the first answer is recorded, later ones only get feedback."""
    value = _block(lesson, block_id, "knowledge_check")
    try:
        graded = grade(value, keys, lesson.locale.language_code)
    except ValueError as error:
        raise ValidationError(str(error)) from error
    progress = _progress(cadre, lesson)
    CheckAnswer.objects.get_or_create(
        progress=progress, block_id=block_id, defaults={"keys": keys, "correct": graded.correct}
    )
    _update_completion(progress)
    return graded


def current_run(cadre: Cadre, lesson: LessonPage, block_id: str) -> ScenarioRun:
    """The open run of this scenario, or a new one (the first, or a replay after finishing)."""
    value = _block(lesson, block_id, "scenario")
    progress = _progress(cadre, lesson)
    run = progress.runs.filter(block_id=block_id).order_by("-number").first()
    if run is None or run.finished_at is not None:
        run = ScenarioRun.objects.create(
            progress=progress,
            block_id=block_id,
            number=(run.number + 1) if run else 1,
            node=scenario_data(value)["start"],
        )
    return run


@transaction.atomic
def choose(cadre: Cadre, lesson: LessonPage, run_id: int, node: str, option: int) -> ScenarioRun:
    """Record one choice. ``node`` must be the run's current decision: a stale form (the back
    button) cannot change a recorded choice."""
    run = (
        ScenarioRun.objects.select_for_update().select_related("progress__enrolment").get(pk=run_id)
    )
    if run.progress.enrolment.cadre_id != cadre.pk:
        raise PermissionDenied
    if run.finished_at is not None or run.node != node:
        raise ValidationError("this decision has already been taken")
    data = scenario_data(_block(lesson, run.block_id, "scenario"))
    try:
        target, ended = scenario_graph.step(data, node, option)
    except (KeyError, IndexError) as error:
        raise ValidationError("no such option") from error
    decision = {d["id"]: d for d in data["decisions"]}[node]
    run.path = [*run.path, [node, option]]
    run.scores = [*run.scores, decision["options"][option]["scores"]]
    run.node = target
    if ended:
        run.finished_at = timezone.now()
    run.save()
    if ended:
        _write_evidence(run, canonical(course_of(lesson)))
        _update_completion(run.progress)
    return run


def _write_evidence(run: ScenarioRun, course: CoursePage) -> int:
    """Evidence from the first finished run of a scenario only: replays earn nothing twice."""
    if (
        run.progress.runs.filter(block_id=run.block_id, finished_at__isnull=False)
        .exclude(pk=run.pk)
        .exists()
    ):
        return 0
    levels = rules.evidence_levels(run.scores, course.target_level)
    cadre_id = run.progress.enrolment.cadre_id
    return record_evidence(
        [
            Observation(
                cadre_id=cadre_id,
                competency=level.competency,
                value=level.value,
                observed_at=run.finished_at,
                note=f"{course.title[:80]} ({level.decisions})",
            )
            for level in levels
        ],
        source_kind=EvidenceSource.SCENARIO,
        source_ref=f"scenario-run:{run.pk}",
    )


def required_activities(lesson: LessonPage) -> list[str]:
    from .blocks import INTERACTIVE

    return [child.id for child in lesson.body if child.block_type in INTERACTIVE]


def done_activities(progress: LessonProgress, answered: set[str] | None = None) -> set[str]:
    if answered is None:
        answered = set(progress.answers.values_list("block_id", flat=True))
    finished = set(
        progress.runs.filter(finished_at__isnull=False).values_list("block_id", flat=True)
    )
    return answered | finished


def _update_completion(progress: LessonProgress) -> None:
    if progress.completed_at is not None:
        return
    lesson = progress.lesson
    if not rules.lesson_complete(
        required_activities(lesson),
        done_activities(progress),
        progress.active_seconds,
        lesson.min_active_minutes,
    ):
        return
    progress.completed_at = timezone.now()
    progress.save(update_fields=["completed_at"])
    complete_course_if_done(progress.enrolment)


def passed_assessment(cadre: Cadre, course: CoursePage) -> bool:
    """Whether the course's attached assessment form (if any) is passed: the one hook to the
    assessments app. Uses ``assessments.selectors.passed_form`` once it exists."""
    if course.assessment_form_id is None:
        return True
    from assessments import selectors

    passed_form = getattr(selectors, "passed_form", None)
    return bool(passed_form and passed_form(cadre, course.assessment_form_id))


@transaction.atomic
def complete_course_if_done(enrolment: Enrolment) -> bool:
    """Award the course's credit hours once: every live lesson counted, assessment passed."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.completed_at is not None:
        return False
    course = enrolment.course
    lessons = set(LessonPage.objects.child_of(course).live().values_list("pk", flat=True))
    done = set(
        enrolment.lessons.filter(completed_at__isnull=False).values_list("lesson_id", flat=True)
    )
    if not lessons or not lessons <= done or not passed_assessment(enrolment.cadre, course):
        return False
    enrolment.completed_at = timezone.now()
    enrolment.credit_hours = course.credit_hours
    enrolment.save(update_fields=["completed_at", "credit_hours"])
    cadre_id, course_id, when = enrolment.cadre_id, course.pk, enrolment.completed_at
    transaction.on_commit(
        lambda: course_completed.send(
            sender=CoursePage, cadre_id=cadre_id, course_id=course_id, completed_at=when
        )
    )
    return True
