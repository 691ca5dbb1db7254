"""The admin's roster-import workflow: upload → preview (a dry run) → confirm (the import).

Each step that reads the file runs as a Celery task reporting progress on a job, so a 100,000-row
roster never ties up a web request. The caller (a view) dispatches the task after the
transaction that created the job commits; this module only changes rows and files.

Uploaded files are personal data: they are written with owner-only permissions to the private
directory, and deleted after a successful import or after ``SHUZHI_ROSTER_RETENTION_DAYS``.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jobs.models import Job, JobStatus
from jobs.services import create_job, finish_job, report_progress

from .models import RosterUpload
from .roster_import import RosterReport, RowError, import_roster

SUFFIXES = (".csv", ".xlsx")
# How many errors a job row carries for the page to show; the full list is in the report file.
ERRORS_ON_PAGE = 200


def upload_dir() -> Path:
    path = Path(settings.SHUZHI_PRIVATE_DIR) / "roster-uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def file_path(upload: RosterUpload) -> Path:
    return upload_dir() / upload.stored_name


def report_path(upload: RosterUpload) -> Path:
    return upload_dir() / f"{upload.id}.report.json"


def visible_uploads(viewer: AbstractBaseUser | AnonymousUser) -> QuerySet[RosterUpload]:
    """A roster upload is visible to whoever uploaded it (and to superusers)."""
    if not viewer.is_authenticated:
        return RosterUpload.objects.none()
    uploads = RosterUpload.objects.select_related("preview_job", "import_job", "owner")
    return uploads if viewer.is_superuser else uploads.filter(owner=viewer)


def store_upload(owner: AbstractBaseUser, uploaded: UploadedFile) -> RosterUpload:
    """Keep an uploaded roster privately; refuses other file types and oversized files."""
    name = Path(uploaded.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            _("Upload a .csv or .xlsx file (this one is “%(name)s”).") % {"name": name}
        )
    limit = settings.SHUZHI_ROSTER_MAX_UPLOAD_MB * 1024 * 1024
    if uploaded.size > limit:
        raise ValidationError(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.SHUZHI_ROSTER_MAX_UPLOAD_MB}
        )
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."))
    upload = RosterUpload(owner=owner, original_name=name[:255], size=uploaded.size)
    upload.stored_name = f"{upload.id}{suffix}"
    target = file_path(upload)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    upload.save()
    return upload


def start_preview(upload: RosterUpload) -> Job:
    job = create_job("roster-preview", upload.owner)
    upload.preview_job = job
    upload.save(update_fields=["preview_job"])
    return job


def can_confirm(upload: RosterUpload) -> bool:
    """Only a clean preview of a file still held, not yet imported, may be confirmed."""
    preview = upload.preview_job
    return bool(
        preview
        and preview.status == JobStatus.SUCCEEDED
        and preview.result.get("error_count") == 0
        and upload.import_job_id is None
        and upload.file_deleted_at is None
    )


def start_import(upload: RosterUpload) -> Job:
    if not can_confirm(upload):
        raise ValidationError(_("This file cannot be imported: check its preview first."))
    job = create_job("roster-import", upload.owner)
    upload.import_job = job
    upload.save(update_fields=["import_job"])
    return job


def run(job_id: str, upload_id: str, *, dry_run: bool, language: str) -> dict:
    """Preview or import one upload as its owner, reporting progress on the job.

    Safe to run twice (a redelivered task): a finished job is left as it is, and the import
    itself is an upsert that changes nothing the second time.
    """
    job = Job.objects.get(pk=job_id)
    if job.finished:
        return job.result
    upload = RosterUpload.objects.select_related("owner").get(pk=upload_id)
    with translation.override(language):
        if upload.file_deleted_at is not None:
            reason = _("The uploaded file is no longer kept; upload it again.")
            report = RosterReport(file=upload.original_name, dry_run=dry_run)
            report.errors.append(RowError(0, "", "file_gone", reason))
            summary = report.to_dict()
            finish_job(job_id, summary, message=reason)
            return summary
        report = import_roster(
            file_path(upload),
            dry_run=dry_run,
            actor=upload.owner,
            progress=lambda done, total: report_progress(job_id, done, total),
        )
        report_path(upload).write_text(
            json.dumps(report.to_dict(), ensure_ascii=False, default=str), encoding="utf-8"
        )
        if report.written:
            _delete_file(upload)
        summary = report.to_dict(max_errors=ERRORS_ON_PAGE)
        finish_job(job_id, summary, message=_summary(report))
    return summary


def _summary(report: RosterReport) -> str:
    if report.errors:
        return _("%(rows)d rows, %(errors)d problems: nothing imported.") % {
            "rows": report.rows,
            "errors": len(report.errors),
        }
    counts = {"created": report.created, "updated": report.updated, "same": report.unchanged}
    if report.dry_run:
        return _("Ready: %(created)d new, %(updated)d changed, %(same)d unchanged.") % counts
    return _("Imported: %(created)d new, %(updated)d changed, %(same)d unchanged.") % counts


def all_errors(upload: RosterUpload) -> list[dict]:
    """Every error of the upload's latest run, from its report file (the job holds only the
    first ERRORS_ON_PAGE)."""
    path = report_path(upload)
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8")).get("errors", [])


def _delete_file(upload: RosterUpload) -> None:
    file_path(upload).unlink(missing_ok=True)
    report_path(upload).unlink(missing_ok=True)
    upload.file_deleted_at = timezone.now()
    upload.save(update_fields=["file_deleted_at"])


def purge_stale_uploads(now=None) -> int:
    """Delete the files of uploads older than the retention period; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SHUZHI_ROSTER_RETENTION_DAYS)
    stale = RosterUpload.objects.filter(created_at__lt=cutoff, file_deleted_at__isnull=True)
    count = 0
    for upload in stale.iterator():
        _delete_file(upload)
        count += 1
    return count
