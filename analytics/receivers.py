"""Reacting to new evidence: queue the cadres, schedule one debounced refresh."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from people.bulk import insert_rows

from .models import PendingRefresh
from .tasks import SCHEDULED_KEY, refresh_pending_task

_deferred: ContextVar[bool] = ContextVar("analytics_refresh_deferred", default=False)


@contextmanager
def refresh_deferred() -> Iterator[None]:
    """Queue cadres but schedule no refresh (bulk loads such as seed_demo, which rebuild
    everything once at the end with analytics.refresh.refresh_all)."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def schedule_refresh() -> None:
    """Dispatch the refresh once per debounce window: ``cache.add`` succeeds for the first
    caller only, later evidence just joins the queue the scheduled run will consume."""
    delay = settings.ANALYTICS_REFRESH_DEBOUNCE_S
    if cache.add(SCHEDULED_KEY, 1, timeout=delay * 10 + 60):
        refresh_pending_task.apply_async(countdown=delay)


def evidence_recorded(sender, cadre_ids=(), competency_ids=(), **kwargs) -> None:
    """competencies.signals.evidence_recorded (sent after the ledger's transaction commits)."""
    if not cadre_ids:
        return
    insert_rows(PendingRefresh, ["cadre_id"], [(int(i),) for i in cadre_ids], ignore_conflicts=True)
    if not _deferred.get():
        transaction.on_commit(schedule_refresh)
