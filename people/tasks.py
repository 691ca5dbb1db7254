"""Background work about people: large roster imports with a progress bar."""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model

from jobs.services import fail_job, finish_job, report_progress

from .services import import_roster


@shared_task(acks_late=True)
def import_roster_task(job_id: str, path: str, actor_id: int | None, dry_run: bool) -> dict:
    """Validate (dry run) or import a stored roster file, reporting progress on the job.

    Safe to retry: the import is an upsert by employee number inside one transaction.
    """
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        report = import_roster(
            Path(path),
            dry_run=dry_run,
            actor=actor,
            progress=lambda rows: report_progress(job_id, rows),
        )
    except Exception as exc:
        fail_job(job_id, f"{type(exc).__name__}: {exc}")
        raise
    finish_job(job_id, report.to_dict(), message=f"{report.rows} rows, {len(report.errors)} errors")
    return {"rows": report.rows, "errors": len(report.errors)}
