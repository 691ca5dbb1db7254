"""Completing a course sends course_completed; certificates issues a course certificate."""

from __future__ import annotations

from certificates.demo import default_rules, default_template
from certificates.models import Certificate
from courses import services
from courses.models import LessonPage

from .conftest import check_id, scenario_id


def test_completion_issues_a_course_certificate(world, lessons, django_capture_on_commit_callbacks):
    default_rules(default_template())
    LessonPage.objects.filter(pk__in=[lesson.pk for lesson in lessons]).update(min_active_minutes=0)
    first, second = (LessonPage.objects.get(pk=lesson.pk) for lesson in lessons)
    cadre = world.cadre_a
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_check(cadre, first, check_id(first), ["0"])
        run = services.current_run(cadre, second, scenario_id(second))
        for node in ("d1", "d2", "d4"):
            run = services.choose(cadre, second, run.pk, node, 0)
    certificate = Certificate.objects.get(cadre=cadre)
    assert certificate.achievement.reference == str(lessons[0].get_parent().pk)
    assert float(certificate.achievement.credit_hours) == 2.0
