"""A small course loaded from tests/courses/fixtures through the real loader."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Exhibit documents (and certificates) are written under the test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATES_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def course(world):
    from courses.content_loader import load_courses
    from courses.models import CoursePage
    from portal.demo import seed_home_page

    seed_home_page()
    load_courses(FIXTURES)
    return CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")


@pytest.fixture
def lessons(course):
    from courses.models import LessonPage

    return list(LessonPage.objects.child_of(course).order_by("path"))


def scenario_id(lesson) -> str:
    return next(child.id for child in lesson.body if child.block_type == "scenario")


def check_id(lesson) -> str:
    return next(child.id for child in lesson.body if child.block_type == "knowledge_check")
