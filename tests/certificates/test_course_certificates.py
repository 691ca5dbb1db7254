"""A course completed in the courses app earns its certificate: the signal courses sends, the
course's own title and credit hours read back through ``courses.selectors.course_summary``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import Certificate
from courses.signals import course_completed
from tests.courses.conftest import course  # noqa: F401 - the real loader's test course

pytestmark = pytest.mark.django_db


def _complete(cadre, course_page, capture) -> None:
    with capture(execute=True):
        course_completed.send(
            sender=None, cadre_id=cadre.pk, course_id=course_page.pk, completed_at=timezone.now()
        )


def test_a_completed_course_issues_its_certificate_once(
    world,
    rules,
    course,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    for _ in range(2):
        _complete(world.cadre_a, course, django_capture_on_commit_callbacks)
    (certificate,) = Certificate.objects.filter(cadre=world.cadre_a)
    assert certificate.rule == rules[0]
    assert certificate.achievement.reference == str(course.pk)
    assert certificate.achievement.title_zh == course.title
    assert certificate.achievement.title_en == "Test course: handling data alerts"
    assert certificate.achievement.credit_hours == Decimal("2.0")
    assert certificate.pdf and certificate.pdf.read(4) == b"%PDF"


def test_a_course_that_no_longer_exists_earns_nothing(
    world, rules, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course_completed.send(sender=None, cadre_id=world.cadre_a.pk, course_id=987654)
    assert not Certificate.objects.exists()
