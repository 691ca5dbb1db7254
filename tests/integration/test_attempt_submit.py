"""Submitting is idempotent under concurrency, on PostgreSQL: double clicks, two tabs and
retries racing as real requests produce one graded attempt, one set of results and evidence,
and one ``attempt_graded`` signal; tabs racing to start make one attempt."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments import attempts as svc
from assessments.models import Attempt, AttemptStatus, CompetencyResult
from assessments.signals import attempt_graded
from competencies.models import Evidence
from tests.assessments.delivery_helpers import fixed_form, key_answers, load_bank

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(targets) -> list[BaseException]:
    """Run the callables in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target):
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_concurrent_submits_grade_once(world):
    load_bank()
    form = fixed_form(world)
    attempt = svc.start_attempt(form, world.cadre_a)
    svc.save_answers(attempt.pk, key_answers(attempt))
    graded = []
    attempt_graded.connect(lambda sender, **kw: graded.append(kw), weak=False, dispatch_uid="t")
    submit_url = reverse("assessments:submit", args=[attempt.pk])
    autosave_url = reverse("assessments:autosave", args=[attempt.pk])
    statuses = []

    def submit():
        statuses.append(_client(world.cadre_a.user).post(submit_url).status_code)

    def late_autosave():
        response = _client(world.cadre_a.user).post(
            autosave_url, {"answers": {}}, content_type="application/json"
        )
        statuses.append(response.status_code)

    try:
        errors = _race([submit] * 6 + [late_autosave] * 2 + [lambda: svc.submit(attempt.pk)] * 2)
    finally:
        attempt_graded.disconnect(dispatch_uid="t")
    assert errors == []
    assert statuses.count(302) == 6  # every click lands on the result page
    assert set(statuses) <= {302, 200, 409}
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.percent == pytest.approx(100.0)
    assert CompetencyResult.objects.filter(attempt=attempt).count() == 2
    assert Evidence.objects.filter(source_ref=f"attempt-{attempt.pk}").count() == 2
    assert len(graded) == 1


def test_two_tabs_starting_make_one_attempt(world):
    load_bank()
    form = fixed_form(world, attempts_allowed=3)
    start_url = reverse("assessments:start", args=[form.pk])
    locations = []

    def start():
        locations.append(_client(world.cadre_a.user).post(start_url)["Location"])

    assert _race([start] * 5) == []
    assert Attempt.objects.filter(form=form, cadre=world.cadre_a).count() == 1
    assert len(set(locations)) == 1 and "/attempt/" in locations[0]
