"""Dashboard, exports, PDF briefing and profile: scope (nothing of B for A's HR) and
small-group suppression in views, exports and the PDF."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from analytics.briefing import briefing_html
from analytics.refresh import refresh_all
from people.models import AdminLevel, UnitKind
from tests import factories
from tests.analytics.conftest import add_cadres, evidence_for

pytestmark = pytest.mark.django_db

# B's cadres sit at 5.0 / 4.5: these mean levels exist only in B's figures.
B_FIGURES = ("5.00", "4.50", "乙街道")


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        wb = load_workbook(io.BytesIO(raw), read_only=True)
        return "\n".join(
            ",".join(str(c) for c in row)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    return raw.decode("utf-8")


def _small_unit(world, django_capture_on_commit_callbacks):
    """Unit C: three cadres at 1.3 — a group too small to report."""
    unit_c = factories.unit(
        world.district, "T500108003", "丙街道", AdminLevel.TOWNSHIP, UnitKind.STREET
    )
    cadres = add_cadres(unit_c, world.position, "EMP-C", 3)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_for(cadres, {"D1.2": 1.3, "D2.1": 1.3, "D4.2": 1.3, "D6.1": 1.3}, "seed-c")
    refresh_all()
    return unit_c


def test_hr_of_a_sees_no_figure_of_b_anywhere(populated, client):
    client.force_login(populated.hr_a)
    query = "?measure=mean_level"
    pages = [client.get(reverse("analytics:dashboard") + query)]
    for table in ("units", "levels", "position", "age_band", "rank", "trend"):
        for fmt in ("csv", "xlsx"):
            pages.append(client.get(reverse("analytics:export", args=[table, fmt]) + query))
    texts = [_body(p) for p in pages]
    assert all(p.status_code == 200 for p in pages)
    assert "甲街道" in texts[0] and "2.00" in texts[0]  # A's own D2.1 mean level
    html = briefing_html(populated.hr_a, populated.unit_a)
    for text in [*texts, html]:
        for marker in B_FIGURES:
            assert marker not in text
    # B's unit, asked for by code, is not found for A's HR.
    response = client.get(reverse("analytics:dashboard") + f"?unit={populated.unit_b.code}")
    assert response.status_code == 404


def test_admin_drills_from_city_to_township(populated, client):
    client.force_login(populated.admin)
    top = client.get(reverse("analytics:dashboard")).content.decode()
    assert f"unit={populated.city.code}" in top
    city = client.get(
        reverse("analytics:dashboard") + f"?unit={populated.city.code}"
    ).content.decode()
    assert f"unit={populated.district.code}" in city
    district = client.get(
        reverse("analytics:dashboard") + f"?unit={populated.district.code}&measure=mean_level"
    ).content.decode()
    assert "甲街道" in district and "乙街道" in district and "5.00" in district
    # The unit's training plan and composite-talent pages are one click away.
    for name in ("analytics:plan", "analytics:composite"):
        assert f'href="{reverse(name)}?unit={populated.district.code}"' in district


def test_small_groups_are_suppressed_in_views_exports_and_pdf(
    populated, client, django_capture_on_commit_callbacks
):
    _small_unit(populated, django_capture_on_commit_callbacks)
    client.force_login(populated.admin)
    query = f"?unit={populated.district.code}&measure=mean_level"
    page = client.get(reverse("analytics:dashboard") + query).content.decode()
    assert "丙街道" in page and "1.30" not in page and "&lt;5" in page
    for fmt in ("csv", "xlsx"):
        body = _body(client.get(reverse("analytics:export", args=["units", fmt]) + query))
        (line,) = [row for row in body.splitlines() if "丙街道" in row]
        assert "<5" in line and "1.3" not in line
    html = briefing_html(populated.admin, populated.district)
    assert "丙街道" in html and "1.30" not in html


def test_unit_own_staff_and_level_rows(populated, client):
    client.force_login(populated.admin)
    page = client.get(
        reverse("analytics:dashboard") + f"?unit={populated.unit_a.code}&measure=coverage"
    ).content.decode()
    assert "甲街道" in page
    levels = _body(client.get(reverse("analytics:export", args=["levels", "csv"])))
    assert "0%" not in levels  # exports keep numbers, not formatted percentages
    assert "Township" in levels or "镇街" in levels or "乡镇" in levels


def test_pdf_briefing_through_a_job(populated, client):
    client.force_login(populated.hr_a)
    response = client.post(reverse("analytics:briefing_start"), {"unit": populated.unit_a.code})
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert status.status_code == 200
    job = status.context["job"]
    assert job.status == "succeeded"
    pdf = client.get(reverse("analytics:briefing_download", args=[job.id]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_my_profile_shows_own_gaps_and_history(populated, client):
    client.force_login(populated.cadre_a.user)
    page = client.get(reverse("analytics:my_profile"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "D2.1" in text and "figure-radar" in text
    # D1.2 4/4, D2.1 2/4, D4.2 3/3 (all w3) and D6.1 2/1 (w1) over a full township profile.
    assert page.context["readiness"] is not None and 0 < page.context["readiness"] < 1
    csv = _body(client.get(reverse("analytics:my_profile_export", args=["csv"])))
    assert "D2.1" in csv and "EMP-B" not in csv


def test_profile_recommends_courses_for_the_largest_weighted_gaps(populated, client):
    from unittest import mock

    from analytics import profile
    from competencies.models import Competency

    d21 = Competency.objects.get(code="D2.1", domain__framework__is_current=True)
    d12 = Competency.objects.get(code="D1.2", domain__framework__is_current=True)
    course = mock.Mock(pk=7, title="数据采集与质量", url="/courses/data/", translation_key="k7")
    course.competencies.all.return_value = [d21]
    other = mock.Mock(pk=8, title="政务平台", url="/courses/platform/", translation_key="k8")
    other.competencies.all.return_value = [d12]  # D1.2: met (4 ≥ 4), no gap to train
    with (
        mock.patch.object(profile, "catalogue", return_value=[course, other]),
        mock.patch.object(profile, "status_by_course", return_value={}),
    ):
        client.force_login(populated.cadre_a.user)
        page = client.get(reverse("analytics:my_profile"))
    assert [c.course_id for c in page.context["courses"]] == [7]
    assert "数据采集与质量" in page.content.decode()
    with (
        mock.patch.object(profile, "catalogue", return_value=[course, other]),
        mock.patch.object(profile, "status_by_course", return_value={"k7": "completed"}),
    ):
        page = client.get(reverse("analytics:my_profile"))
    assert page.context["courses"] == []
