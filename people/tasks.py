"""Background work about people: roster previews and imports with a progress bar, and the
clean-up of uploaded roster files."""

from __future__ import annotations

from celery import shared_task

from jobs.services import fail_job

from . import roster_uploads


@shared_task(acks_late=True)
def run_roster_upload(job_id: str, upload_id: str, dry_run: bool, language: str) -> dict:
    """Preview (``dry_run``) or import an uploaded roster as its owner; progress on the job.

    Safe to retry: a finished job is not redone, and the import is an upsert by employee
    number inside one transaction. Returns the counts (the errors are on the job).
    """
    try:
        summary = roster_uploads.run(job_id, upload_id, dry_run=dry_run, language=language)
    except Exception as exc:
        fail_job(job_id, f"{type(exc).__name__}: {exc}")
        raise
    return {key: summary.get(key) for key in ("rows", "created", "updated", "error_count")}


@shared_task
def purge_roster_uploads() -> int:
    return roster_uploads.purge_stale_uploads()
