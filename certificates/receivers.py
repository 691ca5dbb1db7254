"""Reacting to lower apps: a completed course or a certified level may earn a certificate.
The senders fire on commit; each receiver only dispatches a task (after the surrounding
transaction, if a sender ever fires inside one)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from assessments.signals import level_certified
from courses.signals import course_completed

from .tasks import course_completed_task, level_certified_task


@receiver(level_certified, dispatch_uid="certificates.level_certified")
def on_level_certified(sender, cadre_id, competency_code, level, attempt_id=None, **kwargs):
    args = (cadre_id, competency_code, int(level), attempt_id)
    transaction.on_commit(lambda: level_certified_task.delay(*args))


@receiver(course_completed, dispatch_uid="certificates.course_completed")
def on_course_completed(sender, cadre_id, course_id, completed_at=None, **kwargs):
    args = (cadre_id, course_id, completed_at.isoformat() if completed_at else None)
    transaction.on_commit(lambda: course_completed_task.delay(*args))
