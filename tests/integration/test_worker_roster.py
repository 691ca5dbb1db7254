"""Roster imports run by a real Celery worker through Redis, writing to PostgreSQL: the task
directly, and the whole admin flow (upload → preview → confirm) as a user clicks through it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job, JobStatus
from people import roster_uploads
from people.models import Cadre, RosterUpload
from people.tasks import run_roster_upload
from tests.integration.conftest import wait_for

# serialized_rollback: the role groups' permissions come from data migrations, which the flush
# after each transactional test would otherwise wipe for the next one.
pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER = "工号,姓名,单位代码,岗位代码,职级,年龄段,入职日期"


def _roster(world, prefix: str, count: int, unit=None) -> bytes:
    unit_code = (unit or world.unit_a).code
    rows = [HEADER] + [
        f"{prefix}{i:04d},干部{i},{unit_code},TS-DATA-OFFICER,科员及以下,30–39岁,2020-01-01"
        for i in range(count)
    ]
    return "\n".join(rows).encode("utf-8")


@pytest.fixture
def uploads():
    """Remove the files the tests leave in the private directory."""
    yield
    for upload in RosterUpload.objects.all():
        roster_uploads.file_path(upload).unlink(missing_ok=True)
        roster_uploads.report_path(upload).unlink(missing_ok=True)


def _finished(job_id):
    return wait_for(lambda: Job.objects.get(pk=job_id).finished and Job.objects.get(pk=job_id))


def test_worker_imports_an_upload_and_reports_progress(world, celery_worker_process, uploads):
    upload = roster_uploads.store_upload(
        world.hr_a, SimpleUploadedFile("r.csv", _roster(world, "W", 2500))
    )
    preview = roster_uploads.start_preview(upload)

    result = run_roster_upload.delay(str(preview.id), str(upload.id), True, "en")

    job = _finished(preview.id)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["created"] == 2500 and job.result["error_count"] == 0
    assert job.total == 2500 and job.done == 2500
    assert result.get(timeout=10)["created"] == 2500
    assert not Cadre.objects.filter(employee_no__startswith="W").exists()

    upload.refresh_from_db()
    importing = roster_uploads.start_import(upload)
    run_roster_upload.delay(str(importing.id), str(upload.id), False, "en")
    job = _finished(importing.id)
    assert job.result["written"], job.result
    assert Cadre.objects.filter(employee_no__startswith="W").count() == 2500


def test_admin_flow_through_the_worker(world, celery_worker_process, uploads, client):
    client.force_login(world.hr_a)
    response = client.post(
        reverse("roster_import:upload"),
        {"file": SimpleUploadedFile("roster.csv", _roster(world, "ADM", 300))},
    )
    assert response.status_code == 302
    upload = RosterUpload.objects.get(owner=world.hr_a)
    _finished(upload.preview_job_id)
    page = client.get(response.url).content.decode()
    assert reverse("roster_import:confirm", args=[upload.pk]) in page

    client.post(reverse("roster_import:confirm", args=[upload.pk]))
    upload.refresh_from_db()
    job = _finished(upload.import_job_id)

    assert job.status == JobStatus.SUCCEEDED and job.result["created"] == 300
    assert Cadre.objects.filter(employee_no__startswith="ADM", unit=world.unit_a).count() == 300
    progress = client.get(reverse("jobs:status", args=[job.id])).json()
    assert progress["finished"] and progress["percent"] == 100


def test_out_of_scope_rows_are_refused_by_the_worker_too(world, celery_worker_process, uploads):
    content = (
        _roster(world, "X", 1) + b"\n" + _roster(world, "Y", 1, unit=world.unit_b).split(b"\n")[1]
    )
    upload = roster_uploads.store_upload(world.hr_a, SimpleUploadedFile("r.csv", content))
    job = roster_uploads.start_preview(upload)
    run_roster_upload.delay(str(job.id), str(upload.id), True, "zh-hans")
    job = _finished(job.id)
    assert [(e["row"], e["code"]) for e in job.result["errors"]] == [(3, "out_of_scope")]
    assert not roster_uploads.can_confirm(RosterUpload.objects.get(pk=upload.pk))
    assert not Cadre.objects.filter(employee_no__in=["X0000", "Y0000"]).exists()
