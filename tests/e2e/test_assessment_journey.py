"""A cadre takes a fixed and an adaptive assessment with the keyboard only (at phone width, the
adaptive one in elder mode) and sees the per-competency result: θ ± SE and level. axe finds
nothing serious or critical on My assessments, the take pages and the result."""

from __future__ import annotations

import re

import pytest

from assessments.demo import default_cut_scores, demo_form
from assessments.models import Attempt
from assessments.services import ItemRecord, get_bank, write_record
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BANK = "端到端题库"


def _bank() -> None:
    bank = get_bank(BANK)
    for code in ("D2.3", "D4.2"):
        for j in range(6):
            write_record(
                ItemRecord(
                    name=f"{code}-{j}",
                    ref=f"E2E-{code}-{j}",
                    content={
                        "type": "single_choice",
                        "stem_zh": f"<p>{code} 第{j}题：哪一项正确？</p>",
                        "rationale_zh": "<p>解析文字</p>",
                        "options": [
                            {"key": "A", "text_zh": f"正确答案{j}", "correct": True},
                            {"key": "B", "text_zh": f"干扰项甲{j}", "correct": False},
                            {"key": "C", "text_zh": f"干扰项乙{j}", "correct": False},
                        ],
                    },
                    competency_codes=[code],
                    target_level=1 + j % 5,
                    status="operational",
                ),
                bank,
                source="authored",
            )
    default_cut_scores()


FOCUSED_LABEL = (
    "() => document.querySelector(`label[for='${document.activeElement.id}']`).textContent"
)


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only)."""
    for _ in range(limit):
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def _choose_right_answers(page) -> None:
    """For each question on the page: Tab into its radio group, arrow to the right answer."""
    for fieldset in page.locator("fieldset.take-item").all():
        prefix = fieldset.locator("input[type=radio]").first.get_attribute("name")
        _tab_to(page, f"input[name='{prefix}']")
        for _ in range(4):
            label = page.evaluate(FOCUSED_LABEL)
            if "正确答案" in label:
                page.keyboard.press("Space")
                break
            page.keyboard.press("ArrowDown")
        assert page.locator(f"input[name='{prefix}']:checked").count() == 1


def _press_button(page, name: str) -> None:
    _tab_to(page, f"button[value='{name}']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_cadre_takes_fixed_and_adaptive_assessments_with_the_keyboard(
    world, page, live_server, login
):
    _bank()
    cadres = [world.cadre_a]
    fixed = demo_form(
        "端到端固定卷",
        "fixed",
        (("D2.3", 3), ("D4.2", 3)),
        bank_name=BANK,
        cadres=cadres,
        items_per_page=3,
        time_limit_minutes=20,
    )
    adaptive = demo_form(
        "端到端自适应卷",
        "adaptive",
        (("D2.3", 1), ("D4.2", 1)),
        bank_name=BANK,
        cadres=cadres,
        max_items=4,
        min_items=4,
        min_per_competency=2,
    )
    page.set_viewport_size({"width": 360, "height": 740})
    login(world.cadre_a.user.username)
    page.goto(f"{live_server.url}/assessments/")
    assert page.get_by_role("heading", name="我的测评").is_visible()
    assert serious_violations(page) == []

    # Fixed form: two pages of three questions.
    _tab_to(page, f"form[action$='/{fixed.pk}/start/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempt/\d+/$"))
    assert serious_violations(page) == []
    _choose_right_answers(page)
    _press_button(page, "next")
    assert page.get_by_text("第 2 页，共 2 页").is_visible()
    _choose_right_answers(page)
    _press_button(page, "submit")
    page.wait_for_url(re.compile(r"/result/$"))
    assert page.get_by_role("heading", name="测评结果").is_visible()
    table = page.get_by_role("table")
    for code in ("D2.3", "D4.2"):
        assert table.get_by_role("rowheader", name=re.compile(code)).is_visible()
    assert table.get_by_text(re.compile(r"\d\.\d\d ± \d\.\d\d")).count() == 2
    assert page.get_by_text("得分率：100 %").is_visible()
    assert serious_violations(page) == []
    attempt = Attempt.objects.get(form=fixed)
    assert attempt.graded and attempt.percent == pytest.approx(100.0)

    # Adaptive form, in elder mode: one question per screen, chosen by the server, four in all.
    page.goto(f"{live_server.url}/assessments/")
    with page.expect_navigation():
        page.get_by_role("button", name="大字").click()
    page.wait_for_load_state("networkidle")
    _tab_to(page, f"form[action$='/{adaptive.pk}/start/'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempt/\d+/$"))
    for step in range(4):
        assert page.locator("fieldset.take-item").count() == 1, page.url
        if step == 0:
            assert "elder" in (page.locator("html").get_attribute("class") or "")
            assert serious_violations(page) == []
        _choose_right_answers(page)
        _press_button(page, "answer")
    page.wait_for_url(re.compile(r"/result/$"))
    table = page.get_by_role("table")
    assert table.get_by_text(re.compile(r"\d\.\d\d ± \d\.\d\d")).count() == 2
    assert table.get_by_text(re.compile(r"\d 级")).count() == 2
    assert serious_violations(page) == []
    assert Attempt.objects.get(form=adaptive).items.count() == 4
