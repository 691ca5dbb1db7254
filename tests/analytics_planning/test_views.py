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


def test_plan_ranks_competencies_and_runs_the_optimiser(client, world, populated, test_course):
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code})
    ranked = page.context["ranked"]
    assert ranked is not None and page.context["plan"] is None
    gaps = [r.weighted_gap for r in ranked if not r.suppressed]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0
    # Township data officers need D2.3 at 3 (w 3): the base level 2 leaves everyone a gap of 1.
    d23 = next(r for r in ranked if r.column.code == "D2.3")
    assert d23.cadres_with_gap == 6 and [c.key for c in d23.courses] == [test_course]
    assert next(r for r in ranked if r.column.code == "D1.2").courses == []

    seats = f"seats_{test_course}"
    query = {"unit": world.unit_a.code, "budget": 6, seats: 5}
    page = client.get(reverse("analytics:plan"), query)
    plan = page.context["plan"]
    # Every cadre gains 3·1 on D2.3 in 2 hours (D4.1 has no gap): the budget buys three seats.
    assert plan is not None and plan.optimal and plan.method == "milp"
    assert len(plan.rows) == 3 and plan.hours == 6 and plan.objective == pytest.approx(9.0)
    _no_b(page.content.decode())

    export = client.get(reverse("analytics:plan_export", args=["csv"]), query)
    rows = _csv(export)
    assert len(rows) == 1 + len(plan.rows)
    assert {r[0] for r in rows[1:]} <= {c.employee_no for c in populated["a"]}
    assert {r[4] for r in rows[1:]} == {"M99 测试课程：数据告警处置"}


def test_completed_course_is_not_planned_again(client, world, populated, test_course):
    from courses.models import CoursePage, Enrolment

    course = CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")
    done = populated["a"][:4]
    for cadre in done:
        Enrolment.objects.create(cadre=cadre, course=course, completed_at=timezone.now())
    client.force_login(world.hr_a)
    query = {"unit": world.unit_a.code, "budget": 100, f"seats_{test_course}": 9}
    plan = client.get(reverse("analytics:plan"), query).context["plan"]
    assert {r.cadre.employee_no for r in plan.rows} == {c.employee_no for c in populated["a"][4:]}


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


def test_levels_are_the_summaries_fused_estimates(world):
    from analytics.models import CompetencyEstimate
    from analytics.refresh import refresh_all

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
    refresh_all()
    matrix = level_matrix(world.admin, world.district)
    r = [c.employee_no for c in matrix.cadres].index("EMP-A-0001")
    codes = [c.code for c in matrix.columns]
    fused = CompetencyEstimate.objects.get(cadre=world.cadre_a, competency__code="D1.1").level
    assert matrix.levels[r, codes.index("D1.1")] == pytest.approx(fused)
    assert 2.0 < fused < 3.0
    assert matrix.levels[r, codes.index("D1.2")] == pytest.approx(2.5)  # the correction
    assert matrix.required[r, codes.index("D1.2")] == 4
    assert matrix.weights[r, codes.index("D1.2")] == 3
    # No estimate: level unknown and no gap counted.
    assert matrix.gaps[r, codes.index("D2.1")] == 0.0
    assert matrix.gaps[r, codes.index("D1.2")] == pytest.approx(1.5)


def test_plan_refuses_units_above_the_size_limit(client, world, populated, monkeypatch):
    from analytics import planning_views

    monkeypatch.setattr(planning_views, "PLAN_MAX_CADRES", 3)
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:plan"), {"unit": world.unit_a.code, "budget": 10})
    assert page.context["too_large"] and page.context["plan"] is None


def test_plan_in_english(client, world, populated, test_course):
    client.force_login(world.hr_a)
    page = client.get(
        "/en" + reverse("analytics:plan"),
        {"unit": world.unit_a.code, "budget": 4, f"seats_{test_course}": 1},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "Training plan" in body
    assert "M99 Test course: handling data alerts" in body
    assert "Method: exact integer programme." in body


def test_ranked_rows_about_fewer_than_five_cadres_are_suppressed(world, populated):
    from analytics.planning_selectors import ranked_competencies

    matrix = level_matrix(world.hr_a, world.unit_a)
    d11 = [c.code for c in matrix.columns].index("D1.1")
    matrix.levels[2:, d11] = float("nan")  # only two cadres keep an estimate on D1.1
    rows = {r.column.code: r for r in ranked_competencies(matrix, [])}
    assert rows["D1.1"].suppressed and rows["D1.1"].coverage is None
    assert not rows["D1.2"].suppressed
