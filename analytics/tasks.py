"""Background work of analytics: thin wrappers over analytics.refresh and analytics.briefing."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from . import refresh

SCHEDULED_KEY = "analytics:refresh-scheduled"


@shared_task(acks_late=True)
def refresh_pending_task() -> int:
    """The debounced refresh: lets the next evidence write schedule a new run, then consumes
    every cadre queued so far."""
    cache.delete(SCHEDULED_KEY)
    return refresh.refresh_pending()


@shared_task(acks_late=True)
def refresh_all_task() -> int:
    """The nightly rebuild: every estimate and summary, plus missing quarterly snapshots."""
    written = refresh.refresh_all()
    refresh.backfill_snapshots()
    return written


@shared_task(acks_late=True)
def briefing_task(job_id: str, unit_id: int, user_id: int, language: str) -> None:
    from .briefing import build_briefing

    build_briefing(job_id, unit_id, user_id, language)
