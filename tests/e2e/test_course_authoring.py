"""A trainer adds a lesson with a branching scenario in the Wagtail admin: a broken graph is
refused with the node named, the fixed one is published and a cadre can open it."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def course(world):
    from django.contrib.auth.models import Permission

    from courses.content_loader import load_courses
    from courses.models import CoursePage
    from portal.demo import seed_home_page
    from tests.courses.conftest import FIXTURES

    seed_home_page()
    load_courses(FIXTURES)
    # The role groups' permissions come from a data migration; after another browser test's
    # flush they may not be restored on SQLite, so the trainer gets admin access explicitly.
    world.trainer.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")


def _add(page, path: str) -> None:
    """Click the last "add" button of the list block at ``path`` (e.g. "options")."""
    matching = [
        button
        for button in page.locator("button.c-sf-add-button").all()
        if button.evaluate("e => e.closest('[data-contentpath]').dataset.contentpath") == path
    ]
    matching[-1].click()


def _publish(page) -> None:
    with page.expect_navigation():
        page.locator("button[name='action-publish']").evaluate("b => b.click()")
    page.wait_for_load_state("networkidle")


def test_trainer_publishes_a_scenario_lesson(course, world, page, live_server, login):
    from courses.models import LessonPage

    page.goto(f"{live_server.url}/admin/login/")
    page.wait_for_load_state("networkidle")  # the admin's scripts are ready before we type
    page.fill("#id_username", world.trainer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert "/login/" not in page.url, "the trainer's admin login failed"
    page.goto(f"{live_server.url}/admin/pages/add/courses/lessonpage/{course.pk}/")
    page.fill("#id_title", "Trainer scenario lesson")
    page.fill("#id_min_active_minutes", "1")
    page.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="分支情景").click()
    page.wait_for_selector("[name='body-0-value-title']")
    _add(page, "options")  # the second option of the first decision
    _add(page, "endings")
    page.wait_for_selector("[name='body-0-value-endings-0-value-id']")
    value = "body-0-value-"
    option = value + "decisions-0-value-options-"
    page.fill(f"[name='{value}title']", "管网告警")
    page.fill(f"[name='{value}start']", "d1")
    page.fill(f"[name='{value}decisions-0-value-id']", "d1")
    page.fill(f"[name='{option}0-value-text']", "立即派单")
    page.fill(f"[name='{option}0-value-next']", "end")
    page.fill(f"[name='{option}1-value-text']", "继续观察")
    page.fill(f"[name='{option}1-value-next']", "nowhere")  # a dangling next
    page.fill(f"[name='{value}endings-0-value-id']", "end")
    page.fill(f"[name='{value}endings-0-value-title']", "处置完成")
    rich_texts = [
        (f"{value}briefing", "简报"),
        (f"{value}decisions-0-value-situation", "夜间告警"),
        (f"{option}0-value-feedback", "及时"),
        (f"{option}1-value-feedback", "延误"),
        (f"{value}endings-0-value-text", "结束"),
        (f"{value}debrief", "复盘"),
    ]
    for name, text in rich_texts:
        page.locator(f"[name='{name}']").locator("xpath=..").locator(
            "[contenteditable='true']"
        ).first.focus()
        page.keyboard.type(text)
        # Draftail writes its hidden input after a short debounce: wait for it, not for a time.
        page.wait_for_function(
            "([n, t]) => (document.querySelector(`[name='${n}']`).value || '').includes(t)",
            arg=[name, text],
        )
    _publish(page)
    error = page.get_by_text("leads to no decision or ending").or_(page.get_by_text("未指向"))
    assert "d1" in error.first.inner_text() and "nowhere" in error.first.inner_text()
    assert not LessonPage.objects.filter(title="Trainer scenario lesson").exists()
    page.fill(f"[name='{option}1-value-next']", "end")
    _publish(page)
    lesson = LessonPage.objects.get(title="Trainer scenario lesson")
    assert lesson.live
    assert [c.block_type for c in lesson.body] == ["scenario"]
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", world.cadre_a.user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(live_server.url + lesson.url)
    assert page.get_by_role("heading", name="情景演练： 管网告警").is_visible()
