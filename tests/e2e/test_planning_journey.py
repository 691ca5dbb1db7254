"""HR in a browser: composite talent and the training plan of their unit — readable, accessible,
usable at phone width, and the plan downloads."""

import pytest

from tests.analytics_planning.conftest import load_test_course, populate
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def unit_a(world):
    load_test_course()
    populate(world)
    return world.unit_a


def test_hr_reads_composite_talent_and_makes_a_plan(unit_a, page, live_server, login):
    login("hr_a")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/analytics/plan/composite/?unit={unit_a.code}")
    assert page.locator("h1").inner_text().startswith("复合型人才")
    assert "甲单位干部" in page.locator("#roster-heading + p + .table-wrap").inner_text()
    assert serious_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0

    page.get_by_role("link", name="本单位培训计划").click()
    page.get_by_label("培训学时预算").fill("4")
    page.get_by_label("名额：M99 测试课程：数据告警处置").fill("2")
    page.get_by_role("button", name="生成计划").click()
    page.wait_for_selector("#plan-heading")
    assert "2项分配" in page.locator("caption").last.inner_text()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 CSV").first.click()
    assert download.value.suggested_filename == f"training-plan-{unit_a.code}.csv"
