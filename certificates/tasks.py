"""Background work: issuing on achievements, rendering PDFs, cohort batches. Thin and
idempotent: each takes ids, and a retry finds the work already done."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from competencies.selectors import competency_names
from courses.selectors import course_summary

from . import batches
from .models import AchievementKind
from .services import Achievement, issue_for


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def issue_certificates_task(achievement: dict) -> list[int]:
    """Issue what an achievement earns, then render the PDFs of new certificates."""
    certificates = issue_for(Achievement.from_json(achievement))
    missing = [c.pk for c in certificates if not c.pdf]
    if missing:
        render_pdfs_task.delay(missing)
    return [c.pk for c in certificates]


@shared_task(acks_late=True)
def render_pdfs_task(certificate_ids: list[int]) -> int:
    return batches.render_missing(certificate_ids)


@shared_task(acks_late=True)
def level_certified_task(cadre_id: int, competency_code: str, level: int, attempt_id=None) -> None:
    zh, en = competency_names([competency_code]).get(competency_code, (competency_code, ""))
    achievement = Achievement(
        cadre_id=cadre_id,
        kind=AchievementKind.COMPETENCY_LEVEL,
        reference=competency_code,
        title_zh=f"{competency_code} {zh}",
        title_en=f"{competency_code} {en}" if en else "",
        level=level,
        achieved_at=timezone.now(),
    )
    issue_certificates_task.delay(achievement.to_json())


@shared_task(acks_late=True)
def course_completed_task(cadre_id: int, course_id: int, completed_at: str | None = None) -> None:
    course = course_summary(course_id)
    if course is None:
        return
    achievement = Achievement(
        cadre_id=cadre_id,
        kind=AchievementKind.COURSE,
        reference=str(course.id),
        title_zh=course.title_zh,
        title_en=course.title_en,
        credit_hours=course.credit_hours,
        achieved_at=datetime.fromisoformat(completed_at) if completed_at else None,
    )
    issue_certificates_task.delay(achievement.to_json())


@shared_task(acks_late=True)
def batch_task(job_id: str, rule_id: int, unit_id: int | None, actor_id: int) -> dict:
    return batches.run_batch(job_id, rule_id, unit_id, actor_id)
