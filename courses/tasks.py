"""Periodic work of the courses app (thin: the rule lives in courses.assignments)."""

from celery import shared_task

from .assignments import send_reminders


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Reminders for assignments due within the reminder window; idempotent per deadline."""
    return send_reminders()
