"""A cadre opens an assigned course, plays its scenario with the keyboard only and sees credit
hours and the competency radar appear in My learning; axe finds nothing serious on the
catalogue, a lesson, the player and My learning, in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.models import Locale

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def assigned(world):
    from courses import services
    from courses.assignments import assign_course
    from courses.content_loader import load_courses
    from courses.models import CoursePage, LessonPage
    from portal.demo import seed_home_page
    from tests.courses.conftest import FIXTURES, check_id

    seed_home_page()
    load_courses(FIXTURES)
    course = CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")
    first, second = LessonPage.objects.child_of(course).order_by("path")
    deadline = timezone.localdate() + timedelta(days=14)
    assign_course(world.admin, course, deadline, units=[world.unit_a])
    # Lesson 1 done beforehand (answer + server heartbeats on a moved clock): the browser part
    # is the scenario lesson, whose minimum time is set to zero so no test waits for minutes.
    services.answer_check(world.cadre_a, first, check_id(first), ["0"])
    now = timezone.now()
    for step in range(3):
        at = now + timedelta(seconds=30 * step)
        with mock.patch("django.utils.timezone.now", return_value=at):
            services.heartbeat(world.cadre_a, first)
    LessonPage.objects.filter(slug="night-alarm").update(min_active_minutes=0)
    return course, second


def _axe_clean(page):
    assert serious_violations(page) == [], page.url


def test_keyboard_scenario_earns_credit_and_radar(assigned, world, page, live_server, login):
    course, _lesson = assigned
    login(world.cadre_a.user.username)
    page.goto(f"{live_server.url}/learning/")
    assert page.get_by_test_id("credit-earned").inner_text() == "0.0"
    assert page.get_by_text("完成一次情景演练或测评后").is_visible()  # no radar yet
    page.get_by_role("link", name=course.title).first.click()
    page.get_by_role("link", name="夜间告警情景").click()
    _axe_clean(page)
    page.get_by_role("link", name="进入情景演练").click()
    _axe_clean(page)
    page.keyboard.press("Enter")  # "Start the scenario" has the focus
    page.wait_for_selector("#decision-heading")
    for _ in range(3):  # d1 → d2 → d4 → the good ending, keyboard only
        _axe_clean(page)
        page.keyboard.press("Space")  # the first option has the focus: choose it
        page.keyboard.press("Tab")  # leave the radio group: the confirm button
        page.keyboard.press("Enter")
        page.wait_for_selector("#consequence")
    assert page.get_by_role("heading", name="结局： 处置得当").is_visible()
    _axe_clean(page)
    page.goto(f"{live_server.url}/learning/")
    assert page.get_by_test_id("credit-earned").inner_text() == "2.0"
    assert "D2.3" in page.get_by_test_id("radar-table").text_content()
    assert page.locator("[data-figure=radar-figure]").is_visible()
    _axe_clean(page)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_are_accessible_in_both_languages(assigned, world, page, live_server, login, prefix):
    _course, lesson = assigned
    login(world.cadre_a.user.username)
    for path in ("/courses/", "/learning/"):
        page.goto(f"{live_server.url}{prefix}{path}")
        _axe_clean(page)
    page.goto(f"{live_server.url}{prefix}/courses/?q=数字素养")
    _axe_clean(page)
    target = lesson.get_translation(Locale.objects.get(language_code="en")) if prefix else lesson
    page.goto(f"{live_server.url}{target.url}")
    _axe_clean(page)
    page.set_viewport_size({"width": 360, "height": 740})
    for url in (f"{prefix}/courses/", target.url, f"{prefix}/learning/"):
        page.goto(f"{live_server.url}{url}")
        assert _overflow(page) <= 0, url
    page.locator(".elder-switch button").click()  # elder mode on the phone, on My learning
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    _axe_clean(page)
    page.goto(f"{live_server.url}{target.url}")
    assert _overflow(page) <= 0
    _axe_clean(page)


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
