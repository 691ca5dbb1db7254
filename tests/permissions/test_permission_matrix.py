"""Every project URL × every role: expected access, and no leak of unit B to A's HR officer."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import B_MARKERS

from . import matrix
from .matrix import ANY, DENIED, LOGIN, OK, ROLES


def _all_cases() -> list[matrix.Case]:
    cases = []
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("cases_"):
            cases += importlib.import_module(f"{__package__}.{info.name}").CASES
    return cases


CASES = _all_cases()


def _project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                full = f"{namespace}:{p.name}" if namespace else p.name
                top = full.split(":", 1)[0]
                if (
                    namespace and top in matrix.PROJECT_NAMESPACES
                ) or full in matrix.PROJECT_TOP_LEVEL:
                    names.add(full)

    walk(get_resolver().url_patterns, "")
    return names


def test_matrix_covers_every_project_url():
    covered = {case.url_name for case in CASES}
    missing = sorted(_project_url_names() - covered)
    assert not missing, (
        "These URLs have no entry in the permission matrix (tests/permissions/cases_*.py); "
        f"decide who may open them and add a Case: {missing}"
    )


def test_matrix_has_no_stale_entries():
    stale = sorted({c.url_name for c in CASES} - _project_url_names())
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return DENIED
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        login = reverse(settings.LOGIN_URL)
        if login in location or "/admin/login/" in location:
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return DENIED  # how Wagtail answers an admin user who lacks the permission
        return OK
    if 200 <= response.status_code < 300:
        return OK
    return f"status {response.status_code}"


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(response) -> str:
    """What the response shows, as text (an XLSX download is read cell by cell)."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if response.headers.get("Content-Type", "").startswith(XLSX):
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            str(cell)
            for ws in workbook.worksheets
            for row in ws.iter_rows(values_only=True)
            for cell in row
        )
    return raw.decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c.url_name}{'[' + c.note + ']' if c.note else ''}" for c in CASES]
)
def test_url_permissions(case, world, client):
    kwargs, query, data = case.build(world)
    url = reverse(case.url_name, kwargs=kwargs) + (f"?{query}" if query else "")
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = client.post(url, data) if data is not None else client.get(url)
        expected = case.expect[role]
        if expected != ANY:
            assert _outcome(response) == expected, f"{role} on {url}: got {response.status_code}"
        if role in ("hr_a", "cadre_a") and response.status_code == 200:
            body = _text(response)
            for marker in B_MARKERS:
                assert marker not in body, f"{role} saw unit B's cadre ({marker}) at {url}"
