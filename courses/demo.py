"""Demo content of the courses app: the shipped courses, one enrolment and one assignment."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from people.models import Cadre, OrgUnit

from .assignments import assign_course
from .content_loader import load_courses
from .models import Assignment, CoursePage
from .services import enrol


def seed_courses() -> str:
    """Load courses/content/*.json, enrol the demo cadre in the first course and have Nan'an's
    HR officer assign the second to the whole district with a deadline in three weeks."""
    result = load_courses()
    cadre = Cadre.objects.filter(employee_no="DEMO-CADRE").first()
    courses = list(
        CoursePage.objects.live().filter(locale__language_code="zh-hans").order_by("module", "pk")
    )
    if cadre is None or not courses:
        return str(result)
    enrol(cadre, courses[0])
    target = courses[1] if len(courses) > 1 else courses[0]
    hr = get_user_model().objects.filter(username="hr_nanan").first()
    if hr is not None and not Assignment.objects.filter(course=target, created_by=hr).exists():
        assign_course(
            hr,
            target,
            timezone.localdate() + timedelta(days=21),
            units=[OrgUnit.objects.get(code="500108")],
            note="南岸区数字素养提升专项",
        )
    return f"{result}; demo cadre enrolled, one assignment"
