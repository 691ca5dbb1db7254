"""A course with an attached assessment completes only once the form is passed — whichever
comes last, the lessons or the pass (assessments' attempt_graded completes the waiting course)."""

from __future__ import annotations

import pytest

from assessments import attempts
from courses import services
from courses.models import Enrolment
from tests.assessments.delivery_helpers import fixed_form, key_answers, load_bank

from .conftest import check_id
from .test_delivery import Clock, _play_best

pytestmark = pytest.mark.django_db


def _finish_lessons(cadre, lessons) -> None:
    clock, (first, second) = Clock(), lessons
    services.answer_check(cadre, first, check_id(first), ["0"])
    for _ in range(3):
        clock.beat(cadre, first, 30)
    _play_best(cadre, second)
    for _ in range(3):
        clock.beat(cadre, second, 40)


def _sit(form, cadre, *, correct: bool, capture, leave_out: int = 0):
    attempt = attempts.start_attempt(form, cadre)
    answers = key_answers(attempt) if correct else {}
    for position in sorted(answers)[:leave_out]:
        del answers[position]
    if answers:
        attempts.save_answers(attempt.pk, answers)
    with capture(execute=True):
        graded = attempts.submit(attempt.pk)
    assert graded.passed is correct
    return graded


def test_lessons_alone_do_not_complete_and_the_pass_does(
    world, course, lessons, django_capture_on_commit_callbacks
):
    load_bank()
    form = fixed_form(world, pass_mark=50, attempts_allowed=2)
    course.assessment_form_id = form.pk
    course.save_revision().publish()
    cadre = world.cadre_a
    with django_capture_on_commit_callbacks(execute=True):
        _finish_lessons(cadre, lessons)
    enrolment = Enrolment.objects.get(cadre=cadre)
    assert enrolment.completed_at is None  # waiting for the assessment

    _sit(form, cadre, correct=False, capture=django_capture_on_commit_callbacks)
    assert Enrolment.objects.get(pk=enrolment.pk).completed_at is None

    _sit(form, cadre, correct=True, capture=django_capture_on_commit_callbacks)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert float(enrolment.credit_hours) == float(course.credit_hours)


def test_the_course_may_ask_for_more_than_the_forms_own_pass_mark(
    world, course, lessons, django_capture_on_commit_callbacks
):
    load_bank()
    form = fixed_form(world, pass_mark=50, attempts_allowed=2)
    course.assessment_form_id, course.pass_mark = form.pk, 100
    course.save_revision().publish()
    cadre = world.cadre_a
    with django_capture_on_commit_callbacks(execute=True):
        _finish_lessons(cadre, lessons)
    capture = django_capture_on_commit_callbacks
    partial = _sit(form, cadre, correct=True, capture=capture, leave_out=1)
    assert partial.percent < 100
    assert Enrolment.objects.get(cadre=cadre).completed_at is None
    _sit(form, cadre, correct=True, capture=capture)
    assert Enrolment.objects.get(cadre=cadre).completed_at is not None
