"""The site chrome in a real browser: Chinese first, English by the switch, elder mode,
keyboard access, and no serious accessibility violation."""

import pytest

from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(db):
    from portal.demo import seed_home_page

    seed_home_page()


def test_home_in_chinese_then_english_by_the_switch(site, page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "干部数字素养" in page.title()
    assert serious_violations(page) == []
    page.get_by_role("button", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "digital competence" in page.locator("h1").inner_text().lower()
    assert serious_violations(page) == []


def test_elder_mode_is_remembered(site, page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="大字").click()
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    page.goto(live_server.url + "/")
    assert "elder" in (page.locator("html").get_attribute("class") or "")
    assert serious_violations(page) == []


def test_skip_link_is_first_and_reaches_main(site, page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_phone_width_has_no_horizontal_scroll(site, page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
