"""The roster import in a real browser: an HR officer uploads a file in the Wagtail admin, reads
the preview, confirms, and sees the result (tasks run in-process here)."""

import importlib

import pytest

from people.models import Cadre
from tests.people.conftest import csv_bytes, person

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.SHUZHI_PRIVATE_DIR = tmp_path / "private"


@pytest.fixture(autouse=True)
def role_permissions(db):
    """The flush after each transactional test removes what data migrations wrote; put the
    role groups' permissions back by running those migrations' own functions."""
    from django.apps import apps

    for module in (
        "people.migrations.0002_role_groups",
        "people.migrations.0004_role_model_permissions",
    ):
        migration = importlib.import_module(module)
        (getattr(migration, "create_groups", None) or migration.grant)(apps, None)


def test_hr_uploads_previews_and_confirms(world, login, page, live_server, tmp_path):
    good = tmp_path / "花名册.csv"
    good.write_bytes(
        csv_bytes([person(world, "E2E001", "浏览器甲"), person(world, "E2E002", "浏览器乙")], "gbk")
    )
    login("hr_a")

    page.goto(f"{live_server.url}/admin/people/roster-import/")
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_text("所有行均有效").is_visible()
    assert page.locator("tr", has_text="将新增干部").locator("td").inner_text() == "2"
    assert not Cadre.objects.filter(employee_no__startswith="E2E").exists()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_text("花名册已导入").is_visible()
    assert set(
        Cadre.objects.filter(employee_no__startswith="E2E").values_list("display_name", flat=True)
    ) == {"浏览器甲", "浏览器乙"}


def test_problems_are_listed_with_row_and_column(world, login, page, live_server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        csv_bytes([person(world, "E2E101"), person(world, "E2E102", unit=world.unit_b)])
    )
    login("hr_a")

    page.goto(f"{live_server.url}/admin/people/roster-import/")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="上传并检查").click()
    page.wait_for_load_state("networkidle")

    row = page.locator("tr", has_text="out_of_scope")
    assert row.locator("td").nth(0).inner_text() == "3"
    assert row.locator("td").nth(1).inner_text() == "单位代码"
    assert page.get_by_role("button", name="确认导入").count() == 0
