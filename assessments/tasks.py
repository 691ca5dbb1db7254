"""Background work: importing a confirmed question file, closing expired attempts,
calibrating a competency bank."""

from __future__ import annotations

from celery import shared_task

from jobs.services import fail_job, finish_job, report_progress

from .models import ImportStatus, QuestionImport


@shared_task(acks_late=True)
def import_question_file(import_id: int, job_id: str) -> dict:
    """Import a previewed file. Safe to retry: an import that already finished is not repeated,
    and an import writes all its items in one transaction or none."""
    from .imports import import_questions

    upload = QuestionImport.objects.select_related("created_by").get(pk=import_id)
    if upload.status == ImportStatus.IMPORTED:
        finish_job(job_id, upload.report, message="already imported")
        return upload.report
    report_progress(job_id, 0, total=1)
    try:
        with upload.file.open("rb") as fh:
            data = fh.read()
        result = import_questions(
            data,
            upload.format,
            bank_name=upload.bank_name,
            competency_code=upload.competency_code,
            user=upload.created_by,
            filename=upload.original_name,
        )
    except Exception as exc:
        QuestionImport.objects.filter(pk=import_id).update(status=ImportStatus.FAILED)
        fail_job(job_id, f"{type(exc).__name__}: {exc}")
        raise
    status = ImportStatus.IMPORTED if result.ok else ImportStatus.FAILED
    QuestionImport.objects.filter(pk=import_id).update(status=status, report=result.to_dict())
    finish_job(job_id, result.to_dict(), message=f"{result.imported} imported")
    return result.to_dict()


@shared_task(acks_late=True)
def close_expired_attempts() -> int:
    """Grade running attempts past their deadline (beat: every minute). Idempotent: an attempt
    is graded once whatever runs it first — this task, a late request or a second worker."""
    from .attempts import close_expired

    return close_expired()


@shared_task(acks_late=True)
def calibrate_competency_bank(run_id: int) -> str:
    """Calibrate one competency bank from its graded attempts into the reserved run (a new
    version); returns the run's status. Retrying a finished run changes nothing."""
    from .calibration_runs import run_calibration

    return run_calibration(run_id).status
