"""Creating and advancing jobs. Tasks call these; views only read (see selectors)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import Job, JobStatus


def create_job(kind: str, owner: AbstractBaseUser | None, total: int = 0) -> Job:
    return Job.objects.create(kind=kind, owner=owner, total=total)


def report_progress(job_id: str, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress; a single UPDATE, cheap enough to call every few hundred items."""
    fields: dict[str, Any] = {
        "done": done,
        "status": JobStatus.RUNNING,
        "updated_at": timezone.now(),
    }
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


def finish_job(job_id: str, result: dict[str, Any] | None = None, message: str = "") -> None:
    job = Job.objects.get(pk=job_id)
    job.status = JobStatus.SUCCEEDED
    job.done = max(job.done, job.total)
    job.result = result or {}
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.save()


def fail_job(job_id: str, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now()
    )
