"""HR's training plan and composite-talent pages: data scope, suppression, exports, and the
levels they read from the evidence ledger."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from analytics.planning_selectors import level_matrix
from competencies.models import Evidence
from competencies.services import Observation, correct_evidence, record_evidence
from tests.conftest import B_MARKERS

from .conftest import LEADER, give_profile

pytestmark = pytest.mark.django_db


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _no_b(text: str) -> None:
    for marker in (*B_MARKERS, "b干部"):
        assert marker not in text


def test_composite_page_counts_roster_and_pipeline(client, world, populated):
    client.force_login(world.hr_a)
    response = client.get(reverse("analytics:composite"), {"unit": world.unit_a.code})
    assert response.status_code == 200
    body = response.content.decode()
    _no_b(body)
    report = response.context["report"]
    assert report.total.n == 6
    assert [r.cadre.employee_no for r in report.roster] == ["EMP-A-0001"]
    assert report.total.per_hundred["leadership"] == pytest.approx(16.7)
    near = [
        (r.cadre.employee_no, r.shape, [c.code for c in r.competencies]) for r in report.pipeline
    ]
    assert ("EMP-A-1000", "t", ["D1.2"]) in near


def test_composite_rates_by_child_unit_suppress_small_groups(client, world, populated):
    # From the district: A and B are its children (6 cadres each); admin sees both.
    client.force_login(world.admin)
    response = client.get(reverse("analytics:composite"), {"unit": world.district.code})
    groups = {unit.code: rate for unit, rate, _cells in response.context["groups"]}
    assert groups[world.unit_a.code].n == 6 and groups[world.unit_b.code].n == 6
    assert groups[world.unit_b.code].counts["pi"] == 1


def test_small_unit_shows_no_figures(client, world):
    give_profile(world.cadre_a, LEADER)
    client.force_login(world.hr_a)
    response = client.get(reverse("analytics:composite"), {"unit": world.unit_a.code})
    assert response.context["total_cells"] == []
    (_unit, rate, cells) = response.context["groups"][0]
    assert rate.suppressed and rate.n is None and cells == []
    export = client.get(
        reverse("analytics:composite_export", args=["csv"]),
        {"unit": world.unit_a.code, "table": "units"},
    )
    rows = _csv(export)
    assert len(rows[1]) == 2  # the unit's name and "fewer than 5", no figure
    plan = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code})
    assert plan.context["ranked"] is None


def test_hr_cannot_open_another_units_pages(client, world, populated):
    client.force_login(world.hr_a)
    for name, args in (
        ("analytics:composite", []),
        ("analytics:plan", []),
        ("analytics:plan_export", ["csv"]),
        ("analytics:composite_export", ["xlsx"]),
    ):
        response = client.get(reverse(name, args=args), {"unit": world.unit_b.code})
        assert response.status_code == 404, name
        # The district holds A and B: HR of A is not responsible for it.
        response = client.get(reverse(name, args=args), {"unit": world.district.code})
        assert response.status_code == 404, name


@pytest.mark.parametrize("table", ["roster", "pipeline", "units"])
def test_composite_exports_stay_in_scope(client, world, populated, table):
    client.force_login(world.hr_a)
    response = client.get(
        reverse("analytics:composite_export", args=["xlsx"]),
        {"unit": world.unit_a.code, "table": table},
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    text = "\n".join(
        str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    _no_b(text)
    if table == "roster":
        assert "EMP-A-0001" in text


CATALOGUE = [
    {
        "key": "platform",
        "module": "X1",
        "title_zh": "政务平台进阶",
        "title_en": "Platform fluency",
        "codes": ["D1.2", "D3.2"],
        "target_level": 4,
        "hours": 4.0,
    },
    {
        "key": "alerts",
        "module": "X2",
        "title_zh": "预警研判",
        "title_en": "Alerts",
        "codes": ["D2.3"],
        "target_level": 3,
        "hours": 2.0,
    },
]


def test_plan_ranks_competencies_and_runs_the_optimiser(client, world, populated, settings):
    settings.SHUZHI_PLANNING_COURSES = CATALOGUE
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code})
    ranked = page.context["ranked"]
    assert ranked is not None and page.context["plan"] is None
    gaps = [r.weighted_gap for r in ranked]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0
    # Township data officers need D1.2 at 4 (w 3): the base level 2 leaves a gap of 2.
    d12 = next(r for r in ranked if r.column.code == "D1.2")
    assert d12.cadres_with_gap == 5 and [c.key for c in d12.courses] == ["platform"]

    query = {"unit": world.unit_a.code, "budget": 10, "seats_platform": 2, "seats_alerts": 9}
    page = client.get(reverse("analytics:plan"), query)
    plan = page.context["plan"]
    assert plan is not None and plan.optimal
    # Two platform seats (4 h each, 3·2 + 3·1 = 9 each) then one alerts seat (2 h, 3·1 = 3).
    assert sorted(r.course.key for r in plan.rows) == ["alerts", "platform", "platform"]
    assert plan.hours == 10 and plan.objective == pytest.approx(21.0)
    _no_b(page.content.decode())

    export = client.get(reverse("analytics:plan_export", args=["csv"]), query)
    rows = _csv(export)
    assert len(rows) == 1 + len(plan.rows)
    assert {r[0] for r in rows[1:]} <= {c.employee_no for c in populated["a"]}
    assert "X1 政务平台进阶" in {r[4] for r in rows[1:]}


def test_catalogue_falls_back_to_the_shipped_course_files():
    from analytics.planning_courses import CONTENT_DIR, course_catalogue

    catalogue = course_catalogue()
    assert len(catalogue) == len(list(CONTENT_DIR.glob("*.json")))
    assert all(c.codes and 1 <= c.target_level <= 5 and c.hours > 0 for c in catalogue)


def test_plan_form_errors_are_shown_not_run(client, world, populated):
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code, "budget": "-1"})
    assert page.context["plan"] is None and page.context["form"].errors


def test_plan_export_without_form_uses_the_defaults(client, world, populated):
    client.force_login(world.hr_a)
    response = client.get(
        reverse("analytics:plan_export", args=["xlsx"]), {"unit": world.unit_a.code}
    )
    assert response.status_code == 200


def test_levels_are_the_latest_uncorrected_observation(world):
    earlier = timezone.now() - timedelta(days=30)
    record_evidence(
        [Observation(world.cadre_a.pk, "D1.1", 2.0, observed_at=earlier)],
        source_kind="import",
        source_ref="old",
    )
    record_evidence(
        [Observation(world.cadre_a.pk, "D1.1", 3.0), Observation(world.cadre_a.pk, "D1.2", 4.0)],
        source_kind="import",
        source_ref="new",
    )
    row = Evidence.objects.get(cadre=world.cadre_a, competency__code="D1.2")
    correct_evidence(row, value=2.5, note="mis-keyed")
    matrix = level_matrix(world.admin, world.district)
    r = [c.employee_no for c in matrix.cadres].index("EMP-A-0001")
    codes = [c.code for c in matrix.columns]
    assert matrix.levels[r, codes.index("D1.1")] == 3.0
    assert matrix.levels[r, codes.index("D1.2")] == 2.5
    assert (
        matrix.required[r, codes.index("D1.2")] == 4 and matrix.weights[r, codes.index("D1.2")] == 3
    )
    # No estimate: level unknown and no gap counted.
    assert matrix.gaps[r, codes.index("D2.1")] == 0.0
    assert matrix.gaps[r, codes.index("D1.2")] == 1.5


def test_plan_refuses_units_above_the_size_limit(client, world, populated, monkeypatch):
    from analytics import planning_views

    monkeypatch.setattr(planning_views, "PLAN_MAX_CADRES", 3)
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code, "budget": 10})
    assert page.context["too_large"] and page.context["plan"] is None


def test_plan_in_english(client, world, populated, settings):
    settings.SHUZHI_PLANNING_COURSES = CATALOGUE
    client.force_login(world.hr_a)
    page = client.get(
        "/en" + reverse("analytics:plan"),
        {"unit": world.unit_a.code, "budget": 4, "seats_platform": 1},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Training plan" in body
    assert "X1 Platform fluency" in body and "Method: exact integer programme." in body


def test_ranked_rows_about_fewer_than_five_cadres_are_suppressed(world, populated):
    from analytics.planning_selectors import ranked_competencies

    matrix = level_matrix(world.hr_a, world.unit_a)
    d11 = [c.code for c in matrix.columns].index("D1.1")
    matrix.levels[2:, d11] = float("nan")  # only two cadres keep an estimate on D1.1
    rows = {r.column.code: r for r in ranked_competencies(matrix, [])}
    assert rows["D1.1"].suppressed and rows["D1.1"].coverage is None
    assert not rows["D1.2"].suppressed
