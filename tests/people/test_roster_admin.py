"""Roster import in the Wagtail admin: upload → preview → confirm, with the job progress page,
the error table, private storage of the file, and who may do it."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs.models import JobStatus
from people import roster_uploads
from people.models import Cadre, RosterUpload

from .conftest import csv_bytes, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.SHUZHI_PRIVATE_DIR = tmp_path / "private"
    return settings.SHUZHI_PRIVATE_DIR


@pytest.fixture
def upload(client, django_capture_on_commit_callbacks):
    """Post a roster to the admin as ``user``; returns the response after following redirects."""

    def _upload(user, rows, name="roster.csv", encoding="utf-8"):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("roster_import:upload"),
                {"file": SimpleUploadedFile(name, csv_bytes(rows, encoding))},
            )
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response.url)

    return _upload


def _confirm(client, upload_obj, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roster_import:confirm", args=[upload_obj.pk]))
    return client.get(response.url) if response.status_code == 302 else response


def test_upload_preview_confirm(world, client, upload, django_capture_on_commit_callbacks):
    rows = [person(world, "AD001", "预览甲"), person(world, "AD002", "预览乙")]

    response = upload(world.admin, rows)

    assert response.status_code == 200
    stored = RosterUpload.objects.get()
    assert response.request["PATH_INFO"] == reverse("roster_import:detail", args=[stored.pk])
    assert stored.preview_job.status == JobStatus.SUCCEEDED
    assert stored.preview_job.result["created"] == 2
    page = response.content.decode()
    assert reverse("roster_import:confirm", args=[stored.pk]) in page
    assert not Cadre.objects.filter(employee_no__startswith="AD").exists()  # preview only

    response = _confirm(client, stored, django_capture_on_commit_callbacks)

    stored.refresh_from_db()
    assert stored.import_job.status == JobStatus.SUCCEEDED and stored.import_job.result["written"]
    assert set(
        Cadre.objects.filter(employee_no__startswith="AD").values_list("display_name", flat=True)
    ) == {"预览甲", "预览乙"}
    assert reverse("roster_import:confirm", args=[stored.pk]) not in response.content.decode()
    # The file held personal data: once imported it is gone; the record stays.
    assert stored.file_deleted_at is not None
    assert not roster_uploads.file_path(stored).exists()


def test_preview_with_problems_shows_the_table_and_cannot_be_confirmed(
    world, client, upload, django_capture_on_commit_callbacks
):
    rows = [person(world, "PE001"), person(world, "PE002", unit_code="NO-SUCH-UNIT")]

    response = upload(world.admin, rows)

    page = response.content.decode()
    assert "NO-SUCH-UNIT" in page and "unknown_unit" in page and "单位代码" in page
    stored = RosterUpload.objects.get()
    assert reverse("roster_import:confirm", args=[stored.pk]) not in page
    _confirm(client, stored, django_capture_on_commit_callbacks)
    stored.refresh_from_db()
    assert stored.import_job is None
    assert not Cadre.objects.filter(employee_no__startswith="PE").exists()


def test_every_error_is_downloadable(world, client, upload):
    rows = [
        person(world, f"MANY{i:04d}", unit_code="NOPE")
        for i in range(roster_uploads.ERRORS_ON_PAGE + 50)
    ]
    upload(world.admin, rows)
    stored = RosterUpload.objects.get()
    assert len(stored.preview_job.result["errors"]) == roster_uploads.ERRORS_ON_PAGE

    response = client.get(reverse("roster_import:errors", args=[stored.pk, "csv"]))

    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 1 + roster_uploads.ERRORS_ON_PAGE + 50
    assert "unknown_unit" in lines[-1]


def test_hr_import_outside_scope_is_refused(
    world, client, upload, django_capture_on_commit_callbacks
):
    response = upload(world.hr_a, [person(world, "HRB01", unit=world.unit_b)])

    assert "out_of_scope" in response.content.decode()
    stored = RosterUpload.objects.get()
    _confirm(client, stored, django_capture_on_commit_callbacks)
    assert not Cadre.objects.filter(employee_no="HRB01").exists()


def test_hr_imports_into_own_unit(world, client, upload, django_capture_on_commit_callbacks):
    upload(world.hr_a, [person(world, "HRA01")])
    _confirm(client, RosterUpload.objects.get(), django_capture_on_commit_callbacks)
    assert Cadre.objects.get(employee_no="HRA01").unit == world.unit_a


def test_gbk_upload(world, upload):
    response = upload(world.admin, [person(world, "GBK01", "欧阳")], encoding="gbk")
    assert RosterUpload.objects.get().preview_job.result["encoding"] == "gb18030"
    assert response.status_code == 200


def test_upload_is_stored_privately(world, upload, private_dir):
    upload(world.admin, [person(world, "PRV01")])
    stored = RosterUpload.objects.get()
    path = roster_uploads.file_path(stored)
    assert path.is_relative_to(private_dir)
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_other_file_types_are_refused(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("roster_import:upload"),
        {"file": SimpleUploadedFile("roster.pdf", b"%PDF-1.4")},
    )
    assert response.status_code == 200
    assert ".csv" in response.content.decode()
    assert not RosterUpload.objects.exists()


def test_someone_elses_upload_is_not_found(world, upload, client):
    upload(world.admin, [person(world, "OTH01")])
    stored = RosterUpload.objects.get()
    client.force_login(world.hr_a)
    assert client.get(reverse("roster_import:detail", args=[stored.pk])).status_code == 404
    assert client.get(reverse("roster_import:errors", args=[stored.pk, "csv"])).status_code == 404
    assert client.post(reverse("roster_import:confirm", args=[stored.pk])).status_code == 404
    stored.refresh_from_db()
    assert stored.import_job is None


def test_menu_item_only_for_users_who_may_import(world, client):
    url = reverse("roster_import:upload")
    client.force_login(world.hr_a)
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(world.trainer)
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_stale_upload_files_are_purged(world, upload):
    upload(world.admin, [person(world, "OLD01")])
    stored = RosterUpload.objects.get()
    assert roster_uploads.file_path(stored).exists()

    assert roster_uploads.purge_stale_uploads(now=timezone.now() + timedelta(days=1)) == 0
    later = timezone.now() + timedelta(days=settings.SHUZHI_ROSTER_RETENTION_DAYS + 1)
    assert roster_uploads.purge_stale_uploads(now=later) == 1

    stored.refresh_from_db()
    assert stored.file_deleted_at and not roster_uploads.file_path(stored).exists()
    assert not roster_uploads.can_confirm(stored)
