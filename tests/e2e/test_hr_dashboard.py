"""The HR dashboard in a real browser: drill from the city to a township on the heat map,
export a table as XLSX and download the PDF briefing (tasks run in-process here)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from analytics.refresh import refresh_all
from tests import factories
from tests.analytics.conftest import add_cadres, evidence_for
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.SHUZHI_PRIVATE_DIR = tmp_path / "private"


@pytest.fixture
def city_hr(world):
    a = [world.cadre_a, *add_cadres(world.unit_a, world.position, "EMP-A", 5)]
    b = [world.cadre_b, *add_cadres(world.unit_b, world.position, "EMP-B", 5)]
    evidence_for(a, {"D1.2": 4.0, "D2.1": 2.0, "D4.2": 3.0}, "e2e-a")
    evidence_for(b, {"D1.2": 5.0, "D2.1": 4.5, "D4.2": 3.5}, "e2e-b")
    refresh_all()
    return factories.hr_user("hr_city_e2e", world.city)


def test_hr_drills_to_a_township_exports_and_downloads_the_briefing(
    world, city_hr, login, page, live_server
):
    page.set_viewport_size({"width": 360, "height": 800})
    login("hr_city_e2e")
    page.goto(f"{live_server.url}/analytics/")
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []
    assert page.locator(".chart .main-svg").count() > 0  # plotly.js drew the figures

    units = page.locator("section", has=page.locator("#h-units"))
    units.get_by_role("link", name="测试市").click()
    page.wait_for_load_state("networkidle")
    units.get_by_role("link", name="测试区").click()
    page.wait_for_load_state("networkidle")
    assert units.get_by_role("link", name="乙街道").is_visible()
    units.get_by_role("link", name="甲街道").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text().endswith("甲街道")
    crumbs = page.get_by_role("navigation", name="单位")
    assert [t.strip() for t in crumbs.locator("li").all_inner_texts()][-3:] == [
        "测试市",
        "测试区",
        "甲街道",
    ]
    assert serious_violations(page) == []

    with page.expect_download() as download:
        units.get_by_role("link", name="下载 XLSX").click()
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    cells = [c for row in workbook.active.iter_rows(values_only=True) for c in row]
    assert "甲街道" in cells and "乙街道" not in cells

    page.get_by_role("button", name="生成本单位 PDF 简报").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("progress").count() == 1
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF 简报").click()
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
    assert serious_violations(page) == []
