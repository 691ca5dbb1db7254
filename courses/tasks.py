"""Background work of the courses app (thin: the rules live in assignments and services)."""

from celery import shared_task

from .assignments import send_reminders
from .services import complete_after_assessment


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Reminders for assignments due within the reminder window; idempotent per deadline."""
    return send_reminders()


@shared_task(acks_late=True)
def complete_after_assessment_task(cadre_id: int, form_id: int) -> int:
    """Idempotent: a completed enrolment is not completed again."""
    return complete_after_assessment(cadre_id, form_id)
