"""Courses on PostgreSQL with a real worker: Chinese search and JSON level filter, assignment
targeting through the bulk insert, and the reminder task run by the Celery worker, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from courses.assignments import assign_course
from courses.models import AssignedCadre
from courses.selectors import catalogue
from courses.tasks import send_deadline_reminders
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_search_assignment_and_reminders(world, course, celery_worker_process):
    with translation.override("zh-hans"):
        assert list(catalogue(query="数字素养", level="township")) == [course]
        assert list(catalogue(level="city")) == []
    deadline = timezone.localdate() + timedelta(days=3)
    assignment = assign_course(world.admin, course, deadline, units=[world.district])
    assert assignment.targets.count() == 2
    send_deadline_reminders.delay()
    wait_for(lambda: AssignedCadre.objects.filter(reminded_for=deadline).count() == 2)
    assert send_deadline_reminders.delay().get(timeout=60) == 0


@pytest.fixture
def course(world):
    from courses.content_loader import load_courses
    from courses.models import CoursePage
    from portal.demo import seed_home_page
    from tests.courses.conftest import FIXTURES

    seed_home_page()
    load_courses(FIXTURES)
    return CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")
