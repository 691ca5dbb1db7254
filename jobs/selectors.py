from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Job


def job_for(viewer: AbstractBaseUser | AnonymousUser, job_id: str) -> Job | None:
    """A job is visible to whoever started it (and to superusers)."""
    if not viewer.is_authenticated:
        return None
    jobs = Job.objects.all() if viewer.is_superuser else Job.objects.filter(owner=viewer)
    return jobs.filter(pk=job_id).first()
