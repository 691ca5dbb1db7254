"""Reacting to assessments: passing a course's attached form can complete the course."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from assessments.signals import attempt_graded

from .tasks import complete_after_assessment_task


@receiver(attempt_graded, dispatch_uid="courses.attempt_graded")
def on_attempt_graded(sender, cadre_id, form_id, passed, **kwargs):
    if passed:
        transaction.on_commit(lambda: complete_after_assessment_task.delay(cadre_id, form_id))
