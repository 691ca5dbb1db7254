"""The demo logins appear on the home and login pages of a demo, and never when switched off."""

from __future__ import annotations

import pytest

from people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(framework):
    from people.demo import seed_accounts, seed_organisation
    from portal.demo import seed_home_page

    seed_organisation()
    seed_accounts()
    seed_home_page()


@pytest.mark.parametrize("url", ["/", "/en/", "/login/", "/en/login/"])
def test_demo_logins_are_shown(demo, client, settings, url):
    settings.SHUZHI_DEMO_LOGINS = True
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for username in ("admin", "trainer", "hr_city", "hr_nanan", "cadre"):
        assert f"<code>{username}</code>" in body
    assert DEMO_PASSWORD in body


def test_demo_logins_are_translated(demo, client, settings):
    settings.SHUZHI_DEMO_LOGINS = True
    assert "演示账号" in client.get("/").content.decode()
    assert "Demo logins" in client.get("/en/").content.decode()


@pytest.mark.parametrize("url", ["/", "/login/"])
def test_demo_logins_are_hidden_when_switched_off(demo, client, settings, url):
    settings.SHUZHI_DEMO_LOGINS = False
    body = client.get(url).content.decode()
    assert DEMO_PASSWORD not in body and "<code>hr_city</code>" not in body


def test_no_demo_logins_without_demo_accounts(framework, client, settings):
    settings.SHUZHI_DEMO_LOGINS = True
    assert DEMO_PASSWORD not in client.get("/login/").content.decode()
