"""The content loader: validates everything first, writes nothing on error, is idempotent."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Locale

from courses.content_loader import load_courses
from courses.models import CoursePage, LessonPage

from .conftest import FIXTURES


def test_loads_both_languages_published_with_shared_block_ids(course):
    english = course.get_translation(Locale.objects.get(language_code="en")).specific
    assert course.live and english.live
    assert english.title == "Test course: handling data alerts"
    zh_lesson = LessonPage.objects.child_of(course).first()
    en_lesson = zh_lesson.get_translation(english.locale)
    assert [c.id for c in zh_lesson.body] == [c.id for c in en_lesson.body]
    assert set(course.competencies.values_list("code", flat=True)) == {"D2.3", "D4.1"}


def test_reload_is_idempotent(course):
    revisions = course.revisions.count()
    result = load_courses(FIXTURES)
    assert result.unchanged == ["test-data-literacy"] and not result.created
    assert CoursePage.objects.get(pk=course.pk).revisions.count() == revisions
    assert CoursePage.objects.filter(slug="test-data-literacy").count() == 2  # zh + en


def test_a_broken_file_stops_everything_and_names_file_and_node(world, tmp_path):
    from portal.demo import seed_home_page

    seed_home_page()
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    doc = json.loads((tmp_path / "test-data-literacy.json").read_text())
    doc["lessons"][1]["body"][0]["decisions"][1]["options"][0]["next"] = "d-missing"
    broken = dict(doc, slug="broken-course")
    (tmp_path / "broken-course.json").write_text(json.dumps(broken, ensure_ascii=False))
    with pytest.raises(ValidationError) as raised:
        load_courses(tmp_path)
    message = "\n".join(raised.value.messages)
    assert "broken-course.json" in message and "'d2'" in message and "d-missing" in message
    assert not CoursePage.objects.exists()  # the valid file was not loaded either


def test_course_summary_for_certificates(course):
    from courses.selectors import course_summary

    summary = course_summary(course.pk)
    assert summary.title_zh == "测试课程：数据告警处置"
    assert summary.title_en == "Test course: handling data alerts"
    assert float(summary.credit_hours) == 2.0 and summary.competency_codes == ["D2.3", "D4.1"]
    assert course_summary(999_999) is None
