"""Learning gain wired end to end: the completions read of the courses app, the scoped levels
frame, and the "Learning gain" report on the dashboard, its exports and the PDF briefing —
with small groups suppressed and nothing of unit B reaching A's HR officer."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import reports, selectors
from analytics.briefing import briefing_html
from analytics.models import CompetencyEstimate
from analytics.refresh import backfill_snapshots, refresh_all
from competencies.models import Competency
from courses.selectors import completions
from people.models import AgeBand
from tests import factories
from tests.analytics.conftest import evidence_for

pytestmark = pytest.mark.django_db

TRAINED = ("D2.3", "D4.1")  # what the courses app's test course trains


def _course():
    from courses.content_loader import load_courses
    from courses.models import CoursePage
    from portal.demo import seed_home_page
    from tests.courses.conftest import FIXTURES

    seed_home_page()
    load_courses(FIXTURES)
    zh = CoursePage.objects.get(slug="test-data-literacy", locale__language_code="zh-hans")
    en = CoursePage.objects.get(translation_key=zh.translation_key, locale__language_code="en")
    return zh, en


def _complete(cadres, course, days_ago: int = 20):
    from courses.models import Enrolment

    when = timezone.now() - timedelta(days=days_ago)
    for cadre in cadres:
        Enrolment.objects.create(cadre=cadre, course=course, completed_at=when)


def _twelve(unit, position, first, prefix: str):
    """Twelve comparable cadres (same position and age band) in ``unit``."""
    more = [
        factories.cadre(
            unit, position, f"{prefix}-{i:04d}", f"{prefix}干部{i}", age_band=first.age_band
        )
        for i in range(2, 13)
    ]
    return [first, *more]


def _seed(world, capture, treated_a: int = 6):
    """A: 12 cadres, ``treated_a`` completed the course and rose 2.0 → 4.0, the rest 2.0 → 2.5.
    B: 12 cadres, 6 completed and rose 2.0 → 5.0, the rest fell to 1.0 (B-only figures)."""
    zh, _en = _course()
    a = _twelve(world.unit_a, world.position, world.cadre_a, "EMP-A")
    b = _twelve(world.unit_b, world.position, world.cadre_b, "EMP-B")
    before = dict.fromkeys(TRAINED, 2.0)
    with capture(execute=True):
        evidence_for([*a, *b], before, "old", days_ago=500)
        evidence_for(a[:treated_a], dict.fromkeys(TRAINED, 4.0), "new", days_ago=10)
        evidence_for(a[treated_a:], dict.fromkeys(TRAINED, 2.5), "new", days_ago=10)
        evidence_for(b[:6], dict.fromkeys(TRAINED, 5.0), "new", days_ago=10)
        evidence_for(b[6:], dict.fromkeys(TRAINED, 1.0), "new", days_ago=10)
    _complete(a[:treated_a], zh)
    _complete(b[:6], zh)
    refresh_all()
    backfill_snapshots(4)  # the window then starts four quarters back
    return a, b


def _expected(treated, control, code: str = "D2.3") -> float:
    """Every cadre stood at 2.0 when the window opened: the difference is that of the current
    estimates."""
    comp = Competency.objects.get(code=code, domain__framework__is_current=True)

    def mean(cadres):
        levels = CompetencyEstimate.objects.filter(cadre__in=cadres, competency=comp)
        return sum(e.level for e in levels) / len(cadres)

    return mean(treated) - mean(control)


def _csv_text(client) -> str:
    response = client.get(reverse("analytics:export", args=["learning", "csv"]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _learning(report_list):
    return next(r for r in report_list if r.slug == "learning")


def _row(report, code: str = "D2.3"):
    return next(row for row in report.rows if str(row[0]).startswith(code))


def test_completions_count_a_course_once_in_either_language_and_respect_the_window(world):
    zh, en = _course()
    other = factories.cadre(world.unit_a, world.position, "EMP-A-0099", "未完成干部")
    _complete([world.cadre_a], zh)
    _complete([world.cadre_a], en)  # the same course recorded against its translation
    _complete([world.cadre_b], zh, days_ago=400)
    from courses.models import Enrolment

    Enrolment.objects.create(cadre=other, course=zh)  # enrolled, not completed
    ids = dict(Competency.objects.filter(code__in=TRAINED).values_list("code", "id"))
    a_pairs = [(world.cadre_a.pk, ids[c]) for c in sorted(TRAINED, key=ids.get)]
    b_pairs = [(world.cadre_b.pk, ids[c]) for c in sorted(TRAINED, key=ids.get)]
    assert completions() == sorted(a_pairs + b_pairs)
    assert completions(cadre_ids=[world.cadre_a.pk, other.pk]) == a_pairs
    since = timezone.now() - timedelta(days=100)
    assert completions(since=since) == a_pairs
    assert completions(until=since) == b_pairs
    # Completions, but no evidence before the window: the report is empty, not an error.
    assert reports.build(world.hr_a, "learning", None, "coverage", lambda u: "").rows == []


def test_report_shows_the_expected_difference_and_nothing_of_b_to_a(
    world, client, django_capture_on_commit_callbacks
):
    a, b = _seed(world, django_capture_on_commit_callbacks)
    expected = _expected(a[:6], a[6:])
    assert expected > 0.5
    report = reports.build(world.hr_a, "learning", None, "coverage", lambda u: "")
    row = _row(report)
    assert row[1:3] == [6, 6]
    assert row[5] == pytest.approx(expected, abs=1e-6)
    assert row[3] == pytest.approx(row[5] + row[4], abs=1e-6)

    # B's own difference, and the administrator's pooled figures, never reach A's HR officer.
    b_diff = f"{_expected(b[:6], b[6:]):.2f}"
    client.force_login(world.hr_a)
    page = client.get(reverse("analytics:dashboard")).content.decode()
    text = _csv_text(client)
    pdf = briefing_html(world.hr_a, world.unit_a)
    pooled = reports.build(world.admin, "learning", world.district, "coverage", lambda u: "")
    assert _row(pooled)[1:3] == [12, 12]  # the administrator sees A and B together
    assert str(round(expected, 4)) in text
    assert f"{expected:.2f}" in page and f"{expected:.2f}" in pdf
    for body in (page, text, pdf):
        assert b_diff not in body and "乙街道" not in body


def test_small_group_is_suppressed_in_view_export_and_pdf(
    world, client, django_capture_on_commit_callbacks
):
    a, _b = _seed(world, django_capture_on_commit_callbacks, treated_a=3)
    hidden = f"{_expected(a[:3], a[3:]):.2f}"
    client.force_login(world.hr_a)
    response = client.get(reverse("analytics:dashboard"))
    shown = _learning([r for r, _id, _fig in response.context["charts"]])
    row = _row(shown)
    assert row[1:] == [None] * 5
    assert hidden not in response.content.decode()

    rows = list(csv.reader(io.StringIO(_csv_text(client))))
    exported = next(r for r in rows if r[0].startswith("D2.3"))
    assert exported[1:] == [reports.FEW, reports.FEW, *[reports.SUPPRESSED] * 3]

    pdf = briefing_html(world.hr_a, world.unit_a)
    assert hidden not in pdf and reports.SUPPRESSED in pdf


def test_levels_frame_pairs_before_and_after_within_strata(
    world, django_capture_on_commit_callbacks
):
    a, _b = _seed(world, django_capture_on_commit_callbacks)
    since, _until = selectors.learning_window()
    levels = selectors.learning_levels(world.hr_a, None, since)
    assert set(levels["cadre_id"]) == {c.pk for c in a}
    assert (levels["before"] == 2.0).all()
    assert set(levels["stratum"]) == {f"{world.position.pk}/{AgeBand.FROM_30}"}
    # Given the completions, only cells holding a completer are kept (and re-fused).
    lone = factories.cadre(world.unit_a, world.position, "EMP-A-0077", "独立干部", age_band="50+")
    with django_capture_on_commit_callbacks(execute=True):
        evidence_for([lone], dict.fromkeys(TRAINED, 3.0), "old", days_ago=500)
    refresh_all()
    assert lone.pk in set(selectors.learning_levels(world.hr_a, None, since)["cadre_id"])
    done = completions([c.pk for c in a], since)
    kept = selectors.learning_levels(world.hr_a, None, since, done)
    assert set(kept["cadre_id"]) == {c.pk for c in a}
