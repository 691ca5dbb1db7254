"""Scenario progression and evidence, the credit rule, replay, search and drafts."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from competencies.models import Evidence
from courses import services
from courses.models import Enrolment, LessonProgress
from courses.selectors import catalogue
from courses.signals import course_completed

from .conftest import check_id, scenario_id


class Clock:
    """Moves the server's clock so heartbeats arrive at known intervals (no sleeping)."""

    def __init__(self):
        self.now = timezone.now()

    def beat(self, cadre, lesson, after_seconds: float):
        self.now += timedelta(seconds=after_seconds)
        with mock.patch("django.utils.timezone.now", return_value=self.now):
            return services.heartbeat(cadre, lesson)


def _play_best(cadre, lesson):
    block = scenario_id(lesson)
    run = services.current_run(cadre, lesson, block)
    for node, option in (("d1", 0), ("d2", 0), ("d4", 0)):
        run = services.choose(cadre, lesson, run.pk, node, option)
    return run


def test_scenario_records_the_path_and_writes_evidence_once(world, lessons):
    cadre, lesson = world.cadre_a, lessons[1]
    run = services.current_run(cadre, lesson, scenario_id(lesson))
    run = services.choose(cadre, lesson, run.pk, "d1", 0)
    assert run.node == "d2" and run.finished_at is None
    with pytest.raises(ValidationError):  # no going back: d1 is already decided
        services.choose(cadre, lesson, run.pk, "d1", 1)
    run = services.choose(cadre, lesson, run.pk, "d2", 0)
    run = services.choose(cadre, lesson, run.pk, "d4", 0)
    assert run.finished_at is not None and run.node == "end-good"
    assert run.path == [["d1", 0], ["d2", 0], ["d4", 0]]
    evidence = dict(
        Evidence.objects.filter(cadre=cadre, source_kind="scenario").values_list(
            "competency__code", "value"
        )
    )
    # D2.3: +2, +2 of 4 → target 3; D4.1: +1, +2 of 4 → 3 − 1 + 0.75
    assert evidence == {"D2.3": 3.0, "D4.1": pytest.approx(2.8)}
    _play_best(cadre, lesson)  # a replay
    assert Evidence.objects.filter(cadre=cadre, source_kind="scenario").count() == 2


def test_forged_option_is_refused(world, lessons):
    lesson = lessons[1]
    run = services.current_run(world.cadre_a, lesson, scenario_id(lesson))
    with pytest.raises(ValidationError):
        services.choose(world.cadre_a, lesson, run.pk, "d1", 7)


def test_idle_time_earns_nothing(world, lessons):
    clock, lesson = Clock(), lessons[0]
    services.answer_check(world.cadre_a, lesson, check_id(lesson), ["0"])
    for _ in range(5):
        progress = clock.beat(world.cadre_a, lesson, 600)  # ten minutes apart: idle
    assert progress.active_seconds == 0 and progress.completed_at is None


def test_skipped_activity_earns_nothing(world, lessons):
    clock, lesson = Clock(), lessons[0]
    for _ in range(10):
        progress = clock.beat(world.cadre_a, lesson, 30)
    assert progress.active_seconds == 270  # the first heartbeat only starts the clock
    assert progress.completed_at is None  # the knowledge check was not answered


def test_course_credit_is_awarded_once(world, lessons, django_capture_on_commit_callbacks):
    sent = []
    course_completed.connect(lambda **kw: sent.append(kw), weak=False, dispatch_uid="t")
    try:
        clock, cadre = Clock(), world.cadre_a
        first, second = lessons
        graded = services.answer_check(cadre, first, check_id(first), ["0"])
        assert graded.correct
        for _ in range(3):
            clock.beat(cadre, first, 30)
        assert LessonProgress.objects.get(lesson=first).completed_at is not None
        with django_capture_on_commit_callbacks(execute=True):
            _play_best(cadre, second)
            for _ in range(3):
                clock.beat(cadre, second, 40)
        enrolment = Enrolment.objects.get(cadre=cadre)
        assert enrolment.completed_at is not None and float(enrolment.credit_hours) == 2.0
        with django_capture_on_commit_callbacks(execute=True):
            _play_best(cadre, second)  # replay
            clock.beat(cadre, second, 30)
            assert services.complete_course_if_done(enrolment) is False
        assert float(Enrolment.objects.get(cadre=cadre).credit_hours) == 2.0
        assert len(sent) == 1 and sent[0]["cadre_id"] == cadre.pk
    finally:
        course_completed.disconnect(dispatch_uid="t")


def test_answer_keys_are_not_in_the_page_before_answering(world, lessons, client):
    client.force_login(world.cadre_a.user)
    body = client.get(lessons[0].url).content.decode()
    assert "5%×25%" not in body  # the feedback
    assert "correct" not in body.lower().split("knowledge-check", 1)[1].split("</form>")[0]
    client.post(f"/courses/lessons/{lessons[0].pk}/checks/{check_id(lessons[0])}/", {"option": "1"})
    body = client.get(lessons[0].url).content.decode()
    assert "5%×25%" in body


def test_chinese_search_finds_a_word_inside_a_sentence(course):
    with translation.override("zh-hans"):
        assert list(catalogue(query="数字素养")) == [course]
        assert list(catalogue(query="素养 基层")) == [course]
        assert list(catalogue(query="区块链")) == []
        # Words only a lesson holds: rich text, and a scenario's briefing.
        assert list(catalogue(query="治理的起点")) == [course]
        assert list(catalogue(query="凌晨告警")) == [course]
    with translation.override("en"):
        assert [c.title for c in catalogue(query="digital literacy")] == [
            "Test course: handling data alerts"
        ]


def test_catalogue_filters(course):
    with translation.override("zh-hans"):
        assert list(catalogue(competency="D2.3", level="township", required="1")) == [course]
        assert list(catalogue(level="city")) == []
        assert list(catalogue(required="0")) == []


def test_drafts_are_invisible_to_cadres(world, course, lessons, client):
    course.unpublish()
    client.force_login(world.cadre_a.user)
    assert course.title not in client.get("/courses/").content.decode()
    lessons[0].unpublish()
    assert client.get(lessons[0].url).status_code == 404
    assert client.post(f"/courses/lessons/{lessons[0].pk}/heartbeat/").status_code == 404


def test_a_cadre_cannot_read_or_move_another_cadres_run(world, lessons, client):
    from courses.selectors import own_run

    lesson = lessons[1]
    run_b = services.current_run(world.cadre_b, lesson, scenario_id(lesson))
    assert own_run(world.cadre_a.user, run_b.pk) is None
    assert own_run(world.cadre_b.user, run_b.pk) == run_b
    client.force_login(world.cadre_a.user)
    url = f"/courses/lessons/{lesson.pk}/scenarios/{scenario_id(lesson)}/"
    assert client.post(url, {"run": run_b.pk, "node": "d1", "option": "0"}).status_code == 404
    run_b.refresh_from_db()
    assert run_b.path == [] and run_b.node == "d1"
    with pytest.raises(Exception):  # noqa: B017 — PermissionDenied from the service itself
        services.choose(world.cadre_a, lesson, run_b.pk, "d1", 0)
