"""Delivery: starting, saving, deadlines, idempotent submit, grading into levels and evidence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from assessments import attempts as svc
from assessments.models import (
    AssessmentForm,
    Attempt,
    AttemptStatus,
    CloseReason,
    CompetencyResult,
    CutScore,
)
from assessments.psychometrics.levels import CutScores
from assessments.selectors import passed_form
from assessments.signals import attempt_graded, level_certified
from competencies.models import Evidence

from .delivery_helpers import fixed_form, key_answers, load_bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    load_bank()


@pytest.fixture
def received():
    got = []

    def graded(sender, **kwargs):
        got.append(("graded", kwargs))

    def certified(sender, **kwargs):
        got.append(("certified", kwargs))

    attempt_graded.connect(graded, weak=False)
    level_certified.connect(certified, weak=False)
    yield got
    attempt_graded.disconnect(graded)
    level_certified.disconnect(certified)


def test_fixed_attempt_draws_blueprint_and_grades_into_levels_and_evidence(
    world, bank, received, django_capture_on_commit_callbacks
):
    form = fixed_form(world, pass_mark=50)
    attempt = svc.start_attempt(form, world.cadre_a)
    slots = list(attempt.items.select_related("version", "competency"))
    assert [s.competency.code for s in slots].count("D2.3") == 3
    assert [s.competency.code for s in slots].count("D4.2") == 2
    assert all(s.version.locked for s in slots)  # what was seen can no longer change
    assert attempt.deadline is None
    assert svc.save_answers(attempt.pk, key_answers(attempt)) == {}
    with django_capture_on_commit_callbacks(execute=True):
        graded = svc.submit(attempt.pk)
    assert graded.status == AttemptStatus.GRADED and graded.close_reason == CloseReason.SUBMITTED
    assert graded.percent == pytest.approx(100.0) and graded.passed
    results = {r.competency.code: r for r in graded.results.select_related("competency")}
    assert set(results) == {"D2.3", "D4.2"}
    for code, r in results.items():
        cuts = CutScores(code, CutScore.objects.get(competency__code=code).cuts)
        assert r.level == cuts.level(r.theta) and r.se > 0 and r.method == "eap-provisional"
        assert r.theta > 0  # all right: above the prior mean
    evidence = Evidence.objects.filter(cadre=world.cadre_a, source_kind="assessment")
    assert evidence.count() == 2
    assert {e.source_ref for e in evidence} == {f"attempt-{attempt.pk}"}
    assert all(e.theta_se and e.theta is not None and e.value for e in evidence)
    kinds = [kind for kind, _ in received]
    assert kinds.count("graded") == 1
    assert received[0][1]["passed"] is True and received[0][1]["form_id"] == form.pk
    assert all(kw["level"] <= 3 for kind, kw in received if kind == "certified")
    assert passed_form(world.cadre_a, form.pk) and not passed_form(world.cadre_b, form.pk)


def test_submit_twice_grades_once(world, bank):
    attempt = svc.start_attempt(fixed_form(world), world.cadre_a)
    first = svc.submit(attempt.pk)
    again = svc.submit(attempt.pk)
    assert first.graded_at == again.graded_at
    assert CompetencyResult.objects.filter(attempt=attempt).count() == 2
    assert Evidence.objects.filter(source_ref=f"attempt-{attempt.pk}").count() == 2


def test_second_tab_start_returns_the_running_attempt(world, bank):
    form = fixed_form(world, attempts_allowed=2)
    one = svc.start_attempt(form, world.cadre_a)
    two = svc.start_attempt(form, world.cadre_a)
    assert one.pk == two.pk and Attempt.objects.count() == 1


def test_attempts_window_and_assignment_are_enforced(world, bank):
    form = fixed_form(world, attempts_allowed=1)
    svc.submit(svc.start_attempt(form, world.cadre_a).pk)
    with translation.override("en"):
        with pytest.raises(svc.DeliveryError, match="used all your attempts"):
            svc.start_attempt(form, world.cadre_a)
        with pytest.raises(svc.DeliveryError, match="not assigned to you"):
            svc.start_attempt(form, world.cadre_b)
    form.attempts_allowed = 5
    form.closes_at = timezone.now() - timedelta(minutes=1)
    form.opens_at = timezone.now() - timedelta(days=1)
    form.save()
    with pytest.raises(svc.DeliveryError):
        svc.start_attempt(form, world.cadre_a)


def test_answers_after_the_deadline_are_refused_and_the_attempt_closed(world, bank):
    form = fixed_form(world, time_limit_minutes=10)
    start = timezone.now()
    attempt = svc.start_attempt(form, world.cadre_a, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    answers = key_answers(attempt)
    first = min(answers)
    svc.save_answers(attempt.pk, {first: answers[first]}, now=start + timedelta(minutes=5))
    with translation.override("en"), pytest.raises(svc.AttemptClosed, match="deadline"):
        svc.save_answers(attempt.pk, answers, now=start + timedelta(minutes=10, seconds=1))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.close_reason == CloseReason.DEADLINE
    credits = {s.position: s.credit for s in attempt.items.all()}
    assert credits[first] == pytest.approx(1.0)
    assert sum(1 for c in credits.values() if c) == 1  # only what was saved in time counts


def test_autosave_after_deadline_answers_409_with_a_clear_message(world, bank, client):
    form = fixed_form(world, time_limit_minutes=1)
    attempt = svc.start_attempt(form, world.cadre_a, now=timezone.now() - timedelta(minutes=2))
    client.force_login(world.cadre_a.user)
    url = reverse("assessments:autosave", args=[attempt.pk])
    response = client.post(url, {"answers": {}}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["closed"] and body["result_url"].endswith(f"/attempt/{attempt.pk}/result/")
    assert Attempt.objects.get(pk=attempt.pk).graded


def test_beat_task_closes_expired_attempts(world, bank):
    from assessments.tasks import close_expired_attempts

    form = fixed_form(world, time_limit_minutes=5)
    attempt = svc.start_attempt(form, world.cadre_a, now=timezone.now() - timedelta(minutes=6))
    assert close_expired_attempts.delay().get() == 1
    attempt.refresh_from_db()
    assert attempt.graded and attempt.close_reason == CloseReason.DEADLINE
    assert close_expired_attempts.delay().get() == 0


def test_malformed_answer_is_refused_at_autosave(world, bank):
    attempt = svc.start_attempt(fixed_form(world), world.cadre_a)
    position = attempt.items.first().position
    problems = svc.save_answers(attempt.pk, {position: {"no": "such shape"}, 999: "A"})
    assert set(problems) == {position, 999}
    assert attempt.items.get(position=position).response is None


def test_cut_scores_edit_changes_the_level(world, bank):
    form = fixed_form(world)
    CutScore.objects.filter(competency__code="D2.3").update(
        level_2=-3.0, level_3=-2.9, level_4=-2.8, level_5=-2.7
    )
    attempt = svc.start_attempt(form, world.cadre_a)
    svc.save_answers(attempt.pk, key_answers(attempt))
    svc.submit(attempt.pk)
    result = CompetencyResult.objects.get(attempt=attempt, competency__code="D2.3")
    assert result.level == 5


def test_option_order_is_random_per_attempt_and_kept(world, bank):
    form = fixed_form(world, attempts_allowed=30)
    orders = set()
    for _ in range(6):
        attempt = svc.start_attempt(form, world.cadre_a)
        orders.add(tuple(tuple(s.option_order) for s in attempt.items.order_by("version_id")))
        svc.submit(attempt.pk)
    assert len(orders) > 1


def test_form_reaches_only_within_its_authors_scope(world, bank):
    form = fixed_form(world)
    form.target_cadres.clear()
    form.target_units.add(world.district)  # both A and B are below the district
    form.created_by = world.hr_a
    form.save()
    from assessments.selectors import reached_cadres

    assert set(reached_cadres(form)) == {world.cadre_a}
    form.created_by = world.admin
    form.save()
    assert set(reached_cadres(AssessmentForm.objects.get(pk=form.pk))) == {
        world.cadre_a,
        world.cadre_b,
    }
