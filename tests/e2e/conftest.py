"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium), never a downloaded
browser. Each test is marked ``e2e`` and runs against Django's live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not found: install Debian's chromium "
        "(make test installs it when run as root)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls (and the
# database flush after it) are still synchronous, so Django's async-safety guard is lifted for
# browser tests only, from their setup until their teardown has finished.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def login(page, live_server):
    """Log in through the real form: login(username) → the page after login."""

    def _login(username: str, password: str = PASSWORD, lang: str = ""):
        prefix = f"/{lang}" if lang else ""
        page.goto(f"{live_server.url}{prefix}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture(autouse=True)
def site_root(request):
    """Browser tests are transactional: the database is emptied after each one, page tree
    included, so every test starts by rebuilding the site root the migrations would have made."""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return None
    request.getfixturevalue("transactional_db")
    from portal.demo import ensure_site_root

    return ensure_site_root()


_axe = Axe()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the current page, readable in a failure."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
