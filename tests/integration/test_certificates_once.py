"""Exactly once under concurrent triggers: a real Celery worker (through Redis) and threads in
this process race to issue the same certificate on PostgreSQL; the database constraint decides."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.signals import level_certified
from certificates.demo import default_rules, default_template
from certificates.models import AchievementRecord, Certificate
from certificates.services import Achievement, issue, issue_for, record_achievement
from certificates.tasks import issue_certificates_task
from tests.certificates.conftest import level_achievement
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _race(target, n: int) -> list[BaseException]:
    """Run ``target`` in n threads released together; each thread has its own connection."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_worker_deliveries_and_concurrent_callers_issue_once(world, celery_worker_process):
    default_rules(default_template())
    payload = level_achievement(world.cadre_a).to_json()
    # The same achievement reported again and again: duplicate signals, redelivered tasks…
    level_certified.send(
        sender=None, cadre_id=world.cadre_a.pk, competency_code="D2.3", level=3, attempt_id=1
    )
    deliveries = [issue_certificates_task.delay(payload) for _ in range(4)]
    # …while six threads race the same issuance directly.
    errors = _race(lambda: issue_for(Achievement.from_json(payload)), 6)
    assert errors == []
    for delivery in deliveries:
        delivery.get(timeout=120)
    wait_for(lambda: Certificate.objects.exclude(pdf="").exists(), timeout=120)
    assert AchievementRecord.objects.filter(cadre=world.cadre_a).count() == 1
    (certificate,) = Certificate.objects.filter(cadre=world.cadre_a)
    assert certificate.pdf.open("rb").read(4) == b"%PDF"


def test_racing_inserts_are_stopped_by_the_constraint(world):
    _course_rule, level_rule = default_rules(default_template())
    record = record_achievement(level_achievement(world.cadre_a))
    errors = _race(lambda: issue(level_rule, record), 8)
    assert errors == []
    assert Certificate.objects.count() == 1
    # The constraint, not the look-up before it, is what holds: a direct duplicate fails.
    existing = Certificate.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="0" * 28,
            rule=level_rule,
            cadre=world.cadre_a,
            achievement=record,
            holder_name=existing.holder_name,
        )
