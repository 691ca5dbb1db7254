"""A cadre's certificates and downloads, HR's listing and cohort batches, through the scope."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

from certificates.batches import BATCH_KIND
from certificates.services import issue_for
from jobs.models import Job, JobStatus

from .conftest import level_achievement


def test_my_certificates_lists_and_downloads(client, world, certificate_a, certificate_b):
    client.force_login(world.cadre_a.user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate_a.serial in page
    assert certificate_b.serial not in page
    pdf = client.get(reverse("certificates:pdf", kwargs={"code": certificate_a.code}))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    credential = client.get(reverse("certificates:credential", kwargs={"code": certificate_a.code}))
    assert credential["Content-Type"] == "application/vc+jwt"
    assert credential.content.count(b".") == 2
    other = reverse("certificates:pdf", kwargs={"code": certificate_b.code})
    assert client.get(other).status_code == 404


def test_empty_list_explains(client, world):
    client.force_login(world.cadre_a.user)
    assert "还没有证书" in client.get(reverse("certificates:mine")).content.decode()


def test_hr_listing_is_scoped(client, world, certificate_a, certificate_b):
    client.force_login(world.hr_a)
    page = client.get(reverse("certificates:manage")).content.decode()
    assert certificate_a.serial in page and certificate_b.serial not in page
    found = client.get(reverse("certificates:manage"), {"q": certificate_a.serial}).content
    assert certificate_a.serial in found.decode()
    assert (
        client.get(reverse("certificates:pdf", kwargs={"code": certificate_b.code})).status_code
        == 404
    )


def test_batch_for_a_cohort_issues_renders_and_zips_within_scope(
    client, world, rules, django_capture_on_commit_callbacks
):
    _course_rule, level_rule = rules
    from certificates.services import record_achievement

    record_achievement(level_achievement(world.cadre_a))  # achieved before any certificate
    issue_for(level_achievement(world.cadre_b))
    client.force_login(world.hr_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates:batch"), {"rule": level_rule.pk})
    job = Job.objects.get(kind=BATCH_KIND)
    assert response["Location"].endswith(f"/manage/batch/{job.id}/")
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result["certificates"] == 1 and job.result["issued"] == 1
    status = client.get(response["Location"]).content.decode()
    assert "下载 ZIP" in status
    archive = client.get(reverse("certificates:batch_download", kwargs={"job_id": job.id}))
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len(names) == 1 and world.cadre_a.display_name in names[0]
    assert all(world.cadre_b.display_name not in n for n in names)
    client.force_login(world.cadre_a.user)  # nobody else may fetch HR's archive
    download = reverse("certificates:batch_download", kwargs={"job_id": job.id})
    assert client.get(download).status_code == 403
